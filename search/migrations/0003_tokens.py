"""Documents of stored tokens (search.analysis) in four weighted parts, and the vocabulary of words.

The index of 0002 is replaced: SQLite gets an FTS5 table of the columns name, acronym, tags, text
and one of name and acronym per kind;
PostgreSQL gets a tsvector of the four and a GIN index of it per kind, and one of the names and
acronym per kind. Both index the same plain tokens (the 'simple' configuration and the unicode61
tokenizer split a-z0-9 words alike), so both databases match the same documents. The documents of 0002 held other words: they are emptied here and
``manage.py rebuild_search`` (run by ``make demo``; after an upgrade, once) writes them again.
"""

from django.db import migrations, models

KINDS = ("actor", "event", "project")
# Where names are what people look for (organisations, projects), the names and acronym alone are
# indexed too: the engine's first tier finds them among thousands of matches of a common word.
# Events are found by their subject and date: no such index (50,000 titles, 3 MB on PostgreSQL).
NAMED = ("actor", "project")
COLUMNS = ("name", "acronym", "tags", "text")


def _old_sqlite(kind):
    table = f"search_{kind}_fts"
    return [f"DROP TRIGGER {table}_au", f"DROP TRIGGER {table}_ad", f"DROP TRIGGER {table}_ai", f"DROP TABLE {table}"]


def _fts(table, kind, columns):
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    return [
        # External content: FTS5 indexes search_document's rows without copying them. The tokens
        # are already folded (no diacritics to remove); no positions nor sizes are kept
        # (detail=none, columnsize=0: no phrase search, no bm25; ranking is the engine's).
        f"""CREATE VIRTUAL TABLE {table} USING fts5({names}, content='search_document', content_rowid='id',
            tokenize='unicode61 remove_diacritics 0', prefix='2 3 4', detail=none, columnsize=0)""",
        f"""CREATE TRIGGER {table}_ai AFTER INSERT ON search_document WHEN new.kind = '{kind}' BEGIN
            INSERT INTO {table}(rowid, {names}) VALUES (new.id, {new}); END""",
        f"""CREATE TRIGGER {table}_ad AFTER DELETE ON search_document WHEN old.kind = '{kind}' BEGIN
            INSERT INTO {table}({table}, rowid, {names}) VALUES ('delete', old.id, {old}); END""",
        f"""CREATE TRIGGER {table}_au AFTER UPDATE ON search_document WHEN old.kind = '{kind}' BEGIN
            INSERT INTO {table}({table}, rowid, {names}) VALUES ('delete', old.id, {old});
            INSERT INTO {table}(rowid, {names}) VALUES (new.id, {new}); END""",
    ]


def _new_sqlite(kind):
    # The whole document, and its names and acronym alone (the engine's first tier).
    names = _fts(f"search_{kind}_names", kind, ("name", "acronym")) if kind in NAMED else []
    return _fts(f"search_{kind}_fts", kind, COLUMNS) + names


def _drop_new_sqlite(kind):
    if kind not in NAMED:
        return _old_sqlite(kind)
    return (
        _old_sqlite(kind)
        + [f"DROP TRIGGER search_{kind}_names_{event}" for event in ("au", "ad", "ai")]
        + [f"DROP TABLE search_{kind}_names"]
    )


# PostgreSQL: the vector of the four parts, without positions (no phrase search, no ranking in
# SQL), set by a trigger that then empties the text: nothing reads it back (snippets read the
# entries themselves), and narrow rows keep the scan of thousands of matches short. The engine
# always writes a document whole, so the text of an update is the text of the document.
PG_TRIGGER = """
CREATE FUNCTION search_document_vector() RETURNS trigger AS $$
BEGIN
    NEW.vector := strip(to_tsvector('simple', NEW.name || ' ' || NEW.acronym || ' ' || NEW.tags || ' ' || NEW.text));
    NEW.text := '';
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER search_document_vector BEFORE INSERT OR UPDATE ON search_document
    FOR EACH ROW EXECUTE FUNCTION search_document_vector();
"""
# The names and acronym alone (the engine's first tier), the same expression as its queries.
PG_NAMES = "to_tsvector('simple', name || ' ' || acronym)"


def drop_old(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute("DELETE FROM search_document")
    for kind in KINDS:
        if vendor == "sqlite":
            for sql in _old_sqlite(kind):
                schema_editor.execute(sql)
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX search_{kind}_tsv")
    if vendor == "postgresql":
        schema_editor.execute("ALTER TABLE search_document DROP COLUMN vector")


def create_new(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # Words compare byte by byte (as on SQLite): the completions of "alpha" are a range of the key.
        schema_editor.execute('ALTER TABLE search_word ALTER COLUMN word TYPE varchar(64) COLLATE "C"')
        schema_editor.execute("ALTER TABLE search_document ADD COLUMN vector tsvector")
        schema_editor.execute(PG_TRIGGER)
    for kind in KINDS:
        if vendor == "sqlite":
            for sql in _new_sqlite(kind):
                schema_editor.execute(sql)
        elif vendor == "postgresql":
            where = f"WHERE kind = '{kind}'"
            schema_editor.execute(f"CREATE INDEX search_{kind}_tsv ON search_document USING gin (vector) {where}")
            if kind in NAMED:
                schema_editor.execute(
                    f"CREATE INDEX search_{kind}_names ON search_document USING gin ({PG_NAMES}) {where}"
                )


def drop_new(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute("DELETE FROM search_document")
    for kind in KINDS:
        if vendor == "sqlite":
            for sql in _drop_new_sqlite(kind):
                schema_editor.execute(sql)
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX search_{kind}_tsv")
            if kind in NAMED:
                schema_editor.execute(f"DROP INDEX search_{kind}_names")
    if vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER search_document_vector ON search_document")
        schema_editor.execute("DROP FUNCTION search_document_vector()")
        schema_editor.execute("ALTER TABLE search_document DROP COLUMN vector")


def recreate_old(apps, schema_editor):
    # Going back: 0002's index over the two columns it knew (its documents are rebuilt by hand).
    from importlib import import_module

    import_module("search.migrations.0002_fulltext").forwards(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [
        migrations.RunPython(drop_old, recreate_old),
        migrations.CreateModel(
            name="Word",
            fields=[("word", models.CharField(max_length=64, primary_key=True, serialize=False))],
            options={"db_table": "search_word"},
        ),
        migrations.AddField(model_name="document", name="acronym", field=models.TextField(blank=True)),
        migrations.AddField(model_name="document", name="commune_id", field=models.IntegerField(blank=True, null=True)),
        migrations.AddField(model_name="document", name="rank", field=models.PositiveSmallIntegerField(default=0)),
        migrations.AddField(model_name="document", name="tags", field=models.TextField(blank=True)),
        migrations.RunPython(create_new, drop_new),
    ]
