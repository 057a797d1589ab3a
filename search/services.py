"""Search across actors, events and projects: accent- and case-insensitive, in every language.

Each object keeps folded copies of its names (``search_name``) and texts (``search_text``) in all
languages; every word of the query must appear in one of them. A match in the name ranks first,
then a name starting with the query.
"""

from django.db.models import Case, IntegerField, Q, Value, When

from agenda.models import Event
from directory.models import Actor
from maillage.text import fold
from projects.models import Project

MAX_TOKENS = 8


def tokens(query):
    return fold(query).split()[:MAX_TOKENS]


def _ranked(qs, words, phrase):
    for word in words:
        qs = qs.filter(Q(search_name__contains=word) | Q(search_text__contains=word))
    score = Case(
        When(search_name__startswith=phrase, then=Value(0)),
        When(search_name__contains=phrase, then=Value(1)),
        When(search_name__contains=words[0], then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return qs.annotate(score=score)


def search(query, *, limit=10):
    """{'actors': [...], 'events': [...], 'projects': [...], 'query': folded} (each ranked)."""
    words = tokens(query)
    if not words:
        return {"actors": [], "events": [], "projects": [], "words": []}
    phrase = " ".join(words)
    actors = _ranked(Actor.objects.select_related("commune"), words, phrase).order_by("score", "name_fr")
    events = _ranked(Event.objects.all(), words, phrase).order_by("score", "-start")
    projects = _ranked(Project.objects.all(), words, phrase).order_by("score", "-start_date")
    return {
        "actors": list(actors[:limit]),
        "events": list(events[:limit]),
        "projects": list(projects[:limit]),
        "words": words,
    }
