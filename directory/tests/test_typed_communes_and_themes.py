"""Filters typed by hand in an address take a commune by its name or postcode and a theme by its
name, in the directory, the agenda, the projects and the open API, like the commands and forms."""

import pytest

from agenda.tests.factories import EventFactory
from directory.services import resolve_theme
from directory.tests.factories import ActorFactory, PlaceFactory, ThemeFactory
from maillage.lookup import Ambiguous, Unknown
from projects.tests.factories import ProjectFactory
from territory.models import Commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def themes(db):
    parent = ThemeFactory(slug="health-social", name_fr="Santé & action sociale", name_nl="Gezondheid & welzijn")
    return {
        "mental": ThemeFactory(
            slug="mental-health", parent=parent, name_fr="Santé mentale", name_nl="Geestelijke gezondheid"
        ),
        "food": ThemeFactory(slug="food-aid", name_fr="Aide alimentaire", name_nl="Voedselhulp", name_en="Food aid"),
        "parent": parent,
    }


@pytest.fixture
def two_communes(territory, themes):
    schaerbeek, ixelles = (Commune.objects.get(slug=s) for s in ("schaerbeek", "ixelles"))
    for commune, name, theme in (
        (schaerbeek, "Épicerie de Schaerbeek", "food"),
        (ixelles, "Écoute d'Ixelles", "mental"),
    ):
        place = PlaceFactory(commune=commune, lat=50.85, lon=4.37)
        ActorFactory(name_fr=name, commune=commune, places=[place], themes=[themes[theme]])
        EventFactory(title_fr=f"Fête — {name}", place=place, themes=[themes[theme]])
    return schaerbeek, ixelles


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("SANTE MENTALE", "mental-health"),
        ("geestelijke-gezondheid", "mental-health"),
        ("Voedselhulp", "food-aid"),
        ("food aid", "food-aid"),
        ("mental-health", "mental-health"),
    ],
)
def test_a_theme_is_found_by_its_name_in_any_language_or_its_slug(themes, typed, slug):
    assert resolve_theme(typed).slug == slug


def test_a_theme_prefix_of_several_names_is_ambiguous_and_lists_them(themes):
    with pytest.raises(Ambiguous) as error:
        resolve_theme("Santé")
    assert {t.slug for t in error.value.candidates} == {"health-social", "mental-health"}
    assert "Santé mentale (mental-health)" in str(error.value)
    with pytest.raises(Unknown):
        resolve_theme("Licornes")


@pytest.mark.parametrize("typed", ["Schaerbeek", "Schaarbeek", "1030", "SCHAERBEEK"])
def test_the_directory_filters_by_a_commune_typed_by_name_or_postcode(client, two_communes, typed):
    page = client.get("/fr/directory/", {"commune": typed}).content.decode()
    assert "Épicerie de Schaerbeek" in page and "Écoute d&#x27;Ixelles" not in page
    assert "ignor" not in page  # no notice: the commune was understood


def test_the_directory_filters_by_a_theme_typed_by_name(client, two_communes):
    page = client.get("/fr/directory/", {"theme": "Geestelijke gezondheid"}).content.decode()
    assert "Écoute d&#x27;Ixelles" in page and "Épicerie de Schaerbeek" not in page


def test_an_ambiguous_commune_in_the_directory_is_a_notice_naming_the_candidates(client, two_communes):
    page = client.get("/fr/directory/", {"commune": "Woluwe"}).content.decode()
    assert "Woluwe-Saint-Lambert (woluwe-saint-lambert)" in page
    assert "Woluwe-Saint-Pierre (woluwe-saint-pierre)" in page


def test_the_agenda_filters_by_a_commune_typed_by_its_dutch_name(client, two_communes):
    page = client.get("/nl/agenda/", {"commune": "Elsene"}).content.decode()
    assert "Écoute d&#x27;Ixelles" in page and "Épicerie de Schaerbeek" not in page


def test_projects_filter_by_a_theme_typed_by_name(client, themes):
    ProjectFactory(title_fr="Jardins de l'esprit").themes.set([themes["mental"]])
    ProjectFactory(title_fr="Frigos solidaires").themes.set([themes["food"]])
    page = client.get("/fr/projects/", {"theme": "santé mentale"}).content.decode()
    assert "Jardins de l&#x27;esprit" in page and "Frigos solidaires" not in page


def test_the_api_takes_communes_and_themes_by_name_or_postcode(client, two_communes, themes):
    actors = client.get("/api/actors", {"commune": "1050"}).json()
    assert [a["name"] for a in actors["results"]] == ["Écoute d'Ixelles"] and actors["notices"] == []
    actors = client.get("/api/actors", {"theme": "Voedselhulp"}).json()
    assert [a["name"] for a in actors["results"]] == ["Épicerie de Schaerbeek"]
    events = client.get("/api/events", {"commune": "Schaarbeek"}).json()
    assert [e["title"] for e in events["results"]] == ["Fête — Épicerie de Schaerbeek"]
    places = client.get("/api/places", {"commune": "ixelles"}).json()
    assert places["count"] == 1 and places["results"][0]["commune"]["slug"] == "ixelles"
    ambiguous = client.get("/api/actors", {"commune": "sint"}).json()
    assert "Sint-Gillis" in ambiguous["notices"][0] or "Saint-Gilles" in ambiguous["notices"][0]
