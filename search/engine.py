"""The full-text index: one document per actor, event and project, matched by word prefixes.

Texts are folded (no accents, lower case) before they are stored and before a query is run, so
"inegalites" finds "Inégalités". Every word of a query must match the start of a word of the
document; matches in names rank above matches in texts.
"""

from contextlib import nullcontext

from django.db import connection, transaction

from maillage.text import fold

from .models import Document

MAX_WORDS = 8
# Matches ranked per tier: a word found in thousands of names ranks the first few hundred (the
# oldest documents: real data before synthetic), which keeps every search fast and bounded.
CANDIDATES = 300


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


def _sqlite(kind, words, limit):
    """FTS5: every word as a quoted prefix; bm25 weighs names ten times texts."""
    match = " ".join(f'"{w}"*' for w in words)
    table = f"search_{kind}_fts"  # kind is one of Document.Kind: never user input
    if not limit:
        return f"SELECT d.object_id FROM {table} f JOIN search_document d ON d.id = f.rowid WHERE {table} MATCH %s", [
            match
        ]
    candidates = (
        f"SELECT rowid AS id, bm25({table}, 10.0, 1.0) AS score FROM {table} WHERE {table} MATCH %s LIMIT {CANDIDATES}"
    )
    ranked = (
        f"SELECT d.object_id FROM ({candidates}) c JOIN search_document d ON d.id = c.id "
        "ORDER BY c.score, d.object_id LIMIT %s"
    )
    names = f"name: ({match})"
    return _tiers(ranked, ranked), [names, limit, f"({match}) NOT {names}", limit, limit]


def _postgresql(kind, words, limit):
    """A stored tsvector (migration 0002: names weigh A) with a GIN index per kind."""
    everything = " & ".join(f"{w}:*" for w in words)
    select = (
        "SELECT object_id, vector, query FROM search_document, to_tsquery('simple', %s) AS query "
        f"WHERE kind = '{kind}' AND vector @@ query"
    )
    if not limit:
        return f"SELECT object_id FROM ({select}) AS matches", [everything]
    ranked = (
        f"SELECT object_id FROM ({select} LIMIT {CANDIDATES}) AS candidates "
        "ORDER BY ts_rank(vector, query) DESC, object_id LIMIT %s"
    )
    names = " & ".join(f"{w}:*A" for w in words)
    return _tiers(ranked, ranked), [names, limit, f"({everything}) & !({names})", limit, limit]


def _tiers(names_first, texts_then):
    # Both databases run the parts of a UNION ALL in order and stop at the outer LIMIT: when the
    # matches in names fill the list, the ranking of matches in texts never runs.
    return f"SELECT * FROM ({names_first}) AS names UNION ALL SELECT * FROM ({texts_then}) AS texts LIMIT %s"


def _fallback(kind, words, limit):
    """Other databases: every word in the name or the text (no ranking beyond names first)."""
    qs = Document.objects.filter(kind=kind)
    for w in words:
        qs = qs.filter(name__contains=w) | qs.filter(text__contains=w)
    ids = list(qs.values_list("object_id", flat=True).order_by("object_id"))
    return ids[:limit] if limit else ids


def match_ids(kind, query, limit=None):
    """Ids of the objects of ``kind`` matching ``query``, in one query.

    With a ``limit``: the best first, matches in names before matches in texts (each ranked).
    Without: every match, unordered (for filters).
    """
    words = [w for w in query_words(query) if w.isalnum()]
    if not words or kind not in Document.Kind.values:
        return []
    engine = {"sqlite": _sqlite, "postgresql": _postgresql}.get(connection.vendor)
    if engine is None:
        return _fallback(kind, words, limit)
    sql, params = engine(kind, words, limit)
    # PostgreSQL misjudges how many rows a prefix query matches and, under a LIMIT, may scan the
    # whole table instead of the GIN index, so that a rare word costs the most: not for this query.
    steer = connection.vendor == "postgresql" and limit
    with transaction.atomic() if steer else nullcontext(), connection.cursor() as cursor:
        if steer:
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
