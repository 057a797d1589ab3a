"""What the home page summarises: counts by commune and theme, what is coming up, what is new."""

import datetime as dt

from django.utils import timezone

from agenda import services as agenda
from directory import bitsets
from directory.models import Actor
from directory.services import vocabularies
from maillage.filters import ParsedFilters
from projects.services import latest_updates


def home_summary():
    """Counts of open (not closed) actors by commune and top theme, read from the index."""
    idx = bitsets.current()
    vocab = vocabularies(idx.version)  # the data version is read once
    open_actors = idx.all & ~idx.group_mask("status", [Actor.Status.CLOSED])
    communes = [(c, (open_actors & idx.masks.get(("commune", c.pk), 0)).bit_count()) for c in vocab["communes"]]
    themes = [(t, (open_actors & idx.masks.get(("theme", t.pk), 0)).bit_count()) for t in vocab["top_themes"]]
    return {
        "communes": communes,
        "themes": themes,
        "upcoming": coming_up(6),
        "updates": latest_updates(5),
        "actor_total": open_actors.bit_count(),
    }


def coming_up(limit):
    """The next occurrences from today on, as the agenda lists them after the events still running
    from earlier days; the home leaves those out, so it does not read them (agenda.upcoming would)."""
    day = timezone.now().astimezone(agenda.TZ).date()
    day_start = dt.datetime.combine(day, dt.time(0), tzinfo=agenda.TZ)
    occurrences = agenda._occurrences(ParsedFilters()).filter(start__gte=day_start)
    return list(occurrences.order_by("start", "pk")[:limit])
