import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import Actor
from directory.tests.factories import ActorFactory, LanguageFactory, PlaceFactory, ThemeFactory
from maillage.testing import assert_queries_do_not_grow
from opendata import hsds
from territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

LIST_SCHEMAS = {
    "organizations": "compiled/organization_list.json",
    "services": "compiled/service_list.json",
    "service_at_locations": "compiled/service_at_location_list.json",
    "taxonomies": "taxonomy.json",
    "taxonomy_terms": "taxonomy_term.json",
}
DETAIL_SCHEMAS = {
    "organizations": ("organization", "compiled/organization.json"),
    "services": ("service", "compiled/service.json"),
    "service_at_locations": ("service_at_location", "service_at_location.json"),
    "taxonomies": ("taxonomy", "taxonomy.json"),
    "taxonomy_terms": ("taxonomy_term", "taxonomy_term.json"),
}


@pytest.fixture
def dataset():
    commune = CommuneFactory()
    parent = ThemeFactory(slug="housing", name_fr="Logement", name_nl="Huisvesting", name_en="Housing")
    child = ThemeFactory(slug="squats", name_fr="Occupations", name_nl="Bezettingen", parent=parent)
    french = LanguageFactory(code="fr", name_fr="français")
    with_coordinates = PlaceFactory(commune=commune, name_fr="Maison", street="Rue Haute 1", postcode="1000")
    without_coordinates = PlaceFactory(commune=commune, name_fr="", street="Rue Basse 2", lat=None, lon=None)
    approximate = PlaceFactory(commune=commune, name_fr="", street="", lat=50.8, lon=4.3, approximate=True)
    full = ActorFactory(
        name_fr="Habitat et Participation",
        name_nl="Wonen en Participatie",
        acronym="H&P",
        description_fr="<p>Un <strong>réseau</strong> &amp; des ateliers.</p>",
        email="info@hep.be",
        phone="+32 2 123 45 67",
        website="https://hep.example.org",
        company_number="0203071973",
        contact_name="Anne Martin",
        contact_email="anne@hep.be",
        contact_phone="+32 470 00 00 00",
        contact_consent=True,
        last_verified=dt.date(2024, 5, 1),
        commune=commune,
        themes=[parent, child],
        languages=[french],
        places=[with_coordinates, without_coordinates, approximate],
    )
    bare = ActorFactory(
        name_fr="Collectif sans lieu",
        description_fr="",
        status=Actor.Status.DORMANT,
        contact_name="Secret Person",
        contact_email="secret@example.org",
        contact_consent=False,
        commune=None,
    )
    archived = ActorFactory(name_fr="Ancienne asbl", places=[PlaceFactory(commune=commune)], themes=[parent])
    Actor.all_objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    return {"full": full, "bare": bare, "archived": archived, "parent": parent, "child": child}


