from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET


def not_found(request, exception=None):
    """A translated 404 in the site's layout; the message never echoes the address typed."""
    return render(request, "404.html", status=404)


@require_GET
def robots_txt(request):
    """/robots.txt: crawlers keep out of the pages named in ``settings.ROBOTS_DISALLOW`` (URL names), in
    every language (the print pages: each GET there may typeset a document). Names, not imports:
    the kernel does not know the apps above it."""
    lines = ["User-agent: *"]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            lines.extend(f"Disallow: {reverse(name)}" for name in settings.ROBOTS_DISALLOW)
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def healthz(request):
    """For load balancers and ``make bench``: the process answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
