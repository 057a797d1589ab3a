"""The import pipeline: a file (or a source's address) -> a report per row -> the database.

A run happens in two steps:

1. **plan** (``plan_run``): read the file (``imports.readers``), map its columns to fields
   (``imports.mapping``), clean each row (``imports.cleaning``) and decide its outcome against the
   database: *created*, *updated*, *unchanged*, *duplicate* (a probable duplicate of an existing
   actor: the row is linked to it and only fills its empty fields), *skipped* (the same record as an
   earlier row of the file), *error* (with the reason), and *missing* for the source's records no
   longer in the file. Planning only reads (and saves the run's progress), so a dry run is the plan
   alone and its report is exactly what applying would do.
2. **apply** (``apply_plan``): write the plan through the owners' write functions, in one change
   set (source: import, the run's number): actors through the directory's bulk path
   (``directory.bulk.save_actors``: new, updated and filled actors in batches, one history record
   each, one data-version bump), so 10,000 rows take seconds; events through
   ``agenda.services.save_events``. The importer says what each row changes, never how an actor is
   written. Any exception rolls everything back and the run fails.

Provenance: every row seen is a ``SourceRecord`` (source, id in the source, fingerprint, values);
re-importing the same file finds every row unchanged and changes nothing; a record missing from a
later import is flagged (``missing_since``), never deleted, and cleared when seen again.
"""

import datetime as dt
import logging
import urllib.parse
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agenda import services as agenda_services
from agenda.models import Event
from directory import bulk as directory_bulk
from directory import duplicates
from directory import services as directory_services
from directory.models import Actor, Language, Place, Theme
from maillage import changes, network, richtext
from maillage.slugs import unique_slug
from maillage.text import fold

from .cleaning import clean_actor, clean_event, fingerprint
from .mapping import (
    ACTOR_ATTRS,
    actor_attrs,
    apply_mapping,
    event_attrs,
    guess_mapping,
    spec_fields,
    validate_mapping,
)
from .models import ImportRun, Source, SourceRecord
from .readers import ReadError, detect_format, max_import_bytes, read_table, too_large

logger = logging.getLogger(__name__)

# Outcomes in the order a report shows them: what needs a look first.
OUTCOMES = ("error", "duplicate", "updated", "skipped", "missing", "created", "unchanged")
OUTCOME_LABELS = {
    "error": gettext_lazy("Errors"),
    "duplicate": gettext_lazy("Probable duplicates"),
    "updated": gettext_lazy("Updated"),
    "skipped": gettext_lazy("Skipped"),
    "missing": gettext_lazy("Missing from the source"),
    "created": gettext_lazy("Created"),
    "unchanged": gettext_lazy("Unchanged"),
}
# The outcome of one row, in the report's table.
OUTCOME_ROW_LABELS = {
    "error": gettext_lazy("Error"),
    "duplicate": gettext_lazy("Probable duplicate"),
    "updated": gettext_lazy("Updated"),
    "skipped": gettext_lazy("Skipped"),
    "missing": gettext_lazy("Missing from the source"),
    "created": gettext_lazy("Created"),
    "unchanged": gettext_lazy("Unchanged"),
}
# Outcomes listed compactly (row and name only) and up to COMPACT_LIMIT each: a 10,000-row report
# keeps every error, duplicate and update, and counts the rest.
COMPACT = frozenset({"created", "unchanged"})
COMPACT_LIMIT = 1000
PROGRESS_EVERY = 200
PROGRESS_SECONDS = 6 * 3600
BATCH = 500

ACTORS, EVENTS = Source.Target.ACTORS, Source.Target.EVENTS

LOCATION = ("street", "postcode", "lat", "lon")
EVENT_LOCATION = ("location", "street", "postcode", "lat", "lon")


class ImportFailed(Exception):
    """The file as a whole cannot be imported (unreadable, unusable mapping)."""


# --- starting a run -----------------------------------------------------------------------------


def source_by_name(name, *, format="", target=ACTORS, url=""):
    """The source called ``name``, created if needed (with the given format, target and address)."""
    name = (name or "").strip()[:200]
    source = Source.objects.filter(name__iexact=name).first()
    if source is None:
        source = Source(name=name, format=format or "csv", target=target or ACTORS, url=url or "")
        source.slug = unique_slug(Source, name)
        source.save()
    return source


