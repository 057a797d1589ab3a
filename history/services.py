"""History, nothing lost: versions of the public objects with readable diffs, revert, archive and
restore.

Every write of an actor, event or project (and of their places, programme items, phases and
updates) goes through its owner inside a change set (``maillage.changes``), which writes one
history record per object that changed, many-to-many links included, all tagged with the change
set. A *version* of an object is one change set: what one action (a form, a proposal, an import
run, a merge, a revert) did. A record written before change sets existed (no change set) is a
version of its own.

Reverting to a version restores exactly that change set: the object and every part of it the same
change set wrote (the actor's place changed with it...) are written back, through their owners, in
a new change set whose source is the revert (and its id, the version's record).

Archiving sets ``archived_at`` through the owner: the default managers leave the object out of
every public page, and the owner takes it out of search, the in-memory index (map, facets) and
the agenda.
"""

import difflib
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from modeltranslation.translator import NotRegistered, translator

from accounts.services import display_name
from agenda import services as agenda_services
from agenda.models import Event, ProgrammeItem
from directory import services as directory_services
from directory.models import Actor, Audience, Language, Place, Theme
from maillage import changes
from projects import services as project_services
from projects.models import Phase, Project, Update

VERSIONS_PER_PAGE = 20
ARCHIVED_PER_KIND = 200


# --- the kinds of versioned objects -------------------------------------------------------------


def _save_actor(actor, links):
    # The places as they are now (a place of the same change set was restored just before): the
    # owner writes only what changed, and derives the position, search document and index again.
    directory_services.save_actor(
        actor,
        themes=list(Theme.objects.filter(pk__in=links["themes"])),
        audiences=list(Audience.objects.filter(pk__in=links["audiences"])),
        languages=list(Language.objects.filter(pk__in=links["languages"])),
        places=list(Place.objects.filter(pk__in=links["places"])),
    )


def _save_event(event, links):
    agenda_services.save_event(
        event,
        organisers=list(Actor.all_objects.filter(pk__in=links["organisers"])),
        themes=list(Theme.objects.filter(pk__in=links["themes"])),
        audiences=list(Audience.objects.filter(pk__in=links["audiences"])),
        languages=list(Language.objects.filter(pk__in=links["languages"])),
    )


def _save_project(project, links):
    project_services.save_project(project, themes=list(Theme.objects.filter(pk__in=links["themes"])))


def _save_place(place, links):
    place.full_clean(exclude=["commune"])
    directory_services.save_place(place)  # located, its actors derived again


def _save_programme_item(item, links):
    item.full_clean()
    agenda_services.save_programme_item(item, organisers=sorted(links["organisers"]))


def _save_phase(phase, links):
    phase.full_clean()
    project_services.save_phase(phase)  # the project's answers (API, pages) change with it


def _save_update(update, links):
    update.full_clean()
    project_services.save_update(update)


def _save_plain(obj, links):
    obj.full_clean()
    with changes.quietly(obj):
        obj.save()
    changes.record(obj, "~")


@dataclass(frozen=True)
class Kind:
    name: str  # in URLs
    model: type
    m2m: tuple = ()  # versioned many-to-many fields: (field, related model)
    hidden: tuple = ()  # tracked but derived: neither shown nor reverted
    save: object = _save_plain  # writes a reverted object through its owner
    archive: object = None  # archivable kinds: (obj, user, reason) -> obj, through the owner
    restore: object = None

    @property
    def archivable(self):
        return self.archive is not None

    def manager(self):
        return getattr(self.model, "all_objects", self.model._default_manager)

    def history_model(self):
        return self.model.history.model

    def verbose_name(self):
        return capfirst(self.model._meta.verbose_name)

    def verbose_name_plural(self):
        return capfirst(self.model._meta.verbose_name_plural)


