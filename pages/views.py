from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import easy, services


@require_GET
def home(request):
    return render(request, "pages/home.html", services.home_summary())


# Exempt from CSRF on purpose: the switch only changes how pages look for this browser (a forged
# post could at worst turn large text on), and a token in every page's header would set a CSRF
# cookie on every first visit and keep shared caches from storing public pages.
@csrf_exempt
@require_POST
def easy_reading(request):
    """Turn easy reading on (``easy=1``) or off (``easy=0``), then go back to the page the visitor was on.

    Without ``easy`` the choice is toggled. ``next`` is followed only when it stays on this site.
    """
    choice = request.POST.get("easy")
    on = not easy.is_on(request) if choice not in ("0", "1") else choice == "1"
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("pages:home")
    response = HttpResponseRedirect(target)
    if on:
        response.set_cookie(
            easy.COOKIE,
            "1",
            max_age=easy.MAX_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
        )
    else:
        response.delete_cookie(easy.COOKIE, samesite="Lax")
    return response
