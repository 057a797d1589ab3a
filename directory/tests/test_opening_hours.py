"""Opening hours of actors: a free text in each language, shown, exported and versioned."""

import json
import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from directory import services
from directory.tests.factories import ActorFactory, PlaceFactory
from territory.models import Commune

pytestmark = pytest.mark.django_db

FR = "Lundi–vendredi 9 h–17 h"
NL = "Maandag–vrijdag 9–17 u"


@pytest.fixture
def schaerbeek(territory):
    return Commune.objects.get(slug="schaerbeek")


def actor_in(commune, **kwargs):
    return ActorFactory(commune=commune, places=[PlaceFactory(commune=commune, lat=50.867, lon=4.38)], **kwargs)


def _contact_card(page):
    return page.split('class="contact-card"', 1)[1].split("</aside>", 1)[0]


def test_the_actor_page_shows_the_opening_hours_of_its_language_in_the_contact_card(client, schaerbeek):
    actor = actor_in(schaerbeek, name_fr="Épicerie", opening_hours_fr=FR, opening_hours_nl=NL)
    path = actor.get_absolute_url()[3:]  # without the language prefix
    with translation.override("fr"):
        label = gettext("Opening hours")
    fr_card = _contact_card(client.get(f"/fr{path}").content.decode())
    assert f"<dt>{label}</dt>" in fr_card and f'<span lang="fr">{FR}</span>' in fr_card and NL not in fr_card
    nl_card = _contact_card(client.get(f"/nl{path}").content.decode())
    assert f'<span lang="nl">{NL}</span>' in nl_card and FR not in nl_card
    # No English text: the first language that has one, marked as such.
    en_card = _contact_card(client.get(f"/en{path}").content.decode())
    assert f'<span lang="fr">{FR}</span>' in en_card
    assert 'class="fallback-note"' in en_card.split("opening-hours", 1)[1].split("</dd>", 1)[0]


def test_no_opening_hours_no_line(client, schaerbeek):
    actor = actor_in(schaerbeek)
    page = client.get(f"/en{actor.get_absolute_url()[3:]}").content.decode()
    assert "Opening hours" not in page and "opening-hours" not in page


def test_opening_hours_are_escaped(client, schaerbeek):
    actor = actor_in(schaerbeek, opening_hours_fr="<b>9 h</b> & 17 h")
    page = client.get(actor.get_absolute_url()).content.decode()
    assert "&lt;b&gt;9 h&lt;/b&gt; &amp; 17 h" in page and "<b>9 h</b>" not in page


def test_json_ld_never_has_opening_hours_from_a_free_text(client, schaerbeek):
    """schema.org openingHours wants "Mo-Fr 09:00-17:00": a free text would be invalid there."""
    actor = actor_in(schaerbeek, opening_hours_fr=FR)
    page = client.get(actor.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "Organization" and "openingHours" not in json.dumps(data)


def test_history_keeps_the_opening_hours_in_every_language(schaerbeek):
    actor = actor_in(schaerbeek, opening_hours_fr=FR)
    actor.opening_hours_fr, actor.opening_hours_nl = "Mardi 14 h–18 h", "Dinsdag 14–18 u"
    services.save_actor(actor)
    versions = list(actor.history.order_by("history_date"))
    assert (versions[-1].opening_hours_fr, versions[-1].opening_hours_nl) == ("Mardi 14 h–18 h", "Dinsdag 14–18 u")
    assert any(v.opening_hours_fr == FR for v in versions[:-1])
