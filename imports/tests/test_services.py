import datetime as dt
import json
import os

import pytest
from django.conf import settings
from django.utils import timezone

from directory.models import Actor, Place
from directory.tests.factories import ActorFactory, ThemeFactory
from imports import services
from imports.models import ImportRun, Source, SourceRecord
from search import engine as search_engine
from search.models import Document

HEADER = "Nom;Numéro BCE;Code postal;Rue;Email;Site web\n"
ROWS = [
    "Les Amis du Parc asbl;0203.071.973;1050;Rue du Bailli 12;contact@amisduparc.be;https://amisduparc.be",
    "Repair Café Molenbeek;;1080;Rue de la Colonne 1;;",
    "Maison de Quartier Helmet ASBL;0448.497.019;1030;;;",  # duplicate of an existing actor (name)
    "Ligne sans nom;BE 0203071973;1000;;;",  # same company number as row 2: skipped
    ";;1000;;;",  # no name: error
    "Centre Hors Limites;;9999;;;",  # postcode outside the territory: error
]


def csv_bytes(rows=ROWS, header=HEADER, encoding="cp1252"):
    return (header + "\n".join(rows) + "\n").encode(encoding)


@pytest.fixture
def helmet(territory):
    theme = ThemeFactory()
    return ActorFactory(name_fr="Maison de quartier Helmet", slug="maison-de-quartier-helmet", email="", themes=[theme])


def run_file(data, *, source=None, dry_run=False, strict=False, mapping=None, target=None, filename="liste.csv"):
    run = services.start_run(
        data=data, filename=filename, source=source, dry_run=dry_run, strict=strict, mapping=mapping, target=target
    )
    return services.run_import(run)


def outcomes(run):
    return {entry["row"]: entry["outcome"] for entry in run.report if entry["row"]}


def snapshot():
    actors = sorted(
        Actor.all_objects.values_list(
            "slug", "name_fr", "company_number", "email", "website", "commune_id", "lat", "lon", "has_venue"
        )
    )
    records = sorted(SourceRecord.objects.values_list("external_id", "actor__slug", "fingerprint", "missing_since"))
    return actors, records, Place.objects.count(), Document.objects.count(), Actor.history.count()


@pytest.fixture
def source(db):
    return services.source_by_name("Fédération test", format="csv")


def test_first_import_reports_each_row(helmet, source):
    run = run_file(csv_bytes(), source=source)
    assert run.status == ImportRun.Status.APPLIED, run.error
    # Row numbers are those a person sees in the file (the header is row 1).
    assert outcomes(run) == {2: "created", 3: "created", 4: "duplicate", 5: "skipped", 6: "error", 7: "error"}
    assert run.counts["created"] == 2 and run.counts["error"] == 2
    by_row = {e["row"]: e for e in run.report if e["row"]}
    assert "2" in by_row[5]["message"]  # same record as row 2
    assert "9999" in by_row[7]["message"]
    assert by_row[4]["candidate"]["slug"] == "maison-de-quartier-helmet"
    assert by_row[4]["candidate"]["score"] >= 0.5
    # Errors come first in the report.
    assert run.report[0]["outcome"] == "error"

    amis = Actor.objects.get(company_number="0203071973")
    assert amis.email == "contact@amisduparc.be"
    assert amis.has_venue is False or amis.commune is not None
    assert amis.commune.postcodes.filter(code="1050").exists() if hasattr(amis.commune, "postcodes") else True
    assert Document.objects.filter(kind="actor", object_id=amis.pk).exists()
    assert amis.history.count() == 1 and amis.places.count() == 1
    # The duplicate was linked and only its empty fields were filled.
    helmet.refresh_from_db()
    assert helmet.name_fr == "Maison de quartier Helmet"
    assert helmet.company_number == "0448497019"
    assert SourceRecord.objects.filter(source=source, actor=helmet).exists()
    # Its new version keeps its links (a revert to it keeps the theme) and its search document.
    latest = helmet.history.order_by("-history_id").first()
    assert latest.history_change_reason.startswith("Import")
    assert [row.theme_id for row in latest.themes.all()] == [t.pk for t in helmet.themes.all()]
    assert Document.objects.filter(kind="actor", object_id=helmet.pk).exists()
    assert SourceRecord.objects.filter(source=source).count() == 3
    source.refresh_from_db()
    assert source.last_synced is not None


