"""Opening hours go through proposals like the phone: proposed, shown at review, applied, changed."""

import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.html import escape

from accounts.models import MODERATORS_GROUP, Editorship
from directory.models import Actor
from directory.tests.factories import ActorFactory
from proposals import entries
from proposals.models import Proposal

pytestmark = pytest.mark.django_db
User = get_user_model()

FR = "Lundi–vendredi 9 h–17 h"
NL = "Maandag–vrijdag 9–17 u"


@pytest.fixture
def moderator():
    user = User.objects.create_user("mod", "mod@example.org", "pw-moderator-1")
    user.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    return user


@pytest.fixture
def editor(client):
    user = User.objects.create_user("ann", "ann@example.org", "pw-contrib-1")
    actor = ActorFactory(name_fr="Repair Café", phone="02 111 11 11", opening_hours_fr=FR)
    Editorship.objects.create(user=user, actor=actor, via=Editorship.Via.ADMIN)
    client.force_login(user)
    return actor


def _new_actor(**extra):
    return {
        "submission": str(uuid.uuid4()),
        "kind": "association",
        "name_fr": "Épicerie solidaire",
        "status": "active",
        "proposer_email": "visitor@example.org",
        "accept_charter": "on",
        "nickname": "",
        "send": "1",
        **extra,
    }


def test_the_actor_form_asks_the_opening_hours_in_each_language_after_the_phone(client, taxonomy):
    form = client.get(reverse("proposals:new", args=["actor"])).content.decode()
    names = ["phone", *(f"opening_hours_{lang}" for lang in entries.LANGS)]
    positions = [form.index(f'name="{name}"') for name in names]
    assert positions == sorted(positions)
    for lang in entries.LANGS:
        tag = re.search(rf'<input[^>]*name="opening_hours_{lang}"[^>]*>', form).group(0)
        assert 'maxlength="300"' in tag and "required" not in tag


def test_proposed_opening_hours_are_shown_at_review_and_applied(client, territory, taxonomy, moderator):
    user = User.objects.create_user("v", "v@example.org", "pw-v-123456")
    client.force_login(user)
    response = client.post(
        reverse("proposals:new", args=["actor"]), _new_actor(opening_hours_fr=f"  {FR} ", opening_hours_nl=NL)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    proposal = Proposal.objects.get()
    assert proposal.data["opening_hours_fr"] == FR  # stripped
    assert proposal.data["opening_hours_nl"] == NL and proposal.data["opening_hours_en"] == ""

    client.force_login(moderator)
    review = client.get(reverse("proposals:review", args=[proposal.pk])).content.decode()
    assert escape(FR) in review and escape(NL) in review
    client.post(reverse("proposals:review", args=[proposal.pk]), {"action": "approve"})
    actor = Actor.objects.get(name_fr="Épicerie solidaire")
    assert (actor.opening_hours_fr, actor.opening_hours_nl, actor.opening_hours_en) == (FR, NL, "")


def test_an_editor_sees_and_changes_the_opening_hours_alone(client, taxonomy, editor):
    url = reverse("proposals:change", args=["actor", editor.slug])
    form = client.get(url).content.decode()
    assert f'value="{escape(FR)}"' in form
    data = {
        "submission": str(uuid.uuid4()),
        "kind": editor.kind,
        "name_fr": editor.name_fr,
        "description_fr": editor.description_fr,
        "phone": editor.phone,
        "opening_hours_fr": "Mardi 14 h–18 h",
        "opening_hours_nl": "Dinsdag 14–18 u",
        "status": "active",
        "accept_charter": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == editor.get_absolute_url()
    proposal = Proposal.objects.get()
    assert set(entries.changed_fields(proposal.data, proposal.base)) == {"opening_hours_fr", "opening_hours_nl"}
    editor.refresh_from_db()
    assert (editor.opening_hours_fr, editor.opening_hours_nl) == ("Mardi 14 h–18 h", "Dinsdag 14–18 u")
    assert editor.phone == "02 111 11 11"
    assert editor.history.first().opening_hours_nl == "Dinsdag 14–18 u"


def test_too_long_opening_hours_are_a_form_error_and_change_nothing(client, taxonomy, editor):
    url = reverse("proposals:change", args=["actor", editor.slug])
    too_long = "Lundi 9 h–17 h, " * 20
    data = {
        "submission": str(uuid.uuid4()),
        "kind": editor.kind,
        "name_fr": editor.name_fr,
        "opening_hours_nl": too_long,
        "status": "active",
        "accept_charter": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].has_error("opening_hours_nl")
    assert escape(too_long.strip()) in response.content.decode()  # what was typed is shown again
    assert not Proposal.objects.exists()
    editor.refresh_from_db()
    assert (editor.opening_hours_fr, editor.opening_hours_nl or "") == (FR, "")


def test_snapshot_holds_the_opening_hours(editor):
    values = entries.snapshot(editor)
    assert (values["opening_hours_fr"], values["opening_hours_nl"], values["opening_hours_en"]) == (FR, "", "")
