import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar

from agenda import services
from agenda.models import Event, Occurrence
from agenda.tests.factories import EventFactory
from agenda.validators import validate_rrule
from demo import synthetic
from directory.services import vocabularies
from directory.tests.factories import ActorFactory, PlaceFactory, ThemeFactory
from maillage.filters import ParsedFilters
from search import engine as search_engine
from search.models import Document
from territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Europe/Brussels")


def local(*args):
    return dt.datetime(*args, tzinfo=TZ)


def test_a_weekly_event_keeps_its_local_hour_across_daylight_saving():
    event = EventFactory(start=local(2030, 3, 20, 19, 0), end=local(2030, 3, 20, 21, 0), rrule="FREQ=WEEKLY;COUNT=3")
    starts = [o.start.astimezone(TZ) for o in event.occurrences.all()]
    assert [(s.date(), s.hour) for s in starts] == [
        (dt.date(2030, 3, 20), 19),
        (dt.date(2030, 3, 27), 19),
        (dt.date(2030, 4, 3), 19),
    ]


TEN_MONTHS = "FREQ=MONTHLY;BYMONTH=1,2,3,4,5,6,9,10,11,12"


@pytest.mark.parametrize(
    "today, meeting_days",
    [
        # The horizon ends a quarter of a second after a meeting: it is the last one. A start with
        # microseconds (as timezone.now() gives) has its first meeting once, not twice.
        (
            local(2026, 12, 7, 17, 0, 0, 250000),
            ["2026-11-07", "2026-12-07"] + [f"2027-{month:02}-07" for month in (1, 2, 3, 4, 5, 6, 9, 10, 11, 12)],
        ),
        # Started on a 31st: months without a 31st have no meeting (RFC 5545 skips invalid dates).
        (
            local(2027, 3, 2, 12, 0),
            ["2027-01-31", "2027-03-31", "2027-05-31", "2027-10-31", "2027-12-31", "2028-01-31"],
        ),
    ],
)
def test_ten_meetings_a_year_stop_at_the_horizon(settings, time_machine, today, meeting_days):
    time_machine.move_to(today, tick=False)
    settings.AGENDA_HORIZON_DAYS = 365
    start = today - dt.timedelta(days=30)
    event = EventFactory(start=start, end=start + dt.timedelta(hours=2), rrule=TEN_MONTHS)
    starts = [occurrence.start.astimezone(TZ) for occurrence in event.occurrences.all()]
    assert [str(start.date()) for start in starts] == meeting_days
    assert {start.hour for start in starts} == {today.hour}
    assert starts[-1] <= today + dt.timedelta(days=365)


def test_an_all_day_event_covers_its_days():
    event = EventFactory(start=local(2030, 10, 3), end=local(2030, 10, 4), all_day=True)
    occurrence = event.occurrences.get()
    assert occurrence.start.astimezone(TZ).date() == dt.date(2030, 10, 3)


@pytest.mark.parametrize("rule", ["FREQ=SOMETIMES", "BYDAY=MO", "nonsense;;"])
def test_invalid_recurrence_rules_are_refused(rule):
    with pytest.raises(ValidationError):
        validate_rrule(rule)


@pytest.mark.parametrize("rule", ["FREQ=MINUTELY", "FREQ=HOURLY;INTERVAL=2", "FREQ=SECONDLY", "FREQ=DAILY;BYHOUR=9,10"])
def test_rules_repeating_more_than_once_a_day_are_refused(rule):
    # A rule every minute would expand to a million dates over the horizon.
    with pytest.raises(ValidationError) as refused:
        validate_rrule(rule)
    assert refused.value.messages == [
        str(_("An event repeats at most once a day (for the times of a day, use its programme)."))
    ]


def test_valid_recurrence_rules_pass():
    validate_rrule("FREQ=DAILY;COUNT=5")
    validate_rrule("FREQ=WEEKLY;INTERVAL=2;BYDAY=TH")
    validate_rrule("RRULE:FREQ=MONTHLY;BYDAY=2TU")


