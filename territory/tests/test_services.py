import json

import pytest
from django.conf import settings

from territory import services
from territory.models import Commune, Postcode

pytestmark = pytest.mark.django_db

SQUARE = {"type": "Polygon", "coordinates": [[[4.0, 50.0], [4.1, 50.0], [4.1, 50.1], [4.0, 50.1], [4.0, 50.0]]]}


def test_load_territory_creates_the_19_communes_with_their_postcodes():
    services.load_territory()
    assert Commune.objects.count() == 19
    schaerbeek = Commune.objects.get(nis_code="21015")
    assert (schaerbeek.name_fr, schaerbeek.name_nl) == ("Schaerbeek", "Schaarbeek")
    assert list(schaerbeek.postcodes.values_list("code", flat=True)) == ["1030"]
    assert Postcode.objects.get(code="1120").commune.name_fr == "Bruxelles"


def test_loading_twice_changes_nothing():
    services.load_territory()
    services.load_territory()
    assert Commune.objects.count() == 19
    assert Postcode.objects.count() == 22


def test_a_point_is_placed_by_polygon_when_boundaries_are_loaded(tmp_path):
    boundaries = tmp_path / "b.geojson"
    feature = {"type": "Feature", "properties": {"nis": "21015"}, "geometry": SQUARE}
    boundaries.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    assert services.load_territory(boundaries_file=boundaries) == 1
    services.clear_caches()
    schaerbeek = Commune.objects.get(nis_code="21015")
    assert services.commune_id_for(50.05, 4.05) == schaerbeek.pk
    # Outside every polygon, the postcode decides.
    assert services.commune_id_for(51.0, 5.0, "1050") == Commune.objects.get(nis_code="21009").pk
    assert services.commune_id_for(51.0, 5.0) is None


def test_without_boundaries_the_postcode_places_a_point(territory):
    assert services.commune_id_for(None, None, " 1030 ") == Commune.objects.get(nis_code="21015").pk
    assert services.commune_id_for(None, None, "9999") is None


@pytest.mark.skipif(not settings.TERRITORY_BOUNDARIES_FILE, reason="no boundaries file (../shared/data)")
def test_real_boundaries_place_the_grand_place_in_brussels_and_flagey_in_ixelles():
    services.load_territory(boundaries_file=settings.TERRITORY_BOUNDARIES_FILE)
    services.clear_caches()
    assert Commune.objects.get(pk=services.commune_id_for(50.8467, 4.3525)).nis_code == "21004"
    assert Commune.objects.get(pk=services.commune_id_for(50.8275, 4.3722)).nis_code == "21009"
    assert services.communes_geojson()["features"][0]["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_the_commune_holding_a_point_with_the_outlines_tolerance(tmp_path):
    """One rule (``commune_at``) for imports and places: inside an outline, or within
    EDGE_TOLERANCE of it (outlines are simplified); None further out."""
    boundaries = tmp_path / "b.geojson"
    feature = {"type": "Feature", "properties": {"nis": "21015"}, "geometry": SQUARE}
    boundaries.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    services.load_territory(boundaries_file=boundaries)
    schaerbeek = Commune.objects.get(nis_code="21015").pk
    assert services.commune_at(50.05, 4.05) == schaerbeek
    assert services.commune_at(50.05, 4.1 + services.EDGE_TOLERANCE / 2) == schaerbeek  # just outside
    assert services.commune_at(50.05, 4.1 + services.EDGE_TOLERANCE * 2) is None
    # A place's commune follows the same rule, and its postcode only further out.
    assert services.commune_id_for(50.05, 4.1 + services.EDGE_TOLERANCE / 2, "1050") == schaerbeek
    assert services.commune_id_for(50.05, 4.2, "1050") == Commune.objects.get(nis_code="21009").pk
    services.clear_caches()  # the square outline stays in this test


def test_without_boundaries_a_point_goes_to_the_nearest_centre_inside_the_box(territory):
    grand_place = services.commune_at(50.8467, 4.3525)
    assert Commune.objects.get(pk=grand_place).nis_code == "21004"
    assert services.commune_at(51.2, 4.4) is None  # Antwerp: outside the territory
    # Without boundaries a point does not decide a place's commune: its postcode does.
    assert services.commune_id_for(50.8467, 4.3525) is None


def test_centres_names_and_region_are_read_once(territory, django_assert_num_queries):
    services.commune_centre(0)  # reads the communes
    with django_assert_num_queries(0):
        ixelles = Commune.objects.model(pk=services.commune_named("Elsene"))
        assert services.commune_named("ELSENE") == services.commune_named("ixelles") == ixelles.pk
        assert services.commune_centre(ixelles.pk) is not None
        assert services.commune_named("Atlantis") is None
        assert services.region_name()
