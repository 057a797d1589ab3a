"""The full-text index on search documents, in each database's own dialect.

SQLite: one FTS5 table per kind of document, so a search for actors never scores events.
PostgreSQL: a stored, generated tsvector column (names weigh more than texts) with a GIN index
per kind (partial indexes), so ranking reads the stored vector instead of recomputing it.
"""

from django.db import migrations

KINDS = ("actor", "event", "project")


def _sqlite(kind):
    table = f"search_{kind}_fts"
    return [
        # External content: FTS5 indexes search_document's rows without copying them.
        f"""CREATE VIRTUAL TABLE {table} USING fts5(
            name, text, content='search_document', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2', prefix='2 3 4')""",
        f"""CREATE TRIGGER {table}_ai AFTER INSERT ON search_document WHEN new.kind = '{kind}' BEGIN
            INSERT INTO {table}(rowid, name, text) VALUES (new.id, new.name, new.text); END""",
        f"""CREATE TRIGGER {table}_ad AFTER DELETE ON search_document WHEN old.kind = '{kind}' BEGIN
            INSERT INTO {table}({table}, rowid, name, text) VALUES ('delete', old.id, old.name, old.text); END""",
        f"""CREATE TRIGGER {table}_au AFTER UPDATE ON search_document WHEN old.kind = '{kind}' BEGIN
            INSERT INTO {table}({table}, rowid, name, text) VALUES ('delete', old.id, old.name, old.text);
            INSERT INTO {table}(rowid, name, text) VALUES (new.id, new.name, new.text); END""",
    ]


def _sqlite_reverse(kind):
    table = f"search_{kind}_fts"
    return [f"DROP TRIGGER {table}_au", f"DROP TRIGGER {table}_ad", f"DROP TRIGGER {table}_ai", f"DROP TABLE {table}"]


VECTOR = "setweight(to_tsvector('simple', name), 'A') || setweight(to_tsvector('simple', text), 'B')"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE search_document ADD COLUMN vector tsvector GENERATED ALWAYS AS ({VECTOR}) STORED")
    for kind in KINDS:
        if vendor == "sqlite":
            for sql in _sqlite(kind):
                schema_editor.execute(sql)
        elif vendor == "postgresql":
            schema_editor.execute(f"CREATE INDEX search_{kind}_tsv ON search_document USING gin (vector) WHERE kind = '{kind}'")


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for kind in KINDS:
        if vendor == "sqlite":
            for sql in _sqlite_reverse(kind):
                schema_editor.execute(sql)
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX search_{kind}_tsv")
    if vendor == "postgresql":
        schema_editor.execute("ALTER TABLE search_document DROP COLUMN vector")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