def test_upcoming_lists_the_next_dates_of_recurring_and_single_events():
    now = timezone.now()
    EventFactory(title_fr="Passé", start=now - dt.timedelta(days=3), end=now - dt.timedelta(days=3, hours=-1))
    EventFactory(
        title_fr="Hebdo",
        start=now - dt.timedelta(days=10),
        end=now - dt.timedelta(days=10, hours=-2),
        rrule="FREQ=WEEKLY",
    )
    EventFactory(title_fr="Bientôt", start=now + dt.timedelta(days=1))
    running, rows, has_next = services.upcoming(ParsedFilters(), limit=4)
    assert running == [] and has_next
    titles = [o.event.title_fr for o in rows]
    assert "Passé" not in titles and "Bientôt" in titles and titles.count("Hebdo") >= 2
    assert [o.start for o in rows] == sorted(o.start for o in rows)


def test_a_running_multi_day_event_is_still_upcoming():
    now = timezone.now()
    EventFactory(title_fr="Festival", start=now - dt.timedelta(days=1), end=now + dt.timedelta(days=1))
    running, later, _has_next = services.upcoming(ParsedFilters())
    assert [o.event.title_fr for o in running] == ["Festival"] and later == []


def test_month_grid_shows_four_events_a_day_and_counts_the_rest():
    for hour in range(9, 15):
        EventFactory(start=local(2030, 5, 14, hour, 0), end=local(2030, 5, 14, hour, 30))
    weeks = services.month_grid(ParsedFilters(), 2030, 5)
    days = {d: (shown, total) for week in weeks for d, _in_month, shown, total in week}
    shown, total = days[dt.date(2030, 5, 14)]
    assert total == 6 and len(shown) == 4
    assert [o.start.astimezone(TZ).hour for o in shown] == [9, 10, 11, 12]
    assert weeks[0][0][0].weekday() == 0  # weeks start on Monday


def test_filters_select_events_by_theme_commune_and_words(territory):
    theme = ThemeFactory(slug="culture")
    place = PlaceFactory(commune=None, postcode="1030", lat=None, lon=None)
    from directory.services import locate_place

    locate_place(place)
    place.save()
    wanted = EventFactory(title_fr="Atelier d'écriture", place=place, themes=[theme])
    EventFactory(title_fr="Autre chose")
    vocab = vocabularies()
    for query in ["theme=culture", "commune=schaerbeek", "q=ecriture"]:
        filters = services.parse_event_filters(QueryDict(query), vocab)
        assert list(services.filter_events(filters)) == [wanted], query


def test_unknown_filter_values_are_ignored_with_a_notice(territory):
    filters = services.parse_event_filters(QueryDict("commune=atlantis&theme=<b>x</b>"), vocabularies())
    assert not filters.is_active()
    assert len(filters.notices) == 2 and any("atlantis" in notice for notice in filters.notices)


def test_the_ical_feed_is_valid_and_keeps_recurrences():
    organiser = ActorFactory()
    EventFactory(title_fr="Groupe de travail", rrule="FREQ=WEEKLY;INTERVAL=2", organisers=[organiser])
    cancelled = EventFactory(title_fr="Annulé")
    cancelled.status = Event.Status.CANCELLED
    services.save_event(cancelled)
    body = services.ical_feed(services.feed_events(ParsedFilters()), name="Test")
    calendar = Calendar.from_ical(body)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Groupe de travail", "Annulé"}
    assert events["Groupe de travail"]["RRULE"]["INTERVAL"] == [2]
    assert str(events["Annulé"]["STATUS"]) == "CANCELLED"
    assert str(events["Annulé"]["UID"]).startswith("event-")


def test_synthetic_events_come_with_their_ical_text_and_search_text(territory):
    synthetic.generate(actors=5, events=12, progress=False)
    events = Event.objects.filter(is_synthetic=True)
    for lang in services.LANGS:
        assert not events.filter(**{f"vevent_{lang}": ""}).exists()
    calendar = Calendar.from_ical(services.ical_feed(events, name="Test"))
    assert len(calendar.walk("VEVENT")) == 12
    event = events.select_related("place__commune").exclude(place=None).first()
    assert event.vevent_fr == services.vevent_text(event, "fr")
    document = Document.objects.get(kind=Document.Kind.EVENT, object_id=event.pk)
    written = services.search_document(event, **vars(services.stored_links([event.pk])[event.pk])).row()[0]
    # (PostgreSQL keeps a document's text only in its vector: the text column is left empty.)
    assert (document.name, document.tags) == (written["name"], written["tags"])