def start_run(
    *,
    data,
    filename="",
    format=None,
    source=None,
    target=None,
    mapping=None,
    dry_run=True,
    strict=False,
    user=None,
):
    """A new pending run of ``data`` (bytes), its payload stored so it can be applied later.

    ``format``: guessed from the file name and content when omitted (ImportFailed if unknown).
    ``mapping``: {field: column}; when empty, the source's, else one guessed from the columns.
    """
    format = format or (source.format if source and source.format and not filename else None)
    format = format or detect_format(filename, data)
    if not format:
        raise ImportFailed(_("The format of this file could not be recognised; choose one."))
    target = target or (source.target if source else ACTORS)
    run = ImportRun(
        source=source,
        format=format,
        filename=(filename or "")[:300],
        mapping=mapping or {},
        dry_run=dry_run,
        strict=strict,
        target=target,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1] or f"import.{format}"
    run.payload.save(name[-100:], ContentFile(data), save=False)
    run.save()
    return run


def again(run, *, dry_run, mapping=None, user=None):
    """A new run of the same payload (a preview applied, or previewed again with another mapping)."""
    with run.payload.open("rb") as handle:
        data = handle.read()
    return start_run(
        data=data,
        filename=run.filename,
        format=run.format,
        source=run.source,
        target=run.target,
        mapping=mapping if mapping is not None else run.mapping,
        dry_run=dry_run,
        strict=run.strict,
        user=user,
    )


def fetch(url, *, max_bytes=None, timeout=None):
    """(bytes, file name) of an http(s) address, refusing more than IMPORT_MAX_BYTES. Through the
    kernel's address guard: an import must not read the server's own network, unless
    IMPORT_ALLOW_PRIVATE_URLS (tests serve files on 127.0.0.1)."""
    parts = urllib.parse.urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImportFailed(_("Only http:// and https:// addresses can be imported."))
    limit = max_import_bytes() if max_bytes is None else max_bytes
    timeout = timeout or settings.IMPORT_TIMEOUT
    try:
        data = network.fetch(
            url,
            max_bytes=limit,
            timeout=timeout,
            headers={"User-Agent": "Maillage importer"},
            allow_private=settings.IMPORT_ALLOW_PRIVATE_URLS,
        )
    except network.Refused as exc:
        raise ImportFailed(
            _("This address cannot be imported (%(reason)s): only public addresses can.") % {"reason": exc.reason}
        ) from exc
    except network.TooLarge as exc:
        raise ImportFailed(too_large(limit)) from exc
    except (OSError, ValueError) as exc:
        raise ImportFailed(_("The address could not be read: %(error)s") % {"error": exc}) from exc
    name = parts.path.rstrip("/").rsplit("/", 1)[-1] or parts.netloc
    return data, name


def save_mapping(source, mapping):
    if source is not None and mapping and source.mapping != mapping:
        source.mapping = mapping
        source.save(update_fields=["mapping"])


# --- planning -----------------------------------------------------------------------------------


@dataclass
class Item:
    """One row with an outcome decided."""

    row: int
    outcome: str
    name: str = ""
    message: str = ""
    external_id: str = ""
    fields: dict = field(default_factory=dict)
    fingerprint: str = ""
    record: SourceRecord | None = None
    target_id: int | None = None  # the actor or event updated or linked
    candidate: dict | None = None
    changes: dict = field(default_factory=dict)  # attribute -> new value
    location: dict | None = None  # a place to add or update
    slug: str = ""  # filled when applied (created entries)
    warnings: list = field(default_factory=list)  # values ignored (the row is imported)
    relations: dict = field(default_factory=dict)  # "themes"/"languages" -> objects to set
    wanted: dict = field(default_factory=dict)  # "themes"/"languages" -> objects the row names


@dataclass
class Plan:
    target: str
    mapping: dict
    columns: list
    total: int = 0
    items: list = field(default_factory=list)
    missing: list = field(default_factory=list)  # SourceRecords not seen
    seen_records: list = field(default_factory=list)  # ids of unchanged records seen again

    def counts(self):
        counts = dict.fromkeys(OUTCOMES, 0)
        for item in self.items:
            counts[item.outcome] += 1
        counts["missing"] = len(self.missing)
        return counts

    def report(self):
        entries, listed = [], dict.fromkeys(COMPACT, 0)
        order = {outcome: i for i, outcome in enumerate(OUTCOMES)}
        for item in sorted(self.items, key=lambda i: (order[i.outcome], i.row)):
            if item.outcome in COMPACT:
                listed[item.outcome] += 1
                if listed[item.outcome] > COMPACT_LIMIT:
                    continue
                entry = {"row": item.row, "outcome": item.outcome, "name": item.name[:120]}
                if item.slug:
                    entry["slug"] = item.slug
                if item.warnings:
                    entry["warnings"] = item.warnings
                entries.append(entry)
                continue
            entry = {"row": item.row, "outcome": item.outcome, "name": item.name[:200], "message": item.message}
            if item.candidate:
                entry["candidate"] = item.candidate
            if item.changes or item.relations:
                entry["fields"] = sorted([*item.changes, *item.relations])
            if item.slug:
                entry["slug"] = item.slug
            if item.warnings:
                entry["warnings"] = item.warnings
            entries.append(entry)
        for record in self.missing:
            entry = {
                "row": None,
                "outcome": "missing",
                "name": record.data.get("name") or record.data.get("title") or "",
            }
            entry["message"] = _("No longer in the source (id “%(id)s”).") % {"id": record.external_id}
            target = record.actor if self.target == ACTORS else record.event
            if target is not None:
                entry["slug"] = target.slug
            entries.append(entry)
        return entries


