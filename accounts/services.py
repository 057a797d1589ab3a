"""Accounts: profiles, claims on existing entries, invitations of colleagues, the user's own data.

Signed links (``django.core.signing``) carry a claim or an invitation: they are valid for
``LINK_MAX_AGE`` and only while the claim is pending / the invitation unused.
"""

import datetime

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import serializers, signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from charter.models import CharterAcceptance
from directory.models import Actor
from maillage import ratelimit
from maillage.mail import send
from proposals.entries import CONTACT_PERSON
from proposals.models import Proposal, ProposalComment

from . import permissions
from .models import Claim, Editorship, Invitation, Profile

LINK_MAX_AGE = datetime.timedelta(days=7)
CLAIM_PERIOD = 24 * 3600  # the claims' rate limits count per day
CLAIM_SALT = "accounts.claim"
INVITATION_SALT = "accounts.invitation"


class LinkError(Exception):
    """A signed link that is malformed, expired or already used."""


class ClaimError(Exception):
    pass


class TooManyClaims(ClaimError):
    """The person made ``CLAIM_RATE_LIMIT`` claims today: nothing is recorded or sent."""


class InvitationError(Exception):
    """An invitation that cannot be accepted; accept_invitation's messages are for the person
    invited (translated)."""


# Profiles -------------------------------------------------------------------------------------


def profile_for(user):
    """The user's profile, created on first use."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        profile, _created = Profile.objects.get_or_create(
            user=user, defaults={"language": translation.get_language() or settings.LANGUAGE_CODE}
        )
        user.profile = profile
        return profile


def update_profile(user, *, display_name, language):
    profile = profile_for(user)
    profile.display_name = display_name.strip()
    profile.language = language
    profile.save()
    return profile


def display_name(user):
    """The name a user chose, or their email address."""
    try:
        name = user.profile.display_name
    except Profile.DoesNotExist:
        name = ""
    return name or user.email or user.get_username()


def language_of(user):
    try:
        return user.profile.language
    except Profile.DoesNotExist:
        return settings.LANGUAGE_CODE


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def _url_in(lang, viewname, *args):
    with translation.override(lang):
        return absolute(reverse(viewname, args=args))


# Editorships ----------------------------------------------------------------------------------


def add_editor(user, actor, via):
    """Make ``user`` an editor of ``actor`` (idempotent)."""
    editorship, _created = Editorship.objects.get_or_create(user=user, actor=actor, defaults={"via": via})
    permissions.forget(user)
    return editorship


def editors_of(actor):
    return Editorship.objects.filter(actor=actor).select_related("user", "user__profile").order_by("created")


# Claims ---------------------------------------------------------------------------------------


def pending_claim(user, actor):
    if not user.is_authenticated:
        return None
    return Claim.objects.filter(user=user, actor=actor, status=Claim.Status.PENDING).first()


def create_claim(user, actor, message=""):
    """``user`` says ``actor`` is their organisation. If the actor has a public email, a signed
    link goes there; whoever reads that mailbox confirms. Moderators see every pending claim.

    Neither a person nor a mailbox is flooded: a person makes at most ``CLAIM_RATE_LIMIT`` claims a
    day (``TooManyClaims``), and an entry's address gets at most ``CLAIM_EMAIL_RATE_LIMIT`` links a
    day; later claims wait for a moderator (``claim.link_sent`` says whether a link went out).
    """
    if actor.pk in permissions.edited_actor_ids(user):
        raise ClaimError("already an editor")
    existing = pending_claim(user, actor)
    if existing:
        existing.link_sent = False
        return existing
    if ratelimit.hit("claim", f"user:{user.pk}", limit=settings.CLAIM_RATE_LIMIT, period=CLAIM_PERIOD):
        raise TooManyClaims
    claim = Claim.objects.create(user=user, actor=actor, message=message.strip())
    claim.link_sent = bool(actor.email) and not ratelimit.hit(
        "claim-email", f"actor:{actor.pk}", limit=settings.CLAIM_EMAIL_RATE_LIMIT, period=CLAIM_PERIOD
    )
    if claim.link_sent:
        send_claim_link(claim)
    return claim


def claim_token(claim):
    # The address is signed too: a link sent to an old address stops working when it changes.
    return signing.dumps({"claim": claim.pk, "email": claim.actor.email.lower()}, salt=CLAIM_SALT)


def send_claim_link(claim):
    lang = translation.get_language() or settings.LANGUAGE_CODE
    send(
        claim.actor.email,
        "accounts/email/claim_confirm",
        {
            "claim": claim,
            "actor": claim.actor,
            "claimer": display_name(claim.user),
            "claimer_email": claim.user.email,
            "url": _url_in(lang, "accounts:claim_confirm", claim_token(claim)),
            "days": LINK_MAX_AGE.days,
        },
        lang=lang,
        reply_to=[claim.user.email] if claim.user.email else None,
    )


def claim_from_token(token):
    """The pending claim a link stands for, or ``LinkError``."""
    try:
        data = signing.loads(token, salt=CLAIM_SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkError("expired") from None
    except signing.BadSignature:
        raise LinkError("invalid") from None
    claim = Claim.objects.select_related("actor", "user").filter(pk=data.get("claim")).first()
    if claim is None or claim.actor.email.lower() != data.get("email"):
        raise LinkError("invalid")
    if claim.status != Claim.Status.PENDING:
        raise LinkError("used")
    return claim


@transaction.atomic
def accept_claim(claim, *, by=None):
    """Accept a pending claim: through the actor's email link (``by`` is None) or by a moderator."""
    claim = Claim.objects.select_for_update().select_related("actor", "user").get(pk=claim.pk)
    if claim.status != Claim.Status.PENDING:
        raise ClaimError("already decided")
    claim.status = Claim.Status.ACCEPTED
    claim.decided_at = timezone.now()
    claim.decided_by = by
    claim.save()
    via = Editorship.Via.CLAIM_MODERATOR if by else Editorship.Via.CLAIM_EMAIL
    add_editor(claim.user, claim.actor, via)
    _tell_claimer(claim)
    return claim