def test_rich_descriptions_are_plain_text_in_ical_json_ld_and_search():
    event = EventFactory(title_fr="Repair café", description_fr="<p><strong>Gratuit</strong> &amp; ouvert</p>")
    description = str(Calendar.from_ical(event.vevent_fr).walk("VEVENT")[0]["DESCRIPTION"])
    assert description.startswith("Gratuit & ouvert\n")
    assert services.event_jsonld(event, "https://maillage.example", [])["description"] == "Gratuit & ouvert"
    assert search_engine.match_ids(Document.Kind.EVENT, "gratuit ouvert", 10) == [event.pk]
    assert search_engine.match_ids(Document.Kind.EVENT, "strong", 10) == []  # the tags are not words


def test_event_jsonld_gives_start_location_and_organisers():
    organiser = ActorFactory(name_fr="CBCS")
    event = EventFactory(place=PlaceFactory(name_fr="AREA 42", street="Rue des Palais 46"), organisers=[organiser])
    data = services.event_jsonld(event, "https://maillage.example", [organiser])
    assert data["@type"] == "Event"
    assert data["startDate"].startswith(str(timezone.localtime(event.start, TZ).date()))
    assert data["location"]["address"]["streetAddress"] == "Rue des Palais 46"
    assert data["organizer"][0]["name"] == "CBCS"


def test_a_place_change_reaches_its_events_without_rebuilding_their_dates():
    place = PlaceFactory(name_fr="Salle A")
    event = EventFactory(rrule="FREQ=WEEKLY;COUNT=3", place=place)
    occurrences = list(event.occurrences.values_list("pk", flat=True))
    assert len(occurrences) == 3 and event.commune_id == place.commune_id
    other = CommuneFactory()
    place.name_fr, place.commune = "Salle B", other
    place.save()
    event = Event.objects.get(pk=event.pk)
    assert list(event.occurrences.values_list("pk", flat=True)) == occurrences
    assert event.commune == other
    assert "Salle B" in str(Calendar.from_ical(event.vevent_fr).walk("VEVENT")[0]["LOCATION"])
    place.delete()
    event = Event.objects.get(pk=event.pk)
    assert event.commune is None and "LOCATION" not in event.vevent_fr
    assert list(event.occurrences.values_list("pk", flat=True)) == occurrences


def test_save_event_takes_the_commune_from_the_place():
    event = EventFactory()
    event.place = PlaceFactory()
    services.save_event(event)
    assert event.commune_id == event.place.commune_id
    assert Event.objects.get(pk=event.pk).commune_id == event.place.commune_id


def test_refreshing_replaces_occurrences():
    event = EventFactory(rrule="FREQ=DAILY;COUNT=5")
    assert event.occurrences.count() == 5
    event.rrule = "FREQ=DAILY;COUNT=2"
    services.save_event(event)
    assert Occurrence.objects.filter(event=event).count() == 2


def test_paging_never_skips_dates_when_events_are_running():
    now = timezone.now()
    EventFactory(title_fr="Exposition", start=now - dt.timedelta(days=20), end=now + dt.timedelta(days=20))
    for i in range(5):
        EventFactory(title_fr=f"Soirée {i}", start=now + dt.timedelta(days=1 + i))
    first_running, first, has_next = services.upcoming(ParsedFilters(), limit=2)
    _running, second, _ = services.upcoming(ParsedFilters(), limit=2, offset=2)
    _running, third, last_has_next = services.upcoming(ParsedFilters(), limit=2, offset=4)
    assert [o.event.title_fr for o in first_running] == ["Exposition"]
    assert [o.event.title_fr for o in first + second + third] == [f"Soirée {i}" for i in range(5)]
    assert has_next and not last_has_next


def test_a_single_all_day_event_runs_until_the_end_of_its_last_day():
    event = EventFactory(start=local(2030, 10, 3), end=local(2030, 10, 4), all_day=True)
    occurrence = event.occurrences.get()
    assert occurrence.end.astimezone(TZ) == local(2030, 10, 4, 23, 59)


def test_all_day_json_ld_dates_are_brussels_dates():
    event = EventFactory(start=local(2030, 10, 3), end=local(2030, 10, 3), all_day=True)
    data = services.event_jsonld(event, "https://maillage.example", [])
    assert data["startDate"] == "2030-10-03" and data["endDate"] == "2030-10-03"


def test_a_long_daily_series_still_reaches_the_horizon(settings):
    settings.AGENDA_HORIZON_DAYS = 60
    start = timezone.now() - dt.timedelta(days=900)
    event = EventFactory(start=start, end=start + dt.timedelta(hours=1), rrule="FREQ=DAILY")
    assert event.occurrences.last().start >= timezone.now() + dt.timedelta(days=55)