KINDS = {
    k.name: k
    for k in (
        Kind(
            "actor",
            Actor,
            m2m=(("themes", Theme), ("audiences", Audience), ("languages", Language), ("places", Place)),
            hidden=("has_venue",),
            save=_save_actor,
            archive=directory_services.archive_actor,
            restore=directory_services.restore_actor,
        ),
        Kind(
            "event",
            Event,
            m2m=(("organisers", Actor), ("themes", Theme), ("audiences", Audience), ("languages", Language)),
            hidden=("commune",),  # from the place
            save=_save_event,
            archive=agenda_services.archive_event,
            restore=agenda_services.restore_event,
        ),
        Kind(
            "project",
            Project,
            m2m=(("themes", Theme),),
            save=_save_project,
            archive=project_services.archive_project,
            restore=project_services.restore_project,
        ),
        Kind("place", Place, save=_save_place),
        Kind("programme_item", ProgrammeItem, m2m=(("organisers", Actor),), save=_save_programme_item),
        Kind("phase", Phase, save=_save_phase),
        Kind("update", Update, save=_save_update),
    )
}
# The parts a change set may have written with each kind, restored with it by a revert.
PARTS = {"actor": ("place",), "event": ("programme_item",), "project": ("phase", "update")}
ARCHIVABLE = tuple(k for k in KINDS.values() if k.archivable)


def kind_for(name):
    """The kind called ``name`` in URLs, or None."""
    return KINDS.get(name)


def kind_of(obj):
    return next((k for k in KINDS.values() if isinstance(obj, k.model)), None)


def get_object(kind, pk):
    """The object, archived or not (raises ``DoesNotExist``)."""
    return kind.manager().get(pk=pk)


# --- fields: which are shown and how they are labelled -------------------------------------------


def _translated(model):
    """{base field name: {"name_fr", ...}} for the model's translated fields."""
    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return {}
    return {base: {f.name for f in fields} for base, fields in options.all_fields.items()}


def versioned_fields(kind):
    """The fields a version shows and a revert restores, in the model's order.

    Derived and technical fields (ids, dates of saving, ``archived_at``, computed positions) are
    left out, and so is each translated field's base column, which only mirrors one language.
    """
    translated = _translated(kind.model)
    skip = set(translated) | set(kind.hidden)
    return [
        f
        for f in kind.history_model().tracked_fields
        if f.editable and not f.primary_key and f.name not in skip and not f.name.endswith("_ptr")
    ]


def field_label(kind, name):
    """ "Name (FR)" for a translated field, "Website" otherwise."""
    for base, names in _translated(kind.model).items():
        if name in names:
            lang = name.rsplit("_", 1)[1]
            return f"{capfirst(kind.model._meta.get_field(base).verbose_name)} ({lang.upper()})"
    for m2m_name, _related in kind.m2m:
        if name == m2m_name:
            return capfirst(kind.model._meta.get_field(name).verbose_name)
    return capfirst(kind.history_model()._meta.get_field(name).verbose_name)


def date_label(value):
    return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "DATETIME_FORMAT")


# --- versions ------------------------------------------------------------------------------------


@dataclass
class Change:
    field: str
    label: str
    old: object = None  # display values
    new: object = None
    segments: list = None  # word diff of texts: [(op, text)], op in "same", "del", "ins"
    added: list = None  # many-to-many: names
    removed: list = None

    @property
    def is_links(self):
        return self.added is not None


@dataclass
class Version:
    """The records of one object in one change set (see the module's docstring): usually one."""

    records: list
    number: int = 0  # 1 for the oldest
    changes: list = field(default_factory=list)
    is_current: bool = False

    @property
    def record(self):
        """The record a revert goes back to: the state after the whole change set."""
        return self.records[-1]

    @property
    def first(self):
        return self.records[0]

    @property
    def change_set_id(self):
        return self.first.change_set_id

    @property
    def source(self):
        """Where the change came from (a form, a proposal, an import, a revert...), or ""."""
        change_set = self.first.change_set if self.change_set_id else None
        if change_set is None:
            return ""
        label = change_set.get_source_display()
        return f"{label} #{change_set.source_id}" if change_set.source_id else label

    @property
    def date(self):
        return self.record.history_date

    @property
    def user(self):
        return self.first.history_user

    @cached_property
    def who(self):
        return user_display(self.user)

    @property
    def reason(self):
        return self.first.history_change_reason or ""

    @property
    def is_creation(self):
        return self.first.history_type == "+"


