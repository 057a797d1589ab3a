"""Agenda services: the one write path of events (single and bulk, with what derives from them),
expanding recurrences, filtering, calendar views and iCal feeds; the owner's functions for merges
and archiving."""

import calendar
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import recurring_ical_events
from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Count, F, IntegerField, Value, Window
from django.db.models.functions import RowNumber
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as ICalEvent
from icalendar.prop import vRecur
from tqdm import tqdm

from directory.models import Actor, Place
from directory.services import (
    by_language,
    pick_communes,
    pick_themes,
    places_words,
    theme_parents,
    with_parent_themes,
)
from maillage import changes, data_version
from maillage.filters import ParsedFilters, pick
from maillage.links import slug_url
from maillage.params import InvalidParam, read_day
from maillage.richtext import plain
from search import engine as search_engine
from search.models import Document
from territory.models import Commune

from .models import Event, Occurrence, ProgrammeItem
from .validators import gives_dates

TZ = ZoneInfo("Europe/Brussels")
LANGS = ("fr", "nl", "en")
MAX_OCCURRENCES = 1000  # per event: a daily rule over two years, with room to spare
ARCHIVE_DAYS = 365  # how far back a recurring series keeps its dates
RUNNING_DAYS = 92  # how long a multi-day event can run and still show as "now on"
MAX_FEED_EVENTS = 5000


# --- occurrences ------------------------------------------------------------------------------


def _ical_event(event):
    """The event as an iCalendar VEVENT, in local time so recurrences follow daylight saving.

    Times are whole seconds, as iCalendar writes them: a start with microseconds would not equal
    the rule's first date, and the series would have its first date twice."""
    vevent = ICalEvent()
    start = timezone.localtime(event.start, TZ).replace(microsecond=0)
    end = timezone.localtime(event.end, TZ).replace(microsecond=0) if event.end else None
    if event.all_day:
        vevent.add("dtstart", start.date())
        vevent.add("dtend", (end.date() if end else start.date()) + dt.timedelta(days=1))
    else:
        vevent.add("dtstart", start)
        if end:
            vevent.add("dtend", end)
    if event.rrule:
        vevent.add("rrule", vRecur.from_ical(event.rrule.removeprefix("RRULE:")))
    return vevent


def _as_datetime(value):
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=TZ)
    return dt.datetime.combine(value, dt.time(0, 0), tzinfo=TZ)


def _all_day_end(start, end):
    """All-day events end at the last minute of their last local day."""
    last_day = timezone.localtime(end or start, TZ).date()
    return dt.datetime.combine(last_day, dt.time(23, 59), tzinfo=TZ)


def occurrence_times(event, until=None):
    """(start, end) of each occurrence, from a year back (or the first) up to ``until`` (default:
    the horizon). Older dates of long-running series are dropped, so the cap never eats the future."""
    if not event.rrule:
        end = _all_day_end(event.start, event.end) if event.all_day else event.end
        return [(event.start, end)]
    if not gives_dates(event.rrule, timezone.localtime(event.start, TZ).replace(tzinfo=None)):
        return []  # expanding would search for a date up to year 9999 (seconds of CPU)
    now = timezone.now()
    first = event.start.replace(microsecond=0)  # as _ical_event writes it
    until = until or max(now, first) + dt.timedelta(days=settings.AGENDA_HORIZON_DAYS)
    since = max(first, now - dt.timedelta(days=ARCHIVE_DAYS))
    calendar_ = Calendar()
    calendar_.add_component(_ical_event(event))
    times = []
    # A series' first date is the event itself, as stored. Its local time in iCalendar cannot say
    # which 02:30 of the night the clocks go back it is: read back, the first date moved by an
    # hour or, lasting "no time", fell out of the window.
    keep_first = not event.all_day and since == first < until
    if keep_first:
        times.append((first, event.end))
    for component in recurring_ical_events.of(calendar_).between(since, until):
        start = _as_datetime(component["DTSTART"].dt)
        if keep_first and _wall_clock(start) == _wall_clock(first):
            continue
        end = _as_datetime(component["DTEND"].dt) if "DTEND" in component else None
        if event.all_day:
            end = _all_day_end(start, end - dt.timedelta(minutes=1) if end else None)
        times.append((start, end))
        if len(times) >= MAX_OCCURRENCES:
            break
    return times


def _wall_clock(moment):
    return timezone.localtime(moment, TZ).replace(tzinfo=None, fold=0)


@transaction.atomic
def refresh_occurrences(event, until=None):
    _write_occurrences(event, until=until)


def _write_occurrences(event, *, created=False, until=None):
    if not created:
        Occurrence.objects.filter(event=event).delete()
    Occurrence.objects.bulk_create(Occurrence.at(event.pk, start, end) for start, end in occurrence_times(event, until))


def refresh_recurring(progress=False):
    """Expand every recurring event up to the horizon, which moves on each day (run daily: the
    ``agenda.refresh_occurrences`` periodic task, or the command of the same name). Returns how
    many events were refreshed."""
    events = Event.objects.exclude(rrule="").only("pk", "start", "end", "all_day", "rrule")
    total = events.count() if progress else None
    count = 0
    for event in tqdm(events.iterator(), total=total, desc="recurring events", disable=not progress):
        refresh_occurrences(event)
        count += 1
    if count:
        changes.bump(data_version.EVENTS)  # the horizon moved: later dates appear
    return count


