import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agenda.tests.factories import EventFactory
from directory.tests.factories import ActorFactory, PlaceFactory, ThemeFactory
from maillage.testing import assert_queries_do_not_grow
from territory.models import Commune

pytestmark = pytest.mark.django_db


def test_root_redirects_to_a_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 302 and response["Location"] == "/nl/"


def test_home_counts_actors_by_commune_and_theme_and_lists_what_comes(client, territory):
    schaerbeek = Commune.objects.get(slug="schaerbeek")
    theme = ThemeFactory(name_fr="Logement")
    ActorFactory(commune=schaerbeek, themes=[theme])
    ActorFactory(commune=schaerbeek, status="closed", themes=[theme])
    EventFactory(title_fr="Assemblée de quartier")
    page = client.get("/fr/").content.decode()
    assert '?commune=schaerbeek">Schaerbeek</a> <span class="count">1</span>' in page
    assert 'Logement</a> <span class="count">1</span>' in page
    assert "Assemblée de quartier" in page


def test_pages_say_their_language_and_offer_the_same_page_in_the_others(client, territory):
    actor = ActorFactory(places=[PlaceFactory()])
    page = client.get(f"/nl/directory/{actor.slug}/?x=1").content.decode()
    assert '<html lang="nl">' in page
    assert f'href="/fr/directory/{actor.slug}/?x=1" hreflang="fr"' in page
    assert f'href="/en/directory/{actor.slug}/?x=1" hreflang="en"' in page


def test_every_page_carries_a_strict_content_security_policy(client, territory):
    policy = client.get("/fr/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_unknown_pages_are_a_translated_404(client, territory):
    response = client.get("/en/nowhere/")
    assert response.status_code == 404 and '<html lang="en">' in response.content.decode()


def test_home_queries_do_not_grow(client, territory):
    assert_queries_do_not_grow(client, "/fr/", lambda: (ActorFactory(), EventFactory()))


def test_home_reads_the_data_version_once(client, territory):
    ActorFactory()
    client.get("/fr/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/fr/").status_code == 200
    assert sum("maillage_dataversion" in q["sql"] for q in queries.captured_queries) == 1


def test_home_reads_the_coming_events_in_one_query(client, territory, rendered):
    EventFactory(title_fr="Assemblée de quartier")
    client.get("/fr/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/fr/").content.decode()
    assert "Assemblée de quartier" in page
    assert sum('"agenda_occurrence"' in q["sql"] for q in queries.captured_queries) == 1


def test_health_check_answers(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
