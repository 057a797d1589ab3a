"""Cleaning mapped rows: typed values, and a clear message for each kind of bad input."""

import datetime as dt

import pytest
from django.utils import translation

from imports.cleaning import clean_actor, clean_event, fingerprint, guess_kind, parse_datetime


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def actor(**values):
    return clean_actor({"name": "Les Amis du Parc asbl", **values})


@pytest.mark.django_db
def test_a_good_row_is_typed_and_placed(territory):
    from territory.models import Postcode

    result = actor(
        postcode="1050",
        lat="50,8270",
        lon="4.372",
        company_number="BE0203071973",
        email="info@amis.be",
        website="www.amis.be",
        street="Rue du Bois",
        house_number="12",
        themes="Culture|Jeunesse",
    )
    assert result.errors == [] and result.warnings == []
    fields = result.fields
    assert fields["company_number"] == "0203071973"
    assert (fields["lat"], fields["lon"]) == (50.827, 4.372)
    assert fields["approximate"] is False
    assert fields["commune_id"] == Postcode.objects.get(code="1050").commune_id
    assert fields["website"] == "https://www.amis.be"
    assert fields["street"] == "Rue du Bois 12"
    assert fields["themes"] == ["Culture", "Jeunesse"]
    assert fields["kind"] == "association"
    assert result.external_id == "bce:0203071973"


@pytest.mark.django_db
@pytest.mark.parametrize("written", ["0203.071.973", "203071973", "BE0203071973", "BE 0203 071 973"])
def test_company_numbers_in_any_written_form(territory, written):
    assert actor(company_number=written).fields["company_number"] == "0203071973"


@pytest.mark.django_db
def test_an_invalid_company_number_is_left_out_with_a_warning(territory):
    result = actor(company_number="0203.071.974")
    assert result.errors == [] and result.fields["company_number"] == ""
    assert result.warnings == [
        "“0203.071.974” is not a valid Belgian company number (10 digits with a mod-97 check): imported without it."
    ]


@pytest.mark.django_db
def test_an_invalid_company_number_rejects_the_row_in_strict_mode(territory):
    result = clean_actor({"name": "Les Amis du Parc asbl", "company_number": "0203.071.974"}, strict=True)
    assert result.errors == ["“0203.071.974” is not a valid Belgian company number (10 digits with a mod-97 check)."]


@pytest.mark.django_db
def test_a_postcode_outside_the_territory_is_an_error(territory):
    assert actor(postcode="1300").errors == ["The postcode 1300 is outside the territory (Brussels-Capital Region)."]
    assert actor(postcode="9000").errors == ["The postcode 9000 is outside the territory (Brussels-Capital Region)."]


@pytest.mark.django_db
@pytest.mark.parametrize("postcode", ["0", "", "  "])
def test_an_unknown_postcode_says_nothing(territory, postcode):
    result = actor(postcode=postcode)
    assert result.errors == [] and result.warnings == []
    assert result.fields["postcode"] == "" and result.fields["approximate"] is True


@pytest.mark.django_db
def test_coordinates_at_zero_are_unknown(territory):
    result = actor(lat="0.0", lon="0", postcode="1000")
    assert result.errors == []
    assert result.warnings == ["Coordinates 0,0 mean unknown: ignored."]
    assert result.fields["lat"] is None and result.fields["approximate"] is True
    assert result.fields["commune_id"] is not None  # from the postcode


@pytest.mark.django_db
def test_swapped_coordinates_are_an_error(territory):
    result = actor(lat="4.38", lon="50.83")
    assert result.errors == ["Latitude and longitude look swapped (4.38, 50.83)."]


@pytest.mark.django_db
def test_coordinates_outside_the_territory_are_an_error(territory):
    result = actor(lat="51.2194", lon="4.4025")  # Antwerp
    assert result.errors == ["The coordinates (51.2194, 4.4025) are outside the territory (Brussels-Capital Region)."]


@pytest.mark.django_db
def test_unreadable_coordinates_are_an_error(territory):
    assert actor(lat="fifty", lon="4.3").errors == ["“fifty” is not a number (coordinates)."]


@pytest.mark.django_db
def test_an_empty_name_is_an_error(territory):
    assert clean_actor({"name": "  "}).errors == ["The name is empty."]


@pytest.mark.django_db
def test_a_bad_email_or_website_is_a_warning(territory):
    result = actor(email="not an address", website="http://")
    assert result.errors == []
    assert result.warnings == [
        "The email address “not an address” is not valid: ignored.",
        "The website “http://” is not a valid web address: ignored.",
    ]
    assert result.fields["email"] == "" and result.fields["website"] == ""


