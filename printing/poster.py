"""The agenda poster: a month's events of a commune or a theme on ONE page (A4 or A3), to pin on
a notice board.

Occurrences come from the agenda's own expansion (``agenda.models.Occurrence``, kept by
``agenda.services``; recurring events are already there one row per date) filtered with
``agenda.services.filter_events``. The template fits them on the page: it shrinks the font down to a
floor, then cuts the list with "and N more events" (the texts for every N are computed here, so
plurals stay gettext's).
"""

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agenda.models import BRUSSELS, Event, Occurrence
from agenda.services import filter_events
from directory.models import Theme
from directory.services import vocabularies
from maillage.filters import ParsedFilters
from maillage.lookup import LookupFailed
from maillage.params import InvalidParam, read_month
from territory.models import Commune

from .languages import document_lang, in_each, langs_of
from .query import slug_of
from .typesetting import qr_svg, render

PAPERS = ("a4", "a3")
# More than this is never printed on one page, even at the smallest size (A3, three columns).
MAX_EVENTS = 300


class PosterError(ValueError):
    """A choice of the poster is not valid; the message is translated, for the form."""


def month_of(raw):
    """'2026-11' -> (2026, 11), read as the agenda reads a month (the current month when empty);
    ``PosterError`` (translated) when malformed or out of bounds."""
    try:
        chosen = read_month(raw)
    except InvalidParam as error:
        raise PosterError(str(error)) from error
    if chosen is None:
        today = timezone.localdate()
        return today.year, today.month
    return chosen


def _slug(group, typed, vocab):
    """``printing.query.slug_of``, its lookup errors as ``PosterError`` (translated)."""
    try:
        return slug_of(group, typed, vocab)
    except LookupFailed as error:
        raise PosterError(str(error)) from error


def poster_params(month="", commune="", theme="", paper="a4", lang="fr"):
    """The poster's choices as plain JSON (the printout's cache key), checked: ``PosterError``
    (translated) for a malformed month or an unknown commune or theme."""
    year, number = month_of(month)
    vocab = vocabularies() if commune or theme else None  # cached: no query for the lists
    return {
        "month": f"{year:04d}-{number:02d}",
        "commune": _slug("commune", commune, vocab),
        "theme": _slug("theme", theme, vocab),
        "paper": paper if paper in PAPERS else "a4",
        "lang": document_lang(lang),
    }


