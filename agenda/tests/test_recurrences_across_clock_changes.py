"""A recurring event keeps its first date exactly as stored, whatever the clocks do that night.

Found by running the suite with the clock set to 2027-10-31T02:30+02:00: in iCalendar's local time
the two 02:30 of the night the clocks go back are one, so the first date of a series starting then
moved by an hour, or (lasting "no time" from 02:30 to 02:30) fell out of the expansion."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from agenda.tests.factories import EventFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Europe/Brussels")
SUMMER_HALF_PAST_TWO = dt.datetime(2027, 10, 31, 0, 30, tzinfo=dt.UTC)  # 02:30+02:00, the first one
WINTER_HALF_PAST_TWO = dt.datetime(2027, 10, 31, 1, 30, tzinfo=dt.UTC)  # 02:30+01:00, an hour later


def daily_from(start, settings):
    settings.AGENDA_HORIZON_DAYS = 20
    event = EventFactory(start=start, end=start + dt.timedelta(hours=1), rrule="FREQ=DAILY")
    return [(o.start, o.end) for o in event.occurrences.order_by("start")]


@pytest.mark.parametrize("start", [SUMMER_HALF_PAST_TWO, WINTER_HALF_PAST_TWO])
def test_a_series_starting_in_the_hour_that_repeats_starts_when_it_says(settings, time_machine, start):
    time_machine.move_to(start, tick=False)
    times = daily_from(start, settings)
    assert times[0] == (start, start + dt.timedelta(hours=1))
    # The next dates are at 02:30 winter time, one a day, up to the horizon.
    later = [timezone.localtime(s, TZ) for s, _end in times[1:]]
    assert [(s.date(), s.hour, s.minute, s.utcoffset()) for s in later[:2]] == [
        (dt.date(2027, 11, 1), 2, 30, dt.timedelta(hours=1)),
        (dt.date(2027, 11, 2), 2, 30, dt.timedelta(hours=1)),
    ]
    assert len(times) == 20


def test_a_series_without_an_end_keeps_its_first_date_when_its_start_has_microseconds(settings, time_machine):
    start = dt.datetime(2027, 2, 28, 22, 30, 5, 123456, tzinfo=dt.UTC)
    time_machine.move_to(start, tick=False)
    settings.AGENDA_HORIZON_DAYS = 7
    event = EventFactory(start=start, end=None, rrule="FREQ=DAILY")
    starts = [timezone.localtime(o.start, TZ) for o in event.occurrences.order_by("start")]
    assert starts[0] == start.replace(microsecond=0)
    assert [s.date() for s in starts] == [dt.date(2027, 2, 28) + dt.timedelta(days=n) for n in range(len(starts))]
