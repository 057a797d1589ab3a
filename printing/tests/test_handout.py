"""The neighbourhood handout: where it stands, who it lists, and that it reads well on two pages."""

import math
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext as _

from directory.models import Actor, Theme
from directory.tests.factories import ActorFactory, LanguageFactory, PlaceFactory
from printing import handout
from printing.handout import LocateError, handout_data, handout_params, handout_pdf, locate
from territory.models import Boundary, Commune

from . import pdfcheck

SITE = "https://maillage.example"
# Rue des Palais, Schaerbeek: the location of most tests.
HOME = (50.8601, 4.3677)
METRES_PER_DEGREE_LAT = 111_195


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def schaerbeek(territory, taxonomy):
    return Commune.objects.get(slug="schaerbeek")


def _north(metres):
    """A point ``metres`` north of HOME."""
    return HOME[0] + metres / METRES_PER_DEGREE_LAT, HOME[1]


def _actor(commune, name, metres, *themes, street=None, **fields):
    lat, lon = _north(metres)
    place = PlaceFactory(
        name_fr="", street=street or f"Rue du Test {int(metres)}", postcode="1030", commune=commune, lat=lat, lon=lon
    )
    return ActorFactory(
        name_fr=name,
        commune=commune,
        places=[place],
        themes=[Theme.objects.get(slug=slug) for slug in themes],
        **fields,
    )


def _flat(pdf):
    return " ".join(pdfcheck.text(pdf).split())


def _params(**overrides):
    values = {"lat": HOME[0], "lon": HOME[1], "needs": ["food"], "lang": "fr"}
    return handout_params(**{**values, **overrides})


# --- locate -------------------------------------------------------------------------------------


def test_locate_by_postcode_and_street_uses_the_position_of_a_known_place_on_that_street(schaerbeek):
    _actor(schaerbeek, "Maison des Palais", 0, "food-aid", street="Rue des Palais 42")
    _actor(schaerbeek, "Ailleurs", 900, "food-aid", street="Avenue Louis Bertrand 20")
    for typed in ("Rue des Palais 44, 1030 Schaerbeek", "rue des palai 44 1030", "44 RUE DES PALAIS, Schaarbeek"):
        location = locate(address=typed)
        assert (round(location.lat, 4), round(location.lon, 4)) == HOME, typed
        assert location.commune == schaerbeek
        assert not location.approximate
        assert location.label == typed


def test_locate_by_a_commune_name_in_dutch_stands_at_its_centre_and_is_approximate(schaerbeek):
    location = locate(address="Schaarbeek")
    assert location.commune == schaerbeek
    assert (location.lat, location.lon) == (schaerbeek.lat, schaerbeek.lon)
    assert location.approximate
    saint_gilles = locate(address="Onbekende straat 3, Sint-Gillis")
    assert saint_gilles.commune.slug == "saint-gilles"
    assert saint_gilles.approximate
    assert locate(commune="ixelles").commune.slug == "ixelles"


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("Molenbeek", "molenbeek-saint-jean"),
        ("St-Josse", "saint-josse-ten-noode"),
        ("Sint-Joost", "saint-josse-ten-noode"),
    ],
)
def test_locate_by_the_short_name_people_use(schaerbeek, typed, slug):
    assert locate(address=typed).commune.slug == slug
    with pytest.raises(LocateError):
        locate(address="Woluwe")  # Woluwe-Saint-Lambert or Woluwe-Saint-Pierre: not a guess


def test_a_house_number_that_looks_like_a_postcode_does_not_choose_the_commune(schaerbeek):
    assert locate(address="Chaussée de Waterloo 1150, 1180 Uccle").commune.slug == "uccle"
    assert locate(address="Chaussée de Waterloo 1150, 1180").commune.slug == "uccle"


def test_an_address_outside_the_territory_is_not_placed_on_a_street_of_the_same_name(schaerbeek):
    _actor(schaerbeek, "Maison des Palais", 0, "food-aid", street="Rue des Palais 42")
    for typed in ("Rue des Palais 42, 1300 Wavre", "Rue des Palais 42, 9000 Gent"):
        with pytest.raises(LocateError) as raised:
            locate(address=typed)
        postcode = typed.split(", ")[1][:4]
        assert str(raised.value) == _("%(postcode)s is not a postcode of the territory covered by Maillage.") % {
            "postcode": postcode
        }
    assert locate(address="Rue des Palais 1300 bte 2").commune == schaerbeek  # a house number and a box


