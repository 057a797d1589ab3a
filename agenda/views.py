import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import permissions
from directory.services import vocabularies
from maillage import data_version, exports
from maillage.params import month_or_current, page_number

from . import services
from .models import Event

PAGE_SIZE = 50


def _filters(request):
    vocab = vocabularies()
    return vocab, services.parse_event_filters(request.GET, vocab)


def _context(vocab, filters, **extra):
    return {
        "filters": filters,
        "vocab": vocab,
        "query": filters.query_items(),
        "chosen": filters.values,
        **extra,
    }


@require_GET
def upcoming(request):
    vocab, filters = _filters(request)
    number = page_number(request.GET, filters.notices)
    day = services.parse_day(request.GET, "from", filters.notices)
    start = dt.datetime.combine(day, dt.time(0), tzinfo=services.TZ) if day else None
    running, later, has_next = services.upcoming(filters, start=start, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    return render(
        request,
        "agenda/upcoming.html",
        _context(
            vocab,
            filters,
            running=running,
            days=services.group_by_day(later),
            page_number=number,
            has_next=has_next,
            view="upcoming",
        ),
    )


@require_GET
def archive(request):
    vocab, filters = _filters(request)
    number = page_number(request.GET, filters.notices)
    rows = services.past(filters, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    return render(
        request,
        "agenda/archive.html",
        _context(
            vocab,
            filters,
            days=services.group_by_day(rows[:PAGE_SIZE]),
            page_number=number,
            has_next=len(rows) > PAGE_SIZE,
            view="archive",
        ),
    )


@require_GET
def month(request):
    vocab, filters = _filters(request)
    year, month_ = month_or_current(request.GET.get("month"), filters.notices)
    first = dt.date(year, month_, 1)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "agenda/month.html",
        _context(
            vocab,
            filters,
            weeks=services.month_grid(filters, year, month_),
            first=first,
            previous=previous,
            following=following,
            today=timezone.localdate(),
            view="month",
        ),
    )


# The agenda's iCal exports are stored once per state of the agenda (``maillage.exports``).
FEED_VERSIONS = (data_version.EVENTS, data_version.ACTORS)  # ACTORS: the filters' vocabularies


@require_GET
def feed(request):
    """The agenda's iCal feed: the filtered events with a date in a window, by default from a month
    ago to twelve months ahead; ``?from=`` and ``?to=`` (YYYY-MM-DD) choose another one."""
    snapshot = data_version.snapshot(*FEED_VERSIONS)  # read once: a stored answer needs nothing else
    filters = services.parse_event_filters(request.GET, vocabularies(snapshot[0][1]))
    window = services.feed_window(request.GET, filters.notices, timezone.localdate())
    key = [urlencode(sorted(filters.query_items())), window.first, window.last]

    def texts():
        return services.ical_texts(services.feed_event_ids(filters, window), name=_("Maillage agenda"))

    return exports.serve(
        request,
        "agenda.feed",
        texts,
        versions=FEED_VERSIONS,
        key=key,
        day=window.first if window.moves else None,
        content_type="text/calendar; charset=utf-8",
        filename="maillage-agenda.ics",
        snapshot=snapshot,
    )


def _event_or_404(slug, include_archived=False):
    try:
        return services.event_for_page(slug, include_archived=include_archived)
    except Event.DoesNotExist:
        raise Http404(_("No event has this address.")) from None


@require_GET
def event_detail(request, slug):
    event = _event_or_404(slug, include_archived=permissions.can_moderate(request.user))
    organisers = list(event.organisers.all())
    return render(
        request,
        "agenda/event_detail.html",
        {
            "event": event,
            "organisers": organisers,
            "jsonld": services.event_jsonld(event, settings.SITE_URL, organisers),
            "programme": services.programme_of(event),
            "occurrences": services.next_occurrences(event),
        },
    )


@require_GET
def event_ics(request, slug):
    def text():
        # Only what the calendar needs: its name, and the event's stored VEVENT text. Read only
        # when this state is not stored yet (a missing event raises before anything is sent).
        column = f"vevent_{services.feed_language()}"
        event = Event.objects.filter(slug=slug).only("pk", "slug", "title_fr", "title_nl", "title_en", column).first()
        if event is None:
            raise Http404(_("No event has this address."))
        head, tail = services.calendar_frame(event.title)
        return (head, getattr(event, column), tail)

    return exports.serve(
        request,
        "agenda.event",
        text,
        versions=(data_version.EVENTS,),
        key=[slug],
        content_type="text/calendar; charset=utf-8",
        filename=f"{slug}.ics",
        attachment=True,
    )
