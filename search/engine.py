"""The full-text index: one document per actor, event and project, and how a query finds them.

Documents are written by the owners (derived state: ``SearchDocument``) as tokens of
``search.analysis`` in four weighted parts: names, acronym, tags (themes with their parents,
audiences, kind, commune, related names such as organisers and postcodes), texts. A query is
analysed once (``analyse``): each word gets its forms (stems in French, Dutch and English), its
correction when it is a typo of a word of the index (one edit, words of five letters or more), its
completions when it is the last word being typed, and the tags of the themes, audiences, kinds
and communes it names (from the names and the thesaurus the directory registers). The database
finds candidates (every word matched, then each word alone, by id: the same rows on SQLite and
PostgreSQL) and ``_rank`` orders them in Python: all words before some, then the field a word was
found in, then the entry's rank (active, verified), then nearness to a commune named, then id.
"""

import itertools
import math
import re
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection, transaction
from tqdm import tqdm

from maillage import changes, data_version
from maillage.caches import VersionedCache

from . import analysis
from .models import Document, Word

MAX_WORDS = 8
# Kinds whose names and acronyms are indexed alone (migration 0003): the first tier of their search.
NAMED = ("actor", "project")
# Candidates per tier, oldest documents first (real data before synthetic): a word found in
# thousands of documents ranks the first few hundred, which keeps every search fast and bounded.
CANDIDATES = 200
TYPO_MIN_LETTERS = 5
COMPLETIONS = 30  # vocabulary words completing the last word as typed
GENERIC_TAGS = 3  # a word found in the terms of more themes than this names none of them alone
RELATED_FORM_MIN = 6  # "alimentaire" also finds "aliment(ation)": stems sharing this many letters
WEIGHTS = {"name": 4, "acronym": 3, "tags": 2, "text": 1}
SHORT = ("name", "acronym", "tags")  # read for ranking; the first tier searches names and acronyms
# How much a form counts against the word as typed.
EXACT, COMPLETED, TAG, OTHER_TAG, CORRECTED, RELATED = 1.0, 0.9, 1.0, 0.9, 0.6, 0.5
SOFT = 0.5  # a commune named along other words counts half a word: the others say what is sought


def tag(kind, value):
    """The token an entry carries for a theme, audience, kind or commune it has:
    ``tag("theme", 12)`` -> "zzt12"."""
    letter = {"theme": "t", "audience": "a", "kind": "k", "commune": "c", "actor": "o"}[kind]
    return f"zz{letter}{str(value).replace('_', '').lower()}"


def tag_id(token, kind):
    """The id in a tag of ``kind`` (int), or None."""
    prefix = tag(kind, "")
    rest = token[len(prefix) :] if token.startswith(prefix) else ""
    return int(rest) if rest.isdigit() else None


# --- documents ------------------------------------------------------------------------------------


@dataclass
class SearchDocument:
    """What an owner says of one entry (raw texts: the engine makes the tokens)."""

    names: dict = field(default_factory=dict)  # {lang: name}
    acronym: str = ""
    tags: list = field(default_factory=list)  # engine.tag(...) tokens
    related: dict = field(default_factory=dict)  # {lang: text weighing like tags}
    texts: dict = field(default_factory=dict)  # {lang: plain text}
    rank: int = 0
    commune_id: int | None = None

    def row(self):
        """(stored columns, the document's words for the vocabulary)."""
        vocabulary = set()

        def tokens(texts):
            # Each token once: no ranking reads how often a word comes, nor where.
            out = []
            for lang, text in texts.items():
                words = analysis.content_words(text or "")
                vocabulary.update(w for w in words if w.isalpha() and len(w) <= 64)
                out.extend(analysis.stem(w, lang if lang in analysis.LANGS else "fr") for w in words)
            return " ".join(dict.fromkeys(out))

        acronym_words = analysis.content_words(self.acronym or "")
        vocabulary.update(w for w in acronym_words if w.isalpha())
        acronym = " ".join(dict.fromkeys(t for w in acronym_words for t in (w, *sorted(analysis.stems(w)))))
        tags = " ".join(dict.fromkeys([*self.tags, *tokens(self.related).split()]))
        columns = {
            "name": tokens(self.names),
            "acronym": acronym,
            "tags": tags,
            "text": tokens(self.texts),
            "rank": self.rank,
            "commune_id": self.commune_id,
        }
        return columns, vocabulary