def occurrences(params):
    """The month's occurrences of the commune and theme, in date order (cancelled events left out),
    with their events, places and organisers: three queries, and the total."""
    year, month = month_of(params.get("month"))
    first = dt.date(year, month, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    values = {
        "commune": [params["commune"]] if params.get("commune") else [],
        "theme": [params["theme"]] if params.get("theme") else [],
    }
    qs = Occurrence.objects.filter(day__gte=first, day__lte=last, event__archived_at__isnull=True).exclude(
        event__status=Event.Status.CANCELLED
    )
    filters = ParsedFilters(values=values)
    if filters.is_active():
        qs = qs.filter(event__in=filter_events(filters).values("pk"))
    total = qs.count()
    rows = list(
        qs.select_related("event", "event__place", "event__place__commune", "event__commune")
        .prefetch_related("event__organisers")
        .order_by("start", "pk")[:MAX_EVENTS]
    )
    return rows, total


def agenda_url(params, lang):
    with translation.override(lang):
        path = reverse("agenda:month")
    query = [("month", params["month"])]
    query += [(name, params[name]) for name in ("commune", "theme") if params.get(name)]
    return settings.SITE_URL.rstrip("/") + path + "?" + urlencode(query)


def _when(occurrence):
    start = occurrence.start.astimezone(BRUSSELS)
    day = formats.date_format(start.date(), "D j")
    if occurrence.event.all_day:
        return day, _("all day")
    time = formats.time_format(start.time(), "H:i")
    if occurrence.end:
        end = occurrence.end.astimezone(BRUSSELS)
        if end.date() == start.date() and end > start:
            time = f"{time}–{formats.time_format(end.time(), 'H:i')}"
    return day, time


def _place(event, langs):
    place = event.place
    if place is None:
        if event.online_url:
            return in_each(langs, lambda: _("Online"))
        return in_each(langs, lambda: event.commune.name) if event.commune else ""
    name = in_each(langs, lambda: place.name)
    commune = in_each(langs, lambda: place.commune.name) if place.commune else ""
    return ", ".join(part for part in [name, place.street, commune] if part)


def _item(occurrence, langs):
    event = occurrence.event
    with translation.override(langs[0]):
        day, time = _when(occurrence)
    organisers = ", ".join(in_each(langs, lambda actor=actor: actor.name) for actor in event.organisers.all())
    status = ""
    if event.status == Event.Status.POSTPONED:
        status = in_each(langs, lambda: _("postponed"))
    return {
        "day": day,
        "time": time if not event.all_day else in_each(langs, lambda: _("all day")),
        "title": in_each(langs, lambda: event.title),
        "place": _place(event, langs),
        "price": event.price,
        "organisers": (in_each(langs, lambda: _("By")) + " " + organisers) if organisers else "",
        "status": status,
    }


def poster_data(params, today=None):
    langs = langs_of(params.get("lang", "fr"))
    year, month = month_of(params.get("month"))
    first = dt.date(year, month, 1)
    rows, total = occurrences(params)
    commune = Commune.objects.filter(slug=params["commune"]).first() if params.get("commune") else None
    theme = Theme.objects.filter(slug=params["theme"]).first() if params.get("theme") else None
    url = agenda_url(params, langs[0])
    site = settings.SITE_URL.rstrip("/")
    today = today or timezone.localdate()

    def month_name(lang):
        with translation.override(lang):
            name = formats.date_format(first, "F Y")
        return name[:1].upper() + name[1:]

    subject = [in_each(langs, lambda: commune.name)] if commune else []
    subject += [in_each(langs, lambda: theme.name)] if theme else []
    items = [_item(occurrence, langs) for occurrence in rows]

    def more(shown):
        left = total - shown
        return in_each(
            langs,
            lambda: (
                ngettext("and %(count)d more event: %(site)s", "and %(count)d more events: %(site)s", left)
                % {"count": left, "site": site}
            ),
            sep="\n",
        )

    with translation.override(langs[0]):
        printed = formats.date_format(today, "SHORT_DATE_FORMAT")
    return {
        "title": in_each(langs, lambda: _("Agenda")) + " — " + month_name(langs[0]),
        "lang": langs[0],
        "large": False,
        "paper": params.get("paper", "a4") if params.get("paper") in PAPERS else "a4",
        "kicker": in_each(langs, lambda: _("What's on")),
        "months": [month_name(lang) for lang in dict.fromkeys(langs)],
        "subject": " · ".join(subject) or in_each(langs, lambda: _("All the region")),
        "events": items,
        "total": total,
        # more[k]: the line that ends the list when only k events are printed.
        "more": [more(shown) if shown < total else "" for shown in range(len(items) + 1)],
        "empty": in_each(
            langs,
            lambda: _("No event is announced for this month yet. See what is coming on %(site)s") % {"site": site},
            sep="\n",
        ),
        "qr": qr_svg(url),
        "url": url,
        "qr_caption": in_each(langs, lambda: _("The whole agenda, up to date:"), sep="\n"),
        "footer": "Maillage — " + in_each(langs, lambda: _("printed on %(date)s") % {"date": printed}, sep=" · "),
    }


def poster_pdf(params, progress=None, today=None):
    """The poster as PDF bytes: always exactly one page."""
    data = poster_data(params, today=today)
    if progress:
        progress(1, 2)
    pdf = render("poster", data)
    if progress:
        progress(2, 2)
    return pdf
