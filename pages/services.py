"""What the home page summarises: counts by commune and theme, what is coming up, what is new."""

from django.db.models import Count, Q

from agenda import services as agenda
from directory.models import Actor, Theme
from maillage.filters import ParsedFilters
from projects.services import latest_updates
from territory.models import Commune


def counts_by_commune():
    return list(
        Commune.objects.annotate(n=Count("actors", filter=~Q(actors__status=Actor.Status.CLOSED))).order_by("name")
    )


def counts_by_theme():
    return list(
        Theme.objects.filter(parent=None)
        .annotate(n=Count("actors", filter=~Q(actors__status=Actor.Status.CLOSED)))
        .order_by("position", "name")
    )


def home_summary():
    return {
        "communes": counts_by_commune(),
        "themes": counts_by_theme(),
        "upcoming": agenda.upcoming(ParsedFilters(), limit=6)[:6],
        "updates": latest_updates(5),
        "actor_total": Actor.objects.exclude(status=Actor.Status.CLOSED).count(),
    }
