"""The life of a proposal: submitted (by anyone), confirmed by email (visitors without an
account), reviewed by the watch group (approved, edited then approved, or rejected with a reason),
or published at once when its author edits the entry."""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import Editorship
from accounts.services import add_editor, language_of
from agenda import services as agenda_services
from directory.duplicates import find_duplicates
from maillage import changes, mail, ratelimit

from . import entries
from .models import Proposal, ProposalComment

CONFIRM_SALT = "proposals.confirm"
CONFIRM_MAX_AGE = 7 * 24 * 3600
Kind = Proposal.Kind
Status = Proposal.Status


class ProposalError(Exception):
    """A proposal that cannot be applied; the message is translated and shown to the moderator."""


# --- anonymous visitors: rate limit -------------------------------------------------------------


def rate_limited(request):
    """Count one anonymous proposal from this client; True when over PROPOSAL_RATE_LIMIT an hour."""
    client = ratelimit.client_of(request)
    return ratelimit.hit("proposal", client, limit=settings.PROPOSAL_RATE_LIMIT, period=3600)


# --- submitting --------------------------------------------------------------------------------


def may_publish(user, kind, target, data):
    """Editors of the entry (and moderators) publish without review."""
    if not user.is_authenticated:
        return False
    if kind == Kind.CHANGE_ACTOR:
        return permissions.can_edit_actor(user, target)
    if kind == Kind.CHANGE_EVENT:
        return permissions.can_edit_event(user, target)
    if kind in (Kind.CHANGE_PROJECT, Kind.PROJECT_UPDATE):
        return permissions.can_edit_project(user, target)
    if kind == Kind.NEW_EVENT:
        organisers = entries._vocabulary(entries.Actor, data.get("organisers") or [])
        return permissions.can_publish_event_for(user, organisers)
    if kind == Kind.NEW_ACTOR:
        return permissions.can_add_actor(user)
    return False


# --- what a change starts from -----------------------------------------------------------------

FORM_VALUES_SALT = "proposals.form-values"


def withheld_fields(user, target):
    """The fields of ``target`` that ``user`` may not see: a contact person who did not agree to be
    shown publicly, for anyone but the entry's editors and the moderators."""
    private = isinstance(target, entries.Actor) and not target.contact_consent
    if private and not permissions.can_edit_actor(user, target):
        return entries.personal_fields()
    return ()


def starting_point(target, user):
    """The values a change of ``target`` starts from for ``user``: the entry as it is now, without
    what they may not see (so it is neither shown to them nor stored with their proposal)."""
    values = entries.snapshot(target)
    for name in withheld_fields(user, target):
        values.pop(name, None)
    return values


def _signed_for(target, user, purpose):
    return f"{purpose}:{type(target).__name__}:{target.pk}:{user.pk if user.is_authenticated else ''}"


def sign_values(values, target, user, *, purpose):
    """``values`` signed for this entry, this person and this purpose, to carry in a form."""
    signed = {"for": _signed_for(target, user, purpose), "values": values}
    return signing.dumps(signed, salt=FORM_VALUES_SALT, compress=True)


