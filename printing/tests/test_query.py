"""The one reading of a printed directory's choices (``printing.query.DirectoryQuery``), shared by
the print form, the print views, the command and the PDF builder."""

import pytest
from django.http import QueryDict
from django.utils import translation

from printing import forms
from printing.query import DirectoryQuery, QueryError, slug_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def vocab(territory, taxonomy):
    from directory.services import vocabularies

    return vocabularies()


def test_a_query_survives_its_stored_parameters(vocab):
    query = DirectoryQuery.from_params(
        QueryDict("commune=1050&commune=Schaerbeek&theme=food&kind=association&q=soupe&group=theme&lang=nl&large=on")
    )
    params = query.to_params()
    assert params["filters"]["commune"] == ["ixelles", "schaerbeek"]  # canonical: sorted
    assert (params["grouping"], params["lang"], params["large"]) == ("theme", "nl", True)
    again = DirectoryQuery.from_saved(params)
    assert again.to_params() == params
    assert again.communes == ["ixelles", "schaerbeek"]


def test_the_layout_defaults_to_communes_in_the_page_language(vocab):
    with translation.override("nl"):
        query = DirectoryQuery.from_params({"commune": "schaerbeek"})
    assert (query.grouping, query.lang, query.large) == ("commune", "nl", False)
    with translation.override("en"):
        assert DirectoryQuery.from_params({}).lang == "fr+nl"  # no English document: both languages


def test_a_strict_query_names_each_field_it_refuses(vocab):
    with pytest.raises(QueryError) as error:
        DirectoryQuery.from_params(
            {"commune": ["Woluwe", "atlantis", "1030"], "theme": ["unicorns"], "kind": ["nope"], "group": "x"},
            strict=True,
        )
    errors = error.value.errors
    assert set(errors) == {"commune", "theme", "kind", "group"}
    assert "Woluwe-Saint-Lambert (woluwe-saint-lambert)" in " ".join(errors["commune"])
    assert any("atlantis" in message for message in errors["commune"])
    assert any("unicorns" in message for message in errors["theme"])
    assert any("nope" in message for message in errors["kind"])


def test_a_changed_layout_is_checked_again(vocab):
    query = DirectoryQuery.from_params({"commune": "schaerbeek"})
    assert query.changed(grouping="alpha").grouping == "alpha"
    with pytest.raises(QueryError) as error:
        query.changed(lang="de")
    assert set(error.value.errors) == {"lang"}


def test_the_form_shows_a_query_and_carries_the_filters_it_does_not_show(vocab):
    query = DirectoryQuery.from_params({"commune": "schaerbeek", "venue": "yes", "q": "soupe", "group": "alpha"})
    form = forms.DirectoryForm.of(query)
    assert form.initial["commune"] == ["schaerbeek"] and form.initial["group"] == "alpha"
    assert query.hidden_items() == [("venue", "yes"), ("q", "soupe")]


def test_the_form_is_checked_by_the_query(vocab):
    form = forms.DirectoryForm(QueryDict("commune=Elsene&kind=association&group=alpha&lang=fr%2Bnl&large=on"))
    assert form.is_valid(), form.errors
    assert form.query.to_params() == DirectoryQuery.from_params(form.data, strict=True).to_params()
    assert form.query.communes == ["ixelles"] and form.query.large is True
    form = forms.DirectoryForm(QueryDict("commune=Atlantis&group=bogus&lang=fr"))
    assert not form.is_valid()
    assert set(form.errors) == {"commune", "group"}
    assert 'aria-invalid="true"' in str(form["commune"])


def test_one_commune_or_theme_typed_by_name(vocab):
    assert slug_of("commune", "Schaarbeek", vocab) == "schaerbeek"
    assert slug_of("theme", "Santé mentale", vocab) == "mental-health"
    assert slug_of("commune", "  ", vocab) == ""
