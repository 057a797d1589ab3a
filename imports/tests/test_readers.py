"""Reading files into tables: every format, every Belgian spreadsheet dialect, and bad files."""

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.utils import translation

from imports.readers import ReadError, detect_format, read_table

DATA = Path(__file__).parent / "data"
HEADER = ["Nom", "Code postal", "Commune", "Latitude"]
ROWS = [
    ["Café des Élèves", "1050", "Ixelles", "50.827"],
    ["Maison de quartier; Midi", "1060", "Saint-Gilles", "50.83"],
]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def csv_bytes(delimiter=";", encoding="utf-8", newline="\r\n"):
    import csv

    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerows([HEADER, *ROWS])
    return out.getvalue().encode(encoding)


def assert_the_small_table(table):
    assert table.columns == HEADER
    assert [row.number for row in table.rows] == [2, 3]
    assert [list(row.values.values()) for row in table.rows] == ROWS
    assert all(row.errors == [] for row in table.rows)


@pytest.mark.parametrize(
    "encoding, delimiter",
    [
        ("utf-8", ";"),
        ("utf-8", ","),
        ("utf-8", "\t"),
        ("utf-8-sig", ";"),
        ("utf-8-sig", ","),
        ("cp1252", ";"),
        ("cp1252", ","),
        ("utf-16", "\t"),
    ],
)
def test_csv_in_belgian_dialects(encoding, delimiter):
    table = read_table(csv_bytes(delimiter, encoding), "csv")
    assert_the_small_table(table)
    assert table.delimiter == delimiter
    assert table.encoding == encoding


def test_windows_1252_is_said_in_a_note():
    table = read_table(csv_bytes(";", "cp1252"), "csv")
    assert table.notes == ["The file was read with the encoding cp1252."]


def test_csv_quoted_newlines_blank_lines_and_lf():
    data = b'Nom;Description\n\n"Atelier";"Line one\nline two"\n\n"Autre";x\n'
    table = read_table(data, "csv")
    assert table.columns == ["Nom", "Description"]
    assert [(row.number, row.values["Description"]) for row in table.rows] == [(3, "Line one\nline two"), (5, "x")]


def test_csv_header_cells_are_stripped_and_made_unique():
    table = read_table(b" Nom ;;Nom;Ville\nA;b;c;d\n", "csv")
    assert table.columns == ["Nom", "column 2", "Nom (column 3)", "Ville"]
    assert table.rows[0].values == {"Nom": "A", "column 2": "b", "Nom (column 3)": "c", "Ville": "d"}


def test_a_ragged_row_is_a_row_error_not_an_exception():
    data = b"a;b;c;d;e;f;g\n1;2;3;4;5;6;7\n1;2;3;4;5\n1;2;3;4;5;6;7;;\n1;2;3;4;5;6;7;8\n"
    table = read_table(data, "csv")
    assert [row.errors for row in table.rows] == [
        [],
        ["This row has 5 cells; the header has 7."],
        [],  # trailing empty cells are not a problem
        ["This row has 8 cells; the header has 7."],
    ]
    assert table.rows[1].values["f"] == ""


@pytest.mark.parametrize("format", ["csv", "json", "geojson", "ics", "hsds", "xlsx"])
@pytest.mark.parametrize("data", [b"", b"  \r\n", b"\xef\xbb\xbf"])
def test_an_empty_file(format, data):
    with pytest.raises(ReadError) as caught:
        read_table(data, format)
    assert caught.value.message == "The file is empty."


def test_a_header_without_rows():
    with pytest.raises(ReadError) as caught:
        read_table(b"Nom;Code postal\r\n\r\n", "csv")
    assert caught.value.message == "The file has no rows to import."


def test_a_file_too_large():
    with pytest.raises(ReadError) as caught:
        read_table(csv_bytes(), "csv", max_bytes=50)
    assert caught.value.message.startswith("The file is too large")
    assert read_table(csv_bytes(), "csv", max_bytes=10_000).rows


def test_the_size_limit_comes_from_the_settings(settings):
    settings.IMPORT_MAX_BYTES = 10
    with pytest.raises(ReadError, match="too large"):
        read_table(csv_bytes(), "csv")


def test_json_list_and_wrapped_list():
    records = [{"Nom": "A", "Tags": ["x", "y"], "Code postal": 1000}, {"Nom": "B", "Extra": None, "Lat": 50.5}]
    for payload in (records, {"data": records}, {"meta": {"n": 2}, "things": records}):
        table = read_table(json.dumps(payload).encode(), "json")
        assert table.columns == ["Nom", "Tags", "Code postal", "Extra", "Lat"]
        assert table.rows[0].values == {"Nom": "A", "Tags": "x|y", "Code postal": "1000", "Extra": "", "Lat": ""}
        assert table.rows[1].values["Lat"] == "50.5"
        assert [row.number for row in table.rows] == [1, 2]


