"""Merging two directory entries into one, and undoing it.

``merge(kept, other, choices, user)`` applies the values chosen field by field to the kept actor,
unites their links (themes, audiences, languages, places), moves every link of the other actor to
the kept one (source records, editors, claims, invitations, events and programme items organised,
project participations, relations between actors) and archives the other one. A ``Merge`` keeps
the kept actor's previous values and the id of every link moved, so ``undo`` puts everything back.

The fields offered are those the actor's owner lets a merge set (``directory.fields.ACTOR``,
``settable_by(MERGE)``), read when a screen is built. The actors, events and projects are written
through their owners' functions (``save_actor``, ``archive_actor``, ``move_organisers``,
``move_participations``...), and a merge, like its undo, is one change set (source "merge", the
merge's number): both actors' histories show one version for it, with who and why.

Proposals that target the other actor are left as they are (they keep their target; the archived
entry tells the moderator where it went).

``probable_pairs()`` lists the pairs worth a look: the duplicate detection run for actors created
lately and for imported actors (those with source records), computed on demand and kept while
the actors' data version holds.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Claim, Editorship, Invitation
from agenda import services as agenda_services
from agenda.models import Event, ProgrammeItem
from directory import duplicates
from directory import services as directory_services
from directory.fields import ACTOR
from directory.models import Actor, ActorRelation
from imports.models import SourceRecord
from maillage import changes, data_version, richtext
from maillage.caches import VersionedCache
from maillage.fields import MERGE
from projects import services as project_services
from projects.models import Participation

from .models import Merge

KEPT, OTHER = "kept", "other"


@dataclass(frozen=True)
class Choice:
    """One radio of the merge screen: a field, or fields that go together (a contact person)."""

    key: str
    fields: tuple
    label: object


# A contact person's details (the spec's personal fields) are chosen together, with their consent.
CONTACT, CONTACT_LABEL, CONSENT = "contact", gettext_lazy("Contact person"), "contact_consent"


def _merge_fields():
    """The actor's fields a merge sets, as its owner declares them now."""
    return ACTOR.settable_by(MERGE)


def value_fields():
    """The spec's fields whose value a person chooses (links are united, not chosen)."""
    return [f for f in _merge_fields() if f.stored and not f.many]


def link_fields():
    """The links both actors' are united in."""
    return [f for f in _merge_fields() if f.many]


def _contact_group(fields):
    names = [f.name for f in fields if f.personal]
    if names and CONSENT in {f.name for f in fields}:
        names.append(CONSENT)
    return tuple(names)


def choices_spec():
    """The radios of the merge screen, in the spec's order: one per field (each language apart),
    the contact person's details on one radio."""
    fields = value_fields()
    contact = _contact_group(fields)
    spec = []
    for field in fields:
        if field.name not in contact:
            spec.append(Choice(field.name, (field.name,), field.label))
        elif field.name == contact[0]:  # at the place of the group's first field
            spec.append(Choice(CONTACT, contact, CONTACT_LABEL))
    return spec


def scalar_fields():
    """The names of the fields chosen, radio after radio."""
    return tuple(name for choice in choices_spec() for name in choice.fields)


RELATED = {"places": ("commune",)}  # what their names read


# --- values ---------------------------------------------------------------------------------------


def _raw(actor, name):
    value = getattr(actor, name)
    if ACTOR[name].type == "file":
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
    """A value as the merge screen shows it: a choice's label, yes or no, a text without its
    markup, otherwise as the spec shows it."""
    field = ACTOR[name]
    value = _raw(actor, name)
    if value in (None, "", []):
        return ""
    if field.show is not None:
        return field.shown(value)
    if field.type == "choice":
        return str(dict(field.choices.choices).get(value, value))
    if field.type == "bool":
        return _("yes") if value else _("no")
    if field.type in ("date", "datetime"):
        return value.isoformat()
    if field.type == "rich":
        return richtext.plain(value)  # the text, not its markup
    return field.shown(value)


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
    """{link: (kept's, other's only, united)} for each link united (themes, places...), by name."""
    links = {}
    for field in link_fields():
        name = field.name
        mine, theirs = (list(getattr(actor, name).select_related(*RELATED.get(name, ()))) for actor in (kept, other))
        theirs = [obj for obj in theirs if obj not in mine]
        links[name] = (mine, theirs, mine + theirs)
    return links


# --- snapshots ------------------------------------------------------------------------------------


def _serialise(actor):
    values = {}
    for name in scalar_fields():
        value = _raw(actor, name)
        values[name] = value.isoformat() if isinstance(value, datetime.date) else value
    return values


def _restore_values(actor, values):
    """The values ``_serialise`` kept (those of a field no longer declared are left aside)."""
    for name, value in values.items():
        if name not in ACTOR:
            continue
        if ACTOR[name].type == "date" and value:
            value = datetime.date.fromisoformat(value)
        setattr(actor, name, value)


def _m2m_ids(actor):
    return {f.name: sorted(getattr(actor, f.name).values_list("pk", flat=True)) for f in link_fields()}


