"""Search across actors, events and projects, ranked by the full-text index (search/index.py)."""

from agenda.models import Event
from directory.models import Actor
from projects.models import Project

from . import index
from .models import Document

# What the results list shows of each kind: never the long texts.
NAMES = ("name_fr", "name_nl", "name_en")
FIELDS = {
    Actor: ("slug", *NAMES, "kind", "is_synthetic", "commune__name_fr", "commune__name_nl", "commune__name_en"),
    Event: ("slug", "title_fr", "title_nl", "title_en", "start", "is_synthetic"),
    Project: ("slug", "title_fr", "title_nl", "title_en", "is_synthetic"),
}


def _in_order(model, ids, related=()):
    found = model.objects.select_related(*related).only(*FIELDS[model]).in_bulk(ids)
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
