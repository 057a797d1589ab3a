"""Imported names: a source's legal string becomes the French and Dutch names and the acronym,
in ordinary case, and the string itself stays in the source's record; a company number failing
its check is left out with a warning (refused in strict mode)."""

import pytest

from directory.models import Actor
from imports import services
from imports.models import ImportRun, SourceRecord
from imports.names import parse_name

LEGAL = "Accès et Mobilité Pour Tous/Toegankelijkheid en Mobiliteit voor Allen en abrégé AMT CONCEPT"


@pytest.mark.parametrize(
    ("source", "french", "dutch", "acronym"),
    [
        (LEGAL, "Accès et Mobilité Pour Tous", "Toegankelijkheid en Mobiliteit voor Allen", "AMT CONCEPT"),
        (
            "ACCES ET MOBILITE POUR TOUS/TOEGANKELIJKHEID EN MOBILITEIT VOOR ALLEN EN ABREGE AMT",
            "Acces et Mobilite pour Tous",
            "Toegankelijkheid en Mobiliteit voor Allen",
            "AMT",
        ),
        ("Buurthuis Helmet / Maison de quartier Helmet", "Maison de quartier Helmet", "Buurthuis Helmet", ""),
        ("CPAS de Schaerbeek / OCMW van Schaarbeek", "CPAS de Schaerbeek", "OCMW van Schaarbeek", ""),
        ("Vrienden van het Park afgekort VP", "Vrienden van het Park", "", "VP"),
        ("MAISON DE QUARTIER D'HELMET ASBL", "Maison de Quartier d'Helmet ASBL", "", ""),
        ("CENTRE PUBLIC D'ACTION SOCIALE DE SAINT-GILLES", "Centre Public d'Action Sociale de Saint-Gilles", "", ""),
        ("LA LIGUE DES FAMILLES (LDF)", "La Ligue des Familles (LDF)", "", ""),
        # Not split: one name with a slash, or two French sides.
        ("Rizome/Bxl", "Rizome/Bxl", "", ""),
        ("SOS Jeunes / Quartier Libre", "SOS Jeunes / Quartier Libre", "", ""),
        # Not shouting: short acronyms and names already in ordinary case.
        ("ULB", "ULB", "", ""),
        ("Repair Café Ixelles", "Repair Café Ixelles", "", ""),
    ],
)
def test_a_legal_string_gives_the_names(source, french, dutch, acronym):
    parsed = parse_name(source)
    assert (parsed.french, parsed.dutch, parsed.acronym) == (french, dutch, acronym)


def test_a_long_run_of_spaces_is_parsed_quickly():
    import time

    started = time.process_time()
    parse_name("A" + " " * 40_000 + "en abrégé B" + " " * 40_000 + "/ C")
    assert time.process_time() - started < 0.5


def _run(data, *, strict=False, source=None):
    run = services.start_run(data=data.encode(), filename="bce.csv", source=source, dry_run=False, strict=strict)
    return services.run_import(run)


@pytest.fixture
def source(db):
    return services.source_by_name("Banque-Carrefour", format="csv")


def test_one_name_column_is_split_and_the_source_string_kept(territory, source):
    run = _run(f"Nom;Numéro BCE;Code postal\n{LEGAL};0203.071.973;1050\n", source=source)
    assert run.status == ImportRun.Status.APPLIED, run.error
    actor = Actor.objects.get()
    assert actor.name_fr == "Accès et Mobilité Pour Tous"
    assert actor.name_nl == "Toegankelijkheid en Mobiliteit voor Allen"
    assert actor.name_en == "" and actor.acronym == "AMT CONCEPT"
    assert actor.slug == "acces-et-mobilite-pour-tous"
    assert SourceRecord.objects.get().data["source_name"] == LEGAL, "the provenance keeps the source's string"


def test_a_source_with_a_dutch_column_is_not_split(territory, source):
    _run("Nom;Nom NL;Code postal\nMAISON DES JEUNES / SOMETHING;JEUGDHUIS HELMET;1030\n", source=source)
    actor = Actor.objects.get()
    assert (actor.name_fr, actor.name_nl) == ("Maison des Jeunes / Something", "Jeugdhuis Helmet")


def test_a_name_unchanged_by_cleaning_keeps_its_record_as_it_was(territory, source):
    _run("Nom;Code postal\nLes Amis du Parc;1050\n", source=source)
    assert "source_name" not in SourceRecord.objects.get().data


def test_a_company_number_failing_its_check_is_left_out_with_a_warning(territory, source):
    run = _run("Nom;Numéro BCE;Code postal\nLes Amis du Parc;0203.071.974;1050\n", source=source)
    assert run.status == ImportRun.Status.APPLIED
    assert Actor.objects.get().company_number == ""
    (row,) = [entry for entry in run.report if entry.get("row")]
    assert row["outcome"] == "created"
    assert any("0203.071.974" in warning for warning in row["warnings"])


def test_in_strict_mode_a_company_number_failing_its_check_stops_the_import(territory, source):
    run = _run("Nom;Numéro BCE;Code postal\nLes Amis du Parc;0203.071.974;1050\n", strict=True, source=source)
    assert run.status == ImportRun.Status.FAILED
    assert not Actor.objects.exists()