# --- the search document -----------------------------------------------------------------------

# How an event ranks among the answers of a search, by its status (never by today's date: a
# document is written when the event is, not every day).
RANKS = {Event.Status.SCHEDULED: 2, Event.Status.POSTPONED: 1, Event.Status.CANCELLED: 0}
DOCUMENT_LINKS = ("themes", "audiences", "organisers")


def search_document(event, *, themes, audiences, organisers):
    """What search reads of an event (``search.engine.SearchDocument``), from what the caller has
    in hand (no query): ``themes``, theme ids with their parents; ``audiences``, ids;
    ``organisers``, objects with ``name_<lang>`` and ``acronym`` (``Actor`` or ``OrganiserWords``);
    its place, when it has one, loaded (``event.place``)."""
    organisers = sorted(organisers, key=lambda a: a.pk)
    names = {lang: [getattr(a, f"name_{lang}") or "" for a in organisers] for lang in LANGS}
    names["fr"] += [a.acronym or "" for a in organisers]
    tags = [
        *(search_engine.tag("theme", pk) for pk in sorted(set(themes))),
        *(search_engine.tag("audience", pk) for pk in sorted(set(audiences))),
        *([search_engine.tag("commune", event.commune_id)] if event.commune_id else []),
    ]
    return search_engine.SearchDocument(
        names=by_language(event, "title"),
        tags=tags,
        related=places_words([event.place] if event.place_id else [], names),
        texts=by_language(event, "description", plain),
        rank=RANKS.get(event.status, 0),
        commune_id=event.commune_id,
    )


@dataclass(frozen=True)
class OrganiserWords:
    """What search reads of an event's organiser (read in bulk with the event's other links)."""

    pk: int
    name_fr: str
    name_nl: str
    name_en: str
    acronym: str


@dataclass
class EventLinks:
    """A stored event's links as its search document reads them."""

    themes: list
    audiences: list
    organisers: list  # OrganiserWords


def stored_links(event_ids):
    """{event id: EventLinks} of stored events (every id given has one), in one query."""
    event_ids = list(event_ids)
    links = {pk: EventLinks([], [], []) for pk in event_ids}
    if not event_ids:
        return links
    text = Value("", output_field=CharField())
    columns = ("event_id", "link", "other", "n_fr", "n_nl", "n_en", "short")
    vocabularies = [
        getattr(Event, name)
        .through.objects.filter(event_id__in=event_ids)
        .annotate(
            link=Value(position, output_field=IntegerField()),
            other=F(column),
            n_fr=text,
            n_nl=text,
            n_en=text,
            short=text,
        )
        .values_list(*columns)
        .order_by()
        for position, (name, column) in enumerate((("themes", "theme_id"), ("audiences", "audience_id")))
    ]
    organisers = (
        Event.organisers.through.objects.filter(event_id__in=event_ids)
        .annotate(
            link=Value(2, output_field=IntegerField()),
            other=F("actor_id"),
            n_fr=F("actor__name_fr"),
            n_nl=F("actor__name_nl"),
            n_en=F("actor__name_en"),
            short=F("actor__acronym"),
        )
        .values_list(*columns)
        .order_by()
    )
    for event_id, link, other, *words in vocabularies[0].union(vocabularies[1], organisers, all=True):
        own = links[event_id]
        if link == 0:
            own.themes.append(other)
        elif link == 1:
            own.audiences.append(other)
        else:
            own.organisers.append(OrganiserWords(other, *(w or "" for w in words)))
    return links


def organiser_words(ids):
    """{actor id: OrganiserWords} of the actors ``ids``: one query."""
    names = (f"name_{lang}" for lang in LANGS)
    rows = Actor.all_objects.filter(pk__in=set(ids)).values_list("pk", *names, "acronym").order_by()
    return {pk: OrganiserWords(pk, *(w or "" for w in words)) for pk, *words in rows}


def _with_names(organisers, known=None):
    """Organisers as objects with their names: those given as ids are looked up in ``known`` ({id:
    OrganiserWords}), read in one query when not given."""
    ids = [a for a in organisers if not hasattr(a, "name_fr")]
    if ids and known is None:
        known = organiser_words(ids)
    return [a if hasattr(a, "name_fr") else known[a] for a in organisers if hasattr(a, "name_fr") or a in known]


def _document_links(event, given, created=False):
    """The themes, audiences and organisers of an event's document: those ``given`` ({name: ids,
    organisers as ids or objects}), the others read in one query (none for a new event)."""
    missing = [name for name in DOCUMENT_LINKS if name not in given]
    read = vars(stored_links([event.pk])[event.pk]) if missing and not created else {}
    links = {name: given[name] if name in given else read.get(name, []) for name in DOCUMENT_LINKS}
    links["themes"], links["audiences"] = _ids(links["themes"]), _ids(links["audiences"])
    links["organisers"] = _with_names(links["organisers"])
    return links


