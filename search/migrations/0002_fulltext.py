"""The full-text index on search documents, in each database's own dialect."""

from django.db import migrations

SQLITE = [
    # An external-content FTS5 table: it indexes search_document's rows without copying them.
    """CREATE VIRTUAL TABLE search_document_fts USING fts5(
        name, text, content='search_document', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3 4')""",
    """CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN
        INSERT INTO search_document_fts(rowid, name, text) VALUES (new.id, new.name, new.text); END""",
    """CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, name, text)
        VALUES ('delete', old.id, old.name, old.text); END""",
    """CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, name, text)
        VALUES ('delete', old.id, old.name, old.text);
        INSERT INTO search_document_fts(rowid, name, text) VALUES (new.id, new.name, new.text); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER search_document_au",
    "DROP TRIGGER search_document_ad",
    "DROP TRIGGER search_document_ai",
    "DROP TABLE search_document_fts",
]
POSTGRESQL = [
    """CREATE INDEX search_document_tsv ON search_document USING gin ((
        setweight(to_tsvector('simple', name), 'A') || setweight(to_tsvector('simple', text), 'B')))"""
]
POSTGRESQL_REVERSE = ["DROP INDEX search_document_tsv"]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