def test_locate_by_a_point_on_the_map(schaerbeek):
    # Without outlines loaded (tests), the commune is the one whose centre is nearest.
    location = locate(lat="50.8681", lon="4.3822")
    assert (location.lat, location.lon) == (50.8681, 4.3822)
    assert location.commune == schaerbeek
    assert not location.approximate


@pytest.mark.parametrize(
    "kwargs",
    [
        {"address": "qwxz blorp"},
        {"address": ""},
        {"lat": "fifty", "lon": "4.3"},
        {"lat": 48.8566, "lon": 2.3522},  # Paris: outside the territory
        {"commune": "atlantis"},
    ],
)
def test_locate_explains_what_it_cannot_understand(schaerbeek, kwargs):
    with pytest.raises(LocateError) as raised:
        locate(**kwargs)
    assert str(raised.value)


def test_handout_params_are_plain_json_and_checked(schaerbeek):
    params = handout_params(address=" 1030  Schaerbeek ", needs=["food", "nonsense", "food", "housing"], lang="xx")
    assert params == {
        "address": "1030 Schaerbeek",
        "lat": None,
        "lon": None,
        "commune": "schaerbeek",
        "needs": ["food", "housing"],
        "lang": "fr",
        "large": False,
    }
    with pytest.raises(LocateError):
        handout_params(address="1030", needs=[])


def test_needs_cover_themes_of_the_taxonomy(taxonomy):
    slugs = set(Theme.objects.values_list("slug", flat=True))
    for need in handout.NEEDS:
        assert set(need.themes) <= slugs, need.key
    options = handout.need_options()
    assert all(pictogram for _, _, pictogram in options)


# --- who is listed ------------------------------------------------------------------------------


def test_lists_the_nearest_of_each_need_in_distance_order_and_nothing_else(schaerbeek):
    far = _actor(schaerbeek, "Cinquième épicerie", 2500, "food-aid")
    names = ["Troisième épicerie", "Première épicerie", "Quatrième cuisine", "Deuxième épicerie"]
    for name, metres in zip(names, (900, 100, 1200, 400), strict=True):
        _actor(schaerbeek, name, metres, "food-aid" if "cuisine" not in name else "community-kitchens")
    _actor(schaerbeek, "Logement tout près", 10, "housing-access")
    _actor(schaerbeek, "Épicerie fermée", 20, "food-aid", status=Actor.Status.CLOSED)
    _actor(schaerbeek, "Épicerie trop loin", 9000, "food-aid")

    text = _flat(handout_pdf(_params(needs=["food"])))
    order = ["Première épicerie", "Deuxième épicerie", "Troisième épicerie", "Quatrième cuisine"]
    positions = [text.index(name) for name in order]
    assert positions == sorted(positions)
    for absent in (far.name, "Logement tout près", "Épicerie fermée", "Épicerie trop loin"):
        assert absent not in text
    with translation.override("fr"):
        assert handout.distance_text(100) in text


def test_distance_reads_in_metres_or_kilometres_with_walking_time():
    with translation.override("en"):
        assert handout.distance_text(648) == "650 m, about 9 minutes on foot"
        assert handout.distance_text(30) == "30 m, about 1 minute on foot"
        assert handout.distance_text(2260) == "2.3 km, about 30 minutes on foot"


def test_distances_are_the_projects_great_circle_distances(schaerbeek):
    _actor(schaerbeek, "A", 1000, "food-aid")
    location = locate(lat=HOME[0], lon=HOME[1])
    [(distance, _, _)] = handout.nearest(location, [handout.NEEDS_BY_KEY["food"]], 4)["food"]
    assert math.isclose(distance, 1000, rel_tol=0.001)


def test_an_entry_has_its_address_distance_hours_phone_languages_and_verification(schaerbeek):
    arabic = LanguageFactory(code="ar", name_fr="arabe")
    actor = _actor(schaerbeek, "Épicerie du coin", 648, "food-aid", phone="02 123 45 67", languages=[arabic])
    Actor.objects.filter(pk=actor.pk).update(opening_hours_fr="Lundi au vendredi 9:00–12:00")
    text = _flat(handout_pdf(_params()))
    assert "Rue du Test 648, 1030 Schaerbeek" in text
    assert "650 m" in text
    assert "Lundi au vendredi 9:00–12:00" in text
    assert "02 123 45 67" in text
    assert "arabe" in text


