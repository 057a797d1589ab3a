"""Views (thin: they call services)."""

from django.shortcuts import render


def charter(request):
    return render(request, "charter/charter.html", {})
