"""Accounts: profiles, claims on existing entries, invitations of colleagues (the user's own data,
exported or deleted, gathers from every app: ``accounts.privacy``, in the top layer).

Signed links (``django.core.signing``) carry a claim or an invitation: they are valid for
``LINK_MAX_AGE`` and only while the claim is pending / the invitation unused.
"""

import datetime

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from maillage import ratelimit
from maillage.mail import send

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