def _read(run):
    with run.payload.open("rb") as handle:
        data = handle.read()
    try:
        return read_table(data, run.format)
    except ReadError as exc:
        raise ImportFailed(exc.message) from exc


def _jsonable(fields):
    out = {}
    for key, value in fields.items():
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        elif isinstance(value, list | tuple | set):
            value = [str(v) for v in value]
        elif value is not None and not isinstance(value, str | int | float | bool):
            value = str(value)
        out[key] = value
    return out


def _empty(value):
    return value is None or value == "" or value == [] or value == ()


# --- progress -----------------------------------------------------------------------------------
# A run's progress goes to the cache, which other processes read while the run applies its plan in
# a transaction (its row's counter, updated inside it, would stay invisible to them until the end);
# while reading, it goes to the run's row as well (the fallback when the cache is not shared).

READING, WRITING = "reading", "writing"


def _progress_key(run_id):
    return f"imports:progress:{run_id}"


def _progress(run, done, total, progress, phase=READING, step=1):
    """Report ``done`` of ``total`` (rows read, or entries written; ``step`` more than last time) to
    the command's progress bar (every call) and to the page (every PROGRESS_EVERY and at the end)."""
    if progress is not None:
        progress(done, total, phase)
    if done == total or done // PROGRESS_EVERY > (done - step) // PROGRESS_EVERY:
        caches["progress"].set(_progress_key(run.pk), (done, total, phase), PROGRESS_SECONDS)
        if phase == READING:
            ImportRun.objects.filter(pk=run.pk).update(processed=done, total=total)


def live_progress(run):
    """(processed, total, phase) of a running run, as its worker last reported it."""
    return caches["progress"].get(_progress_key(run.pk)) or (run.processed, run.total, READING)


def plan_run(run, progress=None):
    """Everything the run would do, computed without writing (but its progress)."""
    table = _read(run)
    target = run.target or ACTORS
    mapping = dict(run.mapping or (run.source.mapping if run.source else {}) or {})
    if not mapping:
        mapping = guess_mapping(table.columns, target)
    run.columns, run.mapping = list(table.columns), mapping  # shown for correction even if it fails
    problems = validate_mapping(mapping, table.columns, target)
    if problems:
        raise ImportFailed(" ".join(str(p) for p in problems))
    plan = Plan(target=target, mapping=mapping, columns=list(table.columns), total=len(table.rows))
    ImportRun.objects.filter(pk=run.pk).update(total=plan.total, processed=0)
    records = {}
    if run.source_id:
        records = {r.external_id: r for r in SourceRecord.objects.filter(source_id=run.source_id)}
    clean = partial(clean_actor, strict=run.strict) if target == ACTORS else clean_event
    first_row = {}  # external id or company number -> first row number
    seen = set()  # external ids met in the file, rejected rows included (they are not missing)
    pending = []  # items to compare with the database once the rows are read
    for done, row in enumerate(table.rows, start=1):
        item = _plan_row(row, mapping, clean, target, first_row, seen)
        plan.items.append(item)
        if item.outcome == "?":
            pending.append(item)
        _progress(run, done, plan.total, progress)
    _decide(plan, pending, records)
    ids = [r.pk for key, r in records.items() if key not in seen and r.missing_since is None]
    if ids:
        related = "actor" if target == ACTORS else "event"
        plan.missing = list(SourceRecord.objects.filter(pk__in=ids).select_related(related).order_by("pk"))
    return plan


def _title(fields, target):
    return str(fields.get("name" if target == ACTORS else "title") or "")


