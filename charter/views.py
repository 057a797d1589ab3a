"""Views (thin: they call services)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .models import CharterVersion


def _safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def charter(request):
    version = services.current()
    return render(
        request,
        "charter/charter.html",
        {
            "version": version,
            "earlier": [v for v in services.published_versions() if version and v.pk != version.pk],
            "needs_acceptance": services.needs_acceptance(request.user),
            "accepted": services.last_acceptance(request.user),
            "next": _safe_next(request, ""),
        },
    )


def version(request, pk):
    try:
        shown = services.published_versions().get(pk=pk)
    except CharterVersion.DoesNotExist:
        raise Http404 from None
    current = services.current()
    return render(request, "charter/version.html", {"version": shown, "is_current": shown.pk == current.pk})


@login_required
@require_POST
def accept(request):
    """The signed-in user accepts the current version, then goes back to what they were doing."""
    version = services.current()
    page = reverse("charter:charter")
    target = _safe_next(request, "")
    if version is None:
        return redirect(target or page)
    if str(version.pk) != request.POST.get("version"):
        # The charter changed while the page was open: show the new text first.
        messages.warning(request, _("The charter has just changed: please read the new version."))
        return redirect(page + (f"?{urlencode({'next': target})}" if target else ""))
    services.record_acceptance(request.user, version)
    messages.success(request, _("Thank you: you accepted the charter."))
    return redirect(target or page)
