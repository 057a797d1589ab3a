"""The widget builder, opened from a page whose address names a commune or a theme by name or
postcode, builds its snippets with them (as slugs)."""

import pytest
from django.http import QueryDict

from directory.services import vocabularies
from directory.tests.factories import ThemeFactory
from widgets.forms import BuilderForm

pytestmark = pytest.mark.django_db


def test_the_builder_takes_a_commune_and_a_theme_typed_by_name(territory):
    ThemeFactory(slug="food-aid", name_fr="Aide alimentaire", name_nl="Voedselhulp")
    choice = BuilderForm(QueryDict("widget=map&commune=Schaarbeek&theme=voedselhulp"), vocab=vocabularies()).choice()
    assert ("commune", "schaerbeek") in choice.filters and ("theme", "food-aid") in choice.filters


def test_the_builder_shows_the_candidates_of_an_ambiguous_commune(territory):
    form = BuilderForm(QueryDict("widget=map&commune=Woluwe"), vocab=vocabularies())
    assert not form.is_valid()
    assert "Woluwe-Saint-Pierre (woluwe-saint-pierre)" in " ".join(form.errors["commune"])
    assert not any(name == "commune" for name, _value in form.choice().filters)
