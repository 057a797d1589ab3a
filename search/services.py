"""Search across actors, events and projects, ranked by the search engine (search/engine.py).

Each result comes with a snippet where the words the engine understood are marked (stems,
corrections, the word being typed, the words of a theme named), its themes and its commune. Around
the results, what leads a newcomer on: the directory's filter for a theme or commune the query
names, the query as corrected, and, when nothing is found, the closest themes, the directory by
commune and the form to propose what is missing.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation
from rapidfuzz import fuzz, process

from agenda.models import Event
from directory import bitsets
from directory import services as directory
from directory.models import Actor
from maillage import richtext
from maillage.text import fold
from projects.models import Project

from . import engine
from .analysis import content_words
from .models import Document

LANGS = tuple(code for code, _name in settings.LANGUAGES)
# What the results list reads of each kind: names in every language (the page's is the link, the
# others may hold the words) and the texts a snippet is cut from, in the same single query.
NAMES = {Actor: "name", Event: "title", Project: "title"}
TEXTS = {Actor: ("description",), Event: ("description",), Project: ("summary", "description")}
COMMUNE = tuple(f"commune__name_{lang}" for lang in LANGS)
SHOWN = {
    Actor: ("slug", "acronym", "kind", "is_synthetic", *COMMUNE),
    Event: ("slug", "start", "is_synthetic", *COMMUNE),
    Project: ("slug", "is_synthetic"),
}
RELATED = {Actor: ("commune",), Event: ("commune",), Project: ()}
KINDS = {
    "actors": (Actor, Document.Kind.ACTOR),
    "events": (Event, Document.Kind.EVENT),
    "projects": (Project, Document.Kind.PROJECT),
}
SNIPPET_CHARS = 160  # about two lines
BEFORE_CHARS = 40  # of context before the first word found
THEMES_SHOWN = 3  # per result: the themes the query names first
CLOSEST_THEMES = 3
THEME_SCORE = 75  # how close in spelling (rapidfuzz's ratio, 0-100) a theme's words must come
OFFERS = 3  # theme filters offered at most
_WORD = re.compile(r"[^\W_]+")


def _fields(model):
    translated = (NAMES[model], *TEXTS[model])
    return (*SHOWN[model], *(f"{name}_{lang}" for name in translated for lang in LANGS))


def _in_order(model, ids, communes):
    """The objects of ``ids`` (public ones) in that order, with the columns the results list reads
    (``_fields``) and their commune from ``communes`` ({id: Commune}, the directory's vocabularies)
    instead of a join: one query of plain SQL, where the ORM's queryset cost more than the query."""
    if not ids:
        return []
    columns = {model._meta.get_field(name.split("__")[0]).attname for name in _fields(model)}
    columns.add(model._meta.pk.attname)
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in model._meta.concrete_fields if f.attname in columns)
    sql = (
        f"SELECT {names} FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} IN ({', '.join(['%s'] * len(ids))}) AND archived_at IS NULL"
    )
    found = {obj.pk: obj for obj in model.objects.raw(sql, list(ids))}
    for name in RELATED[model]:
        field = model._meta.get_field(name)
        for obj in found.values():
            related_id = getattr(obj, field.attname)
            if related_id is None or related_id in communes:
                field.set_cached_value(obj, communes.get(related_id))
    return [found[i] for i in ids if i in found]


def _page_language():
    lang = translation.get_language() or LANGS[0]
    return lang if lang in LANGS else LANGS[0]


# --- snippets ---------------------------------------------------------------------------------


@dataclass
class Snippet:
    """A short passage where the words were found: ``parts`` are (text, is a word searched) in
    order; ``lang`` is the language of the text, ``other_language`` true when it is not the page's
    (the page marks it)."""

    parts: list
    lang: str
    other_language: bool


