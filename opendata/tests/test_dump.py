import csv
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from agenda.fields import EVENT
from agenda.models import Event
from agenda.tests.factories import EventFactory
from directory.fields import ACTOR
from directory.models import Actor
from directory.tests.factories import ActorFactory, LanguageFactory, PlaceFactory, ThemeFactory
from maillage.fields import Field
from opendata import exports, hsds, services, tasks
from projects.models import Participation
from projects.tests.factories import ParticipationFactory, ProjectFactory

pytestmark = pytest.mark.django_db

EXPECTED = {
    "actors.csv",
    "actors.geojson",
    "events.csv",
    "events.ics",
    "projects.csv",
    "hsds/organizations.json",
    "hsds/services.json",
    "hsds/locations.json",
    "hsds/service_at_locations.json",
    "hsds/taxonomy_terms.json",
    "README.txt",
    "LICENSE.txt",
}


@pytest.fixture
def data():
    theme = ThemeFactory(slug="climate")
    sub = ThemeFactory(slug="repair", parent=theme)
    language = LanguageFactory(code="nl")
    actors = [
        ActorFactory(
            name_fr="Repair Café Ixelles",
            company_number="0203071973",
            phone="02 123 45 67",
            email="hello@repair.be",
            themes=[theme, sub],
            languages=[language],
            places=[PlaceFactory(), PlaceFactory(lat=None, lon=None)],
        ),
        ActorFactory(name_fr="Collectif du parc", places=[PlaceFactory(approximate=True, street="")]),
        ActorFactory(name_fr="Sans lieu"),
    ]
    archived = ActorFactory(name_fr="Archivée")
    Actor.all_objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    synthetic = ActorFactory(name_fr="Synthétique", is_synthetic=True)
    events = [
        EventFactory(title_fr="Atelier vélo", organisers=[actors[0]], themes=[theme]),
        EventFactory(title_fr="Assemblée", rrule="FREQ=WEEKLY;COUNT=4", place=actors[0].places.first()),
    ]
    EventFactory(title_fr="Fausse fête", is_synthetic=True)
    gone = EventFactory(title_fr="Annulée et archivée")
    Event.all_objects.filter(pk=gone.pk).update(archived_at=timezone.now())
    project = ProjectFactory(title_fr="Ressourcerie")
    ParticipationFactory(project=project, actor=actors[0], role=Participation.Role.LEAD)
    return {"actors": actors, "synthetic": synthetic, "events": events, "project": project}


def build(tmp_path, **kwargs):
    result = services.build_dump(tmp_path / "dump.zip", **kwargs)
    return result, zipfile.ZipFile(result.path)


def read_csv(archive, name):
    return list(csv.DictReader(io.TextIOWrapper(archive.open(name), encoding="utf-8", newline="")))


def test_the_dump_holds_every_file_and_only_public_data(data, tmp_path):
    result, archive = build(tmp_path)
    assert set(archive.namelist()) == EXPECTED
    assert archive.testzip() is None
    public = set(Actor.objects.filter(is_synthetic=False).values_list("slug", flat=True))
    rows = read_csv(archive, "actors.csv")
    assert {row["slug"] for row in rows} == public
    assert len(rows) == 3 == result.counts["actors"]
    repair = next(row for row in rows if row["name"] == "Repair Café Ixelles")
    assert repair["themes"] == "climate|repair"
    assert repair["company_number"] == "0203.071.973"
    geojson = json.loads(archive.read("actors.geojson"))
    assert len(geojson["features"]) == 3
    assert {f["properties"]["slug"] for f in geojson["features"]} == public
    events = read_csv(archive, "events.csv")
    assert {row["title"] for row in events} == {"Atelier vélo", "Assemblée"}
    bike = next(row for row in events if row["title"] == "Atelier vélo")
    assert bike["organisers"] == data["actors"][0].slug
    assert bike["themes"] == "climate"
    projects = read_csv(archive, "projects.csv")
    assert [(p["title"], p["leads"]) for p in projects] == [("Ressourcerie", data["actors"][0].slug)]