def get_json(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_index_gives_the_version_and_links(client, db):
    data = get_json(client, reverse("hsds:index"))
    assert data["version"] == "3.0"
    assert data["links"]["organizations"].endswith("/api/hsds/organizations")
    assert reverse("hsds:index") == "/api/hsds/"


def test_every_object_of_every_endpoint_validates(client, dataset, schemas):
    for endpoint, list_schema in LIST_SCHEMAS.items():
        page = get_json(client, reverse(f"hsds:{endpoint}"))
        schemas.validate_page(page)
        assert page["contents"], endpoint
        detail_name, detail_schema = DETAIL_SCHEMAS[endpoint]
        for item in page["contents"]:
            schemas.validate(list_schema, item)
            detail = get_json(client, reverse(f"hsds:{detail_name}", args=[item["id"]]))
            schemas.validate(detail_schema, detail)
            assert detail["id"] == item["id"]
    # Fully nested lists are valid as the detail schemas.
    for endpoint, schema in (("organizations", "compiled/organization.json"), ("services", "compiled/service.json")):
        page = get_json(client, reverse(f"hsds:{endpoint}") + "?full=true")
        for item in page["contents"]:
            schemas.validate(schema, item)
    page = get_json(client, reverse("hsds:service_at_locations") + "?full=true")
    for item in page["contents"]:
        schemas.validate("service_at_location.json", item)


def test_organization_maps_the_actor(client, dataset):
    actor = dataset["full"]
    org_id = hsds.organization_id(actor.pk)
    assert org_id == str(uuid.uuid5(hsds.NAMESPACE, f"organization:{actor.pk}"))
    data = get_json(client, reverse("hsds:organization", args=[org_id]))
    assert data["name"] == "Habitat et Participation"
    assert data["alternate_name"] == "H&P"
    assert data["description"] == "Un réseau & des ateliers."  # plain text
    assert data["email"] == "info@hep.be"
    assert data["website"] == "https://hep.example.org"
    assert data["phones"][0]["number"] == "+32 2 123 45 67"
    [identifier] = data["organization_identifiers"]
    assert identifier["identifier_scheme"] == "BE-BCE_KBO"
    assert identifier["identifier"] == "0203.071.973"
    assert data["contacts"][0]["name"] == "Anne Martin"
    assert len(data["locations"]) == 3
    located = [loc for loc in data["locations"] if "latitude" in loc]
    assert [(loc["latitude"], loc["longitude"]) for loc in located] == [(50.85, 4.35)]
    assert data["locations"][0]["addresses"][0]["address_1"] == "Rue Haute 1"
    assert data["locations"][0]["addresses"][0]["country"] == "BE"
    assert data["services"][0]["id"] == hsds.service_id(actor.pk)


def test_service_has_themes_languages_and_physical_places(client, dataset):
    actor = dataset["full"]
    data = get_json(client, reverse("hsds:service", args=[hsds.service_id(actor.pk)]))
    assert data["status"] == "active"
    assert {a["taxonomy_term"]["code"] for a in data["attributes"]} == {"housing", "squats"}
    assert {a["taxonomy_term_id"] for a in data["attributes"]} == {hsds.term_id("housing"), hsds.term_id("squats")}
    assert [lang["code"] for lang in data["languages"]] == ["fr"]
    # Two physical places; the approximate one (only the commune) is no service location.
    assert len(data["service_at_locations"]) == 2
    assert data["organization"]["id"] == hsds.organization_id(actor.pk)
    bare = get_json(client, reverse("hsds:service", args=[hsds.service_id(dataset["bare"].pk)]))
    assert bare["status"] == "inactive"
    assert bare["contacts"] == []  # no consent, no contact person
    assert "Secret" not in str(bare)


def test_service_at_locations_link_each_physical_place(client, dataset):
    page = get_json(client, reverse("hsds:service_at_locations"))
    assert page["total_items"] == 2
    assert {item["service_id"] for item in page["contents"]} == {hsds.service_id(dataset["full"].pk)}
    item = page["contents"][0]
    detail = get_json(client, reverse("hsds:service_at_location", args=[item["id"]]))
    assert detail["location"]["id"] == item["location_id"]
    assert detail["service"]["id"] == item["service_id"]


def test_archived_actors_are_absent(client, dataset):
    archived = dataset["archived"]
    names = {o["name"] for o in get_json(client, reverse("hsds:organizations"))["contents"]}
    assert names == {"Habitat et Participation", "Collectif sans lieu"}
    for name, make_id in (("organization", hsds.organization_id), ("service", hsds.service_id)):
        response = client.get(reverse(f"hsds:{name}", args=[make_id(archived.pk)]))
        assert response.status_code == 404
        assert "error" in response.json()
    locations = get_json(client, reverse("hsds:service_at_locations"))["contents"]
    assert hsds.service_id(archived.pk) not in {x["service_id"] for x in locations}


def test_unknown_and_malformed_ids_are_404(client, dataset):
    for name in ("organization", "service", "service_at_location", "taxonomy", "taxonomy_term"):
        assert client.get(reverse(f"hsds:{name}", args=[str(uuid.uuid4())])).status_code == 404
        assert client.get(reverse(f"hsds:{name}", args=["not-a-uuid"])).status_code == 404


def test_paging(client, db):
    for _ in range(5):
        ActorFactory()
    url = reverse("hsds:organizations")
    first = get_json(client, url + "?per_page=2")
    assert (first["total_items"], first["total_pages"], first["page_number"], first["size"]) == (5, 3, 1, 2)
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    last = get_json(client, url + "?per_page=2&page=3")
    assert (last["size"], last["last_page"], last["first_page"]) == (1, True, False)
    beyond = get_json(client, url + "?per_page=2&page=9")
    assert beyond["empty"] and beyond["contents"] == []
    ids = [o["id"] for p in (1, 2, 3) for o in get_json(client, url + f"?per_page=2&page={p}")["contents"]]
    assert len(set(ids)) == 5  # stable order: every organization once
    default = get_json(client, url)
    assert default["size"] == 5 and default["total_pages"] == 1 and default["last_page"]


@pytest.mark.parametrize("query", ["per_page=0", "per_page=abc", "page=0", "per_page=100000", "modified_after=x"])
def test_bad_parameters_are_400(client, db, query):
    response = client.get(reverse("hsds:services") + "?" + query)
    assert response.status_code == 400
    assert response.json()["error"]


def test_filters(client, dataset):
    url = reverse("hsds:services")
    full = dataset["full"]
    by_term = get_json(client, url + f"?taxonomy_term_id={hsds.term_id('squats')}")["contents"]
    assert [s["id"] for s in by_term] == [hsds.service_id(full.pk)]
    by_org = get_json(client, url + f"?organization_id={hsds.organization_id(dataset['bare'].pk)}")["contents"]
    assert [s["name"] for s in by_org] == ["Collectif sans lieu"]
    assert get_json(client, url + f"?organization_id={uuid.uuid4()}")["total_items"] == 0
    tomorrow = (timezone.now() + dt.timedelta(days=1)).date().isoformat()
    assert get_json(client, url + f"?modified_after={tomorrow}")["total_items"] == 0
    assert get_json(client, url + "?modified_after=2000-01-01T00:00:00Z")["total_items"] == 2
    terms = get_json(client, reverse("hsds:taxonomy_terms") + "?top_only=true")["contents"]
    assert [t["code"] for t in terms] == ["housing"]
    children = get_json(client, reverse("hsds:taxonomy_terms") + f"?parent_id={hsds.term_id('housing')}")
    assert [t["code"] for t in children["contents"]] == ["squats"]


def test_search(client, dataset):
    from directory import services as directory_services

    for actor in (dataset["full"], dataset["bare"]):
        directory_services.save_actor(actor)
    found = get_json(client, reverse("hsds:organizations") + "?search=participation")
    assert [o["name"] for o in found["contents"]] == ["Habitat et Participation"]
    assert get_json(client, reverse("hsds:organizations") + "?search=zzzzqqq")["total_items"] == 0


def test_taxonomy_terms_in_the_asked_language(client, dataset):
    url = reverse("hsds:taxonomy_terms")
    dutch = get_json(client, url + "?lang=nl")
    assert {t["name"] for t in dutch["contents"]} == {"Huisvesting", "Bezettingen"}
    assert {t["language"] for t in dutch["contents"]} == {"nl"}
    child = next(t for t in dutch["contents"] if t["code"] == "squats")
    assert child["parent_id"] == hsds.term_id("housing")
    assert child["taxonomy_id"] == hsds.TAXONOMY_ID
    by_header = get_json(client, url, HTTP_ACCEPT_LANGUAGE="nl")
    assert {t["name"] for t in by_header["contents"]} == {"Huisvesting", "Bezettingen"}
    english = get_json(client, url + "?lang=en")
    # No English name for the sub-theme: the French one stands in.
    assert {t["name"] for t in english["contents"]} == {"Housing", "Occupations"}
    response = client.get(url + "?lang=nl")
    assert response["Content-Language"] == "nl"
    assert "Accept-Language" in response["Vary"]


def test_organization_names_follow_the_language(client, dataset):
    org_id = hsds.organization_id(dataset["full"].pk)
    assert get_json(client, reverse("hsds:organization", args=[org_id]) + "?lang=nl")["name"] == "Wonen en Participatie"


def test_taxonomies(client, db):
    page = get_json(client, reverse("hsds:taxonomies"))
    assert [t["name"] for t in page["contents"]] == ["maillage-themes"]
    assert page["total_items"] == 1


@pytest.mark.parametrize(
    "name,query",
    [
        ("organizations", ""),
        ("organizations", "?full=true"),
        ("services", ""),
        ("services", "?full=true"),
        ("service_at_locations", ""),
        ("service_at_locations", "?full=true"),
    ],
)
def test_list_queries_do_not_grow(client, db, name, query):
    theme = ThemeFactory()
    language = LanguageFactory()

    def add():
        ActorFactory(themes=[theme], languages=[language], places=[PlaceFactory(), PlaceFactory()])

    assert_queries_do_not_grow(client, reverse(f"hsds:{name}") + query, add)


def test_taxonomy_term_queries_do_not_grow(client, db):
    parent = ThemeFactory()
    assert_queries_do_not_grow(client, reverse("hsds:taxonomy_terms"), lambda: ThemeFactory(parent=parent))


def test_the_hsds_mapping_publishes_only_what_the_actors_spec_declares_public(db, monkeypatch):
    import dataclasses

    from directory.fields import ACTOR

    actor = ActorFactory(acronym="RC", email="hello@repair.be", phone="02 123 45 67")
    ctx = hsds.Context("https://example.org")
    organization = hsds.organization(actor, ctx, ctx.related([actor])[actor.pk])
    assert organization["email"] == "hello@repair.be" and organization["alternate_name"] == "RC"
    assert organization["phones"][0]["number"] == "02 123 45 67"
    private = [dataclasses.replace(f, public=False) if f.name in ("email", "phone") else f for f in ACTOR.fields]
    monkeypatch.setattr(ACTOR, "fields", private)
    organization = hsds.organization(actor, ctx, ctx.related([actor])[actor.pk])
    assert "email" not in organization and organization["phones"] == []
    assert "email" not in hsds.service(actor, ctx) and organization["alternate_name"] == "RC"