def index_events(events):
    """Write the search documents of stored events (archived ones leave search), their links read
    in one query: after what changed them from outside their write (their place renamed or moved,
    their organisers renamed). Load the events with their place."""
    events = list(events)
    links = stored_links([e.pk for e in events if e.archived_at is None])
    rows = [(e.pk, search_document(e, **vars(links[e.pk]))) for e in events if e.pk in links]
    search_engine.replace_many(Document.Kind.EVENT, rows, gone=[e.pk for e in events if e.pk not in links])


# What an event's search document does not read of its row.
UNSEARCHED = tuple(f"vevent_{lang}" for lang in LANGS)


def reindex_search(*, progress=False, chunk_size=search_engine.REBUILD_CHUNK):
    """Write the search document of every public event again (``search.engine.rebuild``: by chunks,
    a query for the events with their places and one for their links per chunk). Returns how many
    were written."""

    def documents(chunk):
        links = stored_links([e.pk for e in chunk])
        return [(e.pk, search_document(e, **vars(links[e.pk]))) for e in chunk]

    events = Event.objects.select_related("place").defer(*UNSEARCHED).order_by("pk")
    return search_engine.rebuild(Document.Kind.EVENT, events, documents, progress=progress, chunk_size=chunk_size)


# --- writing: the one write path of events ------------------------------------------------------

LINKS = ("organisers", "themes", "audiences", "languages")


def save_event(event, *, organisers=None, themes=None, audiences=None, languages=None):
    """Create or update an event and everything derived from it: the one entry point (forms,
    proposals, the API, imports, reverts, the demo loader, the admin).

    Inside a change set (the caller's, or one of its own): the event is checked, saved once, its
    links set, what derives from it written once (commune, iCal texts, search document, dates),
    then it gets one history record and the events' data version one bump. Links left None stay
    as they are."""
    links = {"organisers": organisers, "themes": themes, "audiences": audiences, "languages": languages}
    with changes.recording():
        created = event._state.adding
        event.full_clean(exclude=_trusted(event))
        if themes is not None:
            links["themes"] = with_parent_themes(themes)
        given = {name: list(values) for name, values in links.items() if values is not None}
        _save(event, created, {name: _ids(values) for name, values in given.items()})
        _derive(event, created, given)
        changes.record(event, "+" if created else "~")
        changes.bump(data_version.EVENTS)
    return event


@dataclass
class EventWrite:
    """One event for ``save_events``: the event and its links (None: left as they are)."""

    event: Event
    organisers: list | None = None
    themes: list | None = None
    audiences: list | None = None
    languages: list | None = None


def save_events(items, *, user=None, reason="", source=changes.Source.IMPORT, source_id=None):
    """Many events in one change set (imports, synthetic data): ``items`` are ``EventWrite``.

    New events are written in bulk (their plain values checked, the slug left to the database's
    unique index), with what derives from them; events that exist go through ``save_event``.
    One history record per event, one bump. Returns the events."""
    items = list(items)
    with changes.recording(user=user, reason=reason, source=source, source_id=source_id):
        new = [item for item in items if item.event._state.adding]
        for item in items:
            if not item.event._state.adding:
                save_event(item.event, **{name: getattr(item, name) for name in LINKS})
        if new:
            _create_events(new)
        changes.bump(data_version.EVENTS)
    return [item.event for item in items]


def _create_events(items, batch_size=500):
    events = [item.event for item in items]
    given = _batch_links(items)
    for event in events:
        event.clean_fields(exclude=["slug", "place", "commune"])
        event.clean()
        _take_from_place(event)
    Event.objects.bulk_create(events, batch_size=batch_size)
    _load_communes([e.place for e in events if e.place_id])
    for event in events:
        _set_texts(event)
    Event.objects.bulk_update(events, [f"vevent_{lang}" for lang in LANGS], batch_size=batch_size)
    public = [e for e in events if e.archived_at is None]
    documents = [
        (e.pk, search_document(e, **{name: links[name] for name in DOCUMENT_LINKS}))
        for e, links in zip(events, given, strict=True)
        if e.archived_at is None
    ]
    search_engine.index_many(Document.Kind.EVENT, documents)
    Occurrence.objects.bulk_create(
        (Occurrence.at(e.pk, start, end) for e in public for start, end in occurrence_times(e)), batch_size=batch_size
    )
    rows = {name: [] for name in LINKS}
    for item, links in zip(items, given, strict=True):
        for name in LINKS:
            rows[name] += _through_rows(Event, name, item.event.pk, _ids(links[name]))
        changes.record(item.event, "+")
    for name, through_rows in rows.items():
        getattr(Event, name).through.objects.bulk_create(through_rows, batch_size=batch_size)