class _Marker:
    """Which surface words of a text the query matches, as the engine's analysis says (asked once
    per word as written and language: a results page repeats its words)."""

    def __init__(self, analysis):
        self.analysis, self.known = analysis, {}  # lang -> {word: the word folded when it matches, else ""}

    def spans(self, text, lang):
        """The (start, end, folded word) of each word of ``text`` that matches the query."""
        known = self.known.setdefault(lang, {})
        # Each distinct word once; most texts hold none of the query's words: no spans to find.
        matching = False
        for word in set(_WORD.findall(text)):
            folded = known.get(word)
            if folded is None:
                folded = known[word] = fold(word) if self.analysis.highlights(word, lang) else ""
            matching = matching or bool(folded)
        if not matching:
            return []
        found = []
        for match in _WORD.finditer(text):
            folded = known[match.group()]
            if folded:
                found.append((*match.span(), folded))
        return found


def _cut(text, spans):
    """The passage of about SNIPPET_CHARS around the first word found, cut between words."""
    first = spans[0][0]
    start = 0 if first <= BEFORE_CHARS else text.rfind(" ", 0, first - BEFORE_CHARS) + 1
    end = len(text) if len(text) - start <= SNIPPET_CHARS else text.rfind(" ", start, start + SNIPPET_CHARS)
    end = max(end, spans[0][1])  # one very long word: show it whole
    parts = [("…", False)] if start > 0 else []
    position = start
    for span_start, span_end, _word in spans:
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


def snippet(obj, marker, lang):
    """Where the query's words were found in ``obj``: its texts in the page's language ``lang``
    first, then its names and texts in the other languages; the passage holding the most of the
    words wins, the page's language on a tie. None when the words are only in the name shown.

    ``marker``: a ``_Marker`` of the query's analysis."""
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
        spans = marker.spans(text, text_lang)
        count = len({word for _start, _end, word in spans})
        if count > best_count:
            best, best_count = (text, text_lang, spans), count
    if best is None:
        return None
    text, text_lang, spans = best
    return Snippet(_cut(text, spans), text_lang, text_lang != lang)


# --- themes of the results --------------------------------------------------------------------


def _asks_for(analysis):
    """A test of whether the query asks for a theme: it names it in full, or one of its words
    stands for it (such themes come first among a result's, and first among the closest)."""
    named = set(analysis.themes)
    tags = {tag for word in analysis.words for tag in word.tags}
    return lambda theme: theme.pk in named or engine.tag("theme", theme.pk) in tags


def _theme_links(found):
    """{model: {object id: [theme ids]}} for the objects ``found`` ({model: [objects]}): one query
    for every kind."""
    parts, params, models = [], [], []
    quote = connection.ops.quote_name
    for model, objects in found.items():
        if not objects:
            continue
        field = model._meta.get_field("themes")
        table = quote(field.remote_field.through._meta.db_table)
        source, target = quote(field.m2m_column_name()), quote(field.m2m_reverse_name())
        holders = ", ".join(["%s"] * len(objects))
        parts.append(f"SELECT {len(models)}, {source}, {target} FROM {table} WHERE {source} IN ({holders})")
        params += [obj.pk for obj in objects]
        models.append(model)
    links = {model: {} for model in found}
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for number, object_id, theme_id in cursor.fetchall():
                links[models[number]].setdefault(object_id, []).append(theme_id)
    return links


def _attach_themes(found, analysis, themes):
    """Set ``obj.shown_themes`` (at most THEMES_SHOWN) on the objects ``found`` ({model:
    [objects]}): one query (of ids) for them all; ``themes``: {id: Theme}, the directory's
    vocabularies."""
    asked = _asks_for(analysis)

    def order(theme):
        return (not asked(theme), theme.parent_id is None, theme.position, theme.name or "", theme.pk)

    for model, theme_ids in _theme_links(found).items():
        for obj in found[model]:
            shown = [themes[pk] for pk in theme_ids.get(obj.pk, ()) if pk in themes]
            parents = {t.parent_id for t in shown}  # a sub-theme says more than its parent
            obj.shown_themes = sorted((t for t in shown if t.pk not in parents), key=order)[:THEMES_SHOWN]


