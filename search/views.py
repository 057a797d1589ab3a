from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import services


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()[:200]
    results = services.search(query)
    found = any(results[key] for key in services.KINDS)
    return render(request, "search/results.html", {"query": query, "results": results, "found": found})
