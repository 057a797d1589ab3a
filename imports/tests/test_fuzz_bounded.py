"""Each reader, fed hostile but well-formed-looking files, stays within a memory and time budget.

test_fuzz.py throws random bytes at the readers (they must raise only ReadError); here each
format gets files built to reach deep into its reader (declared sizes, long runs of spaces,
nesting, rules that never match), and every example runs in a child process limited in memory
(RLIMIT_AS) and CPU, with a per-file CPU budget: a reader that explodes fails, it does not take
the machine down.
"""

import contextlib
import io
import json
import re
import time
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agenda.validators import validate_rrule
from imports.readers import ReadError, Table, read_table

from .bounded import run_bounded

MEMORY_MB = 400  # above what the child already uses
SECONDS_PER_FILE = 2.0
EXAMPLES = 25

long_run = st.builds(
    lambda char, n: char * n, st.sampled_from([" ", "\t", ";", ",", "/", "|", "a", "é"]), st.integers(1_000, 40_000)
)
plain = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
tricky = st.sampled_from(
    ["", " ", "=1+1", '"', '""', "a;b", "x / y", "en abrégé X", "ou", "1e400", "nan", "\u00a0", "BE0203.071.973"]
)
cell = st.one_of(plain, tricky, long_run)


def _budgeted(read, data, format):
    started = time.process_time()
    try:
        table = read(data, format)
    except ReadError as exc:
        assert str(exc)
        table = None
    seconds = time.process_time() - started
    assert seconds < SECONDS_PER_FILE, f"{format}: {seconds:.1f} s for a file of {len(data)} bytes"
    if table is not None:
        assert isinstance(table, Table)
        for row in table.rows:
            assert all(isinstance(value, str) for value in row.values.values())
    return table


def _fuzz(format, strategy, check=None):
    """A hypothesis run of ``strategy``'s files through the reader of ``format`` (in the child)."""

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=strategy)
    def run(data):
        table = _budgeted(read_table, data, format)
        if check and table is not None:
            check(table)

    run()
    return True


# --- CSV ------------------------------------------------------------------------------------------

csv_files = st.builds(
    lambda rows, delimiter, encoding, bom: (
        (b"\xef\xbb\xbf" if bom else b"")
        + "\r\n".join(delimiter.join(row) for row in rows).encode(encoding, errors="replace")
    ),
    st.lists(st.lists(cell, min_size=1, max_size=8), min_size=1, max_size=12),
    st.sampled_from([";", ",", "\t", "|"]),
    st.sampled_from(["utf-8", "cp1252"]),
    st.booleans(),
)

# --- XLSX -----------------------------------------------------------------------------------------

xlsx_cell = st.one_of(
    plain.filter(lambda text: not text.startswith("=")),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.builds(lambda n: " " * n, st.integers(1_000, 30_000)),
)


def _xlsx(rows, dimension, extra_rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    plain_file, out = io.BytesIO(), io.BytesIO()
    workbook.save(plain_file)
    source = zipfile.ZipFile(plain_file)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                if dimension is not None:
                    data = re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="%s"/>' % dimension.encode(), data)
                extra = b"".join(
                    b'<row r="%d"><c r="%s%d" t="inlineStr"><is><t>x</t></is></c></row>' % (row, column.encode(), row)
                    for row, column in extra_rows
                )
                data = data.replace(b"</sheetData>", extra + b"</sheetData>")
            archive.writestr(info.filename, data)
    return out.getvalue()


xlsx_files = st.builds(
    _xlsx,
    st.lists(st.lists(xlsx_cell, min_size=1, max_size=6), min_size=1, max_size=8),
    st.sampled_from([None, "A1:XFD1048576", "A1:B2", "A1:ZZ5000", "A1", "XFD1048576:A1", "nonsense"]),
    st.lists(
        st.tuples(st.sampled_from([50, 5_000, 300_000, 1_048_576]), st.sampled_from(["A", "Z", "AAA", "XFD"])),
        max_size=1,
    ),
)

# --- JSON, GeoJSON, HSDS --------------------------------------------------------------------------

json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | cell,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(plain, children, max_size=4),
    max_leaves=25,
)
records = st.lists(st.dictionaries(st.one_of(plain, tricky), json_value, max_size=6), min_size=1, max_size=8)
json_files = st.builds(
    lambda items, wrap: json.dumps({"data": items} if wrap else items).encode(), records, st.booleans()
)