# --- what leads on: the directory's filters, the closest themes ----------------------------------


@dataclass
class DirectoryLink:
    """A filter of the directory (themes and/or communes) with the number of actors it shows."""

    themes: list
    communes: list
    url: str
    count: int

    @property
    def label(self):
        return " / ".join(t.name for t in self.themes)

    @property
    def places(self):
        return ", ".join(c.name for c in self.communes)


def _directory():
    """The directory's bitsets and vocabularies (kept in memory: one read of the data version)."""
    index = bitsets.current()
    return index, directory.vocabularies(index.version)


def _directory_link(index, vocab, themes=(), communes=()):
    """The directory filtered by ``themes`` and ``communes``, counted as the directory counts."""
    params = QueryDict(mutable=True)
    params.setlist("theme", [t.slug for t in themes])
    params.setlist("commune", [c.slug for c in communes])
    selection = directory.select(directory.parse_actor_filters(params, vocab), vocab, index)
    return DirectoryLink(
        list(themes), list(communes), f"{reverse('directory:list')}?{params.urlencode()}", selection.total
    )


def directory_offers(analysis, index, vocab):
    """The directory's filter for each theme the query names, in the order the engine gives them
    (with the communes it names, or everywhere when these have none), or for the communes alone;
    only those that show some actor."""
    themes = {t.pk: t for t in vocab["themes"]}
    communes = {c.pk: c for c in vocab["communes"]}
    named = [communes[pk] for pk in dict.fromkeys(analysis.communes) if pk in communes]
    links = []
    for theme in (themes[pk] for pk in dict.fromkeys(analysis.themes) if pk in themes):
        link = _directory_link(index, vocab, [theme], named)
        if named and not link.count:
            link = _directory_link(index, vocab, [theme])
        links += [link] if link.count else []
        if len(links) == OFFERS:
            break
    if not analysis.themes and named:
        links = [link for link in [_directory_link(index, vocab, (), named)] if link.count]
    return links


def _theme_terms(theme, lang):
    """What a theme is called in ``lang``: its name and its everyday words (the thesaurus), each
    as its content words."""
    name = getattr(theme, f"name_{lang}", "") or ""
    keywords = getattr(theme, f"keywords_{lang}", "") or ""
    terms = (content_words(term) for term in [name, *engine.split_terms(keywords)])
    return [term for term in terms if term]


_terms_kept = {}  # langs -> (the themes' list, what _terms says of it): while the vocabularies hold


def _terms(themes, langs):
    """The terms of ``themes`` in ``langs`` as (position of the theme, positions of the term's
    words in the vocabulary), that vocabulary of words, and for each word the terms holding it."""
    kept = _terms_kept.get(langs)
    if kept is None or kept[0] is not themes:
        positions, terms, holding = {}, [], []
        for owner, theme in enumerate(themes):
            for lang in langs:
                for term in _theme_terms(theme, lang):
                    words = tuple(positions.setdefault(word, len(positions)) for word in term)
                    holding.extend([] for _ in range(len(positions) - len(holding)))
                    for word in words:
                        holding[word].append(len(terms))
                    terms.append((owner, words))
        kept = _terms_kept[langs] = (themes, (terms, list(positions), holding))
    return kept[1]


def _closeness(wanted, themes, langs):
    """How close (0-100) each theme's nearest term in ``langs`` is to the words ``wanted``, in the
    order of ``themes``: each word's best spelling match (rapidfuzz) among the term's words,
    averaged over the words. Only terms with a word as close as THEME_SCORE to one wanted can
    reach it on average: the others are left at 0."""
    terms, vocabulary, holding = _terms(themes, langs)
    candidates = set()
    for word in wanted:
        found = process.extract(word, vocabulary, scorer=fuzz.ratio, score_cutoff=THEME_SCORE, limit=None)
        candidates.update(t for _match, _score, position in found for t in holding[position])
    closeness = [0.0] * len(themes)
    for owner, term in (terms[t] for t in candidates):
        score = sum(max(fuzz.ratio(word, vocabulary[i]) for i in term) for word in wanted) / len(wanted)
        closeness[owner] = max(closeness[owner], score)
    return closeness