def _add_words(words):
    if words:
        Word.objects.bulk_create([Word(word=w) for w in sorted(words)], ignore_conflicts=True, batch_size=2000)


def index(kind, object_id, doc):
    """Create or update the document of one object."""
    columns, words = doc.row()
    if not Document.objects.filter(kind=kind, object_id=object_id).update(**columns):
        Document.objects.create(kind=kind, object_id=object_id, **columns)
    _add_words(words)


def index_many(kind, rows):
    """Bulk-create documents for objects that have none: rows of (object_id, SearchDocument)."""
    documents, vocabulary = [], set()
    for object_id, doc in rows:
        columns, words = doc.row()
        documents.append(Document(kind=kind, object_id=object_id, **columns))
        vocabulary |= words
    Document.objects.bulk_create(documents, batch_size=2000)
    _add_words(vocabulary)


def replace_many(kind, rows, gone=()):
    """Write again the documents of stored objects (rows of (object_id, SearchDocument)) and remove
    those of ``gone`` (archived): three queries whatever their number."""
    Document.objects.filter(kind=kind, object_id__in=[pk for pk, _doc in rows] + list(gone)).delete()
    index_many(kind, rows)


REBUILD_CHUNK = 2000


def rebuild(kind, objects, documents, *, progress=False, chunk_size=REBUILD_CHUNK):
    """Write every document of ``kind`` again from ``objects`` (a queryset in a stable order) by
    chunks, ``documents(chunk)`` giving their rows (an owner reads a chunk's links in one query), in
    one transaction: search answers from the old documents until the new ones are all written.
    Returns how many were written; ``progress``: a bar in the terminal."""
    with transaction.atomic():
        clear(kind)
        bar = tqdm(total=objects.count() if progress else None, desc=f"{kind}s", unit="", disable=not progress)
        count, rows = 0, objects.iterator(chunk_size=chunk_size)
        while chunk := list(itertools.islice(rows, chunk_size)):
            index_many(kind, documents(chunk))
            count += len(chunk)
            bar.update(len(chunk))
        bar.close()
        # The search pages stored for visitors were answered from the old documents.
        changes.bump(data_version.DETAILS)
    return count


def remove(kind, object_id):
    Document.objects.filter(kind=kind, object_id=object_id).delete()


def clear(kind=None):
    """Every document of ``kind`` (or all, and the vocabulary): before a rebuild."""
    if kind is None:
        Document.objects.all().delete()
        Word.objects.all().delete()
    else:
        Document.objects.filter(kind=kind).delete()


# --- what queries can name: themes, audiences, kinds (registered), communes (territory) ----------


@dataclass(frozen=True)
class Term:
    """A name or everyday word of something an entry can carry (``tag``), in ``lang``;
    ``broader``: the tag of what it is part of (a sub-theme's top theme), whose entries come after
    its own."""

    tag: str
    lang: str
    text: str
    broader: str | None = None


_providers = []
_SEPARATORS = re.compile(r"[,;/\n]+")  # "colis alimentaire, épicerie sociale": two terms


def split_terms(text):
    """The terms of a thesaurus text (a theme's everyday words)."""
    return [term for term in _SEPARATORS.split(text or "") if term.strip()]


def register_terms(provider):
    """``provider()`` -> (version, [Term, ...]); the version changes when the terms do."""
    if provider not in _providers:
        _providers.append(provider)


@dataclass
class _Vocabulary:
    by_form: dict  # stem -> {tag}
    phrases: list  # (tag, [frozenset of forms per content word]): themes, audiences, kinds
    words: frozenset  # folded words of the terms (typos are corrected to them too)
    centres: dict  # commune id -> (lat, lon)
    communes: list  # (tag, [frozenset of forms per word of a name or a postcode])
    distinctive: frozenset  # forms that name one or two communes ("molenbeek", "gillis"; not "saint")
    broader: dict  # tag -> the tag of what it is part of
    phrases_of: dict  # form -> indexes in ``phrases`` of the terms holding it