def test_an_import_is_one_change_set_with_one_record_per_entry(helmet, source):
    from maillage.models import ChangeSet

    before = Actor.history.count()
    run = run_file(csv_bytes(), source=source)
    (change_set,) = ChangeSet.objects.filter(source=ChangeSet.Source.IMPORT)
    assert change_set.source_id == run.pk
    written = Actor.history.filter(change_set=change_set)
    assert written.count() == Actor.history.count() - before == 3  # two created, one duplicate filled
    assert sorted(written.values_list("history_type", flat=True)) == ["+", "+", "~"]
    # Every place is the import's (the duplicate had none): one record each, in the same change set.
    assert Place.history.filter(change_set=change_set).count() == Place.history.count() == Place.objects.count()


def test_importing_twice_gives_the_same_database(helmet, source):
    run_file(csv_bytes(), source=source)
    before = snapshot()
    second = run_file(csv_bytes(), source=source)
    assert second.status == ImportRun.Status.APPLIED
    assert second.counts["unchanged"] == 3
    assert second.counts["created"] == second.counts["updated"] == second.counts["duplicate"] == 0
    assert snapshot() == before


def test_changed_row_updates_only_what_the_source_changed(helmet, source):
    run_file(csv_bytes(), source=source)
    amis = Actor.objects.get(company_number="0203071973")
    amis.phone = "02 123 45 67"  # typed on Maillage: the source never said anything about it
    amis.save()
    rows = list(ROWS)
    rows[0] = "Les Amis du Parc asbl;0203.071.973;1050;Rue du Bailli 12;info@amisduparc.be;"
    run = run_file(csv_bytes(rows), source=source)
    assert outcomes(run)[2] == "updated"
    amis.refresh_from_db()
    assert amis.email == "info@amisduparc.be"
    assert amis.website == "https://amisduparc.be"  # left empty by the source: kept
    assert amis.phone == "02 123 45 67"
    latest = amis.history.order_by("-history_id").first()
    assert latest.email == "info@amisduparc.be" and latest.history_type == "~"
    assert [row.place_id for row in latest.places.all()] == [p.pk for p in amis.places.all()]
    assert Document.objects.filter(kind="actor", object_id=amis.pk).count() == 1


def test_records_missing_from_the_source_are_flagged_then_cleared(helmet, source):
    run_file(csv_bytes(), source=source)
    run = run_file(csv_bytes(ROWS[1:3]), source=source)
    assert run.counts["missing"] == 1
    missing = [e for e in run.report if e["outcome"] == "missing"]
    assert missing and missing[0]["name"].startswith("Les Amis du Parc")
    record = SourceRecord.objects.get(source=source, external_id="bce:0203071973")
    assert record.missing_since is not None
    assert Actor.objects.filter(company_number="0203071973").exists()  # never deleted
    run = run_file(csv_bytes(), source=source)
    record.refresh_from_db()
    assert record.missing_since is None
    assert run.counts["missing"] == 0


def test_dry_run_writes_nothing_and_reports_what_applying_does(helmet, source):
    before = snapshot()
    preview = run_file(csv_bytes(), source=source, dry_run=True)
    assert preview.status == ImportRun.Status.PREVIEWED
    assert snapshot() == before
    applied = run_file(csv_bytes(), source=source)

    def strip(report):
        return [{k: v for k, v in e.items() if k != "slug"} for e in report]

    assert strip(preview.report) == strip(applied.report)
    assert preview.counts == applied.counts