def _plan_row(row, mapping, clean, target, first_row, seen):
    mapped = apply_mapping(row, mapping)
    errors = list(row.errors or [])
    if errors:
        name = str(mapped.get("name") or mapped.get("title") or "")
        return Item(row.number, "error", name=name, message=" ".join(str(e) for e in errors))
    cleaned = clean(mapped)
    name = _title(cleaned.fields, target) or str(mapped.get("name") or mapped.get("title") or "")
    if cleaned.external_id:
        seen.add(str(cleaned.external_id).strip()[:200])
    if cleaned.errors:
        return Item(row.number, "error", name=name, message=" ".join(str(e) for e in cleaned.errors))
    fields = dict(cleaned.fields)
    external_id = str(cleaned.external_id or "").strip()[:200] or f"row:{fingerprint(fields)}"
    keys = [external_id]
    if fields.get("company_number"):
        keys.append(f"company:{fields['company_number']}")
    for key in keys:
        if key in first_row:
            message = _("Same record as row %(row)s.") % {"row": first_row[key]}
            return Item(row.number, "skipped", name=name, message=message, external_id=external_id)
    for key in keys:
        first_row[key] = row.number
    seen.add(external_id)
    problem = _model_errors(fields, target)
    if problem:
        return Item(row.number, "error", name=name, message=problem, external_id=external_id)
    return Item(
        row.number,
        "?",
        name=name,
        external_id=external_id,
        fields=fields,
        fingerprint=fingerprint(fields),
        warnings=[str(w) for w in cleaned.warnings],
    )


def _model_errors(fields, target):
    """What the model's validation would refuse (lengths, choices, emails, URLs, company numbers),
    field by field, without building an instance or querying."""
    from django.core.exceptions import ValidationError

    model, attrs = (Actor, actor_attrs()) if target == ACTORS else (Event, event_attrs())
    problems = []
    for name, attr in attrs.items():
        value = fields.get(name)
        if _empty(value):
            continue
        field_ = model._meta.get_field(attr)
        try:
            field_.clean(value, None)
        except ValidationError as exc:
            problems.append(f"{field_.verbose_name}: {' '.join(str(m) for m in exc.messages)}")
    return " ".join(problems)


def _decide(plan, pending, records):
    """Compare the pending rows with their records, actors or events, in a few queries."""
    vocabulary = _Vocabulary(("themes", "languages") if plan.target == ACTORS else ("themes",))
    for item in pending:
        vocabulary.resolve(item)
    if plan.target == ACTORS:
        _decide_actors(plan, pending, records)
    else:
        _decide_events(plan, pending, records)


class _Vocabulary:
    """Themes (by slug or name in any language) and languages (by code or name), folded: the
    values a file gives become objects, the unknown ones a warning on their row."""

    def __init__(self, names):
        self.tables = {}
        for name in names:
            model, key = (Theme, "slug") if name == "themes" else (Language, "code")
            table = self.tables[name] = {}
            for obj in model.objects.all():
                for text in (getattr(obj, key), *(getattr(obj, f"name_{lang}") for lang in directory_services.LANGS)):
                    if text:
                        table.setdefault(fold(text), obj)

    def resolve(self, item):
        """item.wanted: {name: [objects]} for the relations the row gives; warns of unknown values."""
        item.wanted = {}
        for name, table in self.tables.items():
            values = item.fields.get(name) or []
            if isinstance(values, str):
                values = [values]
            found, unknown = [], []
            for value in values:
                obj = table.get(fold(str(value)))
                if obj is None:
                    unknown.append(str(value))
                elif obj not in found:
                    found.append(obj)
            if unknown:
                message = (
                    _("Unknown themes, ignored: %(values)s.")
                    if name == "themes"
                    else _("Unknown languages, ignored: %(values)s.")
                )
                item.warnings.append(message % {"values": ", ".join(f"“{v}”" for v in unknown)})
            if found:
                item.wanted[name] = found


def _relation_ids(name, objects):
    """The ids an entry links once ``objects`` are set: a sub-theme brings its top theme."""
    if name == "themes":
        return set(directory_services.with_parent_themes(objects))
    return {o.pk for o in objects}


def _relation_changes(item, entry, before, *, fill_only=False):
    """item.relations: the relations the row would change on ``entry`` (prefetched). A source's
    value replaces the entry's when the source changed it since its last import; a probable
    duplicate (``fill_only``) only gets the relations it has none of."""
    for name, objects in item.wanted.items():
        current = {o.pk for o in getattr(entry, name).all()}
        if fill_only:
            if not current:
                item.relations[name] = objects
        elif item.fields.get(name) != before.get(name) and current != _relation_ids(name, objects):
            item.relations[name] = objects


def _candidate_fields(fields):
    keys = ("name", "name_nl", "name_en", "acronym", "company_number", "website", "email", "phone")
    out = {k: fields.get(k) for k in keys if not _empty(fields.get(k))}
    if fields.get("lat") is not None and fields.get("lon") is not None and not fields.get("approximate"):
        out["lat"], out["lon"] = fields["lat"], fields["lon"]
    return out


