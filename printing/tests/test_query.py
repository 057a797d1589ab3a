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


def test_the_view_the_form_and_the_command_make_the_same_document(client, vocab, monkeypatch, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from printing import booklet, services

    asked = []

    def printout_for(kind, params, user=None, *, request=None):
        asked.append(params)
        raise services.RateLimited

    monkeypatch.setattr(services, "printout_for", printout_for)
    client.get("/fr/print/directory/", {"commune": ["Schaarbeek", "1050"], "theme": "food", "group": "alpha"})
    form = forms.DirectoryForm(QueryDict("commune=Schaarbeek&commune=1050&theme=food&group=alpha&lang=fr"))
    assert form.is_valid(), form.errors
    monkeypatch.setattr(booklet, "directory_pdf", lambda params, progress: asked.append(params) or b"")
    monkeypatch.setattr("printing.management.commands.print_directory._page_count", lambda pdf: 0)
    options = ["--commune", "Schaarbeek", "--commune", "1050", "--theme", "food", "--group", "alpha"]
    call_command("print_directory", *options, "--output", str(tmp_path / "d.pdf"), stdout=StringIO(), stderr=StringIO())
    assert asked[0] == form.query.to_params() == asked[1]
    assert asked[0]["filters"]["commune"] == ["ixelles", "schaerbeek"] and asked[0]["grouping"] == "alpha"
