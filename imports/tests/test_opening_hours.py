"""Opening hours columns are recognised in French, Dutch and English."""

import pytest

from imports.mapping import ACTOR_FIELDS, guess_mapping


@pytest.mark.parametrize(
    "column",
    [
        "Horaires",
        "horaire",
        "Heures d'ouverture",
        "HEURES D’OUVERTURE",
        "Horaires d'ouverture",
        "Openingsuren",
        "Openingstijden",
        "Opening hours",
        "opening_hours",
        "Opening times",
    ],
)
def test_opening_hours_columns_are_guessed(column):
    assert guess_mapping(["Nom", column], "actors") == {"name": "Nom", "opening_hours": column}


def test_opening_hours_beside_the_other_contact_columns():
    columns = ["Naam", "Adres", "Telefoon", "Openingsuren", "Website"]
    assert guess_mapping(columns, "actors") == {
        "name": "Naam",
        "phone": "Telefoon",
        "opening_hours": "Openingsuren",
        "website": "Website",
        "street": "Adres",
    }


def test_the_field_is_offered_in_the_mapping_editor():
    assert "opening_hours" in ACTOR_FIELDS
    assert list(ACTOR_FIELDS).index("opening_hours") == list(ACTOR_FIELDS).index("phone") + 1


def test_events_have_no_opening_hours():
    assert "opening_hours" not in guess_mapping(["Titre", "Horaires", "Début"], "events")