def test_a_json_item_that_is_not_an_object():
    table = read_table(b'[{"Nom": "A"}, 3]', "json")
    assert table.rows[1].errors == ["This item is not an object with fields."]


def test_invalid_json():
    with pytest.raises(ReadError) as caught:
        read_table(b'[{"Nom": "A",]', "json")
    assert caught.value.message == "This is not valid JSON (line 1, column 14)."


def test_the_subsidies_file_reads_whole(settings):
    path = Path(settings.SHARED_DIR) / "data" / "brussels-subsidised-associations-2022.json"
    if not path.exists():
        pytest.skip("shared data absent")
    table = read_table(path.read_bytes(), "json")
    assert len(table.rows) == 673
    assert table.rows[1].values["Le numéro de BCE du bénéficiaire de la subvention"] == "0203.071.973"


def test_geojson_points_and_polygons():
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": 7,
                "properties": {"name": "A"},
                "geometry": {"type": "Point", "coordinates": [4.35, 50.85]},
            },
            {
                "type": "Feature",
                "properties": {"name": "B"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[4.0, 50.0], [4.2, 50.0], [4.2, 50.2], [4.0, 50.2], [4.0, 50.0]]],
                },
            },
            {"type": "Feature", "properties": {"name": "C"}, "geometry": None},
            {"type": "Feature", "properties": {"name": "D"}, "geometry": {"type": "Point", "coordinates": ["x"]}},
        ],
    }
    table = read_table(json.dumps(collection).encode(), "geojson")
    assert table.columns == ["id", "name", "latitude", "longitude"]
    values = [(r.values["name"], r.values["latitude"], r.values["longitude"]) for r in table.rows]
    assert values[0] == ("A", "50.85", "4.35")
    assert (
        values[1][0] == "B" and float(values[1][1]) == pytest.approx(50.1) and float(values[1][2]) == pytest.approx(4.1)
    )
    assert values[2] == ("C", "", "")
    assert table.rows[3].errors == ["The geometry of this feature cannot be read."]


def test_geojson_must_be_a_feature_collection():
    with pytest.raises(ReadError) as caught:
        read_table(b'{"type": "Point", "coordinates": [1, 2]}', "geojson")
    assert caught.value.message == "This is not a GeoJSON FeatureCollection."


ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
UID:repair-1@example.org\r
SUMMARY:Repair caf\xc3\xa9\r
DTSTART;TZID=Europe/Brussels:20240502T180000\r
DTEND;TZID=Europe/Brussels:20240502T210000\r
RRULE:FREQ=WEEKLY;BYDAY=TH\r
LOCATION:Rue Haute 10\\, 1000 Bruxelles\r
CATEGORIES:R\xc3\xa9emploi,Quartier\r
ORGANIZER;CN=Les Amis:mailto:amis@example.org\r
GEO:50.84;4.35\r
STATUS:CONFIRMED\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:repair-1@example.org\r
RECURRENCE-ID;TZID=Europe/Brussels:20240509T180000\r
SUMMARY:Repair caf\xc3\xa9 (moved)\r
DTSTART;TZID=Europe/Brussels:20240509T190000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:fete@example.org\r
SUMMARY:F\xc3\xaate des voisins\r
DTSTART;VALUE=DATE:20240531\r
DTEND;VALUE=DATE:20240601\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:floating@example.org\r
SUMMARY:Floating\r
DTSTART:20240115T100000\r
DURATION:PT2H\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_ics_events_with_recurrence_and_all_day():
    table = read_table(ICS, "ics")
    assert [row.number for row in table.rows] == [1, 3, 4]
    first, fete, floating = (row.values for row in table.rows)
    assert first["uid"] == "repair-1@example.org"
    assert first["summary"] == "Repair café"
    assert first["dtstart"] == "2024-05-02T18:00:00+02:00"
    assert first["dtend"] == "2024-05-02T21:00:00+02:00"
    assert first["all_day"] == "0"
    assert first["rrule"] == "FREQ=WEEKLY;BYDAY=TH"
    assert first["location"] == "Rue Haute 10, 1000 Bruxelles"
    assert first["categories"] == "Réemploi|Quartier"
    assert first["organizer"] == "Les Amis"
    assert (first["latitude"], first["longitude"]) == ("50.84", "4.35")
    assert first["status"] == "CONFIRMED"
    # iCalendar ends an all-day event the day after; the table gives its last day.
    assert (fete["dtstart"], fete["dtend"], fete["all_day"]) == ("2024-05-31", "2024-05-31", "1")
    assert floating["dtstart"] == "2024-01-15T10:00:00+01:00"
    assert floating["dtend"] == "2024-01-15T12:00:00+01:00"
    assert table.notes == ["1 changed occurrence of a recurring event (RECURRENCE-ID) was skipped."]