def _commune_terms():
    from territory.models import Commune, Postcode

    terms, centres = [], {}
    for commune in Commune.objects.all():
        centres[commune.pk] = (commune.lat, commune.lon) if commune.lat is not None else None
        for lang in analysis.LANGS:
            name = getattr(commune, f"name_{lang}", None)
            if name:
                terms.append(Term(tag("commune", commune.pk), lang, name))
    for code, commune_id in Postcode.objects.values_list("code", "commune_id"):
        terms.append(Term(tag("commune", commune_id), "fr", code))
    return terms, centres


# Communes are the directory's data (a renamed commune bumps ACTORS): every process sees a change.
_communes = VersionedCache("search.communes", (data_version.ACTORS,), _commune_terms)


def _build_vocabulary(terms, centres):
    by_form, phrases, words, communes, commune_forms, broader = {}, {}, set(), {}, {}, {}
    commune = tag("commune", "")
    for term, text in ((t, text) for t in terms for text in split_terms(t.text)):
        if term.broader:
            broader[term.tag] = term.broader
        content = analysis.content_words(text)
        if not content:
            continue
        words.update(w for w in content if w.isalpha())
        forms = [frozenset({analysis.stem(w, term.lang), *analysis.stems(w)}) for w in content]
        if term.tag.startswith(commune):
            communes.setdefault((term.tag, tuple(forms)), None)
            for f in (f for form in forms for f in form):
                commune_forms.setdefault(f, set()).add(term.tag)
            continue
        phrases.setdefault((term.tag, tuple(forms)), None)
        for f in (f for form in forms for f in form):
            by_form.setdefault(f, set()).add(term.tag)
    distinctive = frozenset(f for f, tags in commune_forms.items() if len(tags) <= 2 and len(f) >= 4)
    phrases = [(t, list(f)) for t, f in phrases]
    phrases_of = {}
    for at, (_tag, forms) in enumerate(phrases):
        for f in (f for form in forms for f in form):
            phrases_of.setdefault(f, set()).add(at)
    return _Vocabulary(
        by_form,
        phrases,
        frozenset(words),
        centres,
        [(t, list(f)) for t, f in communes],
        distinctive,
        broader,
        phrases_of,
    )


def _build(*provider_versions):
    commune_terms, centres = _communes.get()
    terms = [*commune_terms, *(term for provider in _providers for term in provider()[1])]
    return _build_vocabulary(terms, centres)


# Keyed on the providers' versions (the directory's: ACTORS, which the communes follow too).
_vocabulary = VersionedCache("search.vocabulary", (), _build)


def vocabulary():
    return _vocabulary.get(*(provider()[0] for provider in _providers))


# --- analysing a query -------------------------------------------------------------------------


@dataclass
class QueryWord:
    text: str  # folded, as typed
    forms: dict = field(default_factory=dict)  # token -> how much it counts (EXACT, CORRECTED...)
    prefix: str | None = None  # the last word, matched as typed so far
    correction: str | None = None
    tags: set = field(default_factory=set)
    commune: int | None = None
    soft: bool = False  # a commune named along other words
    completes: bool = False  # the last word, not a word of its own: its completions name things

    def weight_in(self, tokens):
        """How well the word is found among ``tokens`` (a set): 0 when not."""
        best = max((self.forms[t] for t in tokens if t in self.forms), default=0)
        if not best and self.prefix and any(t.startswith(self.prefix) for t in tokens):
            best = COMPLETED
        return best

    def naming_forms(self, min_letters=4):
        """The forms that may name a theme or a commune: as typed or corrected, and the completions
        of a word being typed while it is not a word of its own ("alphab"; "huis" is one: it
        does not name "huisvesting")."""
        return {
            f
            for f, weight in self.forms.items()
            if weight in (EXACT, CORRECTED)
            or (weight == COMPLETED and self.completes and len(self.text) >= min_letters)
        }

    def matches_token(self, token):
        return token in self.forms or bool(self.prefix and token.startswith(self.prefix))


