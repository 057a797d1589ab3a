"""Guessing which column is which field, checking a mapping, applying it to a row."""

import json
from pathlib import Path

import pytest
from django.utils import translation

from imports.mapping import ACTOR_FIELDS, EVENT_FIELDS, apply_mapping, fields_for, guess_mapping, validate_mapping
from imports.readers import HSDS_COLUMNS, ICS_COLUMNS, Row


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_fields_for():
    # The import's own fields first, then what else the actor's spec lets an import set.
    actors = fields_for("actors")
    assert list(actors)[: len(ACTOR_FIELDS)] == list(ACTOR_FIELDS)
    assert {"description_nl", "opening_hours_nl", "contact_name", "status"} <= set(actors)
    assert not {"name_fr", "description_fr", "opening_hours_fr", "social_links", "logo"} & set(actors)
    events = fields_for("events")
    assert list(events)[: len(EVENT_FIELDS)] == list(EVENT_FIELDS)
    assert {"title_nl", "price_fr", "online_url"} <= set(events)
    assert not {"title_fr", "registration_url", "organisers"} & set(events)
    assert "company_number" in ACTOR_FIELDS and "rrule" in EVENT_FIELDS


def test_the_actors_fields_follow_the_spec():
    """A field the actor's spec gains (or loses) is offered (or not) at the next call."""
    from directory.fields import ACTOR

    contact = ACTOR["contact_name"]
    ACTOR.remove("contact_name")
    try:
        assert "contact_name" not in fields_for("actors")
        assert validate_mapping({"name": "Nom", "contact_name": "Contact"}, ["Nom", "Contact"], "actors") == [
            "Unknown field “contact_name”."
        ]
    finally:
        ACTOR.add(contact, after="company_number")
    assert fields_for("actors")["contact_name"] == contact.label
    assert validate_mapping({"name": "Nom", "contact_name": "Contact"}, ["Nom", "Contact"], "actors") == []


def test_the_subsidies_file_columns(settings):
    path = Path(settings.SHARED_DIR) / "data" / "brussels-subsidised-associations-2022.json"
    if not path.exists():
        pytest.skip("shared data absent")
    columns = list(json.loads(path.read_text(encoding="utf-8"))[0])
    assert guess_mapping(columns, "actors") == {
        "name": "Nom du bénéficiaire de la subvention",
        "company_number": "Le numéro de BCE du bénéficiaire de la subvention",
        "street": "Rue",
        "house_number": "Numéro de maison",
        "postcode": "Code postal",
        "commune": "Commune",
        "lat": "Latitude",
        "lon": "Longitude",
        "contact_type": "Type de contact",
        "contact_value": "Donnée de contact",
    }


def test_dutch_headers():
    columns = ["Naam", "KBO-nummer", "Straat", "Huisnummer", "Postcode", "Gemeente", "Telefoon", "E-mail", "Website"]
    columns += ["Breedtegraad", "Lengtegraad"]
    assert guess_mapping(columns, "actors") == {
        "name": "Naam",
        "email": "E-mail",
        "phone": "Telefoon",
        "website": "Website",
        "company_number": "KBO-nummer",
        "street": "Straat",
        "house_number": "Huisnummer",
        "postcode": "Postcode",
        "commune": "Gemeente",
        "lat": "Breedtegraad",
        "lon": "Lengtegraad",
    }


def test_english_headers():
    columns = ["ID", "Name", "Enterprise number", "Street", "House number", "Postal code", "City", "Phone", "Email"]
    columns += ["URL", "lat", "lng", "Amount"]
    mapping = guess_mapping(columns, "actors")
    assert mapping == {
        "external_id": "ID",
        "name": "Name",
        "email": "Email",
        "phone": "Phone",
        "website": "URL",
        "company_number": "Enterprise number",
        "street": "Street",
        "house_number": "House number",
        "postcode": "Postal code",
        "commune": "City",
        "lat": "lat",
        "lon": "lng",
    }


def test_french_short_headers():
    columns = ["Dénomination", "N° BCE", "Adresse", "N°", "CP", "Localité", "Tél.", "Courriel", "Site web", "ASBL ?"]
    mapping = guess_mapping(columns, "actors")
    assert mapping["name"] == "Dénomination"
    assert mapping["company_number"] == "N° BCE"
    assert mapping["house_number"] == "N°"
    assert mapping["postcode"] == "CP"
    assert mapping["commune"] == "Localité"
    assert mapping["phone"] == "Tél."
    assert mapping["email"] == "Courriel"
    assert mapping["website"] == "Site web"


def test_exact_matches_win_over_contained_ones():
    # "Nom de la personne de contact" contains "nom", but "Nom" is exactly the name.
    mapping = guess_mapping(["Nom de la personne de contact", "Nom", "Numéro BCE"], "actors")
    assert mapping["name"] == "Nom"
    assert mapping["company_number"] == "Numéro BCE"


def test_each_column_serves_one_field():
    mapping = guess_mapping(["Site web", "Nom"], "actors")
    assert list(mapping.values()).count("Site web") == 1


def test_ics_and_hsds_columns_map_by_name():
    assert guess_mapping(ICS_COLUMNS, "events") == {
        "external_id": "uid",
        "title": "summary",
        "description": "description",
        "start": "dtstart",
        "end": "dtend",
        "all_day": "all_day",
        "rrule": "rrule",
        "location": "location",
        "lat": "latitude",
        "lon": "longitude",
        "url": "url",
        "organiser": "organizer",
        "themes": "categories",
        "status": "status",
    }
    mapping = guess_mapping(HSDS_COLUMNS, "actors")
    assert mapping["external_id"] == "id"
    assert mapping["street"] == "address_1"
    assert mapping["postcode"] == "postal_code"
    assert mapping["company_number"] == "company_number"
    assert mapping["themes"] == "taxonomy_terms"


def test_event_headers_in_french_and_dutch():
    assert guess_mapping(["Titre", "Date de début", "Date de fin", "Lieu", "Organisateur", "Lien"], "events") == {
        "title": "Titre",
        "start": "Date de début",
        "end": "Date de fin",
        "location": "Lieu",
        "url": "Lien",
        "organiser": "Organisateur",
    }
    mapping = guess_mapping(["Titel", "Begindatum", "Einddatum", "Locatie", "Organisator"], "events")
    assert mapping == {
        "title": "Titel",
        "start": "Begindatum",
        "end": "Einddatum",
        "location": "Locatie",
        "organiser": "Organisator",
    }


def test_validate_mapping():
    columns = ["Nom", "Ville"]
    assert validate_mapping({"name": "Nom", "commune": "Ville"}, columns, "actors") == []
    assert validate_mapping({"name": "Nom", "colour": "Ville"}, columns, "actors") == ["Unknown field “colour”."]
    assert validate_mapping({"name": "Naam"}, columns, "actors") == [
        "The column “Naam” (for Name) is not in the file.",
    ]
    assert validate_mapping({"commune": "Ville"}, columns, "actors") == ["Choose the column that holds the name."]
    assert validate_mapping({"start": "Nom"}, columns, "events") == ["Choose the column that holds the title."]
    assert validate_mapping({"name": "Nom", "email": ""}, columns, "actors") == []


def test_apply_mapping():
    row = Row(number=2, values={"Nom": "A", "Ville": "Ixelles"}, errors=[])
    assert apply_mapping(row, {"name": "Nom", "commune": "Ville", "email": "Absent", "phone": ""}) == {
        "name": "A",
        "commune": "Ixelles",
        "email": "",
    }
