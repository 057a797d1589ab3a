import datetime as dt
import re
from functools import lru_cache

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from icalendar.prop import vRecur

# Finer rules are refused: a rule every minute expands to a million dates over the agenda's horizon
# (and ties up the server doing so). The times within a day belong to an event's programme.
SUB_DAILY_FREQS = {"SECONDLY", "MINUTELY", "HOURLY"}
SUB_DAILY_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")
# The Gregorian calendar, weekdays and ISO weeks included, repeats every 400 years: a pattern that
# gives no date in 400 years gives none ever. Searching from this year, the search stops at the
# last year a datetime holds, 9999: it is bounded (about 0.3 s for a daily rule, the worst case)
# where a rule that never matches otherwise runs to year 9999 from today (3 to 6 s a write).
CYCLE_YEARS = 400
LAST_CYCLE = dt.datetime.max.year - CYCLE_YEARS + 1
_LIMITS = re.compile(r"(?:^|;)(?:COUNT|UNTIL)=[^;]*", re.IGNORECASE)
_INTERVAL = re.compile(r"(?:^|;)INTERVAL=[^;]*", re.IGNORECASE)


def validate_rrule(value):
    """An RFC 5545 recurrence rule, as written after ``RRULE:``, repeating at most once a day."""
    if not value:
        return
    text = value.strip().removeprefix("RRULE:")
    try:
        rule = vRecur.from_ical(text)
    except (ValueError, TypeError) as exc:
        raise ValidationError(_("This is not a valid recurrence rule (RRULE)."), code="invalid_rrule") from exc
    if "FREQ" not in rule:
        raise ValidationError(_("A recurrence rule needs a frequency (FREQ=...)."), code="invalid_rrule")
    freq = str(rule["FREQ"][0]).upper()
    if freq in SUB_DAILY_FREQS or any(part in rule for part in SUB_DAILY_PARTS):
        raise ValidationError(
            _("An event repeats at most once a day (for the times of a day, use its programme)."),
            code="invalid_rrule",
        )
    if not gives_dates(text):
        raise ValidationError(
            _("This recurrence rule never gives a date (check its months, days and weeks)."), code="invalid_rrule"
        )


@lru_cache(maxsize=1024)
def gives_dates(text, start=None):
    """Whether the rule ``text`` ever gives a date, searched over one 400-year cycle at most.

    ``start`` (a naive local datetime): the event's first date, whose weekday and time an
    INTERVAL counts from. Without it the check ignores INTERVAL, so it never refuses a rule that
    some start would make work. COUNT and UNTIL only take dates away: they are ignored."""
    pattern = _LIMITS.sub("", text.strip().removeprefix("RRULE:")).strip(";")
    if start is None:
        pattern, start = _INTERVAL.sub("", pattern).strip(";"), dt.datetime(LAST_CYCLE, 1, 1)
    else:
        shift = (LAST_CYCLE - start.year) // CYCLE_YEARS * CYCLE_YEARS
        start = start.replace(year=start.year + shift)  # the same weekday, leap years kept
    try:
        return rrulestr(pattern, dtstart=start).after(start, inc=True) is not None
    except (ValueError, TypeError, OverflowError):
        return True  # not for this check to judge: the expansion reports what it cannot read
