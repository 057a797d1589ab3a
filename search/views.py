from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import services


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()[:200]
    return render(request, "search/results.html", {"query": query, "results": services.search(query)})