@dataclass
class Analysis:
    words: list
    themes: list = field(default_factory=list)
    communes: list = field(default_factory=list)
    did_you_mean: str | None = None
    centres: dict = field(default_factory=dict)
    by_form: dict = field(default_factory=dict)  # the vocabulary's form -> tags (themes' words)

    @property
    def empty(self):
        return not self.words

    @property
    def required(self):
        hard = [w for w in self.words if not w.soft]
        return hard or self.words

    @cached_property
    def _named_tags(self):
        return frozenset(t for q in self.words for t in q.tags if not t.startswith(tag("commune", "")))

    def highlights(self, word, lang):
        """Does this surface word of a text in ``lang`` match the query (for the snippets)?"""
        folded = analysis.words(word)
        if not folded or not analysis.is_content(folded[0]):
            return False
        w = folded[0]
        tokens = {w, analysis.stem(w, lang if lang in analysis.LANGS else "fr")}
        if any(q.matches_token(t) for q in self.words for t in tokens):
            return True
        # A word proper to the themes the query named, in any language ("voedselhulp": "aide
        # alimentaire"); not one shared with other themes ("centre", "housing", "people").
        named = self._named_tags
        if not named or len(w) < 4:  # "day" of "day centre" says nothing alone
            return False
        return any(self.by_form[t] <= named for t in tokens if t in self.by_form)


def _related_forms(stem):
    """Shorter stems of the same family: "alimentair" -> "aliment", "alimenta", ... (never below
    RELATED_FORM_MIN letters)."""
    return [stem[:n] for n in range(RELATED_FORM_MIN, len(stem))]


def _phrase_matches(vocab, words):
    """(tag, indexes of the query words it covers) for every term all of whose words are in the query."""
    found = []
    alone = [w.naming_forms() for w in words]
    # A term's other words are there: its last one may be a couple of letters into being typed.
    along = [w.naming_forms(min_letters=2) for w in words]
    # Only the terms holding some form of the query (a few among thousands).
    candidates = sorted({at for forms in along for f in forms for at in vocab.phrases_of.get(f, ())})
    for term_tag, forms in (vocab.phrases[at] for at in candidates):
        word_forms = alone if len(forms) == 1 else along
        covered = []
        for needed in forms:
            at = next((i for i, have in enumerate(word_forms) if have & needed), None)
            if at is None:
                break
            covered.append(at)
        else:
            found.append((term_tag, covered))
    return found


