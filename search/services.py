"""Search across actors, events and projects, ranked by the full-text index (search/engine.py),
each result with a snippet of where the words were found."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation

from agenda.models import Event
from directory.models import Actor
from maillage import richtext
from maillage.lookup import compact
from maillage.text import fold
from projects.models import Project

from . import engine
from .models import Document

LANGS = tuple(code for code, _name in settings.LANGUAGES)
# What the results list reads of each kind: names in every language (the page's is the link, the
# others may hold the words) and the texts a snippet is cut from, in the same single query.
NAMES = {Actor: "name", Event: "title", Project: "title"}
TEXTS = {Actor: ("description",), Event: ("description",), Project: ("summary", "description")}
SHOWN = {
    Actor: ("slug", "acronym", "kind", "is_synthetic", "commune__name_fr", "commune__name_nl", "commune__name_en"),
    Event: ("slug", "start", "is_synthetic"),
    Project: ("slug", "is_synthetic"),
}
SNIPPET_CHARS = 160  # about two lines
BEFORE_CHARS = 40  # of context before the first word found
_WORD = re.compile(r"[^\W_]+")


def _fields(model):
    translated = (NAMES[model], *TEXTS[model])
    return (*SHOWN[model], *(f"{name}_{lang}" for name in translated for lang in LANGS))


def _in_order(model, ids, related=()):
    found = model.objects.select_related(*related).only(*_fields(model)).in_bulk(ids)
    return [found[i] for i in ids if i in found]


@dataclass
class Snippet:
    """A short passage where the words were found: ``parts`` are (text, is a word searched) in
    order; ``lang`` is the language of the text, ``other_language`` true when it is not the page's
    (the page marks it)."""

    parts: list
    lang: str
    other_language: bool


def _count(text, words):
    """How many of the words searched (folded) begin a word of ``text``, as the index compares them."""
    padded = " " + fold(text)
    return sum(f" {word}" in padded for word in words)


def _spans(text, words):
    """The (start, end) of each word of ``text`` beginning with a word searched."""
    return [
        match.span() for match in _WORD.finditer(text) if any(compact(match.group()).startswith(word) for word in words)
    ]


def _cut(text, spans):
    """The passage of about SNIPPET_CHARS around the first word found, cut between words."""
    first = spans[0][0]
    start = 0 if first <= BEFORE_CHARS else text.rfind(" ", 0, first - BEFORE_CHARS) + 1
    end = len(text) if len(text) - start <= SNIPPET_CHARS else text.rfind(" ", start, start + SNIPPET_CHARS)
    end = max(end, spans[0][1])  # one very long word: show it whole
    parts = [("…", False)] if start > 0 else []
    position = start
    for span_start, span_end in spans:
        if span_start >= end:
            break
        if span_start < position:
            continue
        parts += [(text[position:span_start], False), (text[span_start:span_end], True)]
        position = span_end
    parts.append((text[position:end], False))
    if end < len(text):
        parts.append(("…", False))
    return [(part, marked) for part, marked in parts if part]


def snippet(obj, words, lang):
    """Where ``words`` (folded) were found in ``obj``: its texts in the page's language ``lang``
    first, then its names and texts in the other languages; the passage holding the most of the
    words wins, the page's language on a tie. None when the words are only in the name shown."""
    model = type(obj)
    shown = {getattr(obj, NAMES[model]) or ""}  # the link's text, in the page's language
    candidates = [(lang, getattr(obj, "acronym", "") or "")]  # written alike in every language
    candidates += [(lang, getattr(obj, f"{name}_{lang}") or "") for name in TEXTS[model]]
    for other in (code for code in LANGS if code != lang):
        candidates += [(other, getattr(obj, f"{name}_{other}") or "") for name in (NAMES[model], *TEXTS[model])]
    best, best_count = None, 0
    for text_lang, raw in candidates:
        text = " ".join(richtext.plain(raw).split())
        if not text or text in shown:
            continue
        shown.add(text)  # a language left empty falls back to another: the same text, once
        count = _count(text, words)
        if count > best_count:
            best, best_count = (text, text_lang), count
    if best is None:
        return None
    text, text_lang = best
    spans = _spans(text, words)
    return Snippet(_cut(text, spans), text_lang, text_lang != lang) if spans else None


def search(query, *, limit=10):
    """{'actors': [...], 'events': [...], 'projects': [...], 'words': [...]}, best first; each
    result has a ``snippet`` (or None) of where the words were found."""
    words = engine.query_words(query)
    if not words:
        return {"actors": [], "events": [], "projects": [], "words": []}
    results = {
        "actors": _in_order(Actor, engine.match_ids(Document.Kind.ACTOR, query, limit), ("commune",)),
        "events": _in_order(Event, engine.match_ids(Document.Kind.EVENT, query, limit)),
        "projects": _in_order(Project, engine.match_ids(Document.Kind.PROJECT, query, limit)),
        "words": words,
    }
    lang = translation.get_language() or LANGS[0]
    lang = lang if lang in LANGS else LANGS[0]
    for kind in ("actors", "events", "projects"):
        for obj in results[kind]:
            obj.snippet = snippet(obj, words, lang)
    return results
