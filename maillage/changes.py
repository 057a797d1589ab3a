"""Change sets: everything one action writes (a form, a proposal approved, an import run, a merge,
a revert) is one change set, with one history record per object that changed.

The owners' write functions (``directory.services.save_actor``, ``agenda.services.save_event``,
``projects.services.save_project`` and their bulk forms) open a change set, or join the one their
caller opened, and note each object they wrote with ``record``. When the outermost change set ends
(inside its transaction), each noted object gets exactly one history record, in its final state,
many-to-many links included, and each data version touched is bumped once. A rollback undoes all
of it.

A caller that knows why names it once::

    with changes.recording(user=request.user, reason=_("Proposal approved"), source="proposal", source_id=proposal.pk):
        directory_services.save_actor(actor, themes=themes)
        agenda_services.save_event(event)

Records that simple-history still writes by itself meanwhile (a plain ``save()``) join the open
change set too, so the history pages can group every record by change set rather than by time.
"""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction
from django.db.models import IntegerField, Value
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from . import data_version
from .models import ChangeSet

Source = ChangeSet.Source

_open = contextvars.ContextVar("maillage_change_set", default=None)

# Records written per insert (and links read per query): SQLite takes 32,766 parameters at most,
# and the links of 1,000 objects of four kinds of links stay well under it.
RECORDS_PER_WRITE = 1000


@dataclass(eq=False)
class OpenChangeSet:
    user: object = None
    reason: str = ""
    source: str = Source.FORM
    source_id: int | None = None
    row: ChangeSet | None = None  # written on first need
    pending: dict = field(default_factory=dict)  # (model, pk) -> (obj, history type)
    bumps: set = field(default_factory=set)

    def change_set(self):
        """The change set's row, written the first time a record needs it."""
        if self.row is None:
            self.row = ChangeSet.objects.create(
                user=_user(self.user), reason=str(self.reason)[:200], source=self.source, source_id=self.source_id
            )
        return self.row


def _user(user):
    if user is not None:
        return user if getattr(user, "is_authenticated", False) else None
    request = getattr(HistoricalRecords.context, "request", None)  # simple-history's middleware
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def current():
    """The open change set of this thread (or task), or None."""
    return _open.get()


@contextmanager
def recording(*, user=None, reason="", source=Source.FORM, source_id=None):
    """Open a change set, or join the one already open (the outer caller's who and why win)."""
    outer = _open.get()
    if outer is not None:
        if not outer.reason and reason:
            outer.reason = reason
        if outer.user is None and user is not None:
            outer.user = user
        yield outer
        return
    state = OpenChangeSet(user=user, reason=reason, source=source, source_id=source_id)
    with transaction.atomic():
        token = _open.set(state)
        try:
            yield state
            _flush(state)
        finally:
            _open.reset(token)


def record(obj, history_type="~"):
    """Note that ``obj`` changed: it gets one history record when the change set ends, in the state
    it has then, with its versioned links as they are then (read back in one query per model).

    Saves that the caller makes meanwhile should not write records of their own: set
    ``obj.skip_history_when_saving = True`` around them (``quietly``)."""
    state = _open.get()
    if state is None:
        with recording():
            record(obj, history_type)
        return
    key = (type(obj), obj.pk)
    previous = state.pending.get(key)
    if previous is not None and previous[1] == "+":
        history_type = "+"  # created then changed in one change set: still a creation
    state.pending[key] = (obj, history_type)


def record_now(entries):
    """Write now the records of ``entries`` ([(object, history type)], of one model), in the open
    change set: a bulk write records batch by batch, so its memory stays flat. An object already
    noted by ``record`` keeps that one record, written when the change set ends."""
    state = _open.get()
    if state is None:
        with recording():
            record_now(entries)
        return
    mine = []
    for obj, history_type in entries:
        if (type(obj), obj.pk) in state.pending:
            record(obj, history_type)
        else:
            mine.append((obj, history_type))
    if mine:
        history_model = type(mine[0][0]).history.model
        change_set, now = state.change_set(), timezone.now()
        for start in range(0, len(mine), RECORDS_PER_WRITE):
            _write_batch(history_model, mine[start : start + RECORDS_PER_WRITE], change_set, now)


def bump(*names):
    """Bump data versions once, when the change set ends (now when none is open)."""
    state = _open.get()
    if state is None:
        data_version.bump(*names)
    else:
        state.bumps.update(names)


def bump_when_written(version, *, saved=(), deleted=(), links=()):
    """Plain writes made outside the owners' functions (the admin, the shell, a data fix) mark
    ``version`` as changed too, once per change set: a save of a ``saved`` model, a delete of a
    ``deleted`` one, a change of the many-to-many ``links`` (their through models). Fixture
    loading (``raw``) does not."""

    def written(sender, raw=False, **kwargs):
        if not raw:
            bump(version)

    def linked(sender, action, **kwargs):
        if action.startswith("post_"):
            bump(version)

    for model in saved:
        post_save.connect(written, sender=model, weak=False)
    for model in deleted:
        post_delete.connect(written, sender=model, weak=False)
    for through in links:
        m2m_changed.connect(linked, sender=through, weak=False)


