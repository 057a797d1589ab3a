"""Views (thin: they call services)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def profile(request):
    return render(request, "accounts/profile.html", {})


def privacy(request):
    return render(request, "accounts/privacy.html", {})