def _actor_value(actor, attr):
    value = getattr(actor, attr)
    return "" if value is None else value


def _location(fields):
    loc = {k: fields.get(k) for k in (*LOCATION, "commune_id", "approximate")}
    if all(_empty(loc[k]) for k in LOCATION) and not loc["commune_id"]:
        return None
    return loc


def _same_location(place, loc):
    if place is None:
        return False
    return (place.street or "", place.postcode or "") == (loc.get("street") or "", loc.get("postcode") or "") and (
        loc.get("lat") is None or (place.lat, place.lon) == (loc.get("lat"), loc.get("lon"))
    )


def _decide_actors(plan, pending, records):
    attrs = actor_attrs()
    # One duplicate index for the whole file: planning writes no actor, and reading the actors'
    # data version once per row would cost a query each (10,000 round trips on PostgreSQL).
    index = duplicates.get_index()
    linked = {}
    unknown = []
    for item in pending:
        record = records.get(item.external_id)
        if record is not None and record.actor_id:
            item.record, item.target_id = record, record.actor_id
            continue
        item.record = record  # a record whose actor was deleted: linked again below
        unknown.append(item)
    # The names' first pass for the whole file at once, on every core (the fields are made again
    # below rather than kept: 10,000 of them would weigh 10 MB).
    shortlisted_by = duplicates.shortlists((_candidate_fields(item.fields) for item in unknown), index)
    for item in unknown:
        fields = _candidate_fields(item.fields)
        found = duplicates.find_duplicates(fields, limit=1, index=index, shortlisted_by=shortlisted_by)
        if found and found[0].score >= duplicates.PROBABLE:
            best = found[0]
            item.target_id = best.actor_id
            item.candidate = {
                "id": best.actor_id,
                "slug": best.slug,
                "name": best.name,
                "score": best.score,
                "reasons": list(best.reasons),
            }
    ids = {item.target_id for item in pending if item.target_id}
    actors = Actor.all_objects.prefetch_related("places", "themes", "languages").in_bulk(ids)
    for item in pending:
        actor = actors.get(item.target_id) if item.target_id else None
        if actor is None:
            item.outcome, item.target_id, item.candidate = "created", None, None
            item.message = _("New entry.")
            item.relations = item.wanted
            continue
        main = directory_services.main_place(actor.places.all())
        loc = _location(item.fields)
        if item.candidate is None:  # the record's own actor
            if item.fingerprint == item.record.fingerprint:
                item.outcome = "unchanged"
                continue
            before = item.record.data or {}
            for name, attr in attrs.items():
                new = item.fields.get(name)
                if _empty(new) or new == before.get(name) or new == _actor_value(actor, attr):
                    continue
                item.changes[attr] = new
            _relation_changes(item, actor, before)
            before_loc = _location(before) if before else None
            if loc is not None and loc != before_loc and not _same_location(main, loc):
                item.location = loc
            if item.changes or item.location or item.relations:
                item.outcome = "updated"
                item.message = _("Changed: %(fields)s.") % {"fields": ", ".join(_labels(item))}
            else:
                item.outcome = "unchanged"  # the source changed what Maillage already says
            continue
        # A probable duplicate: linked to it; its empty fields filled, nothing else touched.
        filled = linked.setdefault(actor.pk, set())
        for name, attr in attrs.items():
            new = item.fields.get(name)
            if _empty(new) or attr in filled or not _empty(_actor_value(actor, attr)):
                continue
            if attr == "kind":
                continue
            item.changes[attr] = new
            filled.add(attr)
        if loc is not None and main is None and "place" not in filled:
            item.location = loc
            filled.add("place")
        _relation_changes(item, actor, {}, fill_only=True)
        for name in [n for n in item.relations if n in filled]:
            del item.relations[name]  # an earlier row of the file fills it
        filled.update(item.relations)
        item.outcome = "duplicate"
        reasons = ", ".join(str(duplicates.REASON_LABELS[r]) for r in item.candidate["reasons"])
        item.message = _("Probable duplicate of “%(name)s” (%(score)s%%: %(reasons)s).") % {
            "name": item.candidate["name"],
            "score": round(item.candidate["score"] * 100),
            "reasons": reasons,
        }
        if item.changes or item.location or item.relations:
            item.message += " " + _("Fills its empty fields: %(fields)s.") % {"fields": ", ".join(_labels(item))}


def _labels(item, model=Actor):
    labels = []
    for attr in sorted([*item.changes, *item.relations]):
        try:
            labels.append(str(model._meta.get_field(attr).verbose_name))
        except Exception:  # noqa: BLE001
            labels.append(attr)
    if item.location:
        labels.append(str(_("address")))
    return labels


