"""What the open API reads: the same filters and selections as the pages, as plain JSON values.

Lists are paged as ``{"count", "page", "per_page", "pages", "next", "previous", "results"}``.
Filters behave as on the pages: an unknown value is left out and the answer says so in its
``notices`` (the same translated notices the pages show), never silently. A page number or size
that is not a whole number in range, or a page past the last one, is refused (400).
"""

import dataclasses
import datetime as dt
import hashlib
import json
from array import array
from itertools import compress, islice

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda import services as agenda_services
from agenda.models import Event, Occurrence
from directory import bitsets
from directory import services as directory_services
from directory.models import Actor, Place
from maillage import data_version
from maillage.caches import VersionedCache
from maillage.pagination import ERROR, NoSuchPage, frame, paginate
from maillage.params import MAX_PAGE, InvalidParam, read_whole_number
from projects import services as project_services
from proposals import entries
from search import engine as search_engine
from search.models import Document

LANGS = ("fr", "nl", "en")
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
TZ = agenda_services.TZ


class BadRequest(Exception):
    """Bad query input: the messages are translated and returned with a 400."""

    def __init__(self, messages):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


# --- versions and ETags -----------------------------------------------------------------------


def etag(version_values, origin, path, query_string, lang):
    """A strong ETag from the data versions, the request and the language. The origin (scheme and
    host) is part of it because answers hold absolute links built from it (and are cached under
    their tag). Today's date too: "upcoming" moves on every day, and recurring events are expanded
    daily."""
    raw = "|".join(
        [*(str(v) for v in version_values), origin, path, query_string, lang, timezone.localdate().isoformat()]
    )
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def entry_version(model, slug, version_values):
    """The version of one entry (``proposals.entries.version_of``: its editable values), None if it
    does not exist. Kept in the process's cache while the data versions hold, like the answers."""
    raw = "|".join([model.__name__, slug, *(str(v) for v in version_values)])
    key = "api:version:" + hashlib.sha256(raw.encode()).hexdigest()[:32]
    version = caches["local"].get(key)
    if version is None:
        obj = model.objects.filter(slug=slug).first()
        if obj is None:
            return None
        version = entries.version_of(obj)
        caches["local"].set(key, version, settings.API_CACHE_SECONDS)
    return version


def entry_etag(version, tag):
    """The ETag of one entry's answer: its version, then the answer's own tag. ``If-Match`` on a
    write compares the version only, so a tag read in any language or format holds."""
    return f'"{version}.{tag.strip(chr(34))}"'


def if_match_holds(header, version):
    """``If-Match`` names this version of the entry (or ``*``). Weak tags count too: a proxy that
    compresses answers weakens their tags, and the version inside is exact either way."""
    for tag in header.split(","):
        tag = tag.strip()
        if tag == "*":
            return True
        if tag.removeprefix("W/").strip('"').split(".", 1)[0] == version:
            return True
    return False


ACTORS, EVENTS, PROJECTS, DETAILS = (
    data_version.ACTORS,
    data_version.EVENTS,
    data_version.PROJECTS,
    data_version.DETAILS,
)

# The data versions each kind of answer reads (``maillage.data_version.current_many``).
VERSIONS_OF = {
    # DETAILS: an actor's verification date and relations, an event's programme.
    "actors": (ACTORS, DETAILS),
    "places": (ACTORS, EVENTS),
    "events": (EVENTS, ACTORS, DETAILS),
    "projects": (PROJECTS, ACTORS),
    "vocabularies": (ACTORS,),
}


# --- paging -----------------------------------------------------------------------------------


