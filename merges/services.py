"""Merging two directory entries into one, and undoing it.

``merge(kept, other, choices, user)`` applies the values chosen field by field to the kept actor,
unites their themes, audiences, languages and places, moves every link of the other actor to the
kept one (source records, editors, claims, invitations, events and programme items organised,
project participations, relations between actors) and archives the other one. A ``Merge`` keeps
the kept actor's previous values and the id of every link moved, so ``undo`` puts everything back.

Both actors' histories show the merge: who (the version's user) and why (its reason). Proposals
that target the other actor are left as they are (they keep their target; the archived entry
tells the moderator where it went).

``probable_pairs()`` lists the pairs worth a look: the duplicate detection run for actors created
lately and for imported actors (those with source records), computed on demand and kept while
the actors' data version holds.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.fields import TranslationField

from accounts.models import Claim, Editorship, Invitation
from agenda.models import Event, ProgrammeItem
from directory import duplicates
from directory.models import Actor, ActorRelation
from directory.services import actor_fields
from history import services as history_services
from imports.models import SourceRecord
from maillage import data_version, richtext
from projects.models import Participation

from .models import Merge

KEPT, OTHER = "kept", "other"


@dataclass(frozen=True)
class Choice:
    """One radio of the merge screen: a field, or fields that go together (a contact person)."""

    key: str
    fields: tuple
    label: object


# Fields chosen together, on one radio: a contact person's details go with their consent.
GROUPS = (
    (("contact_name", "contact_email", "contact_phone", "contact_consent"), "contact", gettext_lazy("Contact person")),
)


def _label(name):
    """'Opening hours (NL)' for ``opening_hours_nl``, 'Website' for ``website``."""
    field = Actor._meta.get_field(name)
    if isinstance(field, TranslationField):
        return f"{str(field.translated_field.verbose_name).capitalize()} ({field.language.upper()})"
    return str(field.verbose_name).capitalize()


def choices_spec():
    """The radios of the merge screen, in the model's order: one per field a person chooses
    (``directory.services.actor_fields``, each language apart), a group of fields on one radio;
    many-to-many links are united, not chosen."""
    grouped = {name: group for group in GROUPS for name in group[0]}
    spec = []
    for name in actor_fields():
        if Actor._meta.get_field(name).many_to_many:
            continue
        if name not in grouped:
            spec.append(Choice(name, (name,), _label(name)))
        elif grouped[name][0][0] == name:  # at the place of the group's first field
            fields, key, label = grouped[name]
            spec.append(Choice(key, fields, label))
    return spec


SCALAR_FIELDS = tuple(f for choice in choices_spec() for f in choice.fields)
M2M_FIELDS = tuple(name for name in actor_fields() if Actor._meta.get_field(name).many_to_many)
RELATED = {"places": ("commune",)}  # what their names read


# --- values ---------------------------------------------------------------------------------------


def _raw(actor, name):
    value = getattr(actor, name)
    if name == "logo":
        return value.name or ""
    return value


def _is_empty(actor, choice):
    return all(_raw(actor, f) in (None, "", [], False) for f in choice.fields)


def _values(actor, choice):
    return tuple(_raw(actor, f) for f in choice.fields)


def default_choices(kept, other):
    """For each radio: the kept actor's value, unless it is empty and the other's is not; for
    ``last_verified``, the later date. The moderator chose which entry to keep: its name and texts
    stay unless changed here."""
    defaults = {}
    for choice in choices_spec():
        if _values(kept, choice) == _values(other, choice) or _is_empty(other, choice):
            defaults[choice.key] = KEPT
        elif _is_empty(kept, choice):
            defaults[choice.key] = OTHER
        elif choice.key == "last_verified":
            defaults[choice.key] = OTHER if other.last_verified > kept.last_verified else KEPT
        else:
            defaults[choice.key] = KEPT
    return defaults


def clean_choices(kept, other, submitted):
    """The defaults overridden by what was submitted; raises ValidationError on a value that is
    neither "kept" nor "other"."""
    choices = default_choices(kept, other)
    errors = []
    for choice in choices_spec():
        value = submitted.get(choice.key)
        if value in (None, ""):
            continue
        if value not in (KEPT, OTHER):
            errors.append(_("“%(field)s”: choose one of the two entries.") % {"field": choice.label})
            continue
        choices[choice.key] = value
    if errors:
        raise ValidationError(errors)
    return choices


def _display(actor, name):
    field = Actor._meta.get_field(name)
    value = _raw(actor, name)
    if value in (None, "", []):
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if name.startswith("description_"):
        return richtext.plain(value)  # the text, not its markup
    return str(value)


@dataclass
class Row:
    choice: Choice
    kept: str
    other: str
    chosen: str  # KEPT or OTHER
    same: bool

    @property
    def result(self):
        return self.other if self.chosen == OTHER else self.kept


def comparison(kept, other, choices):
    """The rows of the merge screen: both values of each radio and the one chosen."""
    rows = []
    for choice in choices_spec():
        kept_text = " · ".join(v for v in (_display(kept, f) for f in choice.fields) if v)
        other_text = " · ".join(v for v in (_display(other, f) for f in choice.fields) if v)
        rows.append(Row(choice, kept_text, other_text, choices[choice.key], kept_text == other_text))
    return rows


def united_links(kept, other):
    """{field: (kept's, other's only, united)} for themes, audiences, languages and places, by name."""
    links = {}
    for name in M2M_FIELDS:
        mine, theirs = (list(getattr(actor, name).select_related(*RELATED.get(name, ()))) for actor in (kept, other))
        theirs = [obj for obj in theirs if obj not in mine]
        links[name] = (mine, theirs, mine + theirs)
    return links


# --- snapshots ------------------------------------------------------------------------------------


def _serialise(actor):
    values = {}
    for name in SCALAR_FIELDS:
        value = _raw(actor, name)
        values[name] = value.isoformat() if isinstance(value, datetime.date) else value
    return values


def _restore_values(actor, values):
    for name, value in values.items():
        if name == "last_verified" and value:
            value = datetime.date.fromisoformat(value)
        setattr(actor, name, value)


def _m2m_ids(actor):
    return {name: sorted(getattr(actor, name).values_list("pk", flat=True)) for name in M2M_FIELDS}


def _save_with_links(actor, links, user, reason):
    """Save as a revert does (places, then the directory's one entry point), so search, the map
    and history follow."""
    with history_services.stamped(actor, user, reason):
        history_services.kind_for("actor").save(actor, links)


# --- moving links ---------------------------------------------------------------------------------


def _move_m2m(through_model, owner_field, kept, other, user, reason, owner_model):
    """Move other -> kept in an organisers-like many-to-many. Returns [[owner id, kept was there]]."""
    rows = list(through_model.objects.filter(actor_id=other.pk).values_list(f"{owner_field}_id", flat=True))
    if not rows:
        return []
    already = set(
        through_model.objects.filter(actor_id=kept.pk, **{f"{owner_field}_id__in": rows}).values_list(
            f"{owner_field}_id", flat=True
        )
    )
    moved = []
    manager = getattr(owner_model, "all_objects", owner_model._default_manager)
    for owner in manager.filter(pk__in=rows).order_by("pk"):
        with history_services.stamped(owner, user, reason):
            owner.organisers.remove(other.pk)
            if owner.pk not in already:
                owner.organisers.add(kept.pk)
        moved.append([owner.pk, owner.pk in already])
    return moved


def _move_back_m2m(owner_model, moved, kept, other, user, reason):
    manager = getattr(owner_model, "all_objects", owner_model._default_manager)
    by_pk = manager.in_bulk([pk for pk, _was in moved])
    for pk, kept_was_there in moved:
        owner = by_pk.get(pk)
        if owner is None:
            continue
        with history_services.stamped(owner, user, reason):
            if not kept_was_there:
                owner.organisers.remove(kept.pk)
            owner.organisers.add(other.pk)


def _save_stamped(obj, user, reason, **changes):
    for name, value in changes.items():
        setattr(obj, name, value)
    with history_services.stamped(obj, user, reason):
        obj.save()


def _move_participations(kept, other, user, reason):
    moved = []
    existing = set(Participation.objects.filter(actor=kept).values_list("project_id", "role"))
    for participation in Participation.objects.filter(actor=other):
        if (participation.project_id, participation.role) in existing:
            continue  # the kept actor already has this role: the other's stays with the archived entry
        _save_stamped(participation, user, reason, actor_id=kept.pk)
        moved.append(participation.pk)
    return moved


def _move_relations(kept, other, user, reason):
    """Relations of the other actor, both directions, now of the kept one. A relation that would
    link the kept actor to itself, or repeat one it has, is deleted (and kept in the snapshot)."""
    moved, dropped = [], []
    existing = set(
        ActorRelation.objects.filter(Q(source=kept) | Q(target=kept)).values_list("source_id", "target_id", "kind")
    )
    relations = ActorRelation.objects.filter(Q(source=other) | Q(target=other)).order_by("pk")
    for relation in relations:
        source = kept.pk if relation.source_id == other.pk else relation.source_id
        target = kept.pk if relation.target_id == other.pk else relation.target_id
        if source == target or (source, target, relation.kind) in existing:
            dropped.append(
                {"id": relation.pk, "source": relation.source_id, "target": relation.target_id, "kind": relation.kind}
            )
            with history_services.stamped(relation, user, reason):
                relation.delete()
            continue
        moved.append(
            {"id": relation.pk, "source": relation.source_id == other.pk, "target": relation.target_id == other.pk}
        )
        _save_stamped(relation, user, reason, source_id=source, target_id=target)
        existing.add((source, target, relation.kind))
    return moved, dropped


# --- merge and undo -------------------------------------------------------------------------------


class MergeError(ValidationError):
    pass


@transaction.atomic
def merge(kept, other, choices, user, reason=""):
    """Make ``other`` part of ``kept``; returns the ``Merge``. Raises ValidationError when the two
    are the same or one is archived, or when the merged values are not valid (nothing changes).
    Callers check the permission (``accounts.permissions.can_moderate``)."""
    actors = Actor.all_objects.select_for_update().in_bulk([kept.pk, other.pk])
    if kept.pk == other.pk:
        raise MergeError(_("An entry cannot be merged with itself."))
    if len(actors) != 2 or any(a.archived_at for a in actors.values()):
        raise MergeError(_("Both entries must exist and not be archived."))
    kept, other = actors[kept.pk], actors[other.pk]
    choices = clean_choices(kept, other, choices)
    snapshot = {"kept": _serialise(kept), "kept_links": _m2m_ids(kept), "moved": {}, "dropped": {}}
    other_links = _m2m_ids(other)
    kept_reason = _("Merged with “%(name)s”") % {"name": other}
    other_reason = _("Merged into “%(name)s”") % {"name": kept}
    if reason:
        kept_reason, other_reason = f"{kept_reason}: {reason}", f"{other_reason}: {reason}"

    # Values and many-to-many links.
    for choice in choices_spec():
        if choices[choice.key] == OTHER:
            for name in choice.fields:
                setattr(kept, name, _raw(other, name))
    united = {
        name: snapshot["kept_links"][name] + [pk for pk in other_links[name] if pk not in snapshot["kept_links"][name]]
        for name in M2M_FIELDS
    }
    _save_with_links(kept, united, user, kept_reason)

    # Links of the other actor.
    moved = snapshot["moved"]
    moved["source_records"] = list(SourceRecord.objects.filter(actor=other).values_list("pk", flat=True))
    SourceRecord.objects.filter(pk__in=moved["source_records"]).update(actor=kept)
    editors = set(Editorship.objects.filter(actor=kept).values_list("user_id", flat=True))
    moved["editorships"] = list(
        Editorship.objects.filter(actor=other).exclude(user_id__in=editors).values_list("pk", flat=True)
    )
    Editorship.objects.filter(pk__in=moved["editorships"]).update(actor=kept)
    for name, model in (("claims", Claim), ("invitations", Invitation)):
        moved[name] = list(model.objects.filter(actor=other).values_list("pk", flat=True))
        model.objects.filter(pk__in=moved[name]).update(actor=kept)
    moved["events"] = _move_m2m(Event.organisers.through, "event", kept, other, user, other_reason, Event)
    moved["programme_items"] = _move_m2m(
        ProgrammeItem.organisers.through, "programmeitem", kept, other, user, other_reason, ProgrammeItem
    )
    moved["participations"] = _move_participations(kept, other, user, other_reason)
    moved["relations"], snapshot["dropped"]["relations"] = _move_relations(kept, other, user, other_reason)

    history_services.archive(other, user, reason=other_reason)
    record = Merge.objects.create(kept=kept, other=other, by=user, reason=reason, choices=choices, snapshot=snapshot)
    data_version.bump(data_version.ACTORS)
    return record


def blocking_merge(record):
    """A later merge (not undone) involving either actor, which must be undone first; or None."""
    return (
        Merge.objects.filter(undone_at__isnull=True, pk__gt=record.pk)
        .filter(Q(kept__in=[record.kept_id, record.other_id]) | Q(other__in=[record.kept_id, record.other_id]))
        .select_related("kept", "other")
        .order_by("-pk")
        .first()
    )


@transaction.atomic
def undo(record, user):
    """Put both actors back as they were before ``record``; idempotent. Raises ValidationError
    when one of them was merged again since (that merge must be undone first)."""
    record = Merge.objects.select_for_update().select_related("kept", "other").get(pk=record.pk)
    if record.undone_at is not None:
        return record
    later = blocking_merge(record)
    if later is not None:
        raise MergeError(
            _("“%(kept)s” was merged again since (with “%(other)s”): undo that merge first.")
            % {"kept": later.kept, "other": later.other}
        )
    kept, other = record.kept, record.other
    snapshot = record.snapshot
    moved = snapshot.get("moved", {})
    reason = _("Merge of “%(other)s” into “%(kept)s” undone") % {"other": other, "kept": kept}

    if other.archived_at is not None:
        history_services.restore(other, user, reason=reason)
    SourceRecord.objects.filter(pk__in=moved.get("source_records", []), actor=kept).update(actor=other)
    users_on_other = set(Editorship.objects.filter(actor=other).values_list("user_id", flat=True))
    Editorship.objects.filter(pk__in=moved.get("editorships", []), actor=kept).exclude(
        user_id__in=users_on_other
    ).update(actor=other)
    Claim.objects.filter(pk__in=moved.get("claims", []), actor=kept).update(actor=other)
    Invitation.objects.filter(pk__in=moved.get("invitations", []), actor=kept).update(actor=other)
    _move_back_m2m(Event, moved.get("events", []), kept, other, user, reason)
    _move_back_m2m(ProgrammeItem, moved.get("programme_items", []), kept, other, user, reason)
    for participation in Participation.objects.filter(pk__in=moved.get("participations", []), actor=kept):
        _save_stamped(participation, user, reason, actor_id=other.pk)
    by_pk = ActorRelation.objects.in_bulk([r["id"] for r in moved.get("relations", [])])
    for item in moved.get("relations", []):
        relation = by_pk.get(item["id"])
        if relation is None:
            continue
        changes = {}
        if item["source"]:
            changes["source_id"] = other.pk
        if item["target"]:
            changes["target_id"] = other.pk
        _save_stamped(relation, user, reason, **changes)
    for item in snapshot.get("dropped", {}).get("relations", []):
        exists = ActorRelation.objects.filter(source_id=item["source"], target_id=item["target"], kind=item["kind"])
        actors_exist = Actor.all_objects.filter(pk__in=[item["source"], item["target"]]).count() == len(
            {item["source"], item["target"]}
        )
        if not exists.exists() and actors_exist:
            relation = ActorRelation(
                pk=None if ActorRelation.objects.filter(pk=item["id"]).exists() else item["id"],
                source_id=item["source"],
                target_id=item["target"],
                kind=item["kind"],
            )
            _save_stamped(relation, user, reason)

    # The kept actor's values and links as they were.
    kept = Actor.all_objects.get(pk=kept.pk)
    _restore_values(kept, snapshot["kept"])
    _save_with_links(kept, snapshot["kept_links"], user, reason)

    record.undone_at = timezone.now()
    record.undone_by = user
    record.save(update_fields=["undone_at", "undone_by"])
    data_version.bump(data_version.ACTORS)
    return record


def other_proposals(actor):
    """Pending proposals that target ``actor`` (left as they are by a merge: shown as a warning)."""
    from django.contrib.contenttypes.models import ContentType

    from proposals.models import Proposal

    return Proposal.objects.filter(
        target_type=ContentType.objects.get_for_model(Actor),
        target_id=actor.pk,
        status__in=[Proposal.Status.PENDING, Proposal.Status.UNCONFIRMED],
    ).count()


# --- what to review -------------------------------------------------------------------------------

RECENT_DAYS = 30
MAX_SCANNED = 500
PAIRS_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class Pair:
    kept_id: int  # the older entry, kept by default
    other_id: int
    score: float
    reasons: tuple

    @property
    def reason_labels(self):
        return [duplicates.REASON_LABELS[code] for code in self.reasons]


def _fields(row):
    (_pk, fr, nl, en, acronym, number, website, email, phone, lat, lon, approximate) = row
    return {
        "name_fr": fr,
        "name_nl": nl,
        "name_en": en,
        "acronym": acronym,
        "company_number": number,
        "website": website,
        "email": email,
        "phone": phone,
        "lat": lat,
        "lon": lon,
        "approximate": approximate,
    }


def _compute_pairs():
    days = getattr(settings, "MERGES_RECENT_DAYS", RECENT_DAYS)
    limit = getattr(settings, "MERGES_MAX_SCANNED", MAX_SCANNED)
    since = timezone.now() - datetime.timedelta(days=days)
    imported = SourceRecord.objects.filter(actor__isnull=False).values("actor_id")
    scanned = (
        Actor.objects.filter(Q(created__gte=since) | Q(pk__in=imported))
        .order_by("-created", "-pk")
        .values_list(
            "pk",
            "name_fr",
            "name_nl",
            "name_en",
            "acronym",
            "company_number",
            "website",
            "email",
            "phone",
            "lat",
            "lon",
            "location_approximate",
        )[:limit]
    )
    pairs = {}
    index = duplicates.get_index()
    for row in scanned:
        for candidate in duplicates.find_duplicates(_fields(row), exclude_id=row[0], limit=5, index=index):
            if candidate.score < duplicates.PROBABLE:
                continue
            key = (min(row[0], candidate.actor_id), max(row[0], candidate.actor_id))
            if key not in pairs or pairs[key].score < candidate.score:
                pairs[key] = Pair(key[0], key[1], candidate.score, candidate.reasons)
    return sorted(pairs.values(), key=lambda p: (-p.score, p.kept_id, p.other_id))


def probable_pairs():
    """Probable duplicate pairs (older entry first), best first; cached per actors' data version."""
    version = data_version.current(data_version.ACTORS)
    key = f"merges:pairs:{version}"
    pairs = cache.get(key)
    if pairs is None:
        pairs = _compute_pairs()
        cache.set(key, pairs, PAIRS_CACHE_SECONDS)
    return pairs


def with_actors(pairs):
    """[(pair, kept actor, other actor)] for a page of pairs: one query."""
    ids = {pk for pair in pairs for pk in (pair.kept_id, pair.other_id)}
    actors = Actor.objects.select_related("commune").in_bulk(ids)
    return [
        (pair, actors[pair.kept_id], actors[pair.other_id])
        for pair in pairs
        if pair.kept_id in actors and pair.other_id in actors
    ]


def recent_merges(limit=50):
    return list(Merge.objects.select_related("kept", "other", "by__profile", "undone_by__profile")[:limit])


def links_to_move(actor):
    """How many links of each kind a merge would move from ``actor``: [(label, count)]."""
    counts = [
        (_("source records (provenance)"), SourceRecord.objects.filter(actor=actor).count()),
        (_("editors"), Editorship.objects.filter(actor=actor).count()),
        (_("claims"), Claim.objects.filter(actor=actor).count()),
        (_("invitations"), Invitation.objects.filter(actor=actor).count()),
        (_("events organised"), Event.organisers.through.objects.filter(actor=actor).count()),
        (_("programme items organised"), ProgrammeItem.organisers.through.objects.filter(actor=actor).count()),
        (_("project participations"), Participation.objects.filter(actor=actor).count()),
        (_("relations with other entries"), ActorRelation.objects.filter(Q(source=actor) | Q(target=actor)).count()),
    ]
    return [(label, count) for label, count in counts if count]
