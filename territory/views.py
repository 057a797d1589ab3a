import json

from django.core.cache import cache
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from . import services


@require_GET
def communes_geojson(request):
    body = cache.get("territory:communes-geojson")
    if body is None:
        body = json.dumps(services.communes_geojson(), ensure_ascii=False, separators=(",", ":"))
        cache.set("territory:communes-geojson", body, 3600)
    response = HttpResponse(body, content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response
