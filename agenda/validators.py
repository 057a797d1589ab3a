from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from icalendar.prop import vRecur

# Finer rules are refused: a rule every minute expands to a million dates over the agenda's horizon
# (and ties up the server doing so). The times within a day belong to an event's programme.
SUB_DAILY_FREQS = {"SECONDLY", "MINUTELY", "HOURLY"}
SUB_DAILY_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")


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
