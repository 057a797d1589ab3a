"""The event's one write path: a budget of queries, one data-version bump, one history record; and
the owner's functions for merges and archiving."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from agenda import services
from agenda.models import Event, Occurrence, ProgrammeItem
from agenda.tests.factories import EventFactory
from directory.models import Place
from directory.tests.factories import ActorFactory, PlaceFactory, ThemeFactory
from maillage import changes, data_version
from maillage.models import ChangeSet, DataVersion
from search.analysis import index_text
from search.models import Document

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Europe/Brussels")

# Queries for one new event with a place, an organiser, two themes and a weekly rule (71 before
# change sets, with 4 history records and 4 bumps of the events' version).
BUDGET = 16  # BEGIN and COMMIT included; one for the words of the search vocabulary (issue 13)
# Queries for changing an event's title, rule and themes: the search document's update_or_create
# costs four (its savepoint and a read).
CHANGE_BUDGET = 18


def _bumps(queries):
    table = DataVersion._meta.db_table
    return [q["sql"] for q in queries if q["sql"].startswith(f'UPDATE "{table}"')]


@pytest.fixture
def themes():
    top = ThemeFactory(slug="alimentation")
    return top, [ThemeFactory(slug="potagers", parent=top), ThemeFactory(slug="culture")]


# Transactional: the change set's transaction is BEGIN/COMMIT as in production, not a savepoint
# inside the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_creating_a_recurring_event_fits_the_budget(themes):
    top, chosen = themes
    actor, place = ActorFactory(), PlaceFactory()
    data_version.bump(data_version.EVENTS)  # the version's row exists, as on a site in use
    event = Event(
        slug="atelier",
        title_fr="Atelier vélo",
        start=dt.datetime(2030, 3, 6, 19, tzinfo=TZ),
        end=dt.datetime(2030, 3, 6, 21, tzinfo=TZ),
        rrule="FREQ=WEEKLY;COUNT=10",
        place=place,
    )
    with CaptureQueriesContext(connection) as queries:
        services.save_event(event, organisers=[actor], themes=chosen)
    assert len(queries) <= BUDGET, "\n".join(q["sql"] for q in queries)
    assert len(_bumps(queries)) == 1
    records = list(Event.history.filter(id=event.pk))
    assert [r.history_type for r in records] == ["+"]
    assert records[0].change_set_id is not None
    assert sorted(records[0].themes.values_list("theme_id", flat=True)) == sorted([top.pk, *(t.pk for t in chosen)])
    assert list(records[0].organisers.values_list("actor_id", flat=True)) == [actor.pk]
    event = Event.objects.get(pk=event.pk)
    assert set(event.themes.all()) == {top, *chosen}  # a sub-theme brings its top theme
    assert event.commune_id == place.commune_id
    assert event.occurrences.count() == 10
    assert "RRULE:FREQ=WEEKLY;COUNT=10" in event.vevent_fr and f"UID:event-{event.pk}@maillage" in event.vevent_fr
    assert Document.objects.get(kind=Document.Kind.EVENT, object_id=event.pk).name == index_text("Atelier vélo", "fr")


@pytest.mark.django_db(transaction=True)
def test_changing_an_event_rewrites_what_derives_from_it_once(themes):
    top, chosen = themes
    event = EventFactory(rrule="FREQ=DAILY;COUNT=3", themes=[top])
    before = Event.history.filter(id=event.pk).count()
    data_version.bump(data_version.EVENTS)
    event.title_fr = "Repair café"
    event.rrule = "FREQ=DAILY;COUNT=5"
    with CaptureQueriesContext(connection) as queries:
        services.save_event(event, themes=[chosen[1]])
    assert len(queries) <= CHANGE_BUDGET, "\n".join(q["sql"] for q in queries)
    assert len(_bumps(queries)) == 1
    assert Event.history.filter(id=event.pk).count() == before + 1
    record = Event.history.filter(id=event.pk).latest("history_id")
    assert record.history_type == "~" and record.title_fr == "Repair café"
    assert list(record.themes.values_list("theme_id", flat=True)) == [chosen[1].pk]
    assert event.occurrences.count() == 5
    assert "SUMMARY:Repair café" in Event.objects.get(pk=event.pk).vevent_fr
    assert Document.objects.get(kind=Document.Kind.EVENT, object_id=event.pk).name == index_text("Repair café", "fr")


def test_saves_in_one_change_set_make_one_record_and_one_bump():
    event, actor = EventFactory(), ActorFactory()
    data_version.bump(data_version.EVENTS)
    with CaptureQueriesContext(connection) as queries, changes.recording(reason="Two", source=changes.Source.API):
        services.save_event(event, organisers=[actor])
        event.title_fr = "Second"
        services.save_event(event)
    assert len(_bumps(queries)) == 1
    record = Event.history.filter(id=event.pk).latest("history_id")
    assert record.title_fr == "Second" and record.change_set.source == changes.Source.API
    assert Event.history.filter(change_set=record.change_set).count() == 1


def test_save_events_writes_new_events_in_bulk_in_one_change_set(themes):
    top, chosen = themes
    actor = ActorFactory()
    existing = EventFactory()
    existing.title_fr = "Changed"
    new = [
        Event(slug=f"new-{i}", title_fr=f"Nouveau {i}", start=dt.datetime(2030, 5, i + 1, 10, tzinfo=TZ))
        for i in range(3)
    ]
    new[0].rrule = "FREQ=WEEKLY;COUNT=4"
    items = [services.EventWrite(e, organisers=[actor], themes=[chosen[0]]) for e in new]
    items.append(services.EventWrite(existing))
    with CaptureQueriesContext(connection) as queries:
        services.save_events(items, reason="Import", source=changes.Source.IMPORT, source_id=7)
    assert len(_bumps(queries)) == 1
    change_set = ChangeSet.objects.get(source=changes.Source.IMPORT, source_id=7)
    assert Event.history.filter(change_set=change_set).count() == 4
    assert sorted(Event.objects.get(slug="new-0").themes.values_list("pk", flat=True)) == sorted([top.pk, chosen[0].pk])
    assert Occurrence.objects.filter(event=new[0]).count() == 4
    assert all(Event.objects.get(pk=e.pk).vevent_nl for e in new)
    assert Document.objects.filter(kind=Document.Kind.EVENT, object_id__in=[e.pk for e in new]).count() == 3
    assert Event.objects.get(pk=existing.pk).title_fr == "Changed"


def test_writing_new_events_in_bulk_costs_the_same_for_one_or_three(themes):
    _top, chosen = themes
    actor = ActorFactory()
    data_version.bump(data_version.EVENTS)

    def write(count, prefix):
        places = [Place.objects.get(pk=PlaceFactory().pk) for _ in range(count)]  # communes not loaded
        items = [
            services.EventWrite(
                Event(slug=f"{prefix}-{i}", title_fr="Atelier", start=dt.datetime(2030, 5, 1, 10, tzinfo=TZ), place=p),
                organisers=[actor],
                themes=chosen,
            )
            for i, p in enumerate(places)
        ]
        with CaptureQueriesContext(connection) as queries:
            services.save_events(items)
        return len(queries)

    assert write(1, "one") == write(3, "three")


def test_archiving_takes_an_event_off_the_agenda_and_restoring_brings_it_back():
    event = EventFactory(rrule="FREQ=DAILY;COUNT=3")
    version = data_version.current(data_version.EVENTS)
    services.archive_event(event, reason="Doublon")
    assert not event.occurrences.exists()
    assert not Document.objects.filter(kind=Document.Kind.EVENT, object_id=event.pk).exists()
    assert data_version.current(data_version.EVENTS) != version
    record = Event.history.filter(id=event.pk).latest("history_id")
    assert record.archived_at is not None and record.change_set.source == changes.Source.ARCHIVE
    services.restore_event(event)
    assert event.occurrences.count() == 3
    assert Document.objects.filter(kind=Document.Kind.EVENT, object_id=event.pk).exists()


def test_moving_organisers_and_moving_them_back():
    gone, kept = ActorFactory(), ActorFactory()
    alone = EventFactory(organisers=[gone])
    both = EventFactory(organisers=[gone, kept])
    other = EventFactory(organisers=[kept])
    item = ProgrammeItem.objects.create(event=other, kind=ProgrammeItem.Kind.WORKSHOP, title="Atelier")
    item.organisers.set([gone])
    with changes.recording(reason="Merge", source=changes.Source.MERGE, source_id=3):
        moved = services.move_organisers(gone, kept)
    assert moved == {"events": [[alone.pk, False], [both.pk, True]], "programme_items": [[item.pk, False]]}
    assert list(alone.organisers.all()) == [kept] and list(both.organisers.all()) == [kept]
    assert list(item.organisers.all()) == [kept]
    change_set = ChangeSet.objects.get(source=changes.Source.MERGE, source_id=3)
    assert sorted(Event.history.filter(change_set=change_set).values_list("id", flat=True)) == [alone.pk, both.pk]
    assert ProgrammeItem.history.filter(change_set=change_set).count() == 1

    services.restore_organisers(moved, gone, kept)
    assert list(alone.organisers.all()) == [gone]
    assert set(both.organisers.all()) == {gone, kept}
    assert list(other.organisers.all()) == [kept]
    assert list(item.organisers.all()) == [gone]


def test_a_programme_item_is_saved_with_its_organisers_and_one_record():
    event, first, second = EventFactory(), ActorFactory(), ActorFactory()
    item = ProgrammeItem(event=event, kind=ProgrammeItem.Kind.PLENARY, title_fr="Ouverture")
    services.save_programme_item(item, organisers=[first, first])
    item.title_fr = "Ouverture officielle"
    services.save_programme_item(item, organisers=[second])
    assert list(item.organisers.all()) == [second]
    records = list(item.history.order_by("history_id"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert [list(r.organisers.values_list("actor_id", flat=True)) for r in records] == [[first.pk], [second.pk]]


def test_expanding_recurring_events_again_bumps_the_events_version_once():
    EventFactory(rrule="FREQ=DAILY"), EventFactory(rrule="FREQ=WEEKLY")
    data_version.bump(data_version.EVENTS)
    with CaptureQueriesContext(connection) as queries:
        assert services.refresh_recurring() == 2
    assert len(_bumps(queries)) == 1


def test_parse_day_reads_a_day_or_says_why_not():
    messages = []
    params = QueryDict("from=2030-02-01&to=2030-02-30")
    assert services.parse_day(params, "from", messages) == dt.date(2030, 2, 1)
    assert services.parse_day(params, "to", messages) is None
    assert services.parse_day(params, "since", messages) is None
    assert len(messages) == 1 and "2030-02-30" in messages[0]


def test_the_calendar_frame_wraps_events_into_a_calendar():
    event = EventFactory(title_fr="Fête")
    head, tail = services.calendar_frame("Export", product="Open data")
    calendar = Calendar.from_ical(head + Event.objects.get(pk=event.pk).vevent_fr + tail)
    assert str(calendar["prodid"]) == "-//Maillage//Open data//FR"
    assert str(calendar["x-wr-calname"]) == "Export"
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Fête"]
