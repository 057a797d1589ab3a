"""Fuzzing: whatever the bytes or the text, readers raise only ReadError and cleaning never raises."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imports.cleaning import clean_actor, clean_event
from imports.mapping import ACTOR_FIELDS, EVENT_FIELDS, guess_mapping
from imports.readers import ReadError, Table, detect_format, read_table

FORMATS = ["csv", "xlsx", "json", "geojson", "ics", "hsds"]

# Bytes that look a little like each format, so the fuzzing reaches past the first checks.
PREFIXES = [
    b"",
    b"Nom;Code postal\r\n",
    b"\xef\xbb\xbfNom,Ville\n",
    b'[{"Nom": ',
    b'{"data": [',
    b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": ',
    b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:",
    b"PK\x03\x04",
]
SUFFIXES = [b"", b"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", b"]}", b'"}]', b"\n"]
fuzz_bytes = st.builds(
    lambda prefix, middle, suffix: prefix + middle + suffix,
    st.sampled_from(PREFIXES),
    st.binary(max_size=300) | st.text(max_size=200).map(lambda t: t.encode("utf-8")),
    st.sampled_from(SUFFIXES),
)


@pytest.mark.parametrize("format", FORMATS)
@settings(max_examples=120, deadline=None)
@given(data=fuzz_bytes)
def test_readers_raise_only_read_error(format, data):
    try:
        table = read_table(data, format, max_bytes=10_000)
    except ReadError as exc:
        assert isinstance(exc.message, str) and exc.message
        return
    assert isinstance(table, Table)
    for row in table.rows:
        assert set(row.values) == set(table.columns)
        assert all(isinstance(value, str) for value in row.values.values())


@settings(max_examples=150, deadline=None)
@given(filename=st.text(max_size=30), data=fuzz_bytes)
def test_detect_format_never_raises(filename, data):
    assert detect_format(filename, data) in (None, *FORMATS)


@settings(max_examples=100, deadline=None)
@given(columns=st.lists(st.text(max_size=40), max_size=15, unique=True))
def test_guess_mapping_uses_each_column_once(columns):
    for target in ("actors", "events"):
        mapping = guess_mapping(columns, target)
        assert len(set(mapping.values())) == len(mapping)
        assert set(mapping.values()) <= set(columns)


# Values mixing plausible and wild text: numbers with commas, postcodes, dates, garbage.
plausible = st.sampled_from(
    [
        "",
        "0",
        "0.0",
        "1000",
        "1300",
        "B-1050",
        "50,83",
        "4.38",
        "-91",
        "1e400",
        "nan",
        "inf",
        "0203.071.973",
        "BE0203071973",
        "2024-05-02T18:00:00+02:00",
        "31/02/2024",
        "01/05/2024 19h30",
        "FREQ=WEEKLY;BYDAY=TH",
        "FREQ=",
        "www.example.org",
        "http://[::1",
        "a@b",
        "EMAIL",
        "TEL",
        "WEB",
    ]
)
text_value = plausible | st.text(max_size=60)


def values_for(fields):
    return st.fixed_dictionaries({}, optional=dict.fromkeys(fields, text_value))


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=values_for(ACTOR_FIELDS))
def test_clean_actor_never_raises(territory, values):
    result = clean_actor(values)
    assert isinstance(result.errors, list) and isinstance(result.warnings, list)
    assert result.external_id
    if not result.errors:
        assert result.fields["name"]
        lat, lon = result.fields["lat"], result.fields["lon"]
        assert (lat is None) == (lon is None)


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=values_for(EVENT_FIELDS))
def test_clean_event_never_raises(territory, values):
    result = clean_event(values)
    assert result.external_id
    if not result.errors:
        assert result.fields["title"] and result.fields["start"] is not None
        assert result.fields["start"].tzinfo is not None