def _decide_events(plan, pending, records):
    ids = {r.event_id for r in records.values() if r.event_id}
    events = Event.all_objects.select_related("place").prefetch_related("themes").in_bulk(ids)
    for item in pending:
        record = records.get(item.external_id)
        item.record = record
        event = events.get(record.event_id) if record is not None and record.event_id else None
        if event is None:
            item.outcome, item.message = "created", _("New entry.")
            item.relations = item.wanted
            continue
        item.target_id = event.pk
        if item.fingerprint == record.fingerprint:
            item.outcome = "unchanged"
            continue
        before = record.data or {}
        for name, attr in event_attrs().items():
            new = item.fields.get(name)
            if _empty(new) or _jsonable({"v": new})["v"] == before.get(name) or new == getattr(event, attr):
                continue
            item.changes[attr] = new
        loc = {k: item.fields.get(k) for k in (*EVENT_LOCATION, "commune_id", "approximate")}
        if any(not _empty(loc[k]) for k in EVENT_LOCATION) and loc != {
            k: before.get(k) for k in (*EVENT_LOCATION, "commune_id", "approximate")
        }:
            item.location = loc
        _relation_changes(item, event, before)
        if item.changes or item.location or item.relations:
            item.outcome = "updated"
            item.message = _("Changed: %(fields)s.") % {"fields": ", ".join(_labels(item, Event))}
        else:
            item.outcome = "unchanged"


# --- applying -----------------------------------------------------------------------------------


def _reason(run):
    return (_("Import from “%(source)s”") % {"source": run.source or run.filename})[:100]


def apply_plan(plan, run, progress=None):
    """Write the plan through the owners' write functions, in one change set (source: this import
    run), reporting the entries written."""
    now = timezone.now()
    written = 0

    def tick(count=1):
        nonlocal written
        written += count
        _progress(run, written, total, progress, WRITING, count)

    who = {"user": run.created_by, "reason": _reason(run), "source": changes.Source.IMPORT, "source_id": run.pk}
    with changes.recording(**who):
        if plan.target == ACTORS:
            created = [i for i in plan.items if i.outcome == "created"]
            changed = [
                i
                for i in plan.items
                if i.outcome in ("updated", "duplicate") and (i.changes or i.location or i.relations)
            ]
            total = len(created) + len(changed)

            def saved(batch):
                for write in batch:
                    for item in write.rows:
                        item.target_id, item.slug = write.actor.pk, write.actor.slug
                tick(sum(len(write.rows) for write in batch))

            directory_bulk.save_actors(_actor_writes(created, changed), **who, batch_size=BATCH, saved=saved)
        else:
            changed = [i for i in plan.items if i.outcome in ("created", "updated")]
            total = len(changed)
            writes = _event_writes(changed)
            agenda_services.save_events(writes, **who)
            for item, write in zip(changed, writes, strict=True):
                item.target_id, item.slug = write.event.pk, write.event.slug
            tick(total)
        if run.source_id:
            _write_records(plan, run.source_id, now)


def _write_records(plan, source_id, now):
    link = "actor_id" if plan.target == ACTORS else "event_id"
    new, changed, unchanged = [], [], []
    for item in plan.items:
        if item.outcome not in ("created", "updated", "unchanged", "duplicate"):
            continue
        record = item.record
        if item.outcome == "unchanged":
            unchanged.append(record.pk)
            continue
        values = {
            link: item.target_id,
            "fingerprint": item.fingerprint,
            "data": _jsonable(item.fields),
            "last_seen": now,
            "missing_since": None,
        }
        if record is None:
            new.append(SourceRecord(source_id=source_id, external_id=item.external_id, **values))
        else:
            for key, value in values.items():
                setattr(record, key, value)
            changed.append(record)
    SourceRecord.objects.bulk_create(new, batch_size=BATCH)
    SourceRecord.objects.bulk_update(
        changed, [link, "fingerprint", "data", "last_seen", "missing_since"], batch_size=BATCH
    )
    for start in range(0, len(unchanged), BATCH):
        SourceRecord.objects.filter(pk__in=unchanged[start : start + BATCH]).update(last_seen=now, missing_since=None)
    missing = [r.pk for r in plan.missing]
    for start in range(0, len(missing), BATCH):
        SourceRecord.objects.filter(pk__in=missing[start : start + BATCH], missing_since__isnull=True).update(
            missing_since=now
        )


@dataclass
class _ActorWrite(directory_bulk.ActorItem):
    rows: list = field(default_factory=list)  # the plan's items written by this one