def page_params(params):
    """(page, per_page) from the query string; BadRequest with a clear message otherwise."""
    messages = []

    def number(name, default, high):
        try:
            return read_whole_number(params.get(name), name=name, low=1, high=high) or default
        except InvalidParam as error:
            messages.append(str(error))
            return default

    page = number("page", 1, MAX_PAGE)
    per_page = number("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    if messages:
        raise BadRequest(messages)
    return page, per_page


def page_of(count, page, per_page):
    """The page asked for (``maillage.pagination``), refused (400) past the last one."""
    try:
        return frame(count, per_page, page, past_last=ERROR)
    except NoSuchPage as error:
        raise BadRequest([str(error)]) from error


def envelope(request, page, results, notices=()):
    """The answer for one page (``maillage.pagination.Page``) of ``results``."""

    def link(number):
        params = request.GET.copy()
        params["page"] = str(number)
        return request.build_absolute_uri(request.path + "?" + params.urlencode())

    return {
        "count": page.count,
        "page": page.number,
        "per_page": page.per_page,
        "pages": page.num_pages,
        "next": link(page.number + 1) if page.has_next() else None,
        "previous": link(page.number - 1) if page.has_previous() else None,
        "notices": [str(n) for n in notices],
        "results": results,
    }


# --- shared pieces ----------------------------------------------------------------------------


def site_url(obj):
    return settings.SITE_URL.rstrip("/") + obj.get_absolute_url()


def api_url(request, kind, slug):
    return request.build_absolute_uri(f"/api/{kind}/{slug}")


def iso(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value, TZ).isoformat()
    return value.isoformat()


def commune_value(commune):
    return {"slug": commune.slug, "name": commune.name} if commune is not None else None


def place_value(place):
    return {
        "id": place.pk,
        "name": place.name,
        "street": place.street,
        "postcode": place.postcode,
        "commune": commune_value(place.commune) if place.commune_id else None,
        "lat": place.lat,
        "lon": place.lon,
        "approximate": place.approximate,
    }


# --- vocabularies -----------------------------------------------------------------------------


def themes():
    vocab = directory_services.vocabularies()
    by_pk = {t.pk: t for t in vocab["themes"]}
    return [
        {
            "slug": t.slug,
            "name": t.name,
            "pictogram": t.pictogram,
            "parent": by_pk[t.parent_id].slug if t.parent_id in by_pk else None,
        }
        for t in vocab["themes"]
    ]


def communes():
    return [
        {"slug": c.slug, "name": c.name, "nis_code": c.nis_code, "lat": c.lat, "lon": c.lon}
        for c in directory_services.vocabularies()["communes"]
    ]


def static_list(request, items):
    number, per_page = page_params(request.GET)
    page = page_of(len(items), number, per_page)
    return envelope(request, page, items[page.offset : page.offset + per_page])


# --- actors -----------------------------------------------------------------------------------


def actor_summary(request, actor):
    return {
        "slug": actor.slug,
        "name": actor.name,
        "acronym": actor.acronym,
        "kind": actor.kind,
        "status": actor.status,
        "commune": commune_value(actor.commune) if actor.commune_id else None,
        "lat": actor.lat,
        "lon": actor.lon,
        "location_approximate": actor.location_approximate,
        "has_venue": actor.has_venue,
        "themes": [t.slug for t in getattr(actor, "top_themes", [])],
        "website": actor.website,
        "email": actor.email,
        "phone": actor.phone,
        "opening_hours": actor.opening_hours or "",
        "last_verified": iso(actor.last_verified),
        "synthetic": actor.is_synthetic,
        "url": site_url(actor),
        "api_url": api_url(request, "actors", actor.slug),
    }


def actor_list(request):
    """The directory's selection (the in-memory index: no COUNT), one page read with in_bulk."""
    number, per_page = page_params(request.GET)
    index = bitsets.current()
    vocab = directory_services.vocabularies(index.version)
    filters = directory_services.parse_actor_filters(request.GET, vocab)
    selection = directory_services.select(filters, vocab, index)
    page = page_of(selection.total, number, per_page)
    actors, _number, _pages = directory_services.actor_page(selection, vocab, number, per_page)
    results = [actor_summary(request, a) for a in actors]
    return envelope(request, page, results, filters.notices)


def actor_detail(request, slug):
    actor = directory_services.actor_for_page(slug)  # Actor.DoesNotExist -> 404
    value = actor_summary(request, actor)
    value["themes"] = [t.slug for t in actor.themes.all()]
    value.update(
        {
            "description": actor.description,
            "audiences": [a.slug for a in actor.audiences.all()],
            "languages": [lang.code for lang in actor.languages.all()],
            "places": [place_value(p) for p in actor.places.all()],
            "social_links": actor.social_links or [],
            "company_number": actor.company_number_display,
            "logo": request.build_absolute_uri(actor.logo.url) if actor.logo else None,
            # A contact person is personal data: published only with their consent.
            "contact": (
                {"name": actor.contact_name, "email": actor.contact_email, "phone": actor.contact_phone}
                if actor.contact_consent and (actor.contact_name or actor.contact_email or actor.contact_phone)
                else None
            ),
            "events_api_url": request.build_absolute_uri(f"/api/events?organiser={actor.slug}"),
        }
    )
    return value


# --- events -----------------------------------------------------------------------------------

OCCURRENCE_FIELDS = (
    "start",
    "end",
    "event__slug",
    "event__title_fr",
    "event__title_nl",
    "event__title_en",
    "event__all_day",
    "event__status",
    "event__online_url",
    "event__is_synthetic",
    "event__commune__slug",
    "event__commune__name_fr",
    "event__commune__name_nl",
    "event__commune__name_en",
)


def event_filters(params, vocab):
    """The agenda's filters, plus ``from`` and ``to`` (days, inclusive)."""
    filters = agenda_services.parse_event_filters(params, vocab)
    messages = []
    first = agenda_services.parse_day(params, "from", messages)
    last = agenda_services.parse_day(params, "to", messages)
    if first and last and last < first:
        messages.append(_("The end date must not come before the start date."))
    if messages:
        raise BadRequest(messages)
    return filters, first, last


def id_list(ids):
    """A list of ids for ``__in``, bound as one parameter: a common word matches thousands of
    events, and Django prepares and binds a plain list item by item (about 60 ms for 8,000)."""
    if connection.vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])
    return list(ids)