def closest_themes(analysis, themes, lang, counts=None, limit=CLOSEST_THEMES):
    """The themes nearest to the query: those its words stand for (as the engine understood them),
    then those whose name or everyday words in the page's language ``lang`` come closest in
    spelling to its words (communes left out); the other languages when that one has too few.
    Among themes as close, the one with more actors (``counts``: theme id -> actors) first."""
    asked = _asks_for(analysis)
    chosen = [t for t in themes if asked(t)]
    wanted = [word.text for word in analysis.words if word.commune is None]
    counts = counts or {}
    for langs in ((lang,), tuple(code for code in LANGS if code != lang)):
        if len(chosen) >= limit or not wanted:
            break
        closeness = _closeness(wanted, themes, langs)
        close = [i for i, score in enumerate(closeness) if score >= THEME_SCORE]
        close.sort(key=lambda i: (-closeness[i], -counts.get(themes[i].pk, 0), i))
        chosen += [themes[i] for i in close if themes[i] not in chosen]
    return chosen[:limit]


@dataclass
class Suggestions:
    """What an empty result offers: the closest themes and the communes (links to the directory,
    with their counts), and the form to propose an entry."""

    themes: list  # [(theme, url, count)]
    communes: list  # [(commune, url, count)]
    propose_url: str


def suggestions(analysis, index, vocab, lang):
    selection = directory.select(directory.parse_actor_filters(QueryDict(), vocab), vocab, index)
    counts = directory.facet_counts(selection)
    listing = reverse("directory:list")
    themes = closest_themes(analysis, vocab["themes"], lang, counts["theme"])
    return Suggestions(
        themes=[(t, f"{listing}?theme={t.slug}", counts["theme"].get(t.pk, 0)) for t in themes],
        communes=[
            (c, f"{listing}?commune={c.slug}", counts["commune"][c.pk])
            for c in vocab["communes"]
            if counts["commune"].get(c.pk)
        ],
        propose_url=reverse("proposals:new", kwargs={"kind": "actor"}),
    )


# --- the search -------------------------------------------------------------------------------


def search(query, *, limit=10):
    """{'actors': [...], 'events': [...], 'projects': [...]}, best first, with 'analysis' (the
    engine's reading of the query), 'offers' (the directory's filters for the themes and communes
    it names) and 'suggestions' (None unless nothing was found). Each result has a ``snippet`` (or
    None) of where the words were found and its ``shown_themes``."""
    analysis = engine.analyse(query)
    results = {"actors": [], "events": [], "projects": [], "analysis": analysis, "offers": [], "suggestions": None}
    if not query.strip():
        return results
    lang = _page_language()
    # The directory's index and vocabularies: one read of the data version for every search (the
    # results' themes, the directory's offers), so a page's queries do not depend on its words.
    index, vocab = _directory()
    if not analysis.empty:
        marker = _Marker(analysis)
        themes = {t.pk: t for t in vocab["themes"]}
        communes = {c.pk: c for c in vocab["communes"]}
        by_kind = engine.match_many([kind for _model, kind in KINDS.values()], analysis, limit)
        found_ids = {key: by_kind[kind] for key, (_model, kind) in KINDS.items()}
        for key, (model, _kind) in KINDS.items():
            results[key] = objects = _in_order(model, found_ids[key], communes)
            for obj in objects:
                obj.snippet = snippet(obj, marker, lang)
        _attach_themes({model: results[key] for key, (model, _kind) in KINDS.items()}, analysis, themes)
    found = any(results[key] for key in KINDS)
    if analysis.themes or analysis.communes or not found:
        results["offers"] = directory_offers(analysis, index, vocab)
        if not found:
            results["suggestions"] = suggestions(analysis, index, vocab, lang)
    return results
