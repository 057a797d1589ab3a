"""Views (thin: they call services)."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import can_moderate
from directory.models import Actor
from maillage.pagination import page_of_request

from . import services

PAGE_SIZE = 50


def _moderators_only(request):
    """None when allowed; else the answer (sign in first, or 403)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_moderate(request.user):
        raise PermissionDenied
    return None


@require_http_methods(["GET", "POST"])
def still_correct(request, token):
    """The link of a reminder: GET asks for confirmation (mail scanners follow links), POST marks
    the actor verified today. The link answers its reminder once; then it only says so."""
    try:
        actor = services.reminder_for_token(token).actor
    except services.InvalidToken as exc:
        return render(request, "freshness/invalid_link.html", {"expired": exc.expired, "used": exc.used}, status=400)
    if request.method == "POST":
        services.mark_verified(actor)
        messages.success(request, _("Thank you! This entry is marked as verified today."))
        return redirect(actor.get_absolute_url())
    return render(request, "freshness/still_correct.html", {"actor": actor})


def to_verify(request):
    denied = _moderators_only(request)
    if denied:
        return denied
    page = page_of_request(request.GET, services.to_verify(), PAGE_SIZE)
    return render(
        request,
        "freshness/to_verify.html",
        {"page": page, "actors": page.object_list, "query": [], "fresh_since": services.fresh_since()},
    )


@require_POST
def mark_verified(request, pk):
    denied = _moderators_only(request)
    if denied:
        return denied
    actor = get_object_or_404(Actor, pk=pk)
    services.mark_verified(actor)
    messages.success(request, _("“%(name)s” is marked as verified today.") % {"name": actor.name})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        back = "freshness:to_verify"
    return redirect(back)


def dashboard(request):
    """Public: aggregate figures only, no personal data."""
    return render(request, "freshness/dashboard.html", services.dashboard())