def test_failure_while_applying_leaves_nothing(helmet, source, monkeypatch):
    before = snapshot()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(search_engine, "index_many", broken)
    run = run_file(csv_bytes(), source=source)
    assert run.status == ImportRun.Status.FAILED
    assert "disk full" in run.error
    assert snapshot() == before


def test_strict_mode_imports_nothing_when_a_row_is_wrong(helmet, source):
    before = snapshot()
    run = run_file(csv_bytes(), source=source, strict=True)
    assert run.status == ImportRun.Status.FAILED
    assert run.counts["error"] == 2
    assert snapshot() == before
    ok = run_file(csv_bytes(ROWS[:3]), source=source, strict=True)
    assert ok.status == ImportRun.Status.APPLIED


def test_unreadable_file_fails_with_a_message(source):
    run = run_file(b"", source=source)
    assert run.status == ImportRun.Status.FAILED
    assert run.error


def test_mapping_given_is_used(territory, source):
    data = csv_bytes(["X;1000"], header="Appellation;CP\n")
    run = run_file(data, source=source, mapping={"name": "Appellation", "postcode": "CP"})
    assert run.status == ImportRun.Status.APPLIED, run.error
    assert Actor.objects.filter(name_fr="X").exists()


def test_the_specs_other_fields_are_imported_as_given(helmet, source):
    """Fields the actor's spec lets an import set beyond the import's own (a contact person, the
    Dutch description): written on new actors, and on a duplicate only where it has none."""
    header = "Nom;Code postal;Personne de contact;Beschrijving\n"
    rows = [
        "Repair Café Molenbeek;1080;Anne Dupont;<p>Herstelcafé</p><script>x</script>",
        "Maison de quartier Helmet;1030;Jan;",
    ]
    mapping = {"name": "Nom", "postcode": "Code postal", "contact_name": "Personne de contact"}
    mapping["description_nl"] = "Beschrijving"
    run = run_file(csv_bytes(rows, header=header), source=source, mapping=mapping)
    assert run.status == ImportRun.Status.APPLIED, run.error
    assert outcomes(run) == {2: "created", 3: "duplicate"}
    repair = Actor.objects.get(name_fr="Repair Café Molenbeek")
    assert (repair.contact_name, repair.description_nl) == ("Anne Dupont", "<p>Herstelcafé</p>")
    helmet.refresh_from_db()
    assert helmet.contact_name == "Jan"  # it had none: filled


def test_unknown_column_in_mapping_fails(territory, source):
    run = run_file(csv_bytes(), source=source, mapping={"name": "Pas là"})
    assert run.status == ImportRun.Status.FAILED
    assert "Pas là" in run.error
    assert run.columns  # kept, so the mapping can be corrected


def test_events_from_ical(territory, source):
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        "BEGIN:VEVENT\r\nUID:ev-1@test\r\nSUMMARY:Atelier vélo\r\nDTSTART:20300105T100000Z\r\n"
        "DTEND:20300105T120000Z\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nLOCATION:Rue Haute 1\\, 1000 Bruxelles\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    source.target = Source.Target.EVENTS
    source.save()
    run = run_file(ics, source=source, filename="agenda.ics")
    assert run.status == ImportRun.Status.APPLIED, run.error
    assert run.counts["created"] == 1
    from agenda.models import Event

    event = Event.objects.get()
    assert event.rrule.startswith("FREQ=WEEKLY")
    assert event.occurrences.count() == 3
    again = run_file(ics, source=source, filename="agenda.ics")
    assert again.counts["unchanged"] == 1 and Event.objects.count() == 1


SUBSIDIES = settings.SHARED_DIR / "data" / "brussels-subsidised-associations-2022.json"


