"""Search across actors, events and projects, ranked by the full-text index (search/index.py)."""

from agenda.models import Event
from directory.models import Actor
from projects.models import Project

from . import index
from .models import Document


def _in_order(model, ids, related=()):
    found = model.objects.select_related(*related).in_bulk(ids)
    return [found[i] for i in ids if i in found]


def search(query, *, limit=10):
    """{'actors': [...], 'events': [...], 'projects': [...], 'words': [...]}, best first."""
    words = index.query_words(query)
    if not words:
        return {"actors": [], "events": [], "projects": [], "words": []}
    return {
        "actors": _in_order(Actor, index.match_ids(Document.Kind.ACTOR, query, limit), ("commune",)),
        "events": _in_order(Event, index.match_ids(Document.Kind.EVENT, query, limit)),
        "projects": _in_order(Project, index.match_ids(Document.Kind.PROJECT, query, limit)),
        "words": words,
    }
