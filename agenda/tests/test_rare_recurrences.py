"""Recurrence rules that never or rarely match cost little: refused when they never give a date,
and the search for a date is bounded (a daily rule that never matches ran to year 9999: 3-6 s)."""

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda import services
from agenda.models import Event
from agenda.tests.factories import EventFactory
from agenda.validators import gives_dates, validate_rrule

TZ = ZoneInfo("Europe/Brussels")
NEVER = [
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;UNTIL=20991231T000000Z",
    "FREQ=DAILY;BYYEARDAY=366;BYMONTH=1",
    "FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31",
    "FREQ=WEEKLY;BYMONTH=11;BYMONTHDAY=31;COUNT=3",
]


def _cpu(function, *args):
    started = time.process_time()
    result = function(*args)
    return result, time.process_time() - started


@pytest.mark.parametrize("rule", NEVER)
def test_a_rule_that_never_gives_a_date_is_refused_quickly(rule):
    gives_dates.cache_clear()
    with pytest.raises(ValidationError) as refused:
        _cpu(validate_rrule, rule)
    assert refused.value.messages == [
        str(_("This recurrence rule never gives a date (check its months, days and weeks)."))
    ]
    gives_dates.cache_clear()
    _result, seconds = _cpu(gives_dates, rule)
    assert seconds < 1.5, f"{seconds:.1f} s to find out"


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",  # every four years
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO",  # every 28 years or so
        "FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR",
        "FREQ=DAILY;INTERVAL=7;BYDAY=MO",  # works from a Monday: the text alone cannot refuse it
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;UNTIL=20200101T000000Z",
    ],
)
def test_rare_but_real_rules_pass(rule):
    validate_rrule(rule)


def test_the_form_error_is_on_the_rule(db):
    event = EventFactory.build(rrule=NEVER[0])
    with pytest.raises(ValidationError) as refused:
        event.full_clean(exclude=["slug"])
    assert "rrule" in refused.value.message_dict


@pytest.mark.django_db
def test_expanding_a_rule_that_never_matches_from_its_start_is_bounded():
    # Every seventh day from a Saturday, on Mondays: the text passes, the start never matches.
    saturday = timezone.localtime(timezone.now(), TZ).replace(hour=18, minute=0, second=0, microsecond=0)
    saturday += dt.timedelta(days=(5 - saturday.weekday()) % 7)
    event = EventFactory(start=saturday, end=saturday + dt.timedelta(hours=2), rrule="FREQ=DAILY;INTERVAL=7;BYDAY=MO")
    gives_dates.cache_clear()
    times, seconds = _cpu(services.occurrence_times, event)
    assert times == [] and seconds < 1.5, f"{seconds:.1f} s"
    assert not event.occurrences.exists()


@pytest.mark.django_db
def test_a_stored_rule_that_never_matches_is_expanded_cheaply():
    """A rule saved before this check (or by a path around the validators) costs little too."""
    event = EventFactory()
    Event.objects.filter(pk=event.pk).update(rrule=NEVER[0])
    event.refresh_from_db()
    gives_dates.cache_clear()
    times, seconds = _cpu(services.occurrence_times, event)
    assert times == [] and seconds < 1.5, f"{seconds:.1f} s"


@pytest.mark.django_db
def test_rare_rules_still_give_their_dates():
    start = dt.datetime(2028, 2, 29, 10, tzinfo=TZ)
    event = EventFactory(start=start, end=start + dt.timedelta(hours=1), rrule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29")
    times = services.occurrence_times(event, until=dt.datetime(2037, 1, 1, tzinfo=TZ))
    assert [s.date() for s, _end in times if s >= start] == [dt.date(y, 2, 29) for y in (2028, 2032, 2036)]