def user_display(user):
    """Who made a version: the name the person chose and their address. No user is recorded for an
    import, a task, a signed link (a claim confirmed from the actor's mailbox) or an account
    deleted since; an anonymous proposal is recorded as the moderator who applied it."""
    if user is None:
        return _("no signed-in user, or a deleted account")
    name = display_name(user)
    return f"{name} <{user.email}>" if user.email and user.email != name else name


def group_records(kind, records):
    """Records (oldest first) -> versions (oldest first): one per change set; a record written
    without a change set (before they existed) is a version of its own."""
    versions = []
    for record in records:
        previous = versions[-1].records[-1] if versions else None
        if previous is not None and record.change_set_id and record.change_set_id == previous.change_set_id:
            versions[-1].records.append(record)
        else:
            versions.append(Version(records=[record], number=len(versions) + 1))
    if versions:
        versions[-1].is_current = True
    return versions


def all_versions(kind, pk):
    """Every version of one object, oldest first (one query)."""
    records = (
        kind.history_model()
        .objects.filter(id=pk)
        .select_related("history_user__profile", "change_set")
        .order_by("history_date", "history_id")
    )
    return group_records(kind, list(records))


def _links(kind, record_ids):
    """{field: {history_id: set(related ids)}}: one query per many-to-many field."""
    links = {}
    history_model = kind.history_model()
    for name, _related in kind.m2m:
        m2m_model = getattr(history_model, name).model
        column = kind.model._meta.get_field(name).m2m_reverse_field_name() + "_id"
        by_record = {pk: set() for pk in record_ids}
        rows = m2m_model.objects.filter(history_id__in=record_ids).values_list("history_id", column)
        for history_id, related_id in rows:
            by_record[history_id].add(related_id)
        links[name] = by_record
    return links


def _names(model, ids):
    if not ids:
        return {}
    qs = getattr(model, "all_objects", model._default_manager).all()
    if model is Place:
        qs = qs.select_related("commune")  # a place reads as its address
    return {pk: str(obj) for pk, obj in qs.in_bulk(ids).items()}


def _word_diff(old, new):
    old_words, new_words = old.split(), new.split()
    segments = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(("same", " ".join(old_words[i1:i2])))
            continue
        if op in ("replace", "delete"):
            segments.append(("del", " ".join(old_words[i1:i2])))
        if op in ("replace", "insert"):
            segments.append(("ins", " ".join(new_words[j1:j2])))
    return segments