@pytest.mark.skipif(not SUBSIDIES.exists(), reason="the 2022 subsidies file is not there")
def test_subsidies_file_twice(territory):
    data = SUBSIDIES.read_bytes()
    rows = json.loads(data)
    source = services.source_by_name("Subsides 2022", format="json")
    first = run_file(data, source=source, filename=SUBSIDIES.name)
    assert first.status == ImportRun.Status.APPLIED, first.error
    rejected = {e["row"] for e in first.report if e["outcome"] in ("error", "skipped")}
    assert first.counts["error"] + first.counts["skipped"] == len(rejected)
    assert all(e["message"] for e in first.report if e["outcome"] in ("error", "skipped"))
    assert sum(first.counts[o] for o in services.OUTCOMES if o != "missing") == len(rows)
    before = snapshot()
    second = run_file(data, source=source, filename=SUBSIDIES.name)
    assert second.status == ImportRun.Status.APPLIED
    accepted = first.counts["created"] + first.counts["duplicate"] + first.counts["updated"]
    assert second.counts["unchanged"] == accepted
    assert second.counts["created"] == second.counts["updated"] == second.counts["duplicate"] == 0
    assert snapshot() == before


def test_events_from_csv_match_their_organiser(territory, source):
    from agenda.models import Event

    ActorFactory(name_fr="Les Amis du Parc")
    data = (
        "Titre;Début;Fin;Organisateur\n"
        "Fête du parc;2030-06-01 14:00;2030-06-01 18:00;Les Amis du Parc\n"
        "Brocante;2030-06-02 09:00;;Comité inconnu\n"
    ).encode()
    source.target = Source.Target.EVENTS
    source.save()
    run = run_file(data, source=source)
    assert run.status == ImportRun.Status.APPLIED, run.error
    assert run.counts["created"] == 2, run.report
    fete = Event.objects.get(title_fr="Fête du parc")
    assert [a.name for a in fete.organisers.all()] == ["Les Amis du Parc"]
    brocante = Event.objects.get(title_fr="Brocante")
    assert not brocante.organisers.exists() and "Comité inconnu" in brocante.description_fr
    assert run_file(data, source=source).counts["unchanged"] == 2


def test_the_event_specs_other_fields_are_imported_and_updated(territory, source):
    from agenda.models import Event

    source.target = Source.Target.EVENTS
    source.save()
    mapping = {"title": "Titre", "start": "Début", "title_nl": "Titel", "price_fr": "Prix"}
    header = "Titre;Début;Titel;Prix\n"
    run = run_file(
        csv_bytes(["Fête du parc;2030-06-01 14:00;Parkfeest;Gratuit"], header), source=source, mapping=mapping
    )
    assert run.status == ImportRun.Status.APPLIED, run.error
    fete = Event.objects.get(title_fr="Fête du parc")
    assert (fete.title_nl, fete.price_fr) == ("Parkfeest", "Gratuit")
    again = run_file(csv_bytes(["Fête du parc;2030-06-01 14:00;Parkfeest;5 €"], header), source=source, mapping=mapping)
    assert outcomes(again) == {2: "updated"}
    fete.refresh_from_db()
    assert fete.price_fr == "5 €"


@pytest.fixture
def vocabulary(db):
    from directory.tests.factories import LanguageFactory

    food = ThemeFactory(slug="alimentation", name_fr="Alimentation", name_nl="Voeding", name_en="Food")
    garden = ThemeFactory(slug="jardins-partages", name_fr="Jardins partagés", name_nl="Gedeelde tuinen", parent=food)
    culture = ThemeFactory(slug="culture", name_fr="Culture", name_nl="Cultuur", name_en="Culture")
    french = LanguageFactory(code="fr", name_fr="Français", name_nl="Frans", name_en="French")
    dutch = LanguageFactory(code="nl", name_fr="Néerlandais", name_nl="Nederlands", name_en="Dutch")
    return {"food": food, "garden": garden, "culture": culture, "fr": french, "nl": dutch}


def theme_rows(themes, languages, name="Potager du Coin"):
    return csv_bytes([f"{name};1050;{themes};{languages}"], header="Nom;Code postal;Thèmes;Langues\n")


def relations(actor):
    return {t.slug for t in actor.themes.all()}, {lang.code for lang in actor.languages.all()}