def test_the_calendar_parses_and_has_the_events(data, tmp_path):
    _result, archive = build(tmp_path)
    calendar = Calendar.from_ical(archive.read("events.ics"))
    summaries = sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))
    assert summaries == ["Assemblée", "Atelier vélo"]
    weekly = next(e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Assemblée")
    assert weekly["RRULE"]["FREQ"] == ["WEEKLY"]


def test_synthetic_data_only_on_request(data, tmp_path):
    result, archive = build(tmp_path, include_synthetic=True)
    slugs = {row["slug"] for row in read_csv(archive, "actors.csv")}
    assert data["synthetic"].slug in slugs
    assert result.counts["events"] == 3
    assert "Archivée" not in archive.read("hsds/organizations.json").decode()


def test_licence_and_readme(data, tmp_path, settings):
    _result, archive = build(tmp_path)
    licence = archive.read("LICENSE.txt").decode()
    assert "CC BY 4.0" in licence
    assert "https://creativecommons.org/licenses/by/4.0/" in licence
    assert "Maillage contributors" in licence
    readme = archive.read("README.txt").decode()
    assert "actors: 3" in readme and "events: 2" in readme
    for name in EXPECTED:
        assert name in readme
    settings.OPEN_DATA_LICENCE = "ODbL 1.0"
    _result, archive = build(tmp_path)
    assert "ODbL 1.0" in archive.read("LICENSE.txt").decode()


def test_hsds_files_match_the_api_and_validate(data, tmp_path, schemas):
    _result, archive = build(tmp_path)
    organizations = json.loads(archive.read("hsds/organizations.json"))
    assert {o["id"] for o in organizations} == {hsds.organization_id(a.pk) for a in data["actors"]}
    for name, schema in (
        ("organizations", "compiled/organization.json"),
        ("services", "compiled/service.json"),
        ("locations", "location.json"),
        ("service_at_locations", "compiled/service_at_location_list.json"),
        ("taxonomy_terms", "taxonomy_term.json"),
    ):
        items = json.loads(archive.read(f"hsds/{name}.json"))
        assert items, name
        for item in items:
            schemas.validate(schema, item)
    locations = json.loads(archive.read("hsds/locations.json"))
    assert len(locations) == 3  # every place of a public actor, once
    links = json.loads(archive.read("hsds/service_at_locations.json"))
    assert len(links) == 2  # the physical places only


def test_the_dumps_actor_rows_are_the_live_exports(data, tmp_path):
    """The dump reads its actors once for CSV, GeoJSON and HSDS: its rows are the live export's."""
    _result, archive = build(tmp_path)
    expected = list(exports.actor_rows(Actor.objects.filter(is_synthetic=False).order_by("pk")))
    names = exports.actor_columns()
    rows = read_csv(archive, "actors.csv")
    assert list(rows[0]) == names
    assert [list(row.values()) for row in rows] == [[str(c) for c in exports.csv_row(row, names)] for row in expected]


def test_a_field_added_to_a_spec_is_a_column_of_the_dump(data, tmp_path):
    ACTOR.add(Field("has_venue", "Venue", "bool"), after="phone")
    EVENT.add(Field("is_synthetic", "Synthetic", "bool", personal=True))  # no consent on events: never shown
    try:
        _result, archive = build(tmp_path)
    finally:
        ACTOR.remove("has_venue")
        EVENT.remove("is_synthetic")
    rows = read_csv(archive, "actors.csv")
    header = list(rows[0])
    assert header.index("has_venue") == header.index("phone") + 1
    repair = next(row for row in rows if row["name"] == "Repair Café Ixelles")
    assert repair["has_venue"] == ("true" if data["actors"][0].has_venue else "false")
    events = read_csv(archive, "events.csv")
    assert {row["is_synthetic"] for row in events} == {""}
    assert "has_venue" not in exports.actor_columns()


def test_the_exports_columns_come_from_the_specs(db):
    columns = exports.actor_columns()
    assert columns[0] == "slug" and columns[-2:] == ["url", "synthetic"]
    assert {"name", "description", "opening_hours", "themes", "audiences", "street", "company_number"} <= set(columns)
    assert "contact_consent" not in columns and "places" not in columns and "name_fr" not in columns
    assert {"title", "start", "rrule", "organisers", "price", "place_name"} <= set(exports.event_columns())
    assert {"title", "summary", "themes", "leads", "funders"} <= set(exports.project_columns())


def test_the_dump_replaces_the_published_file_atomically(data, tmp_path, settings):
    settings.OPEN_DATA_DIR = tmp_path / "published"
    assert services.dump_info() is None
    call_command("export_open_data", "--no-progress", stdout=io.StringIO())
    info = services.dump_info()
    assert info.path == tmp_path / "published" / "maillage-open-data.zip"
    assert info.size > 0
    assert [p.name for p in (tmp_path / "published").iterdir()] == ["maillage-open-data.zip"]  # no leftovers


def test_the_command_writes_where_asked(data, tmp_path):
    out = io.StringIO()
    call_command("export_open_data", "--output", str(tmp_path / "x.zip"), "--include-synthetic", stdout=out)
    assert "4 actors" in out.getvalue()
    assert zipfile.ZipFile(tmp_path / "x.zip").namelist()


def test_the_nightly_task(data, tmp_path, settings):
    settings.OPEN_DATA_DIR = tmp_path
    [(name, period, task)] = tasks.PERIODIC
    assert name == "opendata.export" and period.days == 1
    task.enqueue()  # tests run tasks immediately
    assert services.dump_info().size > 0


def test_project_jsonld(db):
    project = ProjectFactory(title_fr="Ressourcerie", summary_fr="<p>Réparer &amp; réemployer</p>")
    lead, funder = ActorFactory(name_fr="Lead asbl"), ActorFactory(name_fr="Fondation")
    ParticipationFactory(project=project, actor=lead, role=Participation.Role.LEAD)
    ParticipationFactory(project=project, actor=funder, role=Participation.Role.FUNDER)
    project.themes.set([ThemeFactory(name_fr="Climat")])
    from projects.services import project_for_page, project_jsonld

    data = project_jsonld(project_for_page(project.slug), "https://example.org")
    assert data["@type"] == "Project"
    assert data["name"] == "Ressourcerie"
    assert data["description"] == "Réparer & réemployer"
    assert data["url"] == "https://example.org/fr/projects/" + project.slug + "/"
    assert data["foundingDate"] == "2022-01-01"
    assert [o["name"] for o in data["parentOrganization"]] == ["Lead asbl"]
    assert [o["name"] for o in data["funder"]] == ["Fondation"]
    assert data["keywords"] == "Climat"
    json.dumps(data)


def _everything(archive):
    return "\n".join(archive.read(name).decode() for name in archive.namelist())


def test_no_contact_person_without_consent_and_no_synthetic_actor_anywhere(data, tmp_path):
    shy = data["actors"][1]
    Actor.objects.filter(pk=shy.pk).update(
        contact_name="Secret Person", contact_email="secret@example.org", contact_phone="0470 99 99 99"
    )
    Actor.objects.filter(pk=data["actors"][0].pk).update(
        contact_name="Anne Martin", contact_email="anne@example.org", contact_consent=True
    )
    synthetic = data["synthetic"]
    synthetic.places.add(PlaceFactory(street="Rue Fictive 9"))
    data["events"][0].organisers.add(synthetic)
    ParticipationFactory(project=data["project"], actor=synthetic, role=Participation.Role.FUNDER)
    _result, archive = build(tmp_path)
    text = _everything(archive)
    for secret in ("Secret Person", "secret@example.org", "0470 99 99 99"):
        assert secret not in text
    assert "Anne Martin" in archive.read("hsds/organizations.json").decode()  # consented: published
    for leak in (synthetic.slug, "Synthétique", "Rue Fictive 9", hsds.organization_id(synthetic.pk)):
        assert leak not in text
    bike = next(row for row in read_csv(archive, "events.csv") if row["title"] == "Atelier vélo")
    assert bike["organisers"] == data["actors"][0].slug
    assert read_csv(archive, "projects.csv")[0]["funders"] == ""