def _batch_links(items):
    """{link: ids} of each new event, organisers as objects with their names: the parents of themes
    given as ids and the names of organisers given as ids are read once for the batch."""
    given = [{name: list(getattr(item, name) or []) for name in LINKS} for item in items]
    bare = {t for links in given for t in links["themes"] if not hasattr(t, "parent_id")}
    parents = theme_parents(bare) if bare else {}
    ids = {a for links in given for a in links["organisers"] if not hasattr(a, "name_fr")}
    known = organiser_words(ids) if ids else {}
    for links in given:
        links["themes"] = with_parent_themes(links["themes"], parents)
        links["audiences"], links["languages"] = _ids(links["audiences"]), _ids(links["languages"])
        links["organisers"] = _with_names(links["organisers"], known)
    return given


def _load_communes(places):
    """The communes of places (their iCal location names them), in one query."""
    missing = [p for p in places if p.commune_id and not Place.commune.is_cached(p)]
    communes = Commune.objects.in_bulk({p.commune_id for p in missing})
    for place in missing:
        place.commune = communes.get(place.commune_id)


def _save(event, created, links):
    """Save a checked event, set its ``links`` ({name: ids}) and its iCal texts."""
    _take_from_place(event)
    if not created:  # the texts are written with the row (a new event's UID needs its id first)
        event.updated = timezone.now()
        _set_texts(event)
    with changes.quietly(event):
        event.save()
    for name, ids in links.items():
        _set_links(event, name, ids, created)
    if created:
        _set_texts(event)
        Event.all_objects.filter(pk=event.pk).update(
            **{f"vevent_{lang}": getattr(event, f"vevent_{lang}") for lang in LANGS}
        )


def _trusted(event):
    """Fields ``full_clean`` need not check: an empty slug (given on save) and a place given as a
    loaded object (it exists: checking costs a query)."""
    return [
        *(["slug"] if not event.slug else []),
        *(["place"] if event.place_id and Event.place.is_cached(event) else []),
    ]


def _ids(values):
    return list(dict.fromkeys(getattr(v, "pk", v) for v in values))


def _through_rows(model, name, owner_id, ids):
    field = getattr(model, name).field
    own, other = field.m2m_field_name(), field.m2m_reverse_field_name()
    return [field.remote_field.through(**{f"{own}_id": owner_id, f"{other}_id": pk}) for pk in ids]


def _set_links(obj, name, ids, created):
    """Set one many-to-many field of ``obj`` (an event, a programme item) to ``ids``, writing only
    the difference (and no m2m_changed signals: the owner's one history record says the links)."""
    field = getattr(type(obj), name).field
    through, own, other = field.remote_field.through, field.m2m_field_name(), field.m2m_reverse_field_name()
    mine = through.objects.filter(**{f"{own}_id": obj.pk})
    current = set() if created else set(mine.values_list(f"{other}_id", flat=True))
    wanted = set(ids)
    if current - wanted:
        mine.filter(**{f"{other}_id__in": current - wanted}).delete()
    if wanted - current:
        through.objects.bulk_create(_through_rows(type(obj), name, obj.pk, [pk for pk in ids if pk not in current]))
    if hasattr(obj, "_prefetched_objects_cache"):
        obj._prefetched_objects_cache.pop(name, None)


def _take_from_place(event):
    """An event's commune is its place's (an event without a place keeps the one it was given)."""
    if event.place_id:
        event.commune_id = event.place.commune_id


def _set_texts(event):
    for lang in LANGS:
        setattr(event, f"vevent_{lang}", vevent_text(event, lang))


def _derive(event, created=False, given=None):
    """What derives from a saved event besides its row: its search document (from the links
    ``given``, {name: ids or objects}, the others read) and its dates."""
    if event.archived_at is not None:  # archived: out of search, the agenda and the feeds
        search_engine.remove(Document.Kind.EVENT, event.pk)
        Occurrence.objects.filter(event=event).delete()
        return
    document = search_document(event, **_document_links(event, given or {}, created))
    if created:
        search_engine.index_many(Document.Kind.EVENT, [(event.pk, document)])
    else:
        search_engine.index(Document.Kind.EVENT, event.pk, document)
    _write_occurrences(event, created=created)


def save_programme_item(item, *, organisers=None):
    """Create or change an item of an event's programme (one history record; no data version reads
    the programme). ``organisers``: None leaves them as they are."""
    with changes.recording():
        created = item._state.adding
        item.full_clean()
        with changes.quietly(item):
            item.save()
        if organisers is not None:
            _set_links(item, "organisers", _ids(organisers), created)
        changes.record(item, "+" if created else "~")
    return item


def archive_event(event, user=None, reason=""):
    """Take an event off the agenda, search and the feeds; nothing is deleted (one change set,
    source archive)."""
    return changes.set_archived(event, True, user=user, reason=reason, refresh=_derive, version=data_version.EVENTS)


def restore_event(event, user=None, reason=""):
    """Put an archived event back where it was, its dates expanded again."""
    return changes.set_archived(event, False, user=user, reason=reason, refresh=_derive, version=data_version.EVENTS)


# --- an actor merged into another: its events and programme items follow ------------------------