def read_values(token, target, user, *, purpose):
    """The values of ``sign_values`` for this entry, person and purpose; None if altered or not theirs."""
    try:
        signed = signing.loads(token or "", salt=FORM_VALUES_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(signed, dict) or signed.get("for") != _signed_for(target, user, purpose):
        return None
    return dict(signed.get("values") or {})


def sign_starting_point(values, target, user):
    """The starting values, signed, to carry in the change form: on submit, only what the person
    changed from them is applied (a form shown long ago reverts nothing)."""
    return sign_values(values, target, user, purpose="start")


def read_starting_point(token, target, user):
    """The values of ``sign_starting_point``, else None. Fields the person may not see now are
    dropped, whatever the form says."""
    values = read_values(token, target, user, purpose="start")
    if values is not None:
        for name in withheld_fields(user, target):
            values.pop(name, None)
    return values


def conflicts(data, start, current):
    """Fields the person changed (from ``start``, what they were shown) that someone else changed
    meanwhile to another value: {name: the value now}. Fields they were not shown are not compared
    (their proposal only fills them in, and goes to review)."""
    found = {}
    for name, value in entries.changed_fields(data, start).items():
        if name not in start:
            continue
        now = current.get(name, "")
        if not entries.same_value(now, start[name]) and not entries.same_value(now, value):
            found[name] = now
    return found


def keep_current(data, start, names):
    """``data`` where the person chose the current value for ``names``: those fields are left as
    they are (their value is the starting one, so they are not a change)."""
    return {**data, **{name: start.get(name, "") for name in names}}


def _duplicates_of(kind, data, target):
    if kind not in (Kind.NEW_ACTOR, Kind.CHANGE_ACTOR):
        return []
    fields = {k: data.get(k) for k in ("name_fr", "name_nl", "name_en", "company_number", "website", "email", "phone")}
    fields["name"] = data.get("name_fr") or data.get("name_nl") or data.get("name_en") or ""
    found = find_duplicates(fields, exclude_id=target.pk if target is not None else None)
    return [
        {"actor_id": c.actor_id, "slug": c.slug, "name": c.name, "score": round(c.score, 2), "reasons": list(c.reasons)}
        for c in found
    ]


def submit(
    kind,
    data,
    *,
    user,
    target=None,
    base=None,
    message="",
    proposer_name="",
    proposer_email="",
    is_member=False,
    submission=None,
    charter_version=None,
    language=None,
):
    """Record a proposal; publish it at once when the user may, else queue it.

    Visitors without an account must confirm their email first (status "unconfirmed").
    Submitting the same form twice (same ``submission``) returns the first proposal.
    """
    submission = submission or uuid.uuid4()
    existing = Proposal.objects.filter(submission=submission).first()
    if existing is not None:
        return existing
    authenticated = user.is_authenticated
    proposal = Proposal(
        submission=submission,
        kind=kind,
        data=data,
        base=base if base is not None else starting_point(target, user) if kind.startswith("change_") else {},
        message=message,
        proposer=user if authenticated else None,
        proposer_name=proposer_name or (user.get_full_name() if authenticated else ""),
        proposer_email="" if authenticated else proposer_email,
        proposer_is_member=is_member,
        charter_version=charter_version,
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
        status=Status.PENDING if authenticated else Status.UNCONFIRMED,
    )
    if target is not None:
        proposal.target_type = ContentType.objects.get_for_model(type(target))
        proposal.target_id = target.pk
        proposal.target_label = str(target)[:300]
    else:
        proposal.target_label = (data.get("name_fr") or data.get("title_fr") or data.get("name_nl") or "")[:300]
    proposal.duplicates = _duplicates_of(kind, data, target)
    publish = kind != Kind.PROBLEM and may_publish(user, kind, target, data)
    waiting = _organisers_that_wait(proposal, user, target) if publish else None
    try:
        with transaction.atomic():
            proposal.save()
            if publish:
                _apply(proposal, user)
                proposal.status = Status.PUBLISHED
                proposal.decided_by, proposal.decided_at = user, timezone.now()
                proposal.save()
                if waiting is not None:
                    proposal.organisers_waiting = _queue_organisers(proposal, waiting)
    except IntegrityError:
        # The same form submitted twice at the same moment: the other request won.
        return Proposal.objects.get(submission=submission)
    if proposal.status == Status.UNCONFIRMED:
        send_confirmation(proposal)
    return proposal


# --- organisers: an editor speaks for the actors they edit --------------------------------------


def _organisers_that_wait(proposal, user, target):
    """An editor's event is published with the organisers they may set; naming or removing other
    actors waits (``agenda.services.organiser_change``). Narrows ``proposal.data`` to what is
    published and returns the change, or None when nothing waits."""
    if proposal.kind not in (Kind.NEW_EVENT, Kind.CHANGE_EVENT) or "organisers" not in proposal.data:
        return None
    if permissions.can_moderate(user):
        return None
    current = list(target.organisers.all()) if target is not None else []
    seen = current
    if target is None or "organisers" in proposal.base:
        seen = entries._vocabulary(entries.Actor, proposal.base.get("organisers"))
    wanted = entries._vocabulary(entries.Actor, proposal.data["organisers"])
    change = agenda_services.organiser_change(current, seen, wanted, edited_ids=permissions.edited_actor_ids(user))
    if not change.waits:
        return None
    proposal.data = {**proposal.data, "organisers": sorted(a.slug for a in change.now)}
    return change


def _queue_organisers(published, change):
    """The organisers that wait, as a change of the published event for the moderators to review."""
    event = published.target
    base = entries.snapshot(event)
    waiting = Proposal(
        submission=uuid.uuid4(),
        kind=Kind.CHANGE_EVENT,
        data={**base, "organisers": sorted(a.slug for a in change.wanted)},
        base=base,
        message="\n".join(organisers_notice(change)),
        proposer=published.proposer,
        proposer_name=published.proposer_name,
        charter_version=published.charter_version,
        language=published.language,
        status=Status.PENDING,
        target_type=ContentType.objects.get_for_model(type(event)),
        target_id=event.pk,
        target_label=str(event)[:300],
    )
    waiting.save()
    transaction.on_commit(lambda: _ask_editors(waiting))
    return waiting


def organisers_notice(change):
    """What the editor is told (and the moderators read) about the organisers that wait."""
    lines = []
    if change.added:
        names = ", ".join(a.name for a in change.added)
        lines.append(
            _("Naming %(names)s as organiser waits for approval by its editors or a moderator.") % {"names": names}
        )
    if change.removed:
        names = ", ".join(a.name for a in change.removed)
        lines.append(
            _("Removing %(names)s from the organisers waits for approval by its editors or a moderator.")
            % {"names": names}
        )
    return lines


def organisers_asked(proposal):
    """(slugs named, slugs removed) by an open change of nothing but an event's organisers, else None."""
    if proposal.kind != Kind.CHANGE_EVENT or proposal.status != Status.PENDING:
        return None
    if set(entries.changed_fields(proposal.data, proposal.base)) != {"organisers"}:
        return None
    asked, had = set(proposal.data.get("organisers") or []), set(proposal.base.get("organisers") or [])
    return sorted(asked - had), sorted(had - asked)


def _others_concerned(proposal, asked):
    """Ids of the actors named or removed that the proposer does not edit: theirs to answer."""
    ids = set(entries.Actor.objects.filter(slug__in=[*asked[0], *asked[1]]).values_list("pk", flat=True))
    return ids - (permissions.edited_actor_ids(proposal.proposer) if proposal.proposer_id else frozenset())


def may_answer_organisers(user, proposal):
    """The editors of the actors an organiser request names or removes answer it (the moderators
    decide it in their queue): every actor concerned that the proposer does not edit is theirs."""
    asked = organisers_asked(proposal)
    if asked is None or not user.is_authenticated or proposal.proposer_id == user.pk:
        return False
    others = _others_concerned(proposal, asked)
    return bool(others) and others <= permissions.edited_actor_ids(user)


@dataclass(frozen=True)
class OrganiserRequest:
    proposal: Proposal
    event: object
    named: list
    removed: list
    asked_by: str


def organiser_requests_for(user, limit=100):
    """The open organiser requests ``user`` may answer, oldest first (a fixed number of queries)."""
    mine = permissions.edited_actor_ids(user)
    actors = {a.slug: a for a in entries.Actor.objects.filter(pk__in=mine)}
    if not actors:
        return []
    pending = Proposal.objects.filter(kind=Kind.CHANGE_EVENT, status=Status.PENDING).exclude(proposer=user)
    candidates = []
    # Every pending change of an event is looked at (no cut-off that would hide newer requests);
    # a moderation queue holds few of them.
    for proposal in pending.order_by("created").iterator(chunk_size=500):
        asked = organisers_asked(proposal)
        if asked and set(actors) & {*asked[0], *asked[1]}:
            candidates.append((proposal, asked))
    concerned = {slug for _proposal, asked in candidates for slug in (*asked[0], *asked[1])}
    actors.update({a.slug: a for a in entries.Actor.objects.filter(slug__in=concerned - set(actors))})
    theirs = {}  # the actors each proposer edits
    proposers = {p.proposer_id for p, _asked in candidates if p.proposer_id}
    for user_id, actor_id in Editorship.objects.filter(user_id__in=proposers).values_list("user_id", "actor_id"):
        theirs.setdefault(user_id, set()).add(actor_id)
    events = entries.Event.objects.filter(pk__in={p.target_id for p, _asked in candidates})
    events = {e.pk: e for e in events.prefetch_related("organisers")}
    found = []
    for proposal, (named, removed) in candidates:
        others = {actors[s].pk for s in (*named, *removed) if s in actors} - theirs.get(proposal.proposer_id, set())
        event = events.get(proposal.target_id)
        if not (others and others <= mine and event):
            continue
        asker = [a.name for a in event.organisers.all() if a.pk in theirs.get(proposal.proposer_id, ())]
        found.append(
            OrganiserRequest(
                proposal=proposal,
                event=event,
                named=[actors[s].name for s in named if s in actors],
                removed=[actors[s].name for s in removed if s in actors],
                asked_by=_asked_by(asker),
            )
        )
    return found[:limit]


def _asked_by(names):
    return _("an editor of %(names)s") % {"names": ", ".join(names)} if names else _("an editor")


def _asker(proposal):
    """Who asks, as the organisations they speak for on the event (not their personal address)."""
    theirs = permissions.edited_actor_ids(proposal.proposer) if proposal.proposer_id else frozenset()
    return _asked_by([a.name for a in proposal.target.organisers.all() if a.pk in theirs] if proposal.target else [])


def answer_organisers(proposal, user, *, accept):
    """An editor of the actors concerned accepts or declines an organiser request. Accepting
    names and removes those actors on the event as it is now (what changed meanwhile stays)."""
    if not may_answer_organisers(user, proposal):
        raise PermissionError
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        asked = organisers_asked(locked)
        if asked is None:
            raise ProposalError(_("This proposal was already decided."))
        named, removed = asked
        if accept:
            now = set(locked.target.organisers.values_list("slug", flat=True))
            locked.data = {**locked.data, "organisers": sorted((now | set(named)) - set(removed))}
            _apply(locked, user)
            locked.status = Status.APPROVED
        else:
            locked.status = Status.REJECTED
            locked.reason = _("The editors of the organisations concerned declined.")
        locked.decided_by, locked.decided_at = user, timezone.now()
        locked.save()
    if accept:
        _notify(locked, "proposals/email/approved", link=_target_link(locked))
    else:
        _notify(locked, "proposals/email/rejected")
    return locked


def _ask_editors(waiting):
    """Email the editors who may answer an organiser request (the moderators see it in their queue)."""
    asked = organisers_asked(waiting)
    if asked is None:
        return
    others = _others_concerned(waiting, asked)
    users = {e.user for e in Editorship.objects.filter(actor_id__in=others).select_related("user")}
    contexts = {}  # the same email for every editor of one language
    for user in users:
        # What may_answer_organisers checks, with the request's actors read once for all of them.
        if not (user.is_active and user.email and user.pk != waiting.proposer_id):
            continue
        if not (others and others <= permissions.edited_actor_ids(user)):
            continue
        lang = language_of(user)
        if lang not in contexts:
            with translation.override(lang):
                link = settings.SITE_URL.rstrip("/") + reverse("proposals:organiser_requests")
                contexts[lang] = {"event": str(waiting.target), "asked_by": _asker(waiting), "link": link}
                contexts[lang]["named"], contexts[lang]["removed"] = _names(asked[0]), _names(asked[1])
        mail.send(user.email, "proposals/email/organiser_request", contexts[lang], lang=lang)


def _names(slugs):
    """The actors' names in the current language, in the order of ``slugs``."""
    return [actor.name for actor in entries._vocabulary(entries.Actor, slugs)]


def confirmation_token(proposal):
    return signing.dumps(proposal.pk, salt=CONFIRM_SALT)


def send_confirmation(proposal):
    with translation.override(proposal.language):
        link = settings.SITE_URL.rstrip("/") + reverse("proposals:confirm", args=[confirmation_token(proposal)])
    mail.send(
        proposal.proposer_email,
        "proposals/email/confirm",
        {"proposal": proposal, "link": link},
        lang=proposal.language,
    )


def proposal_for_token(token):
    """The proposal a confirmation link stands for, or None when the link is invalid or expired."""
    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    return Proposal.objects.filter(pk=pk).first()


def confirm(token):
    """Confirm by the link of the confirmation email (its page's button: mail scanners open links):
    the proposal joins the moderation queue.

    Returns the proposal, or None when the link is invalid or expired.
    """
    proposal = proposal_for_token(token)
    if proposal is not None and proposal.status == Status.UNCONFIRMED:
        Proposal.objects.filter(pk=proposal.pk, status=Status.UNCONFIRMED).update(
            status=Status.PENDING, confirmed_at=timezone.now()
        )
        proposal.refresh_from_db()
    return proposal


# --- reviewing ---------------------------------------------------------------------------------


def current_values(proposal):
    target = proposal.target if proposal.target_id and not proposal.kind.startswith("new_") else None
    if proposal.kind in (Kind.PROJECT_UPDATE, Kind.PROBLEM) or target is None:
        return {}
    return entries.snapshot(target)


def diff(proposal, current=None):
    current = current_values(proposal) if current is None else current
    return entries.diff(proposal.kind, proposal.data, proposal.base, current)


def _reason_text(proposal):
    who = proposal.proposer.email if proposal.proposer_id else proposal.proposer_email or _("anonymous")
    return _("Proposal #%(number)s by %(who)s") % {"number": proposal.pk, "who": who}


def _apply(proposal, user):
    """Apply a proposal's values through the owners' write functions, in one change set (who
    decided, why, and the proposal's number); returns the object."""
    data, kind = proposal.data, proposal.kind
    target = proposal.target if proposal.target_id else None
    if kind.startswith("change_") and target is None:
        raise ProposalError(_("The entry this proposal is about no longer exists."))
    if kind.startswith("change_"):
        data = entries.changed_fields(data, proposal.base)
    try:
        with changes.recording(
            user=user, reason=_reason_text(proposal), source=changes.Source.PROPOSAL, source_id=proposal.pk
        ):
            if kind == Kind.NEW_ACTOR:
                obj = entries.apply_actor(None, data)
                if proposal.proposer_id and proposal.proposer_is_member:
                    add_editor(proposal.proposer, obj, Editorship.Via.CREATION)
            elif kind == Kind.CHANGE_ACTOR:
                obj = entries.apply_actor(target, data)
            elif kind == Kind.NEW_EVENT:
                obj = entries.apply_event(None, data)
            elif kind == Kind.CHANGE_EVENT:
                obj = entries.apply_event(target, data)
            elif kind == Kind.CHANGE_PROJECT:
                obj = entries.apply_project(target, data)
            elif kind == Kind.PROJECT_UPDATE:
                obj = entries.apply_update(target, data)
            else:
                obj = target
    except Exception as error:  # noqa: BLE001 - validation errors of any service
        messages = getattr(error, "messages", None) or [str(error)]
        raise ProposalError("; ".join(str(m) for m in messages)) from error
    if kind.startswith("new_") and obj is not None:
        proposal.target_type = ContentType.objects.get_for_model(type(obj))
        proposal.target_id = obj.pk
        proposal.target_label = str(obj)[:300]
    return obj


def _notify(proposal, template, **context):
    email = proposal.contact_email
    if email:
        mail.send(email, template, {"proposal": proposal, **context}, lang=proposal.language)


def _target_link(proposal):
    target = proposal.target if proposal.target_id else None
    if target is None or not hasattr(target, "get_absolute_url"):
        return ""
    with translation.override(proposal.language):
        return entries.site_url(target)


def _check_unchanged_since(proposal, shown):
    """Refuse when a field this approval writes changed after the moderator saw it: approving
    would undo that change unseen."""
    current = current_values(proposal)
    changes = entries.changed_fields(proposal.data, proposal.base)
    if any(not entries.same_value(current.get(name, ""), shown.get(name, "")) for name in changes):
        raise ProposalError(
            _("The page changed since you opened this proposal: look at the changes again, then decide.")
        )


def approve(proposal, moderator, *, data=None, shown=None):
    """Apply and close a proposal; ``data`` replaces the proposed values (edit then approve).

    ``shown``: the entry's values the moderator decided on (the review page's, or for a bulk
    approval those the proposer saw); a field to write that changed since is refused, not reverted.
    Raises ProposalError (translated) when it cannot be applied; nothing is changed then.
    """
    if not permissions.can_moderate(moderator):
        raise PermissionError
    if not proposal.is_open:
        raise ProposalError(_("This proposal was already decided."))
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if not locked.is_open:
            raise ProposalError(_("This proposal was already decided."))
        if data is not None and data != proposal.data:
            edited = sorted(k for k in set(data) | set(proposal.data) if data.get(k) != proposal.data.get(k))
            ProposalComment.objects.create(
                proposal=proposal,
                author=moderator,
                text=_("Edited before approval: %(fields)s") % {"fields": ", ".join(edited)},
            )
            proposal.data = data
        if shown is not None and proposal.kind.startswith("change_"):
            _check_unchanged_since(proposal, shown)
        _apply(proposal, moderator)
        proposal.status = Status.APPROVED
        proposal.decided_by, proposal.decided_at = moderator, timezone.now()
        proposal.save()
    _notify(proposal, "proposals/email/approved", link=_target_link(proposal))
    return proposal


def reject(proposal, moderator, reason):
    if not permissions.can_moderate(moderator):
        raise PermissionError
    if not proposal.is_open:
        raise ProposalError(_("This proposal was already decided."))
    if not (reason or "").strip():
        raise ProposalError(_("Please give a reason: it is sent to the person who proposed."))
    updated = Proposal.objects.filter(pk=proposal.pk, status__in=[Status.UNCONFIRMED, Status.PENDING]).update(
        status=Status.REJECTED, decided_by=moderator, decided_at=timezone.now(), reason=reason.strip()
    )
    if not updated:
        raise ProposalError(_("This proposal was already decided."))
    proposal.refresh_from_db()
    _notify(proposal, "proposals/email/rejected")
    return proposal


def assign(proposal_ids, moderator, assignee):
    if not permissions.can_moderate(moderator):
        raise PermissionError
    return Proposal.objects.filter(pk__in=proposal_ids).update(assigned_to=assignee)


def comment(proposal, author, text):
    if not permissions.can_moderate(author):
        raise PermissionError
    return ProposalComment.objects.create(proposal=proposal, author=author, text=text.strip())


def bulk(action, proposal_ids, moderator, *, reason=""):
    """Approve or reject several proposals; returns (done, [(proposal, error message)])."""
    done, failed = 0, []
    for proposal in Proposal.objects.filter(pk__in=proposal_ids).order_by("created"):
        try:
            if action == "approve":
                # Nobody saw the entry: it must be as the proposer saw it.
                approve(proposal, moderator, shown=proposal.base)
            else:
                reject(proposal, moderator, reason)
            done += 1
        except ProposalError as error:
            failed.append((proposal, str(error)))
    return done, failed


# --- the queue ---------------------------------------------------------------------------------


def queue(*, status=Status.PENDING, kind="", assigned=None, user=None):
    """Proposals for the moderators' list, oldest first (decided ones: newest first)."""
    # The list shows neither the proposed values nor the messages: leave the big columns behind.
    qs = (
        Proposal.objects.filter(status=status)
        .select_related("proposer", "assigned_to")
        .defer("data", "base", "message", "reason")
    )
    if kind:
        qs = qs.filter(kind=kind)
    if assigned == "me" and user is not None:
        qs = qs.filter(assigned_to=user)
    elif assigned == "nobody":
        qs = qs.filter(assigned_to__isnull=True)
    return qs.order_by("created" if status in (Status.PENDING, Status.UNCONFIRMED) else "-decided_at")


def with_comment_counts(proposals):
    """Each proposal of a page gets ``comment_count``: one grouped query for the page only
    (annotating the whole queue would count comments of thousands of rows)."""
    counts = dict(
        ProposalComment.objects.filter(proposal_id__in=[p.pk for p in proposals])
        .values_list("proposal_id")
        .annotate(n=Count("pk"))
        .values_list("proposal_id", "n")
    )
    for proposal in proposals:
        proposal.comment_count = counts.get(proposal.pk, 0)
    return proposals


def queue_counts():
    rows = Proposal.objects.values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}
