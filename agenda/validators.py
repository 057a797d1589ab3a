from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from icalendar.prop import vRecur


def validate_rrule(value):
    """An RFC 5545 recurrence rule, as written after ``RRULE:``."""
    if not value:
        return
    text = value.strip().removeprefix("RRULE:")
    try:
        rule = vRecur.from_ical(text)
    except (ValueError, TypeError) as exc:
        raise ValidationError(_("This is not a valid recurrence rule (RRULE)."), code="invalid_rrule") from exc
    if "FREQ" not in rule:
        raise ValidationError(_("A recurrence rule needs a frequency (FREQ=...)."), code="invalid_rrule")
