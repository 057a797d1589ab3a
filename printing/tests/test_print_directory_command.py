"""python manage.py print_directory: a PDF of the chosen scope, or a clear error and no file."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from directory.models import Actor
from directory.tests.factories import ActorFactory
from printing import booklet
from territory.models import Commune

from . import pdfcheck

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors(territory, taxonomy):
    ActorFactory(
        name_fr="Maison des voisins", name_nl="Huis van de buren", commune=Commune.objects.get(slug="schaerbeek")
    )
    ActorFactory(
        name_fr="Atelier vélo", commune=Commune.objects.get(slug="ixelles"), kind=Actor.Kind.CITIZEN_INITIATIVE
    )


def test_writes_the_directory_of_the_chosen_commune(actors, tmp_path):
    output = tmp_path / "directory.pdf"
    out, err = StringIO(), StringIO()
    call_command(
        "print_directory", "--commune", "schaerbeek", "--lang", "fr+nl", "--output", str(output), stdout=out, stderr=err
    )
    text = pdfcheck.text(output.read_bytes())
    assert "Maison des voisins" in text and "Huis van de buren" in text
    assert "Atelier vélo" not in text
    pages = len(pdfcheck.page_texts(output.read_bytes()))
    assert out.getvalue().strip().splitlines()[-1].startswith(f"{output}: 1 entries, {pages} pages")
    assert list(tmp_path.iterdir()) == [output]  # no temporary file left behind


def test_a_large_directory_is_typeset_in_parts_and_written_whole(actors, tmp_path, monkeypatch):
    monkeypatch.setattr(booklet, "PART_ENTRIES", 1)
    schaerbeek = Commune.objects.get(slug="schaerbeek")
    for i in range(3):
        ActorFactory(name_fr=f"Voisins numéro {i}", commune=schaerbeek)
    output = tmp_path / "directory.pdf"
    out = StringIO()
    call_command("print_directory", "--lang", "fr+nl", "--output", str(output), stdout=out, stderr=StringIO())
    pdf = output.read_bytes()
    pages = pdfcheck.page_texts(pdf)
    assert out.getvalue().strip().splitlines()[-1].startswith(f"{output}: 5 entries, {len(pages)} pages")
    text = pdfcheck.text(pdf)
    assert all(name in text for name in ("Maison des voisins", "Atelier vélo", "Voisins numéro 2"))
    assert "Schaerbeek / Schaarbeek (" in text  # cut after its first entry: continued on the next parts
    pdfcheck.check_pages(pdf)
    assert list(tmp_path.iterdir()) == [output]


def test_large_print_grouped_by_kind_and_theme_options(actors, tmp_path):
    output = tmp_path / "d.pdf"
    call_command(
        "print_directory",
        "--kind",
        "citizen_initiative",
        "--group",
        "alpha",
        "--large-print",
        "--output",
        str(output),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    text = pdfcheck.text(output.read_bytes())
    assert "Atelier vélo" in text and "Maison des voisins" not in text


@pytest.mark.parametrize("option", [["--commune", "atlantis"], ["--theme", "unicorns"]])
def test_an_unknown_commune_or_theme_is_a_clear_error_and_writes_nothing(actors, tmp_path, option):
    output = tmp_path / "directory.pdf"
    with pytest.raises(CommandError, match=option[1]):
        call_command("print_directory", *option, "--output", str(output), stdout=StringIO(), stderr=StringIO())
    assert not output.exists()
    assert list(tmp_path.iterdir()) == []
