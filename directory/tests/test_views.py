import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory.models import ActorRelation
from directory.tests.factories import ActorFactory, PlaceFactory, ThemeFactory
from maillage.testing import assert_queries_do_not_grow
from territory.models import Commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def schaerbeek(territory):
    return Commune.objects.get(slug="schaerbeek")


def actor_in(commune, **kwargs):
    return ActorFactory(commune=commune, places=[PlaceFactory(commune=commune, lat=50.867, lon=4.38)], **kwargs)


def test_directory_filters_by_commune_and_theme(client, schaerbeek):
    food = ThemeFactory(slug="food", name_fr="Alimentation")
    actor_in(schaerbeek, name_fr="Épicerie solidaire", themes=[food])
    actor_in(schaerbeek, name_fr="Club de lecture")
    actor_in(Commune.objects.get(slug="ixelles"), name_fr="Resto du cœur", themes=[food])
    page = client.get("/fr/directory/?commune=schaerbeek&theme=food").content.decode()
    assert "Épicerie solidaire" in page
    assert "Club de lecture" not in page and "Resto du cœur" not in page
    assert "1 acteur" in page or "1 actor" in page
    # The facet offers Ixelles with the count choosing it would add.
    assert 'value="ixelles"' in page


def test_directory_declares_and_links_its_open_formats_with_the_filters(client, schaerbeek):
    actor_in(schaerbeek)
    page = client.get("/fr/directory/?commune=schaerbeek").content.decode()
    assert (
        '<link rel="alternate" type="application/geo+json" title="GeoJSON" href="/fr/open-data/actors.geojson?commune=schaerbeek">'
        in page
    )
    assert (
        '<link rel="alternate" type="text/csv" title="CSV" href="/fr/open-data/actors.csv?commune=schaerbeek">' in page
    )
    assert 'href="/fr/open-data/actors.csv?commune=schaerbeek" type="text/csv"' in page


def test_unknown_filters_and_pages_give_a_notice_and_never_echo_markup(client, schaerbeek):
    actor_in(schaerbeek)
    response = client.get("/fr/directory/", {"commune": "<script>alert(1)</script>", "page": "x<b>"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert 'class="notices"' in page


def test_a_page_past_the_end_shows_the_last_page_with_a_notice(client, schaerbeek):
    actor_in(schaerbeek, name_fr="Seul")
    page = client.get("/fr/directory/?page=99").content.decode()
    assert "Seul" in page and 'class="notices"' in page


def test_actor_page_shows_relations_from_both_sides_and_json_ld(client, schaerbeek):
    federation = actor_in(schaerbeek, name_fr="Fédération des maisons médicales", kind="federation")
    member = actor_in(schaerbeek, name_fr="Maison médicale du Nord")
    ActorRelation.objects.create(source=member, target=federation, kind="member_of")
    member_page = client.get(member.get_absolute_url()).content.decode()
    federation_page = client.get(federation.get_absolute_url()).content.decode()
    assert "Fédération des maisons médicales" in member_page
    assert "Maison médicale du Nord" in federation_page
    assert '"@type": "Organization"' in member_page and '"name": "Maison médicale du Nord"' in member_page


def test_a_missing_translation_falls_back_and_says_so(client, schaerbeek):
    actor = actor_in(schaerbeek, name_fr="Maison de quartier", description_fr="Un lieu ouvert.")
    page = client.get(f"/nl{actor.get_absolute_url()[3:]}").content.decode()
    assert 'lang="fr">Maison de quartier' in page
    assert 'class="fallback-note"' in page


def test_unknown_actor_is_a_translated_404(client, territory):
    response = client.get("/nl/directory/does-not-exist/")
    assert response.status_code == 404
    assert '<html lang="nl">' in response.content.decode()


def test_the_old_addresses_of_the_exports_lead_to_the_open_data_ones(client, schaerbeek):
    for old, new in (
        ("/fr/directory/actors.csv?commune=schaerbeek", "/fr/open-data/actors.csv?commune=schaerbeek"),
        ("/nl/directory/actors.geojson?theme=x", "/nl/open-data/actors.geojson?theme=x"),
    ):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new)


def test_map_data_has_one_point_per_located_actor(client, schaerbeek):
    actor_in(schaerbeek, name_fr="Avec lieu", name_nl="Met plaats")
    ActorFactory(commune=None, name_fr="Sans lieu")
    data = json.loads(client.get("/nl/map/points.json").content)
    assert data["fields"] == ["lat", "lon", "slug", "name", "kind", "approximate", "synthetic"]
    assert [p[3] for p in data["points"]] == ["Met plaats"]


def test_map_page_keeps_the_filters_for_its_data(client, schaerbeek):
    page = client.get("/fr/map/?commune=schaerbeek").content.decode()
    assert 'data-points="/fr/map/points.json?commune=schaerbeek"' in page


@pytest.mark.parametrize(
    "url",
    [
        "/fr/directory/",
        "/fr/directory/?commune=schaerbeek",
        "/fr/map/",
        "/fr/map/points.json",
        "/fr/open-data/actors.csv",
    ],
)
def test_directory_pages_make_the_same_number_of_queries_for_1_and_3_actors(client, schaerbeek, url):
    theme = ThemeFactory()
    assert_queries_do_not_grow(client, url, lambda: actor_in(schaerbeek, themes=[theme]))


@pytest.mark.parametrize(
    "url", ["/fr/directory/", "/fr/directory/?commune=schaerbeek", "/fr/map/", "/fr/map/points.json"]
)
def test_directory_pages_read_the_data_version_once(client, schaerbeek, url):
    actor_in(schaerbeek)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert sum("maillage_dataversion" in q["sql"] for q in queries.captured_queries) == 1


def test_actor_page_queries_do_not_grow_with_relations(client, schaerbeek):
    actor = actor_in(schaerbeek)
    url = reverse("directory:actor", args=[actor.slug])
    assert_queries_do_not_grow(
        client, url, lambda: ActorRelation.objects.create(source=actor_in(schaerbeek), target=actor, kind="member_of")
    )