def _save_with_links(actor, links):
    """Write the actor and its links (ids) through the directory's write path."""
    objects = {name: list(ACTOR[name].vocabulary.objects.filter(pk__in=ids)) for name, ids in links.items()}
    if "places" in objects:
        objects["places"].sort(key=lambda place: place.pk)  # oldest first: the main place rule
    directory_services.save_actor(actor, **objects)


# --- moving links ---------------------------------------------------------------------------------


def _move_relations(kept, other):
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
            relation.delete()
            continue
        moved.append(
            {"id": relation.pk, "source": relation.source_id == other.pk, "target": relation.target_id == other.pk}
        )
        relation.source_id, relation.target_id = source, target
        relation.save(update_fields=["source", "target"])
        existing.add((source, target, relation.kind))
    return moved, dropped


def _move_relations_back(kept, other, moved, dropped):
    by_pk = ActorRelation.objects.in_bulk([r["id"] for r in moved])
    for item in moved:
        relation = by_pk.get(item["id"])
        if relation is None:
            continue
        if item["source"]:
            relation.source_id = other.pk
        if item["target"]:
            relation.target_id = other.pk
        relation.save(update_fields=["source", "target"])
    for item in dropped:
        exists = ActorRelation.objects.filter(source_id=item["source"], target_id=item["target"], kind=item["kind"])
        actors_exist = Actor.all_objects.filter(pk__in=[item["source"], item["target"]]).count() == len(
            {item["source"], item["target"]}
        )
        if not exists.exists() and actors_exist:
            ActorRelation.objects.create(
                pk=None if ActorRelation.objects.filter(pk=item["id"]).exists() else item["id"],
                source_id=item["source"],
                target_id=item["target"],
                kind=item["kind"],
            )


# --- merge and undo -------------------------------------------------------------------------------


class MergeError(ValidationError):
    pass


def _why(text, reason):
    return f"{text}: {reason}" if reason else text


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
    record = Merge.objects.create(kept=kept, other=other, by=user, reason=reason, choices=choices)
    why = _why(_("“%(other)s” merged into “%(kept)s”") % {"other": other, "kept": kept}, reason)
    with changes.recording(user=user, reason=why, source=changes.Source.MERGE, source_id=record.pk):
        snapshot = {"kept": _serialise(kept), "kept_links": _m2m_ids(kept), "moved": {}, "dropped": {}}
        other_links = _m2m_ids(other)

        # Values and links.
        for choice in choices_spec():
            if choices[choice.key] == OTHER:
                for name in choice.fields:
                    setattr(kept, name, _raw(other, name))
        mine = snapshot["kept_links"]
        _save_with_links(
            kept, {name: mine[name] + [pk for pk in ids if pk not in mine[name]] for name, ids in other_links.items()}
        )

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
        moved.update(agenda_services.move_organisers(other, kept))  # events, programme_items
        moved.update(project_services.move_participations(other, kept))  # participations
        moved["relations"], snapshot["dropped"]["relations"] = _move_relations(kept, other)

        directory_services.archive_actor(other, user, why)
        changes.bump(data_version.ACTORS)  # editors, claims and relations moved too
    record.snapshot = snapshot
    record.save(update_fields=["snapshot"])
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

    with changes.recording(user=user, reason=reason, source=changes.Source.MERGE, source_id=record.pk):
        if other.archived_at is not None:
            directory_services.restore_actor(other, user, reason)
        SourceRecord.objects.filter(pk__in=moved.get("source_records", []), actor=kept).update(actor=other)
        users_on_other = set(Editorship.objects.filter(actor=other).values_list("user_id", flat=True))
        Editorship.objects.filter(pk__in=moved.get("editorships", []), actor=kept).exclude(
            user_id__in=users_on_other
        ).update(actor=other)
        Claim.objects.filter(pk__in=moved.get("claims", []), actor=kept).update(actor=other)
        Invitation.objects.filter(pk__in=moved.get("invitations", []), actor=kept).update(actor=other)
        agenda_services.restore_organisers(moved, other, kept)
        project_services.restore_participations(moved, other, kept)
        _move_relations_back(kept, other, moved.get("relations", []), snapshot.get("dropped", {}).get("relations", []))

        # The kept actor's values and links as they were.
        kept = Actor.all_objects.get(pk=kept.pk)
        _restore_values(kept, snapshot["kept"])
        _save_with_links(kept, snapshot["kept_links"])
        changes.bump(data_version.ACTORS)

    record.undone_at = timezone.now()
    record.undone_by = user
    record.save(update_fields=["undone_at", "undone_by"])
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
    days = settings.MERGES_RECENT_DAYS
    limit = settings.MERGES_MAX_SCANNED
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


# Kept in each process while the actors' data version holds (the duplicate index it reads is the
# process's too), at most an hour: "created lately" moves with the clock.
_pairs = VersionedCache("merges.pairs", (data_version.ACTORS,), _compute_pairs, seconds=PAIRS_CACHE_SECONDS)


def probable_pairs():
    """Probable duplicate pairs (older entry first), best first; kept per actors' data version."""
    return _pairs.get()


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
