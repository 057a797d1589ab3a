"""Views (thin: they call services)."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from charter import services as charter_services
from directory.models import Actor

from . import permissions, services
from .forms import ClaimDecisionForm, ClaimForm, DeleteAccountForm, InvitationForm, ProfileForm
from .models import Claim, Editorship, Invitation
from .permissions import moderator_required
from .privacy import delete_account, export_data

# Profile --------------------------------------------------------------------------------------


@login_required
def profile(request):
    user = request.user
    current = services.profile_for(user)
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=current)
        if form.is_valid():
            services.update_profile(
                user, display_name=form.cleaned_data["display_name"], language=form.cleaned_data["language"]
            )
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile")
    else:
        form = ProfileForm(instance=current)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "editorships": Editorship.objects.filter(user=user).select_related("actor").order_by("actor__name"),
            "claims": Claim.objects.filter(user=user).select_related("actor"),
            "invitations": Invitation.objects.filter(invited_by=user).select_related("actor")[:20],
            "charter_needed": charter_services.needs_acceptance(user),
            "charter_accepted": charter_services.last_acceptance(user),
            "can_moderate": permissions.can_moderate(user),
            "pending_claims": services.pending_claims().count() if permissions.can_moderate(user) else 0,
        },
    )


@login_required
def export(request):
    data = export_data(request.user)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"maillage-my-data-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def delete(request):
    user = request.user
    if request.method == "POST":
        form = DeleteAccountForm(request.POST, user=user)
        if form.is_valid():
            delete_account(user)
            logout(request)
            messages.success(request, _("Your account and your personal data are deleted. Goodbye!"))
            return redirect("pages:home")
    else:
        form = DeleteAccountForm(user=user)
    return render(request, "accounts/delete.html", {"form": form})


def privacy(request):
    return render(request, "accounts/privacy.html", {"contact_email": settings.CONTACT_EMAIL})


# Claims ---------------------------------------------------------------------------------------


@login_required
def claim(request, slug):
    actor = get_object_or_404(Actor, slug=slug)
    if actor.pk in permissions.edited_actor_ids(request.user):
        messages.info(request, _("You already edit this entry."))
        return redirect(actor.get_absolute_url())
    pending = services.pending_claim(request.user, actor)
    if request.method == "POST" and not pending:
        form = ClaimForm(request.POST)
        if form.is_valid():
            try:
                claim = services.create_claim(request.user, actor, form.cleaned_data["message"])
            except services.TooManyClaims:
                messages.error(request, _("You made many claims today: please try again tomorrow."))
                return render(request, "accounts/claim.html", {"actor": actor, "form": form}, status=429)
            if claim.link_sent:
                messages.success(
                    request,
                    _(
                        "Thank you. We sent a confirmation link to %(email)s. As soon as someone there "
                        "follows it, you can edit the entry. A moderator may also confirm your claim."
                    )
                    % {"email": actor.email},
                )
            elif actor.email:
                messages.success(
                    request,
                    _(
                        "Thank you. Many claims were made for this entry today, so no link was sent to its "
                        "address this time: a moderator will check your claim and let you know by email."
                    ),
                )
            else:
                messages.success(request, _("Thank you. A moderator will check your claim and let you know by email."))
            return redirect("accounts:profile")
    else:
        form = ClaimForm()
    return render(request, "accounts/claim.html", {"actor": actor, "form": form, "pending": pending})


def claim_confirm(request, token):
    """The link sent to the actor's public email: whoever reads that mailbox confirms or declines
    (signed in or not: the signed token identifies the claim). A button, not the link itself,
    decides, so mail scanners that open links change nothing."""
    try:
        pending = services.claim_from_token(token)
    except services.LinkError as error:
        return render(request, "accounts/link_invalid.html", {"reason": str(error)}, status=400)
    decision = request.POST.get("decision") if request.method == "POST" else None
    if decision == "decline":
        services.reject_claim(pending, reason=_("The organisation declined the claim from its public address."))
        messages.info(request, _("Thank you: the claim is declined. Nobody was given access."))
        return redirect(pending.actor.get_absolute_url())
    if decision == "accept":
        services.accept_claim(pending)
        messages.success(
            request,
            _("Thank you: %(name)s can now edit the entry.") % {"name": services.display_name(pending.user)},
        )
        return redirect(pending.actor.get_absolute_url())
    # A GET, or a POST without one of the two buttons: the page again, nothing decided.
    return render(
        request,
        "accounts/claim_confirm.html",
        {"claim": pending, "actor": pending.actor, "claimer": services.display_name(pending.user), "token": token},
        status=400 if request.method == "POST" else 200,
    )


def _claims_page(request, bound=None, status=200):
    claims = list(services.pending_claims())
    for item in claims:
        item.form = (
            bound if bound is not None and bound.claim_pk == item.pk else ClaimDecisionForm(prefix=f"c{item.pk}")
        )
        item.claimer = services.display_name(item.user)
    return render(
        request,
        "accounts/claims.html",
        {"claims": claims, "decided": services.recent_decisions()},
        status=status,
    )


@moderator_required
def claims(request):
    return _claims_page(request)


@moderator_required
@require_POST
def claim_decide(request, pk):
    item = get_object_or_404(Claim, pk=pk)
    form = ClaimDecisionForm(request.POST, prefix=f"c{pk}")
    form.claim_pk = item.pk
    if item.status != Claim.Status.PENDING:
        messages.warning(request, _("This claim was already decided."))
        return redirect("accounts:claims")
    if not form.is_valid():
        return _claims_page(request, bound=form, status=400)
    if form.cleaned_data["decision"] == "accept":
        services.accept_claim(item, by=request.user)
        messages.success(request, _("Claim accepted: %(user)s now edits %(actor)s.") % _names(item))
    else:
        services.reject_claim(item, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Claim rejected; %(user)s was told why.") % _names(item))
    return redirect("accounts:claims")


def _names(item):
    return {"user": services.display_name(item.user), "actor": item.actor.name}


# Invitations ----------------------------------------------------------------------------------


@login_required
def invite(request, slug):
    actor = get_object_or_404(Actor, slug=slug)
    if not permissions.can_invite(request.user, actor):
        raise PermissionDenied
    if request.method == "POST":
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                services.invite(actor, form.cleaned_data["email"], request.user, form.cleaned_data["message"])
            except services.InvitationError:
                form.add_error("email", _("This person already edits this entry."))
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
                return redirect(actor.get_absolute_url())
    else:
        form = InvitationForm()
    editors = services.editors_of(actor)
    for editorship in editors:
        editorship.name = services.display_name(editorship.user)
    return render(request, "accounts/invite.html", {"actor": actor, "form": form, "editors": editors})


@login_required
def invitation_accept(request, token):
    try:
        invitation = services.invitation_from_token(token)
    except services.LinkError as error:
        return render(request, "accounts/link_invalid.html", {"reason": str(error)}, status=400)
    owns_address = services.has_verified_email(request.user, invitation.email)
    try:
        services.check_inviter(invitation)  # before the button: a revoked editor's link is void
        if request.method == "POST" and owns_address:
            services.accept_invitation(invitation, request.user)
            messages.success(request, _("Welcome! You now edit %(actor)s.") % {"actor": invitation.actor.name})
            return redirect(invitation.actor.get_absolute_url())
    except services.InvitationError as exc:
        error = str(exc)
    else:
        error = None
    return render(
        request,
        "accounts/invitation_accept.html",
        {
            "invitation": invitation,
            "actor": invitation.actor,
            "inviter": services.display_name(invitation.invited_by),
            "owns_address": owns_address,
            "error": error,
            "already_editor": invitation.actor.pk in permissions.edited_actor_ids(request.user),
            "email_url": reverse("account_email"),
        },
        status=403 if error or (request.method == "POST" and not owns_address) else 200,
    )