def set_archived(obj, archived, *, user=None, reason="", refresh, version):
    """Archive ``obj`` (``archived``: its ``archived_at`` set; nothing is deleted) or restore it, as
    one change set of source archive: saved, what derives from it refreshed by its owner
    (``refresh(obj)``: out of or back into search and the indexes), one record, one bump of the
    owner's data ``version``. An object already so is returned as it is."""
    if (obj.archived_at is not None) == archived:
        return obj
    reason = reason or (_("Archived") if archived else _("Restored"))
    with recording(user=user, reason=reason, source=Source.ARCHIVE):
        obj.archived_at = timezone.now() if archived else None
        with quietly(obj):
            obj.save(update_fields=["archived_at", "updated"])
        refresh(obj)
        record(obj, "~")
        bump(version)
    return obj


@contextmanager
def quietly(*objs):
    """Saves of ``objs`` meanwhile write no history record by themselves (``record`` writes one)."""
    for obj in objs:
        obj.skip_history_when_saving = True
    try:
        yield
    finally:
        for obj in objs:
            if hasattr(obj, "skip_history_when_saving"):
                del obj.skip_history_when_saving


def _flush(state):
    if state.pending:
        _write_records(state)
    if state.bumps:
        data_version.bump(*sorted(state.bumps))
        state.bumps.clear()


def _write_records(state):
    change_set = state.change_set()
    now = timezone.now()
    by_model = {}
    for (model, _pk), entry in state.pending.items():
        by_model.setdefault(model, []).append(entry)
    state.pending.clear()
    for model, all_entries in by_model.items():
        for start in range(0, len(all_entries), RECORDS_PER_WRITE):
            _write_batch(model.history.model, all_entries[start : start + RECORDS_PER_WRITE], change_set, now)


def _write_batch(history_model, entries, change_set, now):
    records = []
    for obj, history_type in entries:
        attrs = {f.attname: getattr(obj, f.attname) for f in history_model.tracked_fields}
        records.append(
            history_model(
                history_date=now,
                history_type=history_type,
                history_user=change_set.user,
                history_change_reason=change_set.reason[:100] or None,
                change_set=change_set,
                **attrs,
            )
        )
    history_model.objects.bulk_create(records)
    _write_links(history_model, entries, records)


def _write_links(history_model, entries, records):
    """The versioned links of every noted object, read back in one query for all their fields (a
    link's history row keeps the link row's id, which only the database knows), written in one
    insert per field."""
    fields = history_model._history_m2m_fields
    pks = [obj.pk for obj, _type in entries]
    if not fields or not pks:
        return
    reads = []
    for position, m2m_field in enumerate(fields):
        own, other = m2m_field.m2m_field_name(), m2m_field.m2m_reverse_field_name()
        reads.append(
            m2m_field.remote_field.through.objects.filter(**{f"{own}_id__in": pks})
            .annotate(field_position=Value(position, output_field=IntegerField()))
            .values_list("field_position", f"{own}_id", "pk", f"{other}_id")
            .order_by()
        )
    rows = reads[0].union(*reads[1:], all=True) if len(reads) > 1 else reads[0]
    links = {}  # (field position, object pk) -> [(link id, other id)]
    for position, obj_id, link_id, other_id in rows:
        links.setdefault((position, obj_id), []).append((link_id, other_id))
    record_of = {obj.pk: record for (obj, _type), record in zip(entries, records, strict=True)}
    for position, m2m_field in enumerate(fields):
        link_model = apps.get_model(history_model._meta.app_label, f"{history_model.__name__}_{m2m_field.name}")
        own, other = m2m_field.m2m_field_name(), m2m_field.m2m_reverse_field_name()
        new_rows = [
            link_model(history=record_of[obj_id], id=link_id, **{f"{own}_id": obj_id, f"{other}_id": other_id})
            for (field_position, obj_id), found in links.items()
            if field_position == position
            for link_id, other_id in sorted(found)
        ]
        if new_rows:
            link_model.objects.bulk_create(new_rows)


@receiver(pre_create_historical_record)
def _join_open_change_set(sender, history_instance, **kwargs):
    """A record simple-history writes by itself joins the open change set (admin saves, inlines)."""
    state = _open.get()
    if state is not None and hasattr(history_instance, "change_set_id"):
        history_instance.change_set = state.change_set()
        if history_instance.history_user_id is None and state.user is not None:
            history_instance.history_user = _user(state.user)
        if not history_instance.history_change_reason and state.reason:
            history_instance.history_change_reason = str(state.reason)[:100]