def move_organisers(from_actor, to_actor):
    """Events and programme items organised by ``from_actor`` are organised by ``to_actor`` (a merge).

    Returns what moved, as plain JSON values for the merge's record: {"events": [[event id, whether
    ``to_actor`` organised it already]], "programme_items": [[item id, same]]}. Each event or item
    changed gets one history record in the caller's change set; the events' version is bumped once."""
    with changes.recording():
        moved = {
            "events": _move(Event, from_actor.pk, to_actor.pk),
            "programme_items": _move(ProgrammeItem, from_actor.pk, to_actor.pk),
        }
        if moved["events"]:
            _reindex([pk for pk, _was in moved["events"]])
            changes.bump(data_version.EVENTS)
    return moved


def restore_organisers(moved, from_actor, to_actor):
    """Undo ``move_organisers(from_actor, to_actor)``, which returned ``moved``: ``from_actor``
    organises those events and items again, and ``to_actor`` stops organising those it did not
    organise before. Objects deleted since are skipped."""
    with changes.recording():
        _move_back(Event, moved.get("events", []), from_actor.pk, to_actor.pk)
        _move_back(ProgrammeItem, moved.get("programme_items", []), from_actor.pk, to_actor.pk)
        if moved.get("events"):
            _reindex([pk for pk, _was in moved["events"]])
            changes.bump(data_version.EVENTS)


def _reindex(event_ids):
    """The search documents of events whose organisers changed (their names are in them)."""
    index_events(Event.all_objects.filter(pk__in=event_ids).select_related("place").order_by("pk"))


def _organisers(model):
    """The through model of ``model.organisers`` and the name of its column for ``model``."""
    return model.organisers.through, model.organisers.field.m2m_field_name()


def _move(model, from_id, to_id):
    through, own = _organisers(model)
    owners = set(through.objects.filter(actor_id=from_id).values_list(f"{own}_id", flat=True))
    if not owners:
        return []
    already = set(
        through.objects.filter(actor_id=to_id, **{f"{own}_id__in": owners}).values_list(f"{own}_id", flat=True)
    )
    through.objects.filter(actor_id=from_id, **{f"{own}_id__in": owners}).delete()
    through.objects.bulk_create([through(actor_id=to_id, **{f"{own}_id": pk}) for pk in sorted(owners - already)])
    _record_organisers(model, owners)
    return [[pk, pk in already] for pk in sorted(owners)]


def _move_back(model, moved, from_id, to_id):
    manager = getattr(model, "all_objects", model._default_manager)
    existing = set(manager.filter(pk__in=[pk for pk, _was in moved]).values_list("pk", flat=True))
    moved = [(pk, was_there) for pk, was_there in moved if pk in existing]
    if not moved:
        return
    through, own = _organisers(model)
    leave = [pk for pk, was_there in moved if not was_there]
    through.objects.filter(actor_id=to_id, **{f"{own}_id__in": leave}).delete()
    back = {pk for pk, _was in moved}
    present = set(
        through.objects.filter(actor_id=from_id, **{f"{own}_id__in": back}).values_list(f"{own}_id", flat=True)
    )
    through.objects.bulk_create([through(actor_id=from_id, **{f"{own}_id": pk}) for pk in sorted(back - present)])
    _record_organisers(model, back)


def _record_organisers(model, pks):
    """One history record per event or item whose organisers changed (links read when the change set ends)."""
    manager = getattr(model, "all_objects", model._default_manager)
    for obj in manager.filter(pk__in=pks).order_by("pk"):
        changes.record(obj, "~")


@dataclass(frozen=True)
class OrganiserChange:
    """How a change of an event's organisers made by an editor is applied.

    ``now``: the organisers to set at once. ``wanted``: the organisers asked for, which a
    moderator (or later an editor of the actors concerned) approves; equal to ``now`` when nothing
    waits. ``added`` and ``removed``: the actors whose naming or removal waits.
    """

    now: tuple
    wanted: tuple
    added: tuple = ()
    removed: tuple = ()

    @property
    def waits(self):
        return bool(self.added or self.removed)


def organiser_change(current, seen, wanted, *, edited_ids):
    """Split an editor's organiser change into what is published at once and what waits.

    ``current``: the event's organisers now; ``seen``: those the person's form started from (the
    same for a new event: none); ``wanted``: those they sent; ``edited_ids``: ids of the actors the
    person edits, None for a moderator (who changes everything at once).

    An editor names and removes the actors they edit at once. Naming another actor as organiser,
    or removing one, waits for approval: an actor is not put on (or taken off) an event by people
    who do not speak for it. An event keeps at least one organiser the editor edits: when the
    change would leave none (handing the event over), the whole change waits.
    """
    current, seen, wanted = list(current), list(seen), list(wanted)
    if edited_ids is None:
        return OrganiserChange(now=tuple(wanted), wanted=tuple(wanted))
    seen_ids, wanted_ids = {a.pk for a in seen}, {a.pk for a in wanted}
    added = [a for a in wanted if a.pk not in seen_ids]
    removed = [a for a in seen if a.pk not in wanted_ids]
    own_added = {a.pk for a in added if a.pk in edited_ids}
    own_removed = {a.pk for a in removed if a.pk in edited_ids}
    now = [a for a in current if a.pk not in own_removed] + [a for a in added if a.pk in own_added and a not in current]
    waiting_added = [a for a in added if a.pk not in own_added and a not in current]
    waiting_removed = [a for a in removed if a.pk not in own_removed and a in current]
    if not any(a.pk in edited_ids for a in now):  # a hand-over: nothing changes before approval
        now = current
        waiting_added = [a for a in added if a not in current]
        waiting_removed = [a for a in removed if a in current]
    wanted_after = [a for a in now if a not in waiting_removed] + waiting_added
    return OrganiserChange(
        now=tuple(now), wanted=tuple(wanted_after), added=tuple(waiting_added), removed=tuple(waiting_removed)
    )


