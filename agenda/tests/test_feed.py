"""The agenda's iCal feed and an event's iCal file are stored exports (maillage.exports); the feed
covers a window (a month back, twelve ahead, or ``?from=``/``?to=``) whatever the archive's length."""

import datetime as dt

import pytest
import time_machine
from django.http import StreamingHttpResponse
from icalendar import Calendar

from agenda import services
from agenda.tests.factories import EventFactory
from maillage import encodings, exports
from maillage.filters import ParsedFilters

pytestmark = pytest.mark.django_db
TZ = services.TZ


def at(year, month, day, hour=18):
    return dt.datetime(year, month, day, hour, tzinfo=TZ)


def body(response):
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return encodings.decompress(data, response.get("Content-Encoding"))


def summaries(response):
    assert response.status_code == 200
    return [str(e["SUMMARY"]) for e in Calendar.from_ical(body(response)).walk("VEVENT")]


@pytest.mark.parametrize(
    ("today", "first", "last"),
    [
        (dt.date(2031, 6, 15), dt.date(2031, 5, 15), dt.date(2032, 6, 15)),
        (dt.date(2031, 3, 31), dt.date(2031, 2, 28), dt.date(2032, 3, 31)),  # no 31 February
        (dt.date(2032, 2, 29), dt.date(2032, 1, 29), dt.date(2033, 2, 28)),
    ],
)
def test_the_default_window_is_a_month_back_and_twelve_ahead(today, first, last):
    window = services.feed_window({}, [], today)
    assert (window.first, window.last, window.moves) == (first, last, True)


def test_from_and_to_choose_the_window_and_a_bad_day_is_a_notice():
    notices = []
    window = services.feed_window({"from": "2020-01-01", "to": "2021-12-31"}, notices, dt.date(2031, 6, 15))
    assert (window.first, window.last, window.moves, notices) == (dt.date(2020, 1, 1), dt.date(2021, 12, 31), False, [])
    window = services.feed_window({"from": "someday"}, notices, dt.date(2031, 6, 15))
    assert window.first == dt.date(2031, 5, 15) and len(notices) == 1


def test_the_feed_holds_the_events_of_its_window(client):
    for title, start in [
        ("Trop tôt", at(2031, 5, 1)),
        ("Le mois passé", at(2031, 5, 20)),
        ("Bientôt", at(2031, 7, 1)),
        ("Dans onze mois", at(2032, 5, 1)),
        ("Trop tard", at(2032, 7, 1)),
    ]:
        EventFactory(title_fr=title, start=start, end=start + dt.timedelta(hours=2))
    with time_machine.travel(at(2031, 6, 15, 12), tick=False):
        assert summaries(client.get("/fr/agenda/agenda.ics")) == ["Le mois passé", "Bientôt", "Dans onze mois"]
    wider = client.get("/fr/agenda/agenda.ics", {"from": "2031-01-01", "to": "2032-12-31"})
    assert summaries(wider) == ["Trop tôt", "Le mois passé", "Bientôt", "Dans onze mois", "Trop tard"]
    narrower = client.get("/fr/agenda/agenda.ics", {"from": "2031-06-01", "to": "2031-07-01"})
    assert summaries(narrower) == ["Bientôt"]


def test_the_feed_keeps_the_earliest_events_when_too_many(monkeypatch):
    monkeypatch.setattr(services, "MAX_FEED_EVENTS", 2)
    for day in (3, 1, 2):
        EventFactory(title_fr=f"Jour {day}", start=at(2031, 6, day))
    window = services.FeedWindow(dt.date(2031, 6, 1), dt.date(2031, 6, 30), False)
    ids = services.feed_event_ids(ParsedFilters(values={}), window)
    text = "".join(services.ical_texts(ids, name="Test"))
    assert [str(e["SUMMARY"]) for e in Calendar.from_ical(text).walk("VEVENT")] == ["Jour 1", "Jour 2"]


def test_a_change_through_save_event_shows_at_the_next_request(client):
    event = EventFactory(title_fr="Avant", start=at(2031, 6, 20))
    url = "/fr/agenda/agenda.ics?from=2031-06-01&to=2031-06-30"
    assert summaries(client.get(url)) == ["Avant"]
    event.title_fr = "Après"
    services.save_event(event)
    assert summaries(client.get(url)) == ["Après"]
    assert summaries(client.get(f"/fr/agenda/{event.slug}/event.ics")) == ["Après"]


def test_the_feed_and_the_event_file_are_revalidated_with_304(client):
    event = EventFactory(title_fr="Assemblée", start=at(2031, 6, 20))
    for url in ("/fr/agenda/agenda.ics?from=2031-06-01&to=2031-06-30", f"/fr/agenda/{event.slug}/event.ics"):
        first = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        body(first)
        assert first["Cache-Control"].startswith("public") and first["Content-Encoding"] == "gzip"
        assert client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_encodings_give_the_same_feed_and_a_long_one_is_streamed(client, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 256)
    for day in range(1, 6):
        EventFactory(title_fr=f"Jour {day}", start=at(2031, 6, day))
    url = "/fr/agenda/agenda.ics?from=2031-06-01&to=2031-06-30"
    first = client.get(url, HTTP_ACCEPT_ENCODING="br")
    assert isinstance(first, StreamingHttpResponse)
    sent = b"".join(first.streaming_content)
    (stored,) = [path for path in exports.files("agenda.feed") if path.suffix == ".br"]
    assert sent == stored.read_bytes()
    bodies = {encodings.decompress(sent, "br")}
    bodies |= {body(client.get(url, HTTP_ACCEPT_ENCODING=encoding)) for encoding in ("gzip", "identity")}
    assert len(bodies) == 1


def test_a_stored_feed_costs_one_query(client, django_assert_num_queries):
    EventFactory(title_fr="Assemblée", start=at(2031, 6, 20))
    url = "/fr/agenda/agenda.ics?from=2031-06-01&to=2031-06-30&commune=schaerbeek"
    client.get(url)
    with django_assert_num_queries(1):  # the data versions
        client.get(url)
