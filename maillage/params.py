"""Numbers and dates read from a query string, within bounds.

Every reader takes the raw text (``None`` or empty: absent) and returns a clean value, ``None``
when absent, or raises ``InvalidParam`` with a translated message naming the value and what is
accepted. The API answers that message with a 400; pages show it as a notice and carry on with a
default (``page_number``, ``day_or_none``, ``month_or_current``).

Why bounds: Python's integers and dates are wider than what a database or ``datetime`` arithmetic
holds (``?page=99999999999999999999`` overflowed SQLite's 64-bit OFFSET, ``?from=0001-01-01`` a
date minus one day), so every value is checked before it is computed with.
"""

import datetime as dt
import math
import re

from django.http import HttpResponseBadRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

FIRST_YEAR, LAST_YEAR = 1900, 2200  # dates the site may show, with room on both sides
MAX_PAGE = 1_000_000  # a million pages of 50: far more than the site holds, far less than an SQL offset
_SHOWN = 20  # characters of a refused value quoted back
_WHOLE = re.compile(r"[+-]?[0-9]{1,18}", re.ASCII)  # 18 digits: any bound fits, int() stays cheap
_REAL = re.compile(r"[+-]?([0-9]{1,18}(\.[0-9]{0,18})?|\.[0-9]{1,18})", re.ASCII)  # no "nan", "inf", "1e999"


class InvalidParam(ValueError):
    """A query-string value that cannot be used; ``str()`` is the translated message."""


def _text(raw):
    return "" if raw is None else str(raw).strip()


def read_whole_number(raw, *, name, low, high, clamp=False):
    """An integer from ``low`` to ``high``; ``clamp``: bring a number outside them within (an
    embedded list has nowhere to say that its size was changed)."""
    text = _text(raw)
    if not text:
        return None
    if _WHOLE.fullmatch(text):
        value = int(text)
        if clamp:
            return min(max(value, low), high)
        if low <= value <= high:
            return value
    raise InvalidParam(
        _("“%(value)s” is not a valid %(name)s: give a whole number from %(low)s to %(high)s.")
        % {"value": text[:_SHOWN], "name": name, "low": low, "high": high}
    )


def read_real_number(raw, *, name, low, high):
    """A finite decimal number from ``low`` to ``high`` (a latitude, a zoom level)."""
    text = _text(raw)
    if not text:
        return None
    if _REAL.fullmatch(text):
        value = float(text)
        if math.isfinite(value) and low <= value <= high:
            return value
    raise InvalidParam(
        _("“%(value)s” is not a valid %(name)s: give a number from %(low)s to %(high)s.")
        % {"value": text[:_SHOWN], "name": name, "low": low, "high": high}
    )


def _within_years(year):
    return FIRST_YEAR <= year <= LAST_YEAR


def read_day(raw, *, name):
    """A day, YYYY-MM-DD, in the years the site may show."""
    text = _text(raw)
    if not text:
        return None
    try:
        value = dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        value = None
    if value is None or not _within_years(value.year):
        raise InvalidParam(
            _("“%(value)s” is not a valid %(name)s: give a date (YYYY-MM-DD) from %(first)s to %(last)s.")
            % {"value": text[:_SHOWN], "name": name, "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return value


def read_month(raw, *, name="month"):
    """A month, YYYY-MM, as (year, month), in the years the site may show."""
    text = _text(raw)
    if not text:
        return None
    found = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", text, re.ASCII)
    if found is None or not _within_years(int(found[1])) or not 1 <= int(found[2]) <= 12:
        raise InvalidParam(
            _("“%(value)s” is not a valid %(name)s: give a month (YYYY-MM) from %(first)s to %(last)s.")
            % {"value": text[:_SHOWN], "name": name, "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return int(found[1]), int(found[2])


def read_moment(raw, *, name):
    """An instant, ISO 8601 date or date and time (UTC when it names no offset), in the years the
    site may show; aware."""
    text = _text(raw)
    if not text:
        return None
    try:
        value = parse_datetime(text) if len(text) > 10 else None
        if value is None:
            value = dt.datetime.combine(read_day(text, name=name), dt.time.min)
    except (ValueError, InvalidParam, TypeError):
        value = None
    if value is None or not _within_years(value.year):
        raise InvalidParam(
            _(
                "“%(value)s” is not a valid %(name)s: give a date or a date and time (ISO 8601) from %(first)s to %(last)s."
            )
            % {"value": text[:_SHOWN], "name": name, "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)


# --- pages: a notice and a default instead of an error ------------------------------------------


def page_number(params, notices):
    """The ``page`` of a list page, from 1; the first page (with a notice) for anything else."""
    raw = params.get("page")
    try:
        return read_whole_number(raw, name="page", low=1, high=MAX_PAGE) or 1
    except InvalidParam:
        notices.append(_("“%(page)s” is not a page number; showing the first page.") % {"page": _text(raw)[:_SHOWN]})
        return 1


def day_or_none(raw, notices):
    """The day of ``raw``, else None (with a notice when ``raw`` was given)."""
    try:
        return read_day(raw, name="date")
    except InvalidParam:
        notices.append(
            _("“%(value)s” is not a date (YYYY-MM-DD) from %(first)s to %(last)s; it was ignored.")
            % {"value": _text(raw)[:_SHOWN], "first": FIRST_YEAR, "last": LAST_YEAR}
        )
        return None


def month_or_current(raw, notices):
    """(year, month) of ``raw``, else the current month (with a notice when ``raw`` was given)."""
    try:
        chosen = read_month(raw)
    except InvalidParam:
        notices.append(_("“%(value)s” is not a month (YYYY-MM); showing this month.") % {"value": _text(raw)[:_SHOWN]})
        chosen = None
    if chosen is None:
        today = timezone.localdate()
        return today.year, today.month
    return chosen


# --- every query string ---------------------------------------------------------------------------


def refuse_null_characters(get_response):
    """Middleware: a query string holding a null character is refused before any view reads it.
    PostgreSQL can neither store nor compare one (every filter compared with it was a server
    error), and no person types one."""

    def middleware(request):
        if any("\x00" in name or any("\x00" in value for value in values) for name, values in request.GET.lists()):
            return HttpResponseBadRequest(
                _("This address holds a null character, which no page can read."),
                content_type="text/plain; charset=utf-8",
            )
        return get_response(request)

    return middleware