def refresh_from_place(event):
    """What an event takes from its place: its commune and the location in its iCal texts, in one
    UPDATE (its dates do not depend on the place; its search document, which names the place and
    its commune, is written by the caller: ``index_events``, once for all the place's events). Load
    the event with ``select_related("place__commune")``."""
    _take_from_place(event)
    _set_texts(event)
    texts = {f"vevent_{lang}": getattr(event, f"vevent_{lang}") for lang in LANGS}
    Event.all_objects.filter(pk=event.pk).update(commune_id=event.commune_id, **texts)


def after_change(event):
    """Derive everything again for an event saved elsewhere (archived, restored, built by a test's
    factory): commune, iCal texts, search document, dates; the events' data version is bumped."""
    with changes.recording():
        refresh_from_place(event)
        _derive(event)
        changes.bump(data_version.EVENTS)


# --- filters ----------------------------------------------------------------------------------


def parse_day(params, name, messages):
    """The day (YYYY-MM-DD) of the query parameter ``name``, or None: absent, or not a day the site
    may show (then why, in ``messages``). The one day parser of the agenda's filters (pages, API)."""
    try:
        return read_day(params.get(name), name=name)
    except InvalidParam as error:
        messages.append(str(error))
        return None


FILTER_GROUPS = ("theme", "commune", "audience", "language")


def parse_event_filters(params, vocab):
    notices = []
    q = params.get("q", "").strip()[:200]
    values = {
        "q": [q] if q else [],
        "theme": pick_themes(params, vocab, notices),
        "commune": pick_communes(params, vocab, notices),
        "audience": pick(params, "audience", {a.slug for a in vocab["audiences"]}, _("audience"), notices),
        "language": pick(params, "language", {lang.code for lang in vocab["languages"]}, _("language"), notices),
        "organiser": [params.get("organiser", "").strip()[:120]] if params.get("organiser", "").strip() else [],
    }
    return ParsedFilters(values=values, notices=notices)


def filter_events(filters):
    qs = Event.objects.all()
    v = filters.values
    if v.get("q"):
        qs = qs.filter(pk__in=search_engine.match_ids(Document.Kind.EVENT, v["q"][0]))
    if v.get("theme"):
        qs = qs.filter(pk__in=Event.themes.through.objects.filter(theme__slug__in=v["theme"]).values("event_id"))
    if v.get("commune"):
        qs = qs.filter(commune__slug__in=v["commune"])
    if v.get("audience"):
        qs = qs.filter(
            pk__in=Event.audiences.through.objects.filter(audience__slug__in=v["audience"]).values("event_id")
        )
    if v.get("language"):
        qs = qs.filter(
            pk__in=Event.languages.through.objects.filter(language__code__in=v["language"]).values("event_id")
        )
    if v.get("organiser"):
        qs = qs.filter(pk__in=Event.organisers.through.objects.filter(actor__slug=v["organiser"][0]).values("event_id"))
    return qs


# What agenda lists show of an event: never its long texts.
LIST_FIELDS = (
    "start",
    "end",
    "day",
    "event__slug",
    "event__title_fr",
    "event__title_nl",
    "event__title_en",
    "event__all_day",
    "event__status",
    "event__online_url",
    "event__is_synthetic",
    "event__commune__name_fr",
    "event__commune__name_nl",
    "event__commune__name_en",
)


def _occurrences(filters):
    qs = Occurrence.objects.select_related("event", "event__commune").only(*LIST_FIELDS)
    if filters.is_active():
        qs = qs.filter(event__in=filter_events(filters).values("pk"))
    return qs


def upcoming(filters, *, start=None, limit=50, offset=0):
    """(running, later, has_next): multi-day events started on earlier days and still running
    (first page only), then one page of occurrences from the day of ``start`` (default today) on.
    Both are range reads on the start index."""
    start = start or timezone.now()
    day_start = dt.datetime.combine(start.astimezone(TZ).date(), dt.time(0), tzinfo=TZ)
    running = []
    if offset == 0:
        running = list(
            _occurrences(filters)
            .filter(start__gte=day_start - dt.timedelta(days=RUNNING_DAYS), start__lt=day_start, end__gte=start)
            .order_by("start", "pk")[:limit]
        )
    later = list(
        _occurrences(filters).filter(start__gte=day_start).order_by("start", "pk")[offset : offset + limit + 1]
    )
    return running, later[:limit], len(later) > limit