def analyse(query):
    """Everything the search needs to know of ``query`` (one query for the vocabulary of the index)."""
    if isinstance(query, Analysis):
        return query
    typed = analysis.words(query or "")
    content = [w for w in typed if analysis.is_content(w)] or [w for w in typed if len(w) >= analysis.MIN_FORM]
    content = list(dict.fromkeys(content))[:MAX_WORDS]
    if not content:
        return Analysis(words=[])
    vocab = vocabulary()
    last_typed = typed[-1] if typed else ""
    words = []
    for w in content:
        qw = QueryWord(text=w)
        for form in analysis.stems(w):
            qw.forms[form] = EXACT
        qw.forms.setdefault(w, EXACT)
        if w == last_typed and len(w) >= 2 and not query.endswith(" "):
            qw.prefix = w
        words.append(qw)

    # The vocabulary: which words exist and the completions of the last one (one query), then,
    # only for words it lacks, their one-edit neighbours (a second query).
    last = words[-1] if words[-1].prefix else None
    known = _known_words({qw.text for qw in words}, last.prefix if last else None)
    completions = []
    if last:
        # The index's words and the thesaurus' (a theme's word no entry's text holds yet).
        words_too = (w for w in vocab.words if w.startswith(last.prefix))
        completions = sorted({w for w in (*known, *words_too) if w.startswith(last.prefix) and w != last.prefix})
    if last:
        last.completes = last.text not in known and last.text not in vocab.words
    typos = [
        qw
        for qw in words
        if qw.text not in known
        and qw.text not in vocab.words
        and qw.text.isalpha()
        and len(qw.text) >= TYPO_MIN_LETTERS
        and not (qw is last and completions)  # being typed: completed below, not corrected
    ]
    corrections = {}
    if typos:
        neighbours = set().union(*(analysis.edits(qw.text) for qw in typos))
        known = _known_words(neighbours, None) | (vocab.words & neighbours)
    for qw in typos:
        near = sorted(analysis.edits(qw.text) & known, key=lambda c: (c[0] != qw.text[0], c not in vocab.words, c))
        if near:
            qw.correction = near[0]
            corrections[qw.text] = near[0]
            for candidate in near[:3]:
                for form in analysis.stems(candidate):
                    qw.forms.setdefault(form, CORRECTED)
    if last:
        for completion in completions[:COMPLETIONS]:
            for form in analysis.stems(completion):
                last.forms.setdefault(form, COMPLETED)
    for qw in words:
        for form in [f for f, weight in qw.forms.items() if weight == EXACT]:
            for shorter in _related_forms(form):
                qw.forms.setdefault(shorter, RELATED)

    # Themes, audiences, kinds and communes the query names: whole terms first, then single words.
    themes, communes = [], []
    covered_by_phrase = {}
    for term_tag, covered in _phrase_matches(vocab, words):
        for i in covered:
            covered_by_phrase.setdefault(i, set()).add(term_tag)
        if (theme := tag_id(term_tag, "theme")) is not None and theme not in themes:
            themes.append(theme)
    # A commune by any part of its name that names few communes: "Molenbeek", "Saint-Josse",
    # "St-Gilles", "Sint-Gillis", "1060" (never "saint" alone).
    for term_tag, forms in vocab.communes:
        covered, named = [], False
        for i, qw in enumerate(words):
            strong = qw.naming_forms()
            hit = next((strong & needed for needed in forms if strong & needed), None)
            if hit:
                covered.append(i)
                named = named or bool(hit & vocab.distinctive)
        if named:
            commune_id = tag_id(term_tag, "commune")
            if commune_id not in communes:
                communes.append(commune_id)
            for i in covered:
                words[i].commune = words[i].commune or commune_id
                covered_by_phrase.setdefault(i, set()).add(term_tag)
    for i, qw in enumerate(words):
        tags = set(covered_by_phrase.get(i, ()))
        if not tags:
            by_word = set()
            for form in qw.naming_forms():
                by_word |= vocab.by_form.get(form, set())
            if len(by_word) <= GENERIC_TAGS:
                tags = by_word
        qw.tags = tags
        broader = {vocab.broader[t] for t in tags if t in vocab.broader}
        for t in tags:
            # The most precise first: a theme before an audience or a kind named by the same
            # words ("sans-abri"), a sub-theme before its top theme ("social economy").
            weight = RELATED if t in broader else TAG if t.startswith(tag("theme", "")) else OTHER_TAG
            qw.forms[t] = weight
        for t in broader - tags:  # the top theme of a sub-theme named: its entries come after
            qw.forms.setdefault(t, RELATED)
    if len(words) > 1:
        for qw in words:
            qw.soft = qw.commune is not None and all(t.startswith(tag("commune", "")) for t in qw.tags)
        if all(qw.soft for qw in words):
            for qw in words:
                qw.soft = False
    did_you_mean = None
    if corrections:
        did_you_mean = " ".join(corrections.get(w, w) for w in typed)
    return Analysis(words, themes, communes, did_you_mean, vocab.centres, vocab.by_form)


def _known_words(candidates, prefix):
    """The words of the index among ``candidates``, and those beginning with ``prefix``: one query."""
    candidates = sorted(candidates)
    if not candidates and not prefix:
        return set()
    found = set()
    with connection.cursor() as cursor:
        parts, params = [], []
        for start in range(0, len(candidates), 900):
            chunk = candidates[start : start + 900]
            parts.append(f"SELECT word FROM search_word WHERE word IN ({', '.join(['%s'] * len(chunk))})")
            params += chunk
        if prefix:
            parts.append(
                "SELECT * FROM (SELECT word FROM search_word WHERE word >= %s AND word < %s "
                f"ORDER BY word LIMIT {COMPLETIONS * 4}) AS completions"
            )
            params += [prefix, prefix + "{"]  # "{" follows "z": words are a-z0-9 (C collation)
        cursor.execute(" UNION ALL ".join(parts), params)
        found.update(row[0] for row in cursor.fetchall())
    return found


# --- finding and ranking -----------------------------------------------------------------------


def _searched_forms(word):
    """The forms the database looks for: those the prefix of a word being typed already finds
    ("buurtwerk" of "buurt*": the completions) are left out, the same rows for less work (a word
    typed with its thirty completions read the index thirty times)."""
    return sorted(f for f in word.forms if not (word.prefix and f.startswith(word.prefix)))


def _tokens_sqlite(word):
    parts = [f'"{t}"' for t in _searched_forms(word)]
    if word.prefix:
        parts.append(f'"{word.prefix}"*')
    return "(" + " OR ".join(parts) + ")"


def _tokens_postgresql(word):
    parts = _searched_forms(word)
    if word.prefix:
        parts.append(f"{word.prefix}:*")
    return "(" + " | ".join(parts) + ")"


