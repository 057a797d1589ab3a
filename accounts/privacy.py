"""The user's own data: everything the site keeps about them, exported as JSON or deleted with the
account. It gathers from every app that keeps personal data (proposals, the charter, the history),
so it sits in the top layer with the views, not in ``accounts.services``, which the apps call.
"""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import transaction
from django.db.models import Q

from charter.models import CharterAcceptance
from directory.models import Actor
from proposals.entries import CONTACT_PERSON
from proposals.models import Proposal, ProposalComment

from . import permissions
from .models import Claim, Editorship, Invitation
from .services import profile_for


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
