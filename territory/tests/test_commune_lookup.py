"""A commune is found as people type it: French or Dutch name, postcode or slug, in any case, with
or without accents and hyphens; when several match, the error lists them."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from unidecode import unidecode

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


def test_every_name_slug_and_postcode_of_every_commune_finds_it(territory):
    for commune in Commune.objects.prefetch_related("postcodes"):
        typed = [commune.slug, commune.name_fr, commune.name_nl, commune.name_fr.upper(), commune.name_nl.lower()]
        typed += [unidecode(commune.name_nl).replace("-", " "), *(p.code for p in commune.postcodes.all())]
        for text in typed:
            assert resolve_commune(text) == commune, text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_anything_typed_finds_one_commune_or_says_why(territory, text):
    communes = list(Commune.objects.all())
    try:
        assert resolve_commune(text, communes) in communes
    except Ambiguous as error:
        assert len(error.candidates) > 1 and str(error)
    except Unknown as error:
        assert str(error)