def _new_place(loc):
    """The place a row's location gives; the directory locates it (commune, commune's centre)."""
    return Place(
        name_fr="",
        street=(loc.get("street") or "")[:200],
        postcode=(loc.get("postcode") or "")[:10],
        lat=loc.get("lat"),
        lon=loc.get("lon"),
        approximate=bool(loc.get("approximate")),
        commune_id=loc.get("commune_id"),
    )


def _rich(attr, target=ACTORS):
    """Whether an attribute is rich text (cleaned of what HTML it may not hold)."""
    return attr == "description_fr" or getattr(spec_fields(target).get(attr), "type", "") == "rich"


def _actor_attrs(fields):
    values = {attr: fields.get(name) or "" for name, attr in ACTOR_ATTRS.items()}
    values["kind"] = values["kind"] or Actor.Kind.ASSOCIATION
    values["description_fr"] = richtext.clean(values["description_fr"])
    for name in spec_fields(ACTORS):  # the spec's other fields: only those the row gives
        if not _empty(fields.get(name)):
            values[name] = richtext.clean(fields[name]) if _rich(name) else fields[name]
    return values


def _actor_writes(created, changed):
    """What the plan writes, as the directory's bulk writes take it: the new actors, then the
    actors updated or filled (read a batch at a time, each once with every row that changes it)."""
    for item in created:
        actor = Actor(**_actor_attrs(item.fields))
        actor.commune_id = item.fields.get("commune_id")
        loc = _location(item.fields)
        # A location with neither a position, a street nor a commune says nothing.
        place = _new_place(loc) if loc and (loc["lat"] is not None or loc["street"] or loc["commune_id"]) else None
        yield _ActorWrite(
            actor,
            themes=item.relations.get("themes"),
            languages=item.relations.get("languages"),
            places=[place] if place is not None else None,
            rows=[item],
        )
    rows_of = {}
    for item in changed:
        rows_of.setdefault(item.target_id, []).append(item)
    ids = list(rows_of)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        actors = Actor.all_objects.prefetch_related("places").in_bulk(chunk)
        for actor_id in chunk:
            yield _changed_actor(actors[actor_id], rows_of[actor_id])


def _changed_actor(actor, rows):
    fields, relations, places = set(), {}, None
    for item in rows:
        for attr, value in item.changes.items():
            setattr(actor, attr, richtext.clean(value) if _rich(attr) else value)
            fields.add(attr)
        relations.update(item.relations)
        if item.location:
            places = list(actor.places.all()) if places is None else places
            main = directory_services.main_place(places)
            if main is not None and item.outcome == "updated":
                loc = item.location
                main.street, main.postcode = loc.get("street") or "", loc.get("postcode") or ""
                main.lat, main.lon, main.approximate = loc.get("lat"), loc.get("lon"), bool(loc.get("approximate"))
                main.commune_id = loc.get("commune_id")
            else:
                places.append(_new_place(item.location))
    return _ActorWrite(
        actor,
        themes=relations.get("themes"),
        languages=relations.get("languages"),
        places=places,
        fields=fields,
        rows=rows,
    )


def _organiser(text):
    if not text:
        return None
    text = str(text).strip()
    query = Q(name_fr__iexact=text) | Q(name_nl__iexact=text) | Q(name_en__iexact=text)
    found = list(Actor.objects.filter(query)[:2])
    return found[0] if len(found) == 1 else None


def _event_writes(items):
    """The events the plan creates or updates, as the agenda's write functions take them."""
    slugs = directory_bulk.UniqueSlugs(Event)
    writes = []
    for item in items:
        fields = item.fields
        if item.target_id:
            event = Event.all_objects.select_related("place").get(pk=item.target_id)
            changes_ = item.changes
        else:
            event = Event(slug=slugs(fields.get("title") or ""))
            changes_ = {attr: fields.get(name) for name, attr in event_attrs().items() if not _empty(fields.get(name))}
        for attr, value in changes_.items():
            setattr(event, attr, richtext.clean(value) if _rich(attr, EVENTS) else value)
        organisers = None
        if not item.target_id or "organiser" in fields:
            organiser = _organiser(fields.get("organiser"))
            if organiser is not None:
                organisers = [organiser]
            elif fields.get("organiser") and not item.target_id:
                line = _("Organised by: %(name)s") % {"name": fields["organiser"]}
                event.description_fr = "\n\n".join(p for p in (event.description_fr or "", line) if p)
        loc = (
            item.location
            if item.target_id
            else {k: fields.get(k) for k in (*EVENT_LOCATION, "commune_id", "approximate")}
        )
        if loc and any(not _empty(loc.get(k)) for k in EVENT_LOCATION):
            place = _new_place(loc)
            place.name_fr = (loc.get("location") or "")[:200]
            directory_services.save_place(place)
            event.place = place
        writes.append(agenda_services.EventWrite(event, organisers=organisers, themes=item.relations.get("themes")))
    return writes