def past(filters, *, before=None, limit=50, offset=0):
    before = before or timezone.now()
    day_start = dt.datetime.combine(before.astimezone(TZ).date(), dt.time(0), tzinfo=TZ)
    qs = _occurrences(filters).filter(start__lt=day_start).order_by("-start", "-pk")
    return list(qs[offset : offset + limit + 1])


def group_by_day(occurrences):
    days = {}
    for occ in occurrences:
        days.setdefault(occ.day, []).append(occ)
    return list(days.items())


def _title_order():
    """The languages to read a title in: the current one, then the fallbacks the model
    translations use (a month is read as plain values, without modeltranslation's fallback)."""
    fallbacks = settings.MODELTRANSLATION_FALLBACK_LANGUAGES
    fallbacks = fallbacks.get("default", LANGS) if isinstance(fallbacks, dict) else fallbacks
    return [lang for lang in dict.fromkeys([translation.get_language(), *fallbacks, *LANGS]) if lang in LANGS]


def month_grid(filters, year, month, per_day=4):
    """Weeks of the month, each a list of days: (date, in_month, first occurrences, total).

    Counting per day and keeping the first few of each day happen in SQL, so a busy month costs
    about the same as a quiet one.
    """
    first = dt.date(year, month, 1)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    qs = Occurrence.objects.filter(day__gte=weeks[0][0], day__lte=weeks[-1][-1])
    if filters.is_active():
        qs = qs.filter(event__in=filter_events(filters).values("pk"))
    totals = dict(qs.values("day").annotate(n=Count("pk")).values_list("day", "n").order_by())
    ranked = qs.annotate(rank=Window(RowNumber(), partition_by=[F("day")], order_by=[F("start"), F("pk")]))
    shown_ids = list(ranked.filter(rank__lte=per_day).values_list("pk", flat=True))
    order = _title_order()
    rows = (
        Occurrence.objects.filter(pk__in=shown_ids)
        .order_by("start", "pk")
        .values_list("day", "start", "event__slug", "event__all_day", *(f"event__title_{lang}" for lang in LANGS))
    )
    shown = {}
    for day, start, slug, all_day, *titles in rows:
        by_lang = dict(zip(LANGS, titles, strict=True))
        title = next((by_lang[lang] for lang in order if by_lang[lang]), "")
        entry = MonthEntry(slug_url("agenda:event", slug), None if all_day else start.astimezone(TZ), title)
        shown.setdefault(day, []).append(entry)
    return [[(d, d.month == first.month, shown.get(d, []), totals.get(d, 0)) for d in week] for week in weeks]


@dataclass(frozen=True)
class MonthEntry:
    """What a month cell shows of an occurrence (read as plain values: a month has hundreds)."""

    url: str
    start: dt.datetime | None  # None for all-day events
    title: str


# --- iCal -------------------------------------------------------------------------------------


def vevent_text(event, lang):
    """The event as iCalendar text (one VEVENT) in a language, with a stable UID and its URL."""
    with translation.override(lang):
        title, description = event.title, plain(event.description)
        url = settings.SITE_URL + event.get_absolute_url()
        synthetic_label = _("synthetic test data")
    vevent = _ical_event(event)
    vevent.add("uid", f"event-{event.pk}@maillage")
    vevent.add("dtstamp", event.updated or timezone.now())
    vevent.add("summary", f"[{synthetic_label}] {title}" if event.is_synthetic else title)
    vevent.add("url", url)
    vevent.add("description", f"{description}\n\n{url}".strip())
    place = event.place if event.place_id else None
    if place is not None:
        vevent.add("location", str(place))
        if place.lat is not None and not place.approximate:
            vevent.add("geo", (place.lat, place.lon))
    elif event.online_url:
        vevent.add("location", event.online_url)
    vevent.add("status", "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED")
    return vevent.to_ical().decode()


def calendar_frame(name, *, product="Agenda"):
    """The text around a calendar's VEVENTs, as (head, tail): the one frame of every feed and
    export of the site (``product`` names which, in its PRODID)."""
    cal = Calendar()
    cal.add("prodid", f"-//Maillage//{product}//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Brussels")
    head, tail = cal.to_ical().decode().rsplit("END:VCALENDAR", 1)
    return head, "END:VCALENDAR" + tail


def ical_feed(events, *, name):
    """An RFC 5545 calendar of the events, recurring ones with their RRULE.

    Each VEVENT is written by icalendar when the event is saved (``Event.vevent_<lang>``, also
    filled by the synthetic data generator); a feed only joins them: a GET never writes.
    """
    return "".join(ical_texts(events.values_list("pk", flat=True), name=name)).encode()


def feed_language():
    """The language of the VEVENT texts a feed joins: the page's."""
    lang = translation.get_language()
    return lang if lang in LANGS else "fr"


def ical_texts(ids, *, name, chunk=500):
    """The text of a calendar of the events ``ids``, in that order, piece by piece: its head, the
    stored VEVENTs read ``chunk`` at a time, its tail (memory bounded whatever the feed's length)."""
    column = f"vevent_{feed_language()}"
    head, tail = calendar_frame(name)
    yield head
    ids = list(ids)
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        texts = dict(Event.objects.filter(pk__in=part).values_list("pk", column))
        yield "".join(texts.get(pk) or "" for pk in part)
    yield tail