@pytest.mark.django_db
def test_contact_type_and_value_fill_the_matching_field(territory):
    assert actor(contact_type="EMAIL", contact_value="info@x.be").fields["email"] == "info@x.be"
    assert actor(contact_type="TEL", contact_value="02/800.80.00").fields["phone"] == "02/800.80.00"
    assert actor(contact_type="WEB", contact_value="www.vrt.be").fields["website"] == "https://www.vrt.be"


@pytest.mark.django_db
def test_the_external_id_is_stable_without_a_column(territory):
    one = clean_actor({"name": "Maison de Quartier", "postcode": "1000"})
    two = clean_actor({"name": "MAISON  de quartier", "postcode": "1000"})
    assert one.external_id == two.external_id
    assert clean_actor({"name": "X", "external_id": " 42 "}).external_id == "42"


@pytest.mark.django_db
def test_a_name_too_long_is_shortened_with_a_warning(territory):
    result = clean_actor({"name": "Association " * 30})
    assert result.errors == []
    assert result.warnings == ["The name is longer than 250 characters: shortened."]
    assert len(result.fields["name"]) <= 250 and result.fields["name"].endswith("Association…")


@pytest.mark.django_db
def test_a_point_near_the_edge_of_the_territory(territory):
    # West of Anderlecht: outside the box of the communes' centres, inside the region.
    result = actor(lat="50.8123475", lon="4.2628237", postcode="1070")
    assert result.errors == []
    assert result.fields["lat"] == 50.8123475


@pytest.mark.django_db
def test_with_boundaries_the_polygons_decide(territory, settings):
    from pathlib import Path

    from territory.models import Postcode
    from territory.services import clear_caches, load_boundaries

    path = Path(settings.SHARED_DIR) / "data" / "brussels-communes.geojson"
    if not path.exists():
        pytest.skip("shared boundaries absent")
    load_boundaries(path)
    clear_caches()
    inside = actor(lat="50.8123475", lon="4.2628237")
    assert inside.errors == []
    assert inside.fields["commune_id"] == Postcode.objects.get(code="1070").commune_id
    vilvoorde = actor(lat="50.9281", lon="4.4245")
    assert vilvoorde.errors == [
        "The coordinates (50.9281, 4.4245) are outside the territory (Brussels-Capital Region)."
    ]
    assert actor(lat="4.3802675", lon="50.8378554").errors == [
        "Latitude and longitude look swapped (4.380268, 50.837855)."
    ]