@transaction.atomic
def reject_claim(claim, *, by=None, reason=""):
    """Reject a pending claim; the claimer receives the reason. ``by`` is None when the actor's
    mailbox declined it."""
    claim = Claim.objects.select_for_update().select_related("actor", "user").get(pk=claim.pk)
    if claim.status != Claim.Status.PENDING:
        raise ClaimError("already decided")
    claim.status = Claim.Status.REJECTED
    claim.decided_at = timezone.now()
    claim.decided_by = by
    claim.reason = reason.strip()
    claim.save()
    _tell_claimer(claim)
    return claim


def _tell_claimer(claim):
    if not claim.user.email:
        return
    lang = language_of(claim.user)
    send(
        claim.user.email,
        "accounts/email/claim_decided",
        {
            "claim": claim,
            "actor": claim.actor,
            "accepted": claim.status == Claim.Status.ACCEPTED,
            "by_moderator": claim.decided_by_id is not None,
            "actor_url": _url_in(lang, "directory:actor", claim.actor.slug),
            "profile_url": _url_in(lang, "accounts:profile"),
        },
        lang=lang,
    )


def pending_claims():
    """The moderators' list, oldest first (the longest waiting come first)."""
    return (
        Claim.objects.filter(status=Claim.Status.PENDING)
        .select_related("actor", "user", "user__profile")
        .order_by("created")
    )


def recent_decisions(limit=20):
    return (
        Claim.objects.exclude(status=Claim.Status.PENDING)
        .select_related("actor", "user", "user__profile", "decided_by", "decided_by__profile")
        .order_by("-decided_at")[:limit]
    )


# Invitations ----------------------------------------------------------------------------------


def invite(actor, email, invited_by, message=""):
    """An editor invites a colleague to edit ``actor``; a signed link goes to ``email``."""
    email = email.strip()
    if Editorship.objects.filter(actor=actor, user__email__iexact=email).exists():
        raise InvitationError("already an editor")
    invitation = Invitation.objects.create(actor=actor, email=email, invited_by=invited_by)
    lang = translation.get_language() or settings.LANGUAGE_CODE
    send(
        email,
        "accounts/email/invitation",
        {
            "invitation": invitation,
            "actor": actor,
            "inviter": display_name(invited_by),
            "message": message.strip(),
            "url": _url_in(lang, "accounts:invitation_accept", invitation_token(invitation)),
            "days": LINK_MAX_AGE.days,
        },
        lang=lang,
        reply_to=[invited_by.email] if invited_by.email else None,
    )
    return invitation


def invitation_token(invitation):
    return signing.dumps({"invitation": invitation.pk}, salt=INVITATION_SALT)


def invitation_from_token(token):
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkError("expired") from None
    except signing.BadSignature:
        raise LinkError("invalid") from None
    invitation = Invitation.objects.select_related("actor", "invited_by").filter(pk=data.get("invitation")).first()
    if invitation is None:
        raise LinkError("invalid")
    if invitation.accepted_at:
        raise LinkError("used")
    return invitation


def has_verified_email(user, email):
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def check_inviter(invitation):
    """``InvitationError`` when the person who invited may no longer invite for the actor (their
    editorship was removed, their account deactivated): their links stop working with them."""
    if not permissions.can_invite(invitation.invited_by, invitation.actor):
        raise InvitationError(
            _(
                "The person who invited you no longer edits this entry, so the invitation is no longer valid. "
                "Ask one of its current editors or a moderator for a new one."
            )
        )


@transaction.atomic
def accept_invitation(invitation, user):
    """``user`` accepts; they must own the invited address (verified), and the inviter must still
    be allowed to invite."""
    invitation = Invitation.objects.select_for_update().select_related("actor", "invited_by").get(pk=invitation.pk)
    if invitation.accepted_at:
        raise InvitationError(_("This invitation was already accepted."))
    if not has_verified_email(user, invitation.email):
        raise InvitationError(_("This invitation was sent to another address."))
    check_inviter(invitation)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save()
    return add_editor(user, invitation.actor, Editorship.Via.INVITATION)