# The feed's default window: a subscription does not grow with the archive.
FEED_PAST_MONTHS = 1
FEED_FUTURE_MONTHS = 12


@dataclass
class FeedWindow:
    first: dt.date  # the first day of the window
    last: dt.date  # its last day
    moves: bool  # True when it follows today (a default bound)


def feed_window(params, messages, today):
    """The days the feed covers: ``?from=`` and ``?to=`` (YYYY-MM-DD) when given, by default from
    the same day a month ago (``FEED_PAST_MONTHS``) to the same day in twelve months."""
    first = parse_day(params, "from", messages)
    last = parse_day(params, "to", messages)
    moves = first is None or last is None
    first = first or _add_months(today, -FEED_PAST_MONTHS)
    last = last or _add_months(today, FEED_FUTURE_MONTHS)
    return FeedWindow(first, max(first, last), moves)


def _add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def feed_event_ids(filters, window):
    """The ids of the filtered events with a date in the window, earliest first, at most
    ``MAX_FEED_EVENTS``: sorted and cut on narrow rows (id and start), the VEVENT texts of the kept
    ones read afterwards (``ical_texts``)."""
    since = dt.datetime.combine(window.first, dt.time(0), tzinfo=TZ)
    until = dt.datetime.combine(window.last + dt.timedelta(days=1), dt.time(0), tzinfo=TZ)
    dated = Occurrence.objects.filter(start__gte=since, start__lt=until).values("event_id")
    events = filter_events(filters).filter(pk__in=dated).order_by("start", "pk")
    return list(events.values_list("pk", flat=True)[:MAX_FEED_EVENTS])


def feed_events(filters, *, since=None):
    """Events with an occurrence from ``since`` (default: 30 days ago) on, earliest first."""
    since = since or timezone.now() - dt.timedelta(days=30)
    ids = Occurrence.objects.filter(start__gte=since).values("event_id")
    kept = filter_events(filters).filter(pk__in=ids).order_by("start", "pk").values_list("pk", flat=True)
    return Event.objects.filter(pk__in=list(kept[:MAX_FEED_EVENTS])).order_by("start", "pk")


# --- event page -------------------------------------------------------------------------------


def event_for_page(slug, *, include_archived=False):
    manager = Event.all_objects if include_archived else Event.objects
    return (
        manager.select_related("place__commune", "commune")
        .prefetch_related("organisers", "themes", "audiences", "languages")
        .get(slug=slug)
    )


def programme_of(event):
    return list(event.programme.prefetch_related("organisers").order_by("start", "position", "pk"))


def next_occurrences(event, limit=5):
    now = timezone.now()
    return list(event.occurrences.filter(start__gte=now - dt.timedelta(hours=12)).order_by("start")[:limit])


def upcoming_for_actor(actor, limit=10):
    """The next occurrences of events the actor organises (two short queries)."""
    now = timezone.now()
    # The actor's events first: given a short list, the databases walk the (event, start) index
    # instead of every future occurrence looking for this actor's.
    event_ids = list(Event.organisers.through.objects.filter(actor=actor).values_list("event_id", flat=True))
    return list(
        Occurrence.objects.filter(event_id__in=event_ids, start__gte=now - dt.timedelta(hours=12))
        .select_related("event", "event__commune")
        .only(*LIST_FIELDS)
        .order_by("start")[:limit]
    )


def _jsonld_time(value, all_day):
    local = timezone.localtime(value, TZ)
    return (local.date() if all_day else local).isoformat()


def event_jsonld(event, site_url, organisers):
    """schema.org Event for the event page."""
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "startDate": _jsonld_time(event.start, event.all_day),
        "url": site_url + event.get_absolute_url(),
        "eventStatus": {
            Event.Status.SCHEDULED: "https://schema.org/EventScheduled",
            Event.Status.CANCELLED: "https://schema.org/EventCancelled",
            Event.Status.POSTPONED: "https://schema.org/EventPostponed",
        }[event.status],
    }
    if event.end:
        data["endDate"] = _jsonld_time(event.end, event.all_day)
    if event.description:
        data["description"] = plain(event.description)
    if event.place_id:
        place = event.place
        location = {
            "@type": "Place",
            "name": place.name or str(place),
            "address": {
                "@type": "PostalAddress",
                "streetAddress": place.street,
                "postalCode": place.postcode,
                "addressLocality": place.commune.name if place.commune else "",
                "addressCountry": "BE",
            },
        }
        if place.lat is not None and not place.approximate:
            location["geo"] = {"@type": "GeoCoordinates", "latitude": place.lat, "longitude": place.lon}
        data["location"] = location
        data["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
    elif event.online_url:
        data["location"] = {"@type": "VirtualLocation", "url": event.online_url}
        data["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
    if organisers:
        data["organizer"] = [
            {"@type": "Organization", "name": a.name, "url": site_url + a.get_absolute_url()} for a in organisers
        ]
    return data
