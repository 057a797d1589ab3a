import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from agenda.tests.factories import EventFactory
from directory.tests.factories import ActorFactory, PlaceFactory, ThemeFactory
from maillage.testing import assert_queries_do_not_grow
from territory.models import Commune

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Europe/Brussels")


@pytest.fixture
def place(territory):
    return PlaceFactory(commune=Commune.objects.get(slug="schaerbeek"), name_fr="Maison des citoyens")


def soon(days=2, hour=18):
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def test_agenda_lists_upcoming_events_by_day_with_their_commune(client, place):
    EventFactory(title_fr="Repair café", start=soon(2), end=soon(2, 20), place=place)
    page = client.get("/fr/agenda/").content.decode()
    assert "Repair café" in page and "Schaerbeek" in page
    assert f'datetime="{soon(2).date().isoformat()}"' in page


def test_agenda_declares_and_links_an_ical_feed_that_keeps_the_filters(client, place):
    page = client.get("/fr/agenda/?commune=schaerbeek").content.decode()
    assert (
        '<link rel="alternate" type="text/calendar" title="iCal" href="/fr/agenda/agenda.ics?commune=schaerbeek">'
        in page
    )
    assert 'href="/fr/agenda/agenda.ics?commune=schaerbeek" type="text/calendar"' in page


def test_the_feed_holds_the_filtered_events(client, place):
    EventFactory(title_fr="À Schaerbeek", place=place)
    EventFactory(title_fr="Ailleurs")
    response = client.get("/fr/agenda/agenda.ics?commune=schaerbeek")
    assert response["Content-Type"].startswith("text/calendar")
    summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]
    assert summaries == ["À Schaerbeek"]


def test_month_view_shows_the_month_and_links_to_the_next(client, place):
    EventFactory(title_fr="Fête de quartier", start=dt.datetime(2030, 6, 21, 15, tzinfo=TZ), place=place)
    page = client.get("/fr/agenda/month/?month=2030-06").content.decode()
    assert "Fête de quartier" in page
    assert "month=2030-07" in page and "month=2030-05" in page


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_month_view_shows_an_event_titled_only_in_dutch(client, territory, lang):
    EventFactory(title_fr=None, title_nl="Buurtfeest", start=dt.datetime(2030, 6, 21, 15, tzinfo=TZ))
    response = client.get(f"/{lang}/agenda/month/?month=2030-06")
    assert response.status_code == 200 and "Buurtfeest" in response.content.decode()


def test_a_malformed_month_shows_this_month_with_a_notice(client, territory):
    response = client.get("/fr/agenda/month/?month=2030-13")
    assert response.status_code == 200 and 'class="notices"' in response.content.decode()


def test_archive_lists_past_events_newest_first(client, place):
    EventFactory(title_fr="Ancien", start=timezone.now() - dt.timedelta(days=60))
    EventFactory(title_fr="Récent", start=timezone.now() - dt.timedelta(days=5))
    page = client.get("/fr/agenda/archive/").content.decode()
    assert page.index("Récent") < page.index("Ancien")


def test_event_page_shows_programme_organisers_and_json_ld(client, place):
    organiser = ActorFactory(name_fr="Forum bruxellois contre les inégalités")
    event = EventFactory(title_fr="Journée annuelle", place=place, organisers=[organiser])
    event.programme.create(kind="workshop", title_fr="Atelier 1 : logement", speakers="A. Dupont (X); B. Peeters (Y)")
    event.programme.create(kind="plenary", title_fr="Plénière d'ouverture")
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Atelier 1 : logement" in page and "A. Dupont (X), B. Peeters (Y)" in page
    assert "Forum bruxellois contre les inégalités" in page
    assert '"@type": "Event"' in page and '"startDate"' in page
    assert f'href="/fr/agenda/{event.slug}/event.ics"' in page


def test_add_to_my_calendar_gives_one_event(client, place):
    event = EventFactory(title_fr="Assemblée")
    calendar = Calendar.from_ical(client.get(f"/fr/agenda/{event.slug}/event.ics").content)
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Assemblée"]


def test_add_to_my_calendar_reads_the_event_and_its_ical_text_only(client, django_assert_max_num_queries):
    event = EventFactory(title_fr="Assemblée", title_nl="Vergadering")
    with django_assert_max_num_queries(2):
        response = client.get(f"/nl/agenda/{event.slug}/event.ics")
    assert "X-WR-CALNAME:Vergadering" in response.content.decode()
    assert client.get("/nl/agenda/nothing-here/event.ics").status_code == 404


def test_the_dutch_feed_uses_dutch_titles(client, place):
    EventFactory(title_fr="Fête", title_nl="Feest")
    calendar = Calendar.from_ical(client.get("/nl/agenda/agenda.ics").content)
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Feest"]


@pytest.mark.parametrize(
    "url",
    ["/fr/agenda/", "/fr/agenda/?theme=culture", "/fr/agenda/month/", "/fr/agenda/archive/", "/fr/agenda/agenda.ics"],
)
def test_agenda_pages_make_the_same_number_of_queries_for_1_and_3_events(client, place, url):
    theme = ThemeFactory(slug="culture")
    now = timezone.now()

    def add():
        EventFactory(start=now + dt.timedelta(days=1), place=place, themes=[theme])
        EventFactory(start=now - dt.timedelta(days=3), place=place, themes=[theme])

    assert_queries_do_not_grow(client, url, add)


def test_event_page_queries_do_not_grow_with_the_programme(client, place):
    event = EventFactory(place=place, organisers=[ActorFactory()])
    organiser = ActorFactory()

    def add():
        item = event.programme.create(kind="workshop", title_fr="Atelier")
        item.organisers.add(organiser)

    assert_queries_do_not_grow(client, event.get_absolute_url(), add)
