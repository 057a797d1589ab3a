"""Hostile files stay bounded: a tiny spreadsheet declaring a million rows, long runs of spaces.

Each runs in a child with a memory and CPU budget (bounded.py): before the fixes, the spreadsheet
took 1.4 GB and 25 s, and 40,000 spaces in a field 8.7 s (45 s in a phone field)."""

import io
import re
import time
import zipfile

import openpyxl
import pytest
from django.utils import translation

from directory import duplicates
from imports import readers
from imports.cleaning import clean_actor
from imports.readers import ReadError, read_table

from .bounded import run_bounded

LAST_ROW = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>y</t></is></c></row>'


def xlsx(dimension=None, extra_rows=b"", rows=(("Nom", "Code postal"), ("Les Amis du Parc", "1050"))):
    """An XLSX whose first sheet declares ``dimension`` and holds ``extra_rows`` (raw XML) too."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    plain = io.BytesIO()
    workbook.save(plain)
    source, out = zipfile.ZipFile(plain), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                if dimension:
                    data = re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="%s"/>' % dimension.encode(), data)
                data = data.replace(b"</sheetData>", extra_rows + b"</sheetData>")
            archive.writestr(info.filename, data)
    return out.getvalue()


def _read(data, format="xlsx"):
    with translation.override("en"):
        try:
            table = read_table(data, format)
        except ReadError as exc:
            return str(exc)
        return [row.values for row in table.rows]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(xlsx("A1:XFD1048576", LAST_ROW), id="declares and fills a million rows"),
        pytest.param(xlsx("A1:B2", LAST_ROW), id="declares little, holds row 1048576"),
        pytest.param(xlsx(None, b'<row r="3"><c r="XFD3" t="inlineStr"><is><t>z</t></is></c></row>'), id="wide row"),
    ],
)
def test_a_spreadsheet_too_large_is_refused_cheaply(data):
    assert len(data) < 10_000
    message = run_bounded(_read, data, memory_mb=150, seconds=5)
    assert message.startswith("The table is too large"), message


def test_the_refusal_says_the_limits_in_the_language_of_the_page():
    with translation.override("fr"):
        message = readers.too_many_cells(1_048_576, 16_384)
    assert "1\xa0048\xa0576" in message and "16\xa0384" in message


def test_a_declared_dimension_a_little_too_wide_still_reads_what_is_there():
    # Spreadsheets often declare a few more empty columns than they use: only the cells count.
    rows = run_bounded(_read, xlsx("A1:Z40"), memory_mb=100, seconds=5)
    assert rows == [{"Nom": "Les Amis du Parc", "Code postal": "1050"}]


def test_a_csv_of_too_many_rows_is_refused():
    data = b"Nom\n" + b"x\n" * (readers.MAX_ROWS + 1)
    message = run_bounded(_read, data, "csv", memory_mb=300, seconds=10)
    assert message.startswith("The table is too large"), message


def test_a_zip_bomb_is_refused_before_unpacking(monkeypatch):
    monkeypatch.setattr(readers, "MAX_XLSX_UNPACKED", 1000)
    with translation.override("en"), pytest.raises(ReadError, match="too large"):
        read_table(xlsx(), "xlsx")


def _clean_spaces(spaces):
    started = time.process_time()
    values = {
        "name": "Les Amis" + spaces + "du Parc / De Vrienden" + spaces + "van het Park",
        "themes": "a" + spaces + "b" + spaces + ";",
        "languages": spaces + "fr" + spaces,
        "phone": "02 123 45 67" + spaces + "x" + spaces + "0475",
        "email": spaces + "a@example.org" + spaces,
    }
    clean_actor(values)
    duplicates.phone_keys(values["phone"])
    duplicates.name_variants(values["name"])
    return time.process_time() - started


@pytest.mark.django_db
def test_long_runs_of_spaces_are_cleaned_in_linear_time(territory):
    clean_actor({"name": "Les Amis du Parc", "postcode": "1050"})  # the territory cached: the child needs no query
    seconds = run_bounded(_clean_spaces, " " * 40_000, memory_mb=200, seconds=20)
    assert seconds < 1, f"40,000 spaces took {seconds:.1f} s"


def _read_seconds(data, format):
    started = time.process_time()
    _read(data, format)
    return time.process_time() - started


def test_a_csv_full_of_quotes_is_sniffed_quickly():
    # csv.Sniffer's quote regexes backtrack on long samples (found by test_fuzz_bounded.py).
    data = ("Nom;Ville\n" + "'a " * 20_000 + "\n").encode()
    seconds = run_bounded(_read_seconds, data, "csv", memory_mb=100, seconds=20)
    assert seconds < 1, f"{seconds:.1f} s"
