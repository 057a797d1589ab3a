"""The print command and the print forms take a commune by its name or postcode and a theme by its
name, in any case, with or without accents; an ambiguous one is refused with its candidates."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.http import QueryDict

from directory.tests.factories import ActorFactory
from printing import booklet, forms
from territory.models import Commune

from . import pdfcheck

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors(territory, taxonomy):
    ActorFactory(name_fr="Maison des voisins", commune=Commune.objects.get(slug="schaerbeek"))
    ActorFactory(name_fr="Atelier vélo", commune=Commune.objects.get(slug="ixelles"))


def test_the_command_prints_a_commune_given_by_its_dutch_name(actors, tmp_path):
    output = tmp_path / "directory.pdf"
    call_command(
        "print_directory", "--commune", "Schaarbeek", "--output", str(output), stdout=StringIO(), stderr=StringIO()
    )
    text = pdfcheck.text(output.read_bytes())
    assert "Maison des voisins" in text and "Atelier vélo" not in text


@pytest.mark.parametrize(
    ("options", "communes", "themes"),
    [
        (["--commune", "Schaerbeek"], ["schaerbeek"], []),
        (["--commune", "1030", "--commune", "Elsene"], ["ixelles", "schaerbeek"], []),
        (["--commune", "sint-gillis", "--commune", "Saint Gilles"], ["saint-gilles"], []),
        (["--commune", "IXELLES", "--theme", "Santé mentale"], ["ixelles"], ["mental-health"]),
        (["--theme", "geestelijke gezondheid", "--theme", "mental-health"], [], ["mental-health"]),
    ],
)
def test_the_command_takes_names_and_postcodes(actors, tmp_path, monkeypatch, options, communes, themes):
    printed = []
    monkeypatch.setattr(booklet, "directory_pdf", lambda params, progress: printed.append(params) or b"")
    monkeypatch.setattr("printing.management.commands.print_directory._page_count", lambda pdf: 0)
    call_command("print_directory", *options, "--output", str(tmp_path / "d.pdf"), stdout=StringIO(), stderr=StringIO())
    assert printed[0]["filters"]["commune"] == communes
    assert printed[0]["filters"]["theme"] == themes


def test_the_command_refuses_an_ambiguous_commune_listing_the_candidates(actors, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("print_directory", "--commune", "Woluwe", "--output", str(tmp_path / "d.pdf"))
    assert "Woluwe-Saint-Lambert (woluwe-saint-lambert)" in str(error.value)
    assert "Woluwe-Saint-Pierre (woluwe-saint-pierre)" in str(error.value)
    assert list(tmp_path.iterdir()) == []


def test_the_directory_form_takes_communes_and_themes_typed_by_name(actors):
    data = QueryDict("commune=Schaerbeek&commune=1050&theme=Armoedebestrijding&group=commune&lang=fr")
    form = forms.DirectoryForm(data)
    assert form.is_valid(), form.errors
    assert sorted(form.cleaned_data["commune"]) == ["ixelles", "schaerbeek"]
    assert form.cleaned_data["theme"] == ["poverty"]


def test_the_directory_form_shows_the_candidates_of_an_ambiguous_commune(actors):
    form = forms.DirectoryForm(QueryDict("commune=Saint&group=commune&lang=fr"))
    assert not form.is_valid()
    message = " ".join(form.errors["commune"])
    assert "Saint-Gilles (saint-gilles)" in message and "Saint-Josse-ten-Noode (saint-josse-ten-noode)" in message


def test_the_handout_form_takes_a_commune_by_its_dutch_name(actors):
    form = forms.HandoutForm(QueryDict("commune=Elsene&needs=food&lang=fr"))
    assert form.is_valid(), form.errors
    assert form.params["commune"] == "ixelles"


def test_the_poster_form_takes_a_commune_postcode_and_a_theme_name(actors):
    form = forms.PosterForm(QueryDict("month=2026-11&commune=1030&theme=lutte contre la pauvrete&paper=a4&lang=fr"))
    assert form.is_valid(), form.errors
    assert (form.params["commune"], form.params["theme"]) == ("schaerbeek", "poverty")


def test_an_unknown_commune_in_a_form_is_the_usual_error(actors):
    form = forms.PosterForm(QueryDict("month=2026-11&commune=Atlantis&paper=a4&lang=fr"))
    assert not form.is_valid() and "commune" in form.errors


def test_the_print_page_ticks_the_communes_and_themes_typed_in_its_address(client, actors):
    page = client.get("/fr/print/", {"commune": ["Schaarbeek", "1050"], "theme": "Armoedebestrijding"}).content.decode()
    assert re.search(r'<input type="checkbox" name="commune" value="schaerbeek"[^>]* checked', page)
    assert re.search(r'<input type="checkbox" name="commune" value="ixelles"[^>]* checked', page)
    assert re.search(r'<input type="checkbox" name="theme" value="poverty"[^>]* checked', page)
    assert re.search(r'<option value="schaerbeek" selected>', page)  # the handout's and the poster's commune
