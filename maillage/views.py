from django.shortcuts import render


def not_found(request, exception=None):
    """A translated 404 in the site's layout; the message never echoes the address typed."""
    return render(request, "404.html", status=404)