def test_a_need_without_anyone_nearby_says_where_to_ask(schaerbeek):
    _actor(schaerbeek, "Épicerie", 100, "food-aid")
    text = _flat(handout_pdf(_params(needs=["food", "homelessness"])))
    assert "Épicerie" in text
    with translation.override("fr"):
        expected = _("Nothing found nearby: ask at the CPAS/OCMW or look on %(site)s") % {"site": SITE}
    assert expected in text


def test_an_approximate_location_is_said(schaerbeek):
    _actor(schaerbeek, "Épicerie", 100, "food-aid")
    text = _flat(handout_pdf(handout_params(address="1030", needs=["food"])))
    with translation.override("fr"):
        expected = _("Located at the centre of %(commune)s: distances are approximate.") % {"commune": "Schaerbeek"}
    assert expected in text


def test_qr_code_leads_to_the_actors_page(schaerbeek):
    actor = _actor(schaerbeek, "Épicerie", 100, "food-aid")
    pdf = handout_pdf(_params())
    with translation.override("fr"):
        url = SITE + actor.get_absolute_url()
    assert url in pdfcheck.qr_codes(pdf, page=1)
    nl = handout_pdf(_params(lang="nl"))
    with translation.override("nl"):
        assert SITE + actor.get_absolute_url() in pdfcheck.qr_codes(nl, page=1)


def test_never_more_than_two_pages_even_in_large_print_with_many_actors(schaerbeek):
    slugs = ["food-aid", "literacy", "housing-access", "primary-care", "debt", "homelessness", "asylum"]
    for index in range(60):
        _actor(
            schaerbeek,
            f"Association au nom assez long pour occuper deux lignes {index}",
            50 + 30 * index,
            slugs[index % len(slugs)],
            slugs[(index + 1) % len(slugs)],
            phone="02 123 45 67",
        )
    every_need = [need.key for need in handout.NEEDS]
    for large in (False, True):
        for lang in ("fr", "fr+nl"):
            pdf = handout_pdf(_params(needs=every_need, large=large, lang=lang))
            assert len(pdfcheck.page_texts(pdf)) <= 2, (large, lang)
            pdfcheck.check_pages(pdf)


@pytest.mark.parametrize(("lang", "large"), [("fr", False), ("nl", False), ("fr+nl", False), ("fr", True)])
def test_pages_are_well_laid_out(schaerbeek, lang, large):
    for index in range(6):
        _actor(schaerbeek, f"Association {index}", 100 + 150 * index, "food-aid", "literacy", phone="02 123 45 67")
    pdf = handout_pdf(_params(needs=["food", "french", "housing"], lang=lang, large=large))
    pdfcheck.check_pages(pdf)
    text = _flat(pdf)
    for language in lang.split("+"):
        with translation.override(language):
            assert _("Near you: help and activities") in text
            assert Commune.objects.get(slug="schaerbeek").name in text or language == "fr"


def test_the_map_frames_the_location_and_the_entries_not_the_whole_commune(schaerbeek):
    # A commune about 6 km wide; the places are within 400 m of the location.
    west, south = HOME[1] - 0.04, HOME[0] - 0.03
    square = [[west, south], [west + 0.08, south], [west + 0.08, south + 0.06], [west, south + 0.06], [west, south]]
    Boundary.objects.create(commune=schaerbeek, geometry={"type": "Polygon", "coordinates": [square]})
    _actor(schaerbeek, "Près", 100, "food-aid")
    _actor(schaerbeek, "Un peu plus loin", 400, "food-aid")
    svg = ET.fromstring(handout_data(_params())["map"])
    markers = [c for c in svg.iter("{http://www.w3.org/2000/svg}circle") if c.get("fill") == "#2b4a8b"]
    first, second = (float(c.get("cy")) for c in markers)
    assert first - second > 20  # millimetres apart on a 70 mm map: the numbers do not overlap
    assert svg.find("{http://www.w3.org/2000/svg}g/{http://www.w3.org/2000/svg}path") is not None  # context


def test_reads_the_database_a_fixed_number_of_times(schaerbeek):
    def queries():
        with CaptureQueriesContext(connection) as context:
            handout_data(_params(needs=["food", "french"]))
        return len(context.captured_queries)

    _actor(schaerbeek, "A", 100, "food-aid", "literacy")
    queries()  # warms the process's caches (commune shapes)
    few = queries()
    _actor(schaerbeek, "B", 200, "food-aid", "literacy")
    _actor(schaerbeek, "C", 300, "community-kitchens", "literacy")
    assert queries() == few