def test_themes_and_languages_are_applied_on_creation(territory, source, vocabulary):
    # Slugs, names in any language, any case and accents; unknown values warned about on the row.
    data = theme_rows("JARDINS PARTAGES, voeding, Astrologie", "fr | Nederlands | Klingon")
    run = run_file(data, source=source)
    assert run.status == ImportRun.Status.APPLIED, run.error
    actor = Actor.objects.get(name_fr="Potager du Coin")
    assert relations(actor) == ({"alimentation", "jardins-partages"}, {"fr", "nl"})
    (entry,) = [e for e in run.report if e["row"] == 2]
    assert entry["outcome"] == "created"
    assert any("Astrologie" in w for w in entry["warnings"])
    assert any("Klingon" in w for w in entry["warnings"])
    assert not any("voeding" in w.lower() for w in entry["warnings"])
    # The first version of the history has the links (a revert keeps them).
    first = actor.history.get()
    assert {row.theme_id for row in first.themes.all()} == {vocabulary["food"].pk, vocabulary["garden"].pk}
    assert {row.language_id for row in first.languages.all()} == {vocabulary["fr"].pk, vocabulary["nl"].pk}
    # Importing it again changes nothing.
    before = snapshot()
    assert run_file(data, source=source).counts["unchanged"] == 1
    assert snapshot() == before


def test_themes_changed_by_the_source_replace_the_actors(territory, source, vocabulary):
    run_file(theme_rows("culture", "fr"), source=source)
    actor = Actor.objects.get(name_fr="Potager du Coin")
    run = run_file(theme_rows("Jardins partagés", "fr"), source=source)
    (entry,) = [e for e in run.report if e["row"] == 2]
    assert entry["outcome"] == "updated" and entry["fields"] == ["themes"]
    assert relations(actor) == ({"alimentation", "jardins-partages"}, {"fr"})
    latest = actor.history.order_by("-history_id").first()
    assert {row.theme_id for row in latest.themes.all()} == {vocabulary["food"].pk, vocabulary["garden"].pk}
    # Languages changed with an address: through save_actor.
    run = run_file(
        csv_bytes(
            ["Potager du Coin;1050;Jardins partagés;nl;Rue du Bailli 1"], header="Nom;Code postal;Thèmes;Langues;Rue\n"
        ),
        source=source,
    )
    assert [e["outcome"] for e in run.report if e["row"] == 2] == ["updated"]
    assert relations(actor) == ({"alimentation", "jardins-partages"}, {"nl"})


def test_themes_chosen_on_maillage_stay_while_the_source_does_not_change_them(territory, source, vocabulary):
    run_file(theme_rows("culture", "fr"), source=source)
    actor = Actor.objects.get(name_fr="Potager du Coin")
    actor.themes.set([vocabulary["food"]])
    run = run_file(theme_rows("culture", "nl"), source=source)  # only the languages changed
    assert run.counts["updated"] == 1
    assert relations(actor) == ({"alimentation"}, {"nl"})


def test_a_duplicate_gets_themes_only_when_it_has_none(territory, source, vocabulary):
    bare = ActorFactory(name_fr="Potager du Coin", slug="potager-du-coin")
    themed = ActorFactory(name_fr="Maison Verte", slug="maison-verte", themes=[vocabulary["culture"]])
    data = csv_bytes(
        ["Potager du Coin;1050;alimentation;fr", "Maison Verte;1050;alimentation;fr"],
        header="Nom;Code postal;Thèmes;Langues\n",
    )
    run = run_file(data, source=source)
    assert [e["outcome"] for e in run.report if e["row"]] == ["duplicate", "duplicate"]
    assert relations(bare) == ({"alimentation"}, {"fr"})
    assert relations(themed) == ({"culture"}, {"fr"})