def matching_event_ids(filters, vocab):
    """The agenda's filters (``agenda.services.filter_events``, same meaning) as one subquery of
    event ids for the occurrences' ``event_id IN (...)``, or None when no filter is set.

    Each filter reads a link table's index (or the events' commune index), nested in the one
    before: the databases intersect them on the indexes, the most selective first, and then read
    the occurrences' (event, start) index for the few events left. Reading ``agenda_event``
    itself (its ``archived_at``, for each candidate) is what made the filtered lists slow:
    archived events have no occurrences (``agenda.services.after_change`` deletes them, and the
    agenda's own unfiltered list relies on it), so occurrences need no check."""
    v = filters.values
    ids_of = {
        group: {getattr(item, key): item.pk for item in vocab[name]}
        for group, name, key in (
            ("theme", "themes", "slug"),
            ("commune", "communes", "slug"),
            ("audience", "audiences", "slug"),
            ("language", "languages", "code"),
        )
    }

    def chosen(group):
        return [ids_of[group][value] for value in v.get(group, ()) if value in ids_of[group]]

    parts = []  # (query, its event id column), the usually most selective first
    if v.get("organiser"):
        parts.append((Event.organisers.through.objects.filter(actor__slug=v["organiser"][0]), "event_id"))
    if v.get("commune"):
        parts.append((Event.all_objects.filter(commune_id__in=chosen("commune")), "pk"))
    if v.get("theme"):
        parts.append((Event.themes.through.objects.filter(theme_id__in=chosen("theme")), "event_id"))
    if v.get("audience"):
        parts.append((Event.audiences.through.objects.filter(audience_id__in=chosen("audience")), "event_id"))
    if v.get("language"):
        parts.append((Event.languages.through.objects.filter(language_id__in=chosen("language")), "event_id"))
    ids = id_list(search_engine.match_ids(Document.Kind.EVENT, v["q"][0])) if v.get("q") else None
    for query, column in parts:
        if ids is not None:
            query = query.filter(**{f"{column}__in": ids})
        ids = query.values(column)
    return ids


def occurrences(filters, first, last, vocab):
    """Dated occurrences from the start of ``first`` (default today) to the end of ``last``: a
    range read on the occurrences' (event, start) index for the matching events, or on the start
    index when unfiltered, like the agenda."""
    first = first or timezone.localdate()
    start = dt.datetime.combine(first, dt.time(0), tzinfo=TZ)
    qs = Occurrence.objects.filter(start__gte=start)
    if last is not None:
        qs = qs.filter(start__lt=dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=TZ))
    ids = matching_event_ids(filters, vocab)
    return qs if ids is None else qs.filter(event_id__in=ids)


def organisers_of(event_ids):
    """{event id: [actor slugs]} for public organisers, in one query."""
    rows = (
        Event.organisers.through.objects.filter(event_id__in=event_ids, actor__archived_at__isnull=True)
        .order_by("actor__name_fr")
        .values_list("event_id", "actor__slug")
    )
    found = {}
    for event_id, slug in rows:
        found.setdefault(event_id, []).append(slug)
    return found


UPCOMING_CACHE_SECONDS = 300  # as the answers: occurrences of recurring events are expanded daily


