"""The full-text index: one document per actor, event and project, matched by word prefixes.

Texts are folded (no accents, lower case) before they are stored and before a query is run, so
"inegalites" finds "Inégalités". Every word of a query must match the start of a word of the
document; matches in names rank above matches in texts.
"""

from django.db import connection

from maillage.text import fold

from .models import Document

MAX_WORDS = 8


def query_words(query):
    return [w for w in fold(query).split() if w][:MAX_WORDS]


def index(kind, object_id, name, text):
    """Create or update the document of one object (name and text already folded)."""
    Document.objects.update_or_create(kind=kind, object_id=object_id, defaults={"name": name, "text": text})


def index_many(kind, rows):
    """Bulk-create documents for new objects: rows of (object_id, name, text)."""
    Document.objects.bulk_create(
        [Document(kind=kind, object_id=i, name=n, text=t) for i, n, t in rows], batch_size=2000
    )


def remove(kind, object_id):
    Document.objects.filter(kind=kind, object_id=object_id).delete()


def _sqlite(kind, words, *, names_only, ranked):
    # FTS5: every word as a quoted prefix, optionally in the name column only; bm25 weighs names
    # ten times texts.
    match = " ".join(f'"{w}"*' for w in words)
    table = f"search_{kind}_fts"  # kind is one of Document.Kind: never user input
    sql = f"SELECT d.object_id FROM {table} f JOIN search_document d ON d.id = f.rowid WHERE {table} MATCH %s"
    if ranked:
        sql += f" ORDER BY bm25({table}, 10.0, 1.0), d.object_id"
    return sql, [f"name: ({match})" if names_only else match]


def _postgresql(kind, words, *, names_only, ranked):
    # ``vector`` is the stored column of migration 0002 (names weigh A), with a GIN index per kind.
    weight = "A" if names_only else ""
    tsquery = " & ".join(f"{w}:*{weight}" for w in words)
    sql = f"SELECT object_id FROM search_document, to_tsquery('simple', %s) AS query WHERE kind = '{kind}' AND vector @@ query"
    if ranked:
        sql += " ORDER BY ts_rank(vector, query) DESC, object_id"
    return sql, [tsquery]


def _run(sql, params, limit=None):
    if limit:
        sql += " LIMIT %s"
        params = [*params, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _fallback(kind, words, limit):
    """Other databases: every word in the name or the text (no ranking beyond names first)."""
    qs = Document.objects.filter(kind=kind)
    for w in words:
        qs = qs.filter(name__contains=w) | qs.filter(text__contains=w)
    ids = list(qs.values_list("object_id", flat=True).order_by("object_id"))
    return ids[:limit] if limit else ids


def match_ids(kind, query, limit=None):
    """Ids of the objects of ``kind`` matching ``query``.

    With a ``limit``: the best first, matches in names before matches in texts. Ranking every
    match of a common word is what costs, so names are ranked first (they are short) and texts
    only when names did not fill the list. Without a limit: every match, unordered (for filters).
    """
    words = [w for w in query_words(query) if w.isalnum()]
    if not words or kind not in Document.Kind.values:
        return []
    engine = {"sqlite": _sqlite, "postgresql": _postgresql}.get(connection.vendor)
    if engine is None:
        return _fallback(kind, words, limit)
    if not limit:
        return _run(*engine(kind, words, names_only=False, ranked=False))
    found = _run(*engine(kind, words, names_only=True, ranked=True), limit)
    if len(found) < limit:
        seen = set(found)
        more = _run(*engine(kind, words, names_only=False, ranked=True), limit + len(found))
        found += [i for i in more if i not in seen][: limit - len(found)]
    return found