def test_event_themes_by_any_name(territory, source, vocabulary):
    from agenda.models import Event

    source.target = Source.Target.EVENTS
    source.save()
    data = "Titre;Début;Thèmes\nFête;2030-06-01 14:00;Voeding, Inconnu\n".encode()
    run = run_file(data, source=source)
    assert run.status == ImportRun.Status.APPLIED, run.error
    assert {t.slug for t in Event.objects.get().themes.all()} == {"alimentation"}
    assert any("Inconnu" in w for w in run.report[0]["warnings"])
    changed = "Titre;Début;Thèmes\nFête;2030-06-01 14:00;culture\n".encode()
    assert run_file(changed, source=source).counts["updated"] == 1
    assert {t.slug for t in Event.objects.get().themes.all()} == {"culture"}


def test_values_ignored_by_cleaning_are_warned_about_on_their_row(territory, source):
    data = csv_bytes(["Les Amis;1050;pas-une-adresse"], header="Nom;Code postal;Email\n")
    run = run_file(data, source=source)
    (entry,) = [e for e in run.report if e["row"] == 2]
    assert entry["outcome"] == "created"
    assert any("pas-une-adresse" in w for w in entry["warnings"])


def test_old_runs_files_are_deleted_and_old_previews_forgotten(territory, source, settings):
    from imports import tasks

    settings.IMPORT_KEEP_DAYS = 10
    old_preview = run_file(csv_bytes(), source=source, dry_run=True)
    old_import = run_file(csv_bytes(), source=source)
    recent = run_file(csv_bytes(), source=source, dry_run=True)
    long_ago = timezone.now() - dt.timedelta(days=11)
    ImportRun.objects.filter(pk__in=[old_preview.pk, old_import.pk]).update(created=long_ago)
    paths = {run.pk: run.payload.path for run in (old_preview, old_import, recent)}
    tasks.prune_runs.enqueue()
    assert not ImportRun.objects.filter(pk=old_preview.pk).exists()
    kept = ImportRun.objects.get(pk=old_import.pk)
    assert not kept.payload and kept.report == old_import.report  # what was imported stays told
    assert ImportRun.objects.get(pk=recent.pk).payload
    assert [os.path.exists(paths[pk]) for pk in (old_preview.pk, old_import.pk, recent.pk)] == [False, False, True]
    assert services.prune_runs() == (0, 0)
    assert "imports.prune_runs" in [name for name, *_ in tasks.PERIODIC]


def test_communes_are_read_once_per_import(territory, source):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    source.target = Source.Target.EVENTS
    source.save()
    rows = "".join(f"Atelier {n};2030-06-0{n} 14:00;Rue Haute {n};1000\n" for n in range(1, 5))
    data = ("Titre;Début;Rue;Code postal\n" + rows).encode()
    with CaptureQueriesContext(connection) as context:
        run = run_file(data, source=source)
    queries = [q["sql"] for q in context.captured_queries]
    assert run.counts["created"] == 4, run.report
    # Not one read per event: the territory once (centres, names), the events' communes once (iCal texts).
    communes = [q for q in queries if 'FROM "territory_commune"' in q]
    assert len(communes) <= 2


def test_planning_reads_the_duplicate_index_once(helmet):
    """Duplicate detection looks at every row: the index is read once for the file, not once per
    row (a query per row is a round trip each on PostgreSQL), and stays the current one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def planned(count):
        rows = [f"Maison de quartier Helmet ASBL;;1030;Rue {i};;" for i in range(count)]
        rows += [f"Collectif numéro {i};;1000;Rue {i};;" for i in range(count)]
        run = services.start_run(data=csv_bytes(rows), filename="liste.csv", dry_run=True)
        with CaptureQueriesContext(connection) as context:
            run = services.run_import(run)
        versions = [q for q in context.captured_queries if "maillage_dataversion" in q["sql"]]
        return run, len(versions)

    planned(1)  # builds the index
    few, few_reads = planned(1)
    many, many_reads = planned(5)
    assert few_reads == many_reads
    assert many.counts["duplicate"] == 1 and many.counts["skipped"] == 4 and many.counts["created"] == 5
