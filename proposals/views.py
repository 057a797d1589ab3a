"""Views (thin: they call services)."""

from django.http import Http404
from django.shortcuts import render


def _todo(request, *args, **kwargs):
    raise Http404


contribute = new = change = report = project_update = sent = confirm = queue = review = _todo


def how_to_publish(request):
    return render(request, "proposals/how_to_publish.html", {})
