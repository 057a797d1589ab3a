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


def test_imported_opening_hours_are_saved(territory):
    from directory.models import Actor
    from imports import services
    from imports.models import ImportRun

    source = services.source_by_name("Fédération test", format="csv")
    data = "Nom;Code postal;Horaires\nLa Maison Ouverte;1030;Lundi–vendredi 9 h–17 h\n".encode()
    mapping = {"name": "Nom", "postcode": "Code postal", "opening_hours": "Horaires"}
    run = services.run_import(
        services.start_run(data=data, filename="liste.csv", source=source, mapping=mapping, dry_run=False)
    )
    assert run.status == ImportRun.Status.APPLIED, run.error
    assert Actor.objects.get(name_fr="La Maison Ouverte").opening_hours_fr == "Lundi–vendredi 9 h–17 h"