# --- running ------------------------------------------------------------------------------------


def _finish(run, status, **values):
    caches["progress"].delete(_progress_key(run.pk))
    run.status = status
    run.finished = timezone.now()
    for key, value in values.items():
        setattr(run, key, value)
    run.save()
    return run


def run_import(run, *, progress=None):
    """Plan the run and, unless it is a dry run, apply it all or nothing. Returns the run."""
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING, processed=0, error="")
    run.status = ImportRun.Status.RUNNING
    try:
        plan = plan_run(run, progress)
    except ImportFailed as exc:
        return _finish(run, ImportRun.Status.FAILED, error=str(exc))
    except Exception as exc:
        logger.exception("import run %s failed while reading", run.pk)
        return _finish(run, ImportRun.Status.FAILED, error=f"{type(exc).__name__}: {exc}")
    run.mapping, run.total, run.processed = plan.mapping, plan.total, plan.total
    run.columns = plan.columns
    run.counts = plan.counts()
    if run.dry_run:
        run.report = plan.report()
        return _finish(run, ImportRun.Status.PREVIEWED)
    if run.strict and run.counts["error"]:
        run.report = plan.report()
        message = _("%(count)s rows have errors: nothing was imported (strict mode).") % {"count": run.counts["error"]}
        return _finish(run, ImportRun.Status.FAILED, error=message)
    try:
        with transaction.atomic():
            apply_plan(plan, run, progress)
            if run.source_id:
                Source.objects.filter(pk=run.source_id).update(last_synced=timezone.now())
    except Exception as exc:
        logger.exception("import run %s failed while applying", run.pk)
        for item in plan.items:
            item.slug = ""
        run.report = plan.report()
        return _finish(run, ImportRun.Status.FAILED, error=_("Nothing was imported: %(error)s") % {"error": exc})
    run.report = plan.report()
    return _finish(run, ImportRun.Status.APPLIED)


# --- sources ------------------------------------------------------------------------------------


def sources_overview():
    """Every source with its counts of records and of records missing from it (one query)."""
    return list(
        Source.objects.annotate(
            record_count=Count("records"),
            missing_count=Count("records", filter=Q(records__missing_since__isnull=False)),
        ).order_by("name")
    )


def recent_runs(limit=20):
    return list(ImportRun.objects.select_related("source", "created_by").order_by("-created")[:limit])


def missing_records(source):
    return list(
        source.records.filter(missing_since__isnull=False)
        .select_related("actor", "event")
        .order_by("-missing_since", "pk")[:500]
    )


def prune_runs(now=None, days=None):
    """Forget old runs' files (IMPORT_KEEP_DAYS, default 30): previews go altogether; imports keep
    their report. Returns (previews deleted, files deleted)."""
    days = settings.IMPORT_KEEP_DAYS if days is None else days
    old = (
        ImportRun.objects.filter(created__lt=(now or timezone.now()) - dt.timedelta(days=days))
        .exclude(status__in=[ImportRun.Status.PENDING, ImportRun.Status.RUNNING])
        .exclude(payload="")
    )
    files = 0
    for run in old.only("pk", "payload"):
        run.payload.delete(save=False)
        files += 1
    old.filter(dry_run=False).update(payload="")
    previews, _counts = ImportRun.objects.filter(pk__in=old.filter(dry_run=True).values("pk")).delete()
    return previews, files


def due_sources(now=None):
    """Sources with an address whose sync interval has elapsed."""
    now = now or timezone.now()
    due = []
    for source in Source.objects.exclude(url="").filter(sync_hours__gt=0):
        if source.last_synced is None or source.last_synced + dt.timedelta(hours=source.sync_hours) <= now:
            due.append(source)
    return due


def sync_source(source, *, user=None):
    """Download the source's address and import it (applying, not strict). Returns the run."""
    try:
        data, name = fetch(source.url)
    except ImportFailed as exc:
        run = ImportRun.objects.create(
            source=source, format=source.format, filename=source.url[:300], dry_run=False, target=source.target
        )
        Source.objects.filter(pk=source.pk).update(last_synced=timezone.now())
        return _finish(run, ImportRun.Status.FAILED, error=str(exc))
    run = start_run(
        data=data, filename=name, format=source.format, source=source, target=source.target, dry_run=False, user=user
    )
    run = run_import(run)
    Source.objects.filter(pk=source.pk).update(last_synced=timezone.now())
    return run