def _match_sqlite(words, names=False):
    return " AND ".join(_tokens_sqlite(w) for w in words)


def _match_postgresql(words, names=False):
    return " & ".join(_tokens_postgresql(w) for w in words)


COLUMNS = "id, object_id, name, acronym, tags, rank, commune_id"


def _select(kind, match, limit, names=False, columns="id"):
    """SQL of the documents of ``kind`` matching ``match`` (oldest first, at most ``limit``)."""
    limit = f" LIMIT {int(limit)}" if limit else ""
    if connection.vendor == "sqlite":
        table = f"search_{kind}_{'names' if names else 'fts'}"  # kind is one of Document.Kind: never user input
        ids = f"SELECT rowid FROM {table} WHERE {table} MATCH %s ORDER BY rowid{limit}"
        return f"SELECT {columns} FROM search_document WHERE id IN ({ids})", [match]
    # PostgreSQL returns the matches as the GIN index finds them, in the order of the table's
    # rows: the oldest first too (documents are appended; one rewritten by a change moves to the
    # end), and it stops at the limit instead of visiting every match to sort them (a word found
    # in 5,000 events: 1.4 ms instead of 20). Within the limit both databases return the same rows.
    # The expressions are those of the indexes (migration 0003).
    vector = "to_tsvector('simple', name || ' ' || acronym)" if names else "vector"
    return (
        f"SELECT {columns} FROM search_document WHERE kind = '{kind}' AND {vector} @@ to_tsquery('simple', %s){limit}"
    ), [match]


def _matcher():
    return {"sqlite": _match_sqlite, "postgresql": _match_postgresql}.get(connection.vendor)


def _fallback(kind, words):
    """Other databases: every word's forms as substrings (no ranking beyond the rules below)."""
    qs = Document.objects.filter(kind=kind)
    for w in words:
        q = None
        for form in w.forms:
            for column in WEIGHTS:
                cond = Document.objects.filter(**{f"{column}__contains": form})
                q = cond if q is None else q | cond
        qs = qs.filter(pk__in=q.values("pk")) if q is not None else qs
    return list(qs.values_list("object_id", flat=True).order_by("object_id"))


def match_ids(kind, query, limit=None):
    """Ids of the objects of ``kind`` matching ``query`` (a text or an ``Analysis``).

    With a ``limit``: the best first (see the module's docstring), entries matching some of the
    words after those matching all. Without: every entry matching every word, unordered (filters).
    """
    if limit:
        return match_many([kind], query, limit)[kind]
    found = analyse(query)
    if found.empty or kind not in Document.Kind.values:
        return []
    matcher = _matcher()
    if matcher is None:
        return _fallback(kind, found.words)
    sql, params = _select(kind, matcher(found.words), None, columns="object_id")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def match_many(kinds, query, limit):
    """{kind: ids of its objects matching ``query``, the best ``limit`` first} for each of
    ``kinds``, as ``match_ids(kind, query, limit)`` gives them: the candidates of every kind in one
    query, and a second one for the kinds where too few entries hold every word."""
    found = analyse(query)
    known = [kind for kind in kinds if kind in Document.Kind.values]
    result = {kind: [] for kind in kinds}
    if found.empty or not known:
        return result
    matcher = _matcher()
    if matcher is None:
        for kind in known:
            result[kind] = _fallback(kind, found.words)[:limit]
        return result
    required = [i for i, w in enumerate(found.words) if w in found.required]
    every = frozenset(required)
    plan = [(kind, every, names) for kind in known for names in ((True, False) if kind in NAMED else (False,))]
    candidates = _candidates(found, matcher, plan)
    if len(required) > 1:
        # Too few entries hold every word: those holding all words but one (or one of two).
        most = [frozenset({i}) if len(required) == 2 else every - {i} for i in required]
        fewer = [kind for kind in known if len(candidates[kind]) < limit]
        plan = [(kind, words, False) for kind in fewer for words in most]
        more = _candidates(found, matcher, plan) if plan else {}
        for kind, rows in more.items():
            for pk, entry in rows.items():
                candidates[kind].setdefault(pk, entry)[6].update(entry[6])
    for kind in known:
        result[kind] = _rank(found, candidates[kind], limit)
    return result