class _Display:
    """Turns raw values into what a moderator reads, related objects loaded in bulk."""

    def __init__(self, kind):
        self.kind = kind
        self.history_model = kind.history_model()
        self.pending = {}  # related model -> ids
        self.names = {}

    def want(self, name, value):
        f = self.history_model._meta.get_field(name)
        if f.is_relation and value is not None:
            self.pending.setdefault(f.related_model, set()).add(value)

    def load(self):
        for model, ids in self.pending.items():
            self.names[model] = _names(model, ids)

    def value(self, name, value):
        f = self.history_model._meta.get_field(name)
        if value is None or value == "" or value == []:
            return ""
        if f.is_relation:
            return self.names.get(f.related_model, {}).get(value) or _("deleted (#%(id)s)") % {"id": value}
        if f.choices:
            return str(dict(f.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if isinstance(value, datetime):
            return date_label(value)
        if isinstance(value, date):
            return date_format(value)
        return str(value)


def _scalar_changes(kind, new, old, fields):
    """(field name, old value, new value) of each changed field, by simple-history's diff."""
    if old is None:  # a creation: every filled field is new
        values = [(f.name, getattr(new, f.attname)) for f in fields]
        return [(name, None, value) for name, value in values if value not in (None, "", [], False)]
    names = {f.name for f in fields}
    excluded = {f.name for f in kind.history_model().tracked_fields if f.editable} - names
    excluded |= {name for name, _related in kind.m2m}
    delta = new.diff_against(old, excluded_fields=excluded)
    return [(c.field, c.old, c.new) for c in delta.changes]


def describe(kind, pairs):
    """The changes from ``old`` to ``new`` records, for each (new, old) pair (old may be None).

    Scalar fields go through simple-history's ``diff_against`` (no queries); many-to-many links
    are compared from their history rows loaded for all pairs at once (one query per field),
    and related names are loaded in bulk, so a page costs the same whatever its length.
    """
    fields = versioned_fields(kind)
    order = {f.name: i for i, f in enumerate(fields)}
    order.update({name: len(fields) + i for i, (name, _related) in enumerate(kind.m2m)})
    ids = {r.history_id for pair in pairs for r in pair if r is not None}
    links = _links(kind, ids) if kind.m2m else {}
    display = _Display(kind)
    raw = []
    for new, old in pairs:
        scalar = _scalar_changes(kind, new, old, fields)
        for name, before, after in scalar:
            display.want(name, before)
            display.want(name, after)
        linked = []
        for name, related in kind.m2m:
            before = links[name][old.history_id] if old is not None else set()
            after = links[name][new.history_id]
            if before != after:
                linked.append((name, related, after - before, before - after))
                display.pending.setdefault(related, set()).update(before ^ after)
        raw.append((scalar, linked))
    display.load()
    described = []
    for scalar, linked in raw:
        changes = []
        for name, before, after in scalar:
            change = Change(name, field_label(kind, name), display.value(name, before), display.value(name, after))
            if isinstance(before, str) and isinstance(after, str) and before and after and len(before) > 60:
                change.segments = _word_diff(before, after)
            changes.append(change)
        for name, related, added, removed in linked:
            names = display.names.get(related, {})
            changes.append(
                Change(
                    name,
                    field_label(kind, name),
                    added=sorted(names.get(pk, f"#{pk}") for pk in added),
                    removed=sorted(names.get(pk, f"#{pk}") for pk in removed),
                )
            )
        changes.sort(key=lambda c: order.get(c.field, len(order)))
        described.append(changes)
    return described


def versions_page(kind, pk, number):
    """One page of an object's versions, newest first, each with its changes: (page, total)."""
    versions = all_versions(kind, pk)
    paginator = Paginator(list(reversed(versions)), VERSIONS_PER_PAGE)
    page = paginator.get_page(number)
    previous = {v.number: versions[v.number - 2] if v.number > 1 else None for v in page.object_list}
    pairs = [(v.record, previous[v.number].record if previous[v.number] else None) for v in page.object_list]
    for version, described in zip(page.object_list, describe(kind, pairs), strict=True):
        version.changes = described
    return page, len(versions)


def find_version(kind, pk, history_id):
    """(the version whose last record is ``history_id``, the current version), or (None, current)."""
    versions = all_versions(kind, pk)
    current = versions[-1] if versions else None
    return next((v for v in versions if v.record.history_id == history_id), None), current


def revert_preview(kind, target, current):
    """What a revert to ``target`` changes: the current state -> the target state."""
    return describe(kind, [(target.record, current.record)])[0]


@dataclass
class PartChanges:
    kind: Kind
    object: object
    changes: list


def revert_parts_preview(kind, target):
    """What the same revert changes in the parts the version's change set wrote (its place...):
    their current state -> their state in that change set, for those that still exist and differ."""
    previews = []
    for part_kind, part_record in _parts_of_change_set(kind, target.record):
        part = part_kind.manager().filter(pk=part_record.id).first()
        latest = part_kind.history_model().objects.filter(id=part_record.id).order_by("-history_id").first()
        if part is None or latest is None or latest.history_id == part_record.history_id:
            continue
        described = describe(part_kind, [(part_record, latest)])[0]
        if described:
            previews.append(PartChanges(part_kind, part, described))
    return previews


# --- revert, archive, restore --------------------------------------------------------------------


def _restore_record(kind, obj, record, links):
    for f in versioned_fields(kind):
        setattr(obj, f.attname, getattr(record, f.attname))
    kind.save(obj, {name: ids.get(record.history_id, set()) for name, ids in links.items()})


def _parts_of_change_set(kind, record):
    """The parts (places, programme items...) the version's change set wrote besides the object,
    each as (kind, its last record in that change set)."""
    if not record.change_set_id:
        return []
    parts = []
    for name in PARTS.get(kind.name, ()):
        part_kind = KINDS[name]
        last = {}
        for part in part_kind.history_model().objects.filter(change_set_id=record.change_set_id).order_by("history_id"):
            last[part.id] = part
        parts.extend((part_kind, part) for part in last.values())
    return parts


def revert(kind, obj, target, user):
    """Bring ``obj`` back to the state of a version, links included, with every part that the
    version's change set wrote (its place...), as one new change set (source: revert).

    Each object is written through its owner, so the search document, the map, the in-memory
    index and the agenda show the old content again. Raises ValidationError when the old content
    is no longer valid (e.g. its address was taken since).
    """
    record = target.record
    # Who reverted is the change set's user: the reason names nobody, so no name or address
    # outlives a deleted account.
    reason = _("Reverted to version of %(date)s") % {"date": date_label(record.history_date)}
    with changes.recording(user=user, reason=reason, source=changes.Source.REVERT, source_id=record.history_id):
        for part_kind, part_record in _parts_of_change_set(kind, record):
            part = part_kind.manager().filter(pk=part_record.id).first()
            if part is not None:  # deleted since: nothing to write back
                links = _links(part_kind, [part_record.history_id]) if part_kind.m2m else {}
                _restore_record(part_kind, part, part_record, links)
        links = _links(kind, [record.history_id]) if kind.m2m else {}
        _restore_record(kind, obj, record, links)
    return obj


def archive(obj, user, *, reason=None):
    """Take an object off every public page, search, the map and the feeds; nothing is deleted."""
    if obj.archived_at is not None:
        return obj
    return kind_of(obj).archive(obj, user, reason or _("Archived"))


def restore(obj, user, *, reason=None):
    """Put an archived object back where it was."""
    if obj.archived_at is None:
        return obj
    return kind_of(obj).restore(obj, user, reason or _("Restored"))


@dataclass
class Archived:
    kind: Kind
    object: object
    archived_by: object = None  # the user, when known

    @cached_property
    def who(self):
        return user_display(self.archived_by)


def archived_objects():
    """Archived actors, events and projects, latest first, each with who archived it.

    Two queries per kind: the objects, and the records where each got its current ``archived_at``.
    """
    sections = []
    for kind in ARCHIVABLE:
        qs = kind.manager().filter(archived_at__isnull=False).order_by("-archived_at", "-pk")
        objects = list(qs[:ARCHIVED_PER_KIND])
        by_pk = {obj.pk: obj for obj in objects}
        records = (
            kind.history_model()
            .objects.filter(id__in=list(by_pk), archived_at__isnull=False)
            .select_related("history_user__profile")
            .order_by("history_date", "history_id")
        )
        archived_by = {}
        for record in records:
            if record.archived_at == by_pk[record.id].archived_at:
                archived_by.setdefault(record.id, record.history_user)
        sections.append((kind, [Archived(kind, obj, archived_by.get(obj.pk)) for obj in objects]))
    return sections


def children(kind, obj):
    """Versioned parts shown on the object's history page: (kind, objects) pairs."""
    if kind.name == "actor":
        return [(KINDS["place"], list(obj.places.select_related("commune")))]  # a place reads as its address
    if kind.name == "event":
        return [(KINDS["programme_item"], list(obj.programme.all()))]
    if kind.name == "project":
        return [(KINDS["phase"], list(obj.phases.all())), (KINDS["update"], list(obj.updates.all()))]
    return []


def parent_of(kind, obj):
    """The actor, event or project a part belongs to, for a link back: (kind, object) or None."""
    if kind.name == "programme_item":
        return KINDS["event"], Event.all_objects.filter(pk=obj.event_id).first()
    if kind.name in ("phase", "update"):
        return KINDS["project"], Project.all_objects.filter(pk=obj.project_id).first()
    if kind.name == "place":
        actor = Actor.all_objects.filter(places=obj).first()
        return (KINDS["actor"], actor) if actor else None
    return None