def _build_upcoming(day):
    """(occurrence ids, their event ids, {commune id: its events' ids}) from the start of ``day``."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=TZ)
    rows = (
        Occurrence.objects.filter(start__gte=start)
        .order_by("start", "pk")
        .values_list("pk", "event_id", "event__commune_id")
    )
    sql, params = rows.query.sql_with_params()
    occurrence_ids, event_ids, communes = [], [], {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for pk, event_id, commune_id in cursor.fetchall():
            occurrence_ids.append(pk)
            event_ids.append(event_id)
            if commune_id is not None:
                communes.setdefault(commune_id, set()).add(event_id)
    return occurrence_ids, event_ids, communes


_upcoming = VersionedCache("api.upcoming", (EVENTS,), _build_upcoming, seconds=UPCOMING_CACHE_SECONDS)


def upcoming(day):
    """(occurrence ids, their event ids, {commune id: its events' ids}): every occurrence from the
    start of ``day`` on, in the lists' order (start, id), and the communes of their events, kept in
    this process per events' data version and day, for UPCOMING_CACHE_SECONDS at most (plain
    lists: a pass over 50,000 takes a millisecond or two). One read per version instead of two per
    request: counting the matching occurrences in SQL joins every upcoming occurrence to the
    filter's events, and finding a commune's events reads the events' rows (together about 25 ms
    for a commune on PostgreSQL at 50,000 events)."""
    return _upcoming.get(day)


def upcoming_page(filters, vocab, offset, limit):
    """(count, page's occurrence ids) of the upcoming occurrences (no dates given) matching the
    filters: the communes' events from memory, the other filters' events from SQL (index reads),
    then one pass over the occurrences in order."""
    occurrence_ids, event_ids, communes = upcoming(timezone.localdate())
    v = filters.values
    wanted = None
    if v.get("commune"):
        chosen = [c.pk for c in vocab["communes"] if c.slug in v["commune"]]
        wanted = set()
        for pk in chosen:
            wanted.update(communes.get(pk, ()))
        filters = dataclasses.replace(filters, values={k: x for k, x in v.items() if k != "commune"})
    ids = matching_event_ids(filters, vocab) if wanted is None or wanted else None
    if ids is not None:
        if not isinstance(ids, QuerySet):  # a search alone: its ids as bound for ``__in``
            ids = Event.all_objects.filter(pk__in=ids).values("pk")
        found = set(_column(ids.order_by()))
        wanted = found if wanted is None else wanted & found
    if wanted is None:
        return len(occurrence_ids), list(occurrence_ids[offset : offset + limit])
    if not wanted:
        return 0, []
    count = sum(map(wanted.__contains__, event_ids))
    return count, list(islice(compress(occurrence_ids, map(wanted.__contains__, event_ids)), offset, offset + limit))


def event_list(request):
    number, per_page = page_params(request.GET)
    vocab = directory_services.vocabularies()
    filters, first, last = event_filters(request.GET, vocab)
    offset = (number - 1) * per_page
    if last is None and (first is None or first == timezone.localdate()):
        count, page_ids = upcoming_page(filters, vocab, offset, per_page)
        page = page_of(count, number, per_page)
    else:
        qs = occurrences(filters, first, last, vocab)
        page = page_of(qs.count(), number, per_page)  # an index-only count
        # The page's ids first, ordered and sliced on the index alone; then only those rows are
        # read with their event (joining every matching occurrence to its event before sorting
        # cost most).
        page_ids = qs.order_by("start", "pk").values("pk")[offset : offset + per_page]
    rows = list(
        Occurrence.objects.filter(pk__in=page_ids)
        .select_related("event", "event__commune")
        .only(*OCCURRENCE_FIELDS)
        .order_by("start", "pk")
    )
    organisers = organisers_of({o.event_id for o in rows})
    results = []
    for occ in rows:
        event = occ.event
        results.append(
            {
                "slug": event.slug,
                "title": event.title,
                "start": iso(occ.start),
                "end": iso(occ.end),
                "all_day": event.all_day,
                "status": event.status,
                "online": bool(event.online_url),
                "commune": commune_value(event.commune) if event.commune_id else None,
                "organisers": organisers.get(event.pk, []),
                "synthetic": event.is_synthetic,
                "url": site_url(event),
                "api_url": api_url(request, "events", event.slug),
            }
        )
    return envelope(request, page, results, filters.notices)


def event_detail(request, slug):
    event = agenda_services.event_for_page(slug)  # Event.DoesNotExist -> 404
    organisers = [a for a in event.organisers.all() if a.archived_at is None]
    return {
        "slug": event.slug,
        "title": event.title,
        "description": event.description,
        "start": iso(event.start),
        "end": iso(event.end),
        "all_day": event.all_day,
        "rrule": event.rrule,
        "status": event.status,
        "place": place_value(event.place) if event.place_id else None,
        "commune": commune_value(event.commune) if event.commune_id else None,
        "online_url": event.online_url,
        "organisers": [
            {"slug": a.slug, "name": a.name, "api_url": api_url(request, "actors", a.slug)} for a in organisers
        ],
        "themes": [t.slug for t in event.themes.all()],
        "audiences": [a.slug for a in event.audiences.all()],
        "languages": [lang.code for lang in event.languages.all()],
        "price": event.price,
        "registration_url": event.registration_url,
        "next_occurrences": [
            {"start": iso(o.start), "end": iso(o.end)} for o in agenda_services.next_occurrences(event, limit=10)
        ],
        "synthetic": event.is_synthetic,
        "url": site_url(event),
        "api_url": api_url(request, "events", event.slug),
    }


# --- projects ---------------------------------------------------------------------------------


def project_summary(request, project):
    return {
        "slug": project.slug,
        "title": project.title,
        "summary": project.summary,
        "status": project.status,
        "start_date": iso(project.start_date),
        "end_date": iso(project.end_date),
        "themes": [t.slug for t in project.themes.all()],
        "participants": [
            {"actor": p.actor.slug, "name": p.actor.name, "role": p.role} for p in project.participations.all()
        ],
        "synthetic": project.is_synthetic,
        "url": site_url(project),
        "api_url": api_url(request, "projects", project.slug),
    }


def project_list(request):
    number, per_page = page_params(request.GET)
    vocab = directory_services.vocabularies()
    filters = project_services.parse_project_filters(request.GET, vocab)
    try:
        page = paginate(project_services.filter_projects(filters), per_page, number, past_last=ERROR)
    except NoSuchPage as error:
        raise BadRequest([str(error)]) from error
    results = [project_summary(request, p) for p in page.object_list]
    return envelope(request, page, results, filters.notices)


def project_detail(request, slug):
    project = project_services.project_for_page(slug)  # Project.DoesNotExist -> 404
    value = project_summary(request, project)
    value["description"] = project.description
    value["phases"] = [
        {
            "title": p.title,
            "description": p.description,
            "start_date": iso(p.start_date),
            "end_date": iso(p.end_date),
            "questions": p.question_list,
            "deliverables": p.deliverable_list,
        }
        for p in project.phases.all()
    ]
    value["updates"] = [
        {"date": iso(u.date), "title": u.title, "body": u.body} for u in project.updates.order_by("-date", "-pk")
    ]
    return value


# --- places ---------------------------------------------------------------------------------


def _column(qs):
    """The first column of a query's rows, read without building model instances or tuples."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _build_public_place_ids():
    """Ids of the places of public actors and events, in increasing order (a place only an archived
    entry uses is not published). Three index reads: the public actors' places; every event's place
    (the place index alone); and, for the few event places no public actor has, whether a public
    event is there (the one read of events themselves, short)."""
    ids = set(_column(Actor.places.through.objects.filter(actor__archived_at__isnull=True).values_list("place_id")))
    at_events = set(_column(Event.all_objects.exclude(place=None).values_list("place_id").distinct().order_by()))
    others = sorted(at_events - ids)
    if others:
        ids.update(_column(Event.objects.filter(place_id__in=others).values_list("place_id").distinct().order_by()))
    return sorted(ids)


_public_place_ids = VersionedCache("api.places", VERSIONS_OF["places"], lambda: array("q", _build_public_place_ids()))


def public_place_ids(actors_version, events_version):
    """The public places' ids, kept in this process per data version of actors (places change with
    them) and events: counting them in SQL costs a check of every place (about 90 ms at 20,000)."""
    return _public_place_ids.get(versions=(actors_version, events_version))


def place_list(request):
    number, per_page = page_params(request.GET)
    actors_version, events_version = data_version.current_many(*VERSIONS_OF["places"])
    vocab = directory_services.vocabularies(actors_version)
    notices = []
    chosen = directory_services.pick_communes(request.GET, vocab, notices)
    ids = public_place_ids(actors_version, events_version)
    if chosen:
        commune_ids = [c.pk for c in vocab["communes"] if c.slug in chosen]
        in_communes = set(_column(Place.objects.filter(commune_id__in=commune_ids).values_list("pk").order_by()))
        ids = [pk for pk in ids if pk in in_communes]
    page = page_of(len(ids), number, per_page)
    shown = ids[page.offset : page.offset + per_page]
    places = Place.objects.filter(pk__in=list(shown)).select_related("commune").order_by("pk")
    return envelope(request, page, [place_value(p) for p in places], notices)