@pytest.mark.parametrize(
    "data", [b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\n", b"hello, world", b"BEGIN:VCALENDAR\nX"]
)
def test_invalid_ics(data):
    with pytest.raises(ReadError) as caught:
        read_table(data, "ics")
    assert "not a valid iCalendar file" in caught.value.message


def test_hsds_organisations(settings):
    path = Path(settings.SHARED_DIR) / "ref" / "hsds-3.0" / "examples" / "organization_full.json"
    if not path.exists():
        pytest.skip("shared HSDS examples absent")
    data = path.read_bytes()
    for payload in (data, b'{"total_items": 1, "contents": [' + data + b"]}", b"[" + data + b"]"):
        table = read_table(payload, "hsds")
        assert len(table.rows) == 1
        values = table.rows[0].values
        assert values["id"] == "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
        assert values["name"] == "Example Organization Inc."
        assert values["phone"] == "+44 1234 234567"
        assert values["address_1"] == "1-30 Main Street"
        assert (values["latitude"], values["longitude"]) == ("100", "101")
        assert values["company_number"] == ""  # a British number is not a Belgian one


def test_hsds_belgian_sample():
    table = read_table((DATA / "hsds.json").read_bytes(), "hsds")
    values = table.rows[0].values
    assert values["company_number"] == "0203.071.973"
    assert values["postal_code"] == "1050"
    assert values["taxonomy_terms"] == "Santé|Logement"


def test_xlsx_with_dates_numbers_and_a_header_lower_down():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([])
    sheet.append(["Nom", "Code postal", "Date", "Latitude", None])
    sheet.append(["Café des Élèves", 1050, dt.datetime(2024, 5, 2), 50.827, None])
    sheet.append(["Atelier", 1000.0, dt.datetime(2024, 5, 2, 18, 30), None, None])
    sheet.append([None, None, None, None, None])
    sheet.append(["Autre", "1060", dt.date(2024, 1, 1), 4, "extra"])
    workbook.create_sheet("Other")
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "xlsx")
    assert table.columns == ["Nom", "Code postal", "Date", "Latitude"]
    assert [row.number for row in table.rows] == [3, 4, 6]
    assert table.rows[0].values == {
        "Nom": "Café des Élèves",
        "Code postal": "1050",
        "Date": "2024-05-02",
        "Latitude": "50.827",
    }
    assert table.rows[1].values["Date"] == "2024-05-02T18:30:00"
    assert table.rows[1].values["Code postal"] == "1000"
    assert table.rows[2].errors == ["This row has 5 cells; the header has 4."]
    assert table.notes == ["Only the first sheet (“Sheet”) was read."]


@pytest.mark.parametrize("data", [b"Nom;Ville\nA;B\n", b"PK\x03\x04garbage"])
def test_not_an_xlsx(data):
    with pytest.raises(ReadError) as caught:
        read_table(data, "xlsx")
    assert caught.value.message == "This is not an XLSX file."


def test_undecodable_text():
    with pytest.raises(ReadError):
        read_table(bytes(range(256)) * 4 + b"\x00\x00\x81\x8d", "csv")


@pytest.mark.parametrize(
    "filename, data, expected",
    [
        ("a.csv", b"x", "csv"),
        ("A.XLSX", b"", "xlsx"),
        ("feed.ics", b"", "ics"),
        ("map.geojson", b"", "geojson"),
        ("list.json", b'[{"a": 1}]', "json"),
        ("list.json", b'{"type": "FeatureCollection", "features": []}', "geojson"),
        ("orgs.json", b'{"total_items": 0, "contents": []}', "hsds"),
        ("orgs.json", b'[{"id": "1", "name": "A", "locations": []}]', "hsds"),
        ("upload", b"PK\x03\x04...", "xlsx"),
        ("upload", b"BEGIN:VCALENDAR\r\n", "ics"),
        ("upload", b"Nom;Ville\nA;B\n", "csv"),
        ("upload", b'[{"a": 1}]', "json"),
        ("upload", b"", None),
    ],
)
def test_detect_format(filename, data, expected):
    assert detect_format(filename, data) == expected