# PostgreSQL's planner misjudges prefix queries (thousands of matches expected for a rare word)
# and would walk another index testing every row; told so, it takes the GIN index, always. Sent
# with the query in one message, these settings last for it alone: an implicit transaction, or
# within the caller's transaction, set back to the defaults after it.
_PLANNER = "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; "
_PLANNER_AFTER = "; SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL enable_indexscan TO DEFAULT"


def _candidates(found, matcher, plan):
    """{kind: {document id: [object_id, name, acronym, tags, rank, commune_id, {indexes of the
    words it matched}]}} for the tiers of ``plan``, (kind, indexes of query words, in names and
    acronyms only): the oldest CANDIDATES documents of each tier that hold every word of the
    tier; one query (one message to the server on PostgreSQL)."""
    parts, params = [], []
    for number, (kind, indexes, names) in enumerate(plan):
        words = [found.words[i] for i in sorted(indexes)]
        sql, p = _select(kind, matcher(words, names=names), CANDIDATES, names=names, columns=f"{number}, {COLUMNS}")
        parts.append(f"SELECT * FROM ({sql}) AS t{number}")
        params += p
    sql = " UNION ALL ".join(parts)
    found_rows = {kind: {} for kind, _indexes, _names in plan}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PLANNER + sql + _PLANNER_AFTER, params)
            while cursor.description is None and cursor.nextset():
                pass  # the settings' results, then the rows
        else:
            cursor.execute(sql, params)
        for tier, pk, *columns in cursor.fetchall():
            kind, indexes, _names = plan[tier]
            rows = found_rows[kind]
            entry = rows.get(pk)
            if entry is None:
                entry = rows[pk] = [*columns, set(indexes)]
            else:
                entry[6].update(indexes)
    return found_rows


def _distance(centres, commune_id, named):
    here = centres.get(commune_id)
    if not named:
        return 0.0
    if here is None:
        return math.inf
    best = math.inf
    for other in named:
        there = centres.get(other)
        if there is not None:
            best = min(best, math.hypot(here[0] - there[0], (here[1] - there[1]) * 0.63))
    return best


def _rank(found, candidates, limit):
    words = found.words
    required = {i for i, w in enumerate(words) if w in found.required}
    need = max(1, math.ceil(len(required) / 2))
    keys = [frozenset(w.forms) for w in words]
    every_key = frozenset().union(*keys)
    short = [WEIGHTS[f] for f in SHORT]
    positions = range(len(words))
    weighed, hits = [], [0] * len(words)
    for object_id, name, acronym, tags, rank, commune_id, known in candidates.values():
        weights = [0] * len(words)
        # (A word being typed is known by its completions' forms: no scan of prefixes.) Each
        # field's tokens are read once against every form of the query: most hold none of them.
        for field_weight, text in zip(short, (name, acronym, tags), strict=True):
            present = every_key.intersection(text.split())
            if present:
                for i in positions:
                    common = keys[i] & present
                    if common:
                        forms = words[i].forms
                        weights[i] = max(weights[i], field_weight * max(forms[t] for t in common))
        for i in positions:
            if not weights[i] and i in known:
                weights[i] = WEIGHTS["text"]
            hits[i] += bool(weights[i])
        weighed.append((object_id, rank, commune_id, weights))
    # Among entries holding only some of the words, a rare word says more than a common one
    # ("aide alimentaire": "alimentaire" before "aide").
    rarity = [math.log((1 + len(weighed)) / (1 + n)) + 0.01 for n in hits]
    scored = []
    soft = [w.soft for w in words]
    hard_word = [i in required for i in positions]
    centres, communes = found.centres, found.communes
    for object_id, rank, commune_id, weights in weighed:
        matched = hard = score = 0.0
        for i, weight in enumerate(weights):
            if weight:
                matched += SOFT if soft[i] else 1
                hard += hard_word[i]
        if hard < need:
            continue
        partial = hard < len(required)
        for i, weight in enumerate(weights):
            # A commune named counts by nearness, not by where its name was found.
            if weight and not soft[i]:
                score += weight * rarity[i] if partial else weight
        distance = _distance(centres, commune_id, communes) if communes else 0.0
        scored.append(((-matched, -score, -rank, distance, object_id), object_id))
    scored.sort()
    return [object_id for _key, object_id in scored[:limit]]
