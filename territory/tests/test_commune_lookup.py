"""A commune is found as people type it: French or Dutch name, postcode or slug, in any case, with
or without accents and hyphens; when several match, the error lists them."""

import pytest

from maillage.lookup import Ambiguous, Unknown
from territory.models import Commune
from territory.services import resolve_commune

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("Schaerbeek", "schaerbeek"),
        ("Schaarbeek", "schaerbeek"),
        ("1030", "schaerbeek"),
        ("schaerbeek", "schaerbeek"),
        ("  SCHAERBEEK ", "schaerbeek"),
        ("sint-gillis", "saint-gilles"),
        ("Saint Gilles", "saint-gilles"),
        ("SaintGilles", "saint-gilles"),
        ("Ixelles", "ixelles"),
        ("Elsene", "ixelles"),
        ("1050", "ixelles"),
        ("Molenbeek", "molenbeek-saint-jean"),  # the start of one name
        ("Sint-Jans-Molenbeek", "molenbeek-saint-jean"),
        ("Bruxelles", "bruxelles"),
        ("1120", "bruxelles"),  # a commune with several postcodes
        ("Saint-Josse", "saint-josse-ten-noode"),
        ("Berchem Ste Agathe", None),  # an abbreviation nobody declared: unknown, not guessed
    ],
)
def test_a_commune_is_found_by_name_postcode_or_slug(territory, typed, slug):
    if slug is None:
        with pytest.raises(Unknown):
            resolve_commune(typed)
    else:
        assert resolve_commune(typed).slug == slug


def test_several_matches_are_an_error_listing_each_candidate(territory):
    with pytest.raises(Ambiguous) as error:
        resolve_commune("Woluwe")
    assert {c.slug for c in error.value.candidates} == {"woluwe-saint-lambert", "woluwe-saint-pierre"}
    assert "Woluwe-Saint-Lambert (woluwe-saint-lambert)" in str(error.value)
    assert "Woluwe-Saint-Pierre (woluwe-saint-pierre)" in str(error.value)
    with pytest.raises(Ambiguous) as error:
        resolve_commune("Saint")
    assert {c.slug for c in error.value.candidates} == {"saint-gilles", "saint-josse-ten-noode"}
    with pytest.raises(Ambiguous) as error:
        resolve_commune("sint")  # six Dutch names
    assert len(error.value.candidates) == 6


@pytest.mark.parametrize("typed", ["Atlantis", "", "   ", "9999", "10", "-"])
def test_an_unknown_commune_is_an_error(territory, typed):
    with pytest.raises(Unknown):
        resolve_commune(typed)


def test_the_callers_list_of_communes_is_used_without_reading_them_again(territory, django_assert_num_queries):
    communes = list(Commune.objects.all())
    resolve_commune("1030", communes)  # the postcodes are read once, then kept
    with django_assert_num_queries(0):
        assert resolve_commune("Elsene", communes).slug == "ixelles"
        assert resolve_commune("1030", communes).slug == "schaerbeek"