coordinates = st.recursive(
    st.floats(allow_nan=False) | st.integers(-1000, 1000),
    lambda children: st.lists(children, max_size=4),
    max_leaves=30,
)
geometry = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["Point", "LineString", "Polygon", "MultiPolygon", "GeometryCollection", "Nope"]),
            "coordinates": coordinates,
        }
    ),
)
features = st.lists(
    st.fixed_dictionaries({"type": st.just("Feature"), "geometry": geometry, "properties": json_value}), max_size=6
)
geojson_files = st.builds(lambda items: json.dumps({"type": "FeatureCollection", "features": items}).encode(), features)

organisation = st.fixed_dictionaries(
    {"id": plain, "name": cell},
    optional={
        "description": cell,
        "email": cell,
        "website": cell,
        "services": st.lists(st.dictionaries(plain, json_value, max_size=4), max_size=3),
        "locations": st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "latitude": json_value,
                    "longitude": json_value,
                    "addresses": st.lists(st.dictionaries(plain, cell, max_size=4), max_size=2),
                },
            ),
            max_size=3,
        ),
        "organization_identifiers": st.lists(st.dictionaries(plain, cell, max_size=3), max_size=2),
    },
)
hsds_files = st.builds(lambda items: json.dumps(items).encode(), st.lists(organisation, min_size=1, max_size=5))

# --- iCal -----------------------------------------------------------------------------------------

rrule = st.builds(
    lambda freq, parts: ";".join([f"FREQ={freq}", *parts]),
    st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]),
    st.lists(
        st.sampled_from(
            ["BYMONTH=2", "BYMONTH=4,6", "BYMONTHDAY=30", "BYMONTHDAY=31", "BYMONTHDAY=-1", "BYYEARDAY=366"]
            + ["BYDAY=MO", "BYDAY=1FR", "BYWEEKNO=53", "INTERVAL=7", "INTERVAL=400", "COUNT=3", "BYSETPOS=-1"]
            + ["UNTIL=20991231T000000Z", "WKST=SU"]
        ),
        max_size=4,
        unique=True,
    ),
)
dtstart = st.sampled_from(["20260105T180000", "20280229T100000Z", "20261231", "99991231T235959", "garbage"])
vevent = st.builds(
    lambda uid, summary, start, rule: (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nSUMMARY:{summary}\r\nDTSTART:{start}\r\n"
        + (f"RRULE:{rule}\r\n" if rule else "")
        + "END:VEVENT\r\n"
    ),
    st.text(alphabet="abcdef0123456789", min_size=1, max_size=10),
    plain.map(lambda text: text.replace("\r", " ").replace("\n", " ")) | long_run,
    dtstart,
    st.none() | rrule,
)
ics_files = st.builds(
    lambda events: (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//fuzz//\r\n" + "".join(events) + "END:VCALENDAR\r\n"
    ).encode(),
    st.lists(vevent, min_size=1, max_size=6),
)


def _rules_are_checked_quickly(table):
    """The agenda's validator runs on every imported rule: bounded too."""
    for row in table.rows:
        rule = row.values.get("rrule", "")
        if rule:
            with contextlib.suppress(Exception):  # refusing is fine, taking long is not
                validate_rrule(rule)


@pytest.mark.parametrize(
    ("format", "strategy", "check"),
    [
        ("csv", csv_files, None),
        ("xlsx", xlsx_files, None),
        ("json", json_files, None),
        ("geojson", geojson_files, None),
        ("hsds", hsds_files, None),
        ("ics", ics_files, _rules_are_checked_quickly),
    ],
    ids=["csv", "xlsx", "json", "geojson", "hsds", "ics"],
)
def test_each_reader_stays_within_its_budget(format, strategy, check):
    assert run_bounded(_fuzz, format, strategy, check, memory_mb=MEMORY_MB, seconds=60)