# The user's own data --------------------------------------------------------------------------


def _serialize(queryset, exclude=()):
    rows = []
    for row in serializers.serialize("python", queryset):
        fields = {name: value for name, value in row["fields"].items() if name not in exclude}
        rows.append({"id": row["pk"], **fields})
    return rows


def _verified_emails(user):
    return list(EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True))


def _proposals_of(user):
    """The user's proposals: made signed in, or before signing up with an address they own."""
    mine = Q(proposer=user)
    emails = _verified_emails(user)
    if emails:
        by_email = Q()
        for email in emails:
            by_email |= Q(proposer_email__iexact=email)
        mine |= Q(proposer__isnull=True) & by_email
    return Proposal.objects.filter(mine)


def export_data(user):
    """Everything the site keeps about ``user``, as JSON-ready data."""
    profile = profile_for(user)
    return {
        "account": {
            "email": user.email,
            "name": profile.display_name,
            "preferred_language": profile.language,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in EmailAddress.objects.filter(user=user).order_by("email")
            ],
        },
        "editorships": [
            {"actor": e.actor.name, "actor_slug": e.actor.slug, "via": e.via, "since": e.created}
            for e in Editorship.objects.filter(user=user).select_related("actor")
        ],
        "claims": [
            {
                "actor": c.actor.name,
                "actor_slug": c.actor.slug,
                "message": c.message,
                "status": c.status,
                "reason": c.reason,
                "created": c.created,
                "decided_at": c.decided_at,
            }
            for c in Claim.objects.filter(user=user).select_related("actor")
        ],
        "invitations_sent": [
            {"actor": i.actor.name, "email": i.email, "created": i.created, "accepted_at": i.accepted_at}
            for i in Invitation.objects.filter(invited_by=user).select_related("actor")
        ],
        "invitations_accepted": [
            {"actor": i.actor.name, "email": i.email, "accepted_at": i.accepted_at}
            for i in Invitation.objects.filter(accepted_by=user).select_related("actor")
        ],
        "charter_acceptances": [
            {"version": a.version_id, "version_published_at": a.version.published_at, "accepted_at": a.accepted_at}
            for a in CharterAcceptance.objects.filter(user=user).select_related("version")
        ],
        "changes": _changes_by(user),
        # Internal notes of the watch group (assignment, who decided, possible duplicates) stay out.
        "proposals": _proposals_export(user),
        "proposal_comments": _serialize(ProposalComment.objects.filter(author=user).order_by("pk")),
    }


def _proposals_export(user):
    """The user's proposals. A contact person who did not agree to be shown is not their data: it
    was only the starting point of their form (proposals made before it was withheld kept it)."""
    proposals = list(_proposals_of(user).order_by("pk"))
    rows = _serialize(proposals, exclude={"assigned_to", "decided_by", "duplicates"})
    actor_type = ContentType.objects.get_for_model(Actor)
    actor_ids = {p.target_id for p in proposals if p.target_type_id == actor_type.pk}
    # Consent now says nothing of the values then: only editors and moderators keep them.
    shown = {
        actor.pk for actor in Actor.all_objects.filter(pk__in=actor_ids) if permissions.can_edit_actor(user, actor)
    }
    for proposal, row in zip(proposals, rows, strict=True):
        if proposal.target_type_id == actor_type.pk and proposal.target_id in shown:
            continue
        base, data = dict(row["base"] or {}), dict(row["data"] or {})
        for name in CONTACT_PERSON:
            if name in base:
                # What they typed is theirs; what the form was prefilled with is not.
                if name in data and data[name] == base[name]:
                    data[name] = ""
                del base[name]
        row["base"], row["data"] = base, data
    return rows


def _changes_by(user):
    """The versions the user made (what changed lives in the public pages' history)."""
    from simple_history.models import registered_models

    changes = []
    for model in registered_models.values():
        history = getattr(model, "history", None)
        if history is None:
            continue
        for row in history.filter(history_user=user).values("id", "history_date", "history_type"):
            changes.append(
                {
                    "object": f"{model._meta.app_label}.{model._meta.model_name}",
                    "object_id": row["id"],
                    "date": row["history_date"],
                    "type": {"+": "created", "~": "changed", "-": "deleted"}.get(row["history_type"]),
                }
            )
    changes.sort(key=lambda c: c["date"])
    return changes


@transaction.atomic
def delete_account(user):
    """Delete the user and what belongs only to them. The entries they edited stay; their
    versions in the history lose the link to the user (``history_user`` becomes NULL), and so do
    their proposals, which also lose the name and address typed in them."""
    _proposals_of(user).update(proposer_name="", proposer_email="")
    get_user_model().objects.filter(pk=user.pk).delete()
