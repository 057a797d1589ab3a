import json

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from . import services


@require_GET
def communes_geojson(request):
    """Commune outlines for the maps, with names in the page's language (a few milliseconds)."""
    body = json.dumps(services.communes_geojson(), ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body, content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response