def test_fingerprint_is_canonical():
    assert fingerprint({"a": 1, "b": [1, 2]}) == fingerprint({"b": [1, 2], "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})


@pytest.mark.parametrize(
    "name, kind",
    [
        ("CPAS d'Ixelles", "public_service"),
        ("OCMW Brussel", "public_service"),
        ("Ville de Bruxelles", "public_service"),
        ("Université libre de Bruxelles", "research_centre"),
        ("Fédération des maisons médicales", "federation"),
        ("Brussels Netwerk Ouderen", "federation"),
        ("Fédération Wallonie-Bruxelles", "public_service"),
        ("Les Petits Riens asbl", "association"),
        ("Les Amis des Bibliothèques de la Ville de Bruxelles", "association"),
        ("Zone de Police / Politiezone", "public_service"),
        ("Gemeente Schaarbeek", "public_service"),
        ("Collectif du coin", "association"),
    ],
)
def test_guess_kind(name, kind):
    assert guess_kind(name) == kind


def test_guess_kind_falls_back_to_the_default():
    assert guess_kind("Collectif du coin", default="citizen_initiative") == "citizen_initiative"


def test_parse_datetime_forms():
    brussels = dt.timezone(dt.timedelta(hours=2))
    assert parse_datetime("2024-05-01T19:30:00+02:00") == (dt.datetime(2024, 5, 1, 19, 30, tzinfo=brussels), False)
    value, date_only = parse_datetime("01/05/2024 19:30")
    assert value.utcoffset() == dt.timedelta(hours=2) and (value.hour, value.minute) == (19, 30) and not date_only
    value, date_only = parse_datetime("2024-01-15")
    assert date_only and value.utcoffset() == dt.timedelta(hours=1)
    assert parse_datetime("2024-05-01T17:30:00Z")[0] == dt.datetime(2024, 5, 1, 17, 30, tzinfo=dt.UTC)
    assert parse_datetime("tomorrow") is None


@pytest.mark.django_db
def test_a_good_event(territory):
    result = clean_event(
        {
            "title": "Repair café",
            "start": "2024-05-02T18:00:00+02:00",
            "end": "2024-05-02T21:00:00+02:00",
            "rrule": "FREQ=WEEKLY;BYDAY=TH",
            "postcode": "1060",
            "url": "example.org/repair",
            "themes": "Réemploi; Quartier",
            "status": "CONFIRMED",
        }
    )
    assert result.errors == [] and result.warnings == []
    fields = result.fields
    assert fields["rrule"] == "FREQ=WEEKLY;BYDAY=TH"
    assert fields["all_day"] is False
    assert fields["url"] == "https://example.org/repair"
    assert fields["themes"] == ["Réemploi", "Quartier"]
    assert fields["status"] == "scheduled"
    assert fields["approximate"] is True and fields["commune_id"] is not None


@pytest.mark.django_db
def test_an_all_day_event_from_a_date(territory):
    result = clean_event({"title": "Fête", "start": "15/06/2024"})
    assert result.errors == []
    assert result.fields["all_day"] is True
    assert result.fields["start"].date() == dt.date(2024, 6, 15)


@pytest.mark.django_db
def test_bad_event_inputs(territory):
    assert clean_event({"title": "", "start": "2024-05-01"}).errors == ["The title is empty."]
    assert clean_event({"title": "X"}).errors == ["The start date is missing."]
    assert clean_event({"title": "X", "start": "soon"}).errors == ["“soon” is not a date (start)."]
    assert clean_event({"title": "X", "start": "2024-05-02", "end": "2024-05-01"}).errors == [
        "The end is before the start."
    ]
    assert clean_event({"title": "X", "start": "2024-05-02", "rrule": "BYDAY=TH"}).errors == [
        "A recurrence rule needs a frequency (FREQ=...)."
    ]
    assert clean_event({"title": "X", "start": "2024-05-02", "status": "cancelled"}).fields["status"] == "cancelled"
    assert clean_event({"title": "X", "start": "2024-05-02", "postcode": "1300"}).errors == [
        "The postcode 1300 is outside the territory (Brussels-Capital Region)."
    ]


@pytest.mark.django_db
def test_a_belgian_csv_from_file_to_cleaned_rows(territory):
    """Windows-1252, semicolons, decimal commas: read, mapped by guess, cleaned, one message per bad row."""
    from pathlib import Path

    from imports.mapping import apply_mapping, guess_mapping
    from imports.readers import read_table

    table = read_table((Path(__file__).parent / "data" / "actors-cp1252.csv").read_bytes(), "csv")
    assert table.encoding == "cp1252" and table.delimiter == ";"
    mapping = guess_mapping(table.columns, "actors")
    assert mapping["company_number"] == "N° BCE" and mapping["house_number"] == "Numéro"
    results = {row.number: clean_actor(apply_mapping(row, mapping)) for row in table.rows}
    good = results[2]
    assert good.errors == [] and good.fields["street"] == "Rue du Bois 12"
    assert (good.fields["lat"], good.fields["lon"]) == (50.827, 4.372)
    assert results[3].fields["kind"] == "public_service"
    assert results[3].warnings == ["Coordinates 0,0 mean unknown: ignored."]
    assert results[4].fields["name"] == "Café des Élèves"
    assert results[4].errors == ["Latitude and longitude look swapped (4.353577, 50.849896)."]
    assert results[4].warnings == ["The email address “pas un email” is not valid: ignored."]
    assert results[5].errors == ["The postcode 5000 is outside the territory (Brussels-Capital Region)."]
    assert results[6].errors == ["The name is empty."]
    assert results[7].errors == [] and results[7].fields["company_number"] == ""
    assert results[7].warnings == [
        "“0203.071.974” is not a valid Belgian company number (10 digits with a mod-97 check): imported without it."
    ]


@pytest.mark.django_db
def test_an_ics_feed_from_file_to_cleaned_events(territory):
    from pathlib import Path

    from imports.mapping import apply_mapping, guess_mapping
    from imports.readers import read_table

    table = read_table((Path(__file__).parent / "data" / "events.ics").read_bytes(), "ics")
    mapping = guess_mapping(table.columns, "events")
    repair, fete, far = (clean_event(apply_mapping(row, mapping)) for row in table.rows)
    assert repair.errors == [] and repair.external_id == "repair@example.org"
    assert repair.fields["rrule"] == "FREQ=WEEKLY;BYDAY=TH"
    assert repair.fields["start"].isoformat() == "2024-05-02T18:00:00+02:00"
    assert repair.fields["description"] == "Chaque jeudi, on répare ensemble."
    assert repair.fields["themes"] == ["Réemploi"]
    assert fete.errors == [] and fete.fields["all_day"] is True
    assert (fete.fields["start"].date(), fete.fields["end"].date()) == (dt.date(2024, 5, 31), dt.date(2024, 6, 1))
    assert fete.fields["commune_id"] is not None and fete.fields["approximate"] is False
    assert far.errors == ["The coordinates (51.2194, 4.4025) are outside the territory (Brussels-Capital Region)."]
    assert far.fields["start"] == dt.datetime(2024, 6, 1, 10, tzinfo=dt.UTC)
