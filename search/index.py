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


def _sqlite(kind, words):
    # FTS5 query: every word as a quoted prefix; bm25 weights names ten times texts.
    match = " ".join(f'"{w}"*' for w in words)
    table = f"search_{kind}_fts"  # kind is one of Document.Kind: never user input
    sql = (
        f"SELECT d.object_id FROM {table} f JOIN search_document d ON d.id = f.rowid "
        f"WHERE {table} MATCH %s ORDER BY bm25({table}, 10.0, 1.0), d.object_id"
    )
    return sql, [match]


def _postgresql(kind, words):
    # ``vector`` is the stored column of migration 0002, with a GIN index per kind.
    tsquery = " & ".join(f"{w}:*" for w in words)
    sql = (
        "SELECT object_id FROM search_document, to_tsquery('simple', %s) AS query "
        f"WHERE kind = '{kind}' AND vector @@ query ORDER BY ts_rank(vector, query) DESC, object_id"
    )
    return sql, [tsquery]


def _run(sql, params, limit):
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
    """Ids of the objects of ``kind`` matching ``query``, best first."""
    words = [w for w in query_words(query) if w.isalnum()]
    if not words or kind not in Document.Kind.values:
        return []
    engine = {"sqlite": _sqlite, "postgresql": _postgresql}.get(connection.vendor)
    if engine is None:
        return _fallback(kind, words, limit)
    return _run(*engine(kind, words), limit)
