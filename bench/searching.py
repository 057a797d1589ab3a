"""The search budgets of issue 13 that are not page timings: building the search documents of the
actors <= 60 s, and the search index's size <= 1.2 x its size before the issue; and the queries of
the search page's two timing rows (words as written; typos, synonyms and communes), which
``bench.__main__`` times over HTTP with the other pages.

``rebuild_rows(backend, env)``: `manage.py rebuild_search --kind actor` in its own process, its time
and its peak resident memory (wait4()), and the actor documents it left. While the command does not
exist, the row says so instead of failing the run.

``size_rows(backend, env)``: the bytes of every table of the search app (named ``search_*``) with
its indexes, whatever their names: on SQLite the pages each b-tree holds (the ``dbstat`` virtual
table; FTS5 keeps its index in shadow tables ``search_<kind>_fts_data``, ``_idx``, ``_docsize``...),
on PostgreSQL ``pg_total_relation_size`` (the table, its TOAST and its indexes, GIN included). The
index is compacted first (FTS5 'optimize', PostgreSQL VACUUM FULL), so the figure depends on the
documents only, not on the writes and deletes of earlier runs (a reused data set has been through
the import bench and the rebuild several times). It is the last measure of a backend: the
compaction must not speed up the search timings.

Alone, on a database that `python -m bench` prepared (or any other; it is migrated first), the
rebuild, then with --http the two search rows served by gunicorn, then the size:
    python -m bench.searching [--database-url sqlite:///var/bench/bench.sqlite3] [--no-rebuild] [--http]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from urllib.parse import quote

from . import ROOT, WORK_DIR
from .report import Row, say, table, timed
from .servers import environment, internal, setup_django

# The search page's queries: words found as written ("search" row, as before issue 13)...
SEARCHES = ["inegalites", "logement", "repair cafe", "sante mentale", "buurt"]
# ... and the typo-tolerant path, synonyms and communes ("search, typos, synonyms and communes"):
# typos of five letters or more, a theme named by its synonym in Dutch, a hyphenated word, a theme
# and a commune, a commune with a typo, the last word half typed, and four words that no entry holds
# together (the synthetic names hold "jardin partagé" and a commune, no entry "parapente"), which
# falls back to the entries matching most words.
TYPO_SEARCHES = [
    "logment",
    "alimantaire",
    "voedselhulp",
    "sans-abri",
    "aide alimentaire ixelles",
    "schaerbek",
    "alphab",
    "jardin partagé schaerbeek parapente",
]
SEARCH_BUDGET_MS = 40

REBUILD_BUDGET_SECONDS = 60
REBUILD = ["rebuild_search", "--kind", "actor"]

# The search index before issue 13 (search documents of folded names and texts; FTS5 tables of
# name and text on SQLite, a tsvector column with a GIN index per kind on PostgreSQL), measured on
# 2026-12-07 at 21:55 UTC (commit 60eb34c, schema search 0002) the way size_rows measures it, with
# the bench's data set of 20,145 actors, 50,030 events and 35 projects (70,210 documents):
# - SQLite: var/bench/bench.sqlite3 as `make bench` left it (a copy made with the backup API), FTS5
#   'optimize' then dbstat: 22,822,912 B (26,300,416 B before the optimize: the import bench's
#   9,506 documents written and deleted; 21,307,392 B counting only the b-trees whose own name
#   starts with "search", without sqlite_autoindex_search_document_1).
# - PostgreSQL 15: the bench's server is thrown away after each run, so the same 70,210 documents
#   were copied from that SQLite file into a database migrated to search 0002 (COPY; the generated
#   tsvector and the GIN indexes computed by PostgreSQL), then VACUUM FULL: 30,433,280 B (38,797,312 B
#   before it). The documents are the ones the bench's generator writes on either database.
INDEX_BYTES_BEFORE = {"sqlite": 22_822_912, "postgres": 30_433_280}
INDEX_GROWTH = 1.2  # the issue: the index's size as before +20 % at most
MB = 1024 * 1024


# --- in the bench's environment (python -m bench.searching --internal counts|size|found) --------


def _documents():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT kind, COUNT(*) FROM search_document GROUP BY kind")
        return dict(cursor.fetchall())


def _counts():
    from directory.models import Actor

    return {"actors": Actor.objects.count(), "documents": _documents()}


SQLITE_FTS5 = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE %s ESCAPE '\\' AND sql LIKE %s ORDER BY name"
)
# Every b-tree (table or index) of a table named search_*: the unique constraint's index is named
# sqlite_autoindex_search_document_1, FTS5's shadow tables search_<kind>_fts_data and so on.
SQLITE_SIZE = (
    "SELECT COALESCE(SUM(d.pgsize), 0) FROM dbstat d JOIN sqlite_master m ON m.name = d.name "
    "WHERE m.tbl_name LIKE %s ESCAPE '\\'"
)
POSTGRES_TABLES = (
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('r', 'p', 'm') AND c.relname LIKE %s AND n.nspname = current_schema() ORDER BY 1"
)
SEARCH_TABLES = "search\\_%"  # LIKE: "_" escaped


def _size():
    """{"bytes": the search tables and their indexes, compacted first, "documents": {kind: n}}; bytes
    is None where it cannot be measured (an SQLite built without dbstat, another database)."""
    from django.db import OperationalError, connection

    result = {"bytes": None, "documents": _documents(), "vendor": connection.vendor}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(SQLITE_FTS5, [SEARCH_TABLES, "CREATE VIRTUAL TABLE%USING fts5%"])
            for (name,) in cursor.fetchall():
                cursor.execute(f'INSERT INTO "{name}"("{name}") VALUES (\'optimize\')')
            try:
                cursor.execute(SQLITE_SIZE, [SEARCH_TABLES])
            except OperationalError as exc:  # "no such table: dbstat": SQLITE_ENABLE_DBSTAT_VTAB is off
                result["error"] = str(exc)
                return result
            result["bytes"] = cursor.fetchone()[0]
        elif connection.vendor == "postgresql":
            cursor.execute(POSTGRES_TABLES, [SEARCH_TABLES])
            tables = [name for (name,) in cursor.fetchall()]
            for name in tables:  # autocommit: VACUUM cannot run in a transaction
                cursor.execute(f'VACUUM FULL "{name}"')
            result["bytes"] = 0
            for name in tables:
                cursor.execute("SELECT pg_total_relation_size(%s::regclass)", [f'"{name}"'])
                result["bytes"] += cursor.fetchone()[0]
    return result


def search_found(queries):
    """For each query, how many entries the search engine returns, best first, up to 10 per kind
    (an error's name if it fails): the typo-tolerant row times these, and a query that finds
    nothing would time the shortest path instead."""
    from search import engine
    from search.models import Document

    found = {}
    for query in queries:
        try:
            found[query] = sum(len(engine.match_ids(kind, query, limit=10)) for kind in Document.Kind.values)
        except Exception as exc:  # noqa: BLE001 - the engine is young; its failure is a result here
            found[query] = type(exc).__name__
    return found


def _internal(mode):
    setup_django()
    modes = {"counts": _counts, "size": _size, "found": lambda: search_found(TYPO_SEARCHES)}
    print(json.dumps(modes[mode]()))


# --- from the bench -----------------------------------------------------------------------------


def _django(env, mode):
    return internal("bench.searching", env, mode)


class Missing(Exception):
    """The command does not exist (yet)."""


def run_command(env, args):
    """(seconds, peak RSS in kB, the command's last line) of one `manage.py <args>`. Raises Missing
    when Django does not know the command, RuntimeError when it fails."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own peak, not the bench's others
        seconds = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        lines = out.read().decode(errors="replace").strip().splitlines()
        if process.returncode:
            error = err.read().decode(errors="replace")
            if f"Unknown command: '{args[0]}'" in error:
                raise Missing(args[0])
            raise RuntimeError(f"{args[0]} failed:\n{error[-3000:]}")
    return seconds, usage.ru_maxrss, lines[-1] if lines else ""


def rebuild_rows(backend, env, say=print):
    """Rows for `manage.py rebuild_search --kind actor`: its time (the budget) and peak RSS."""
    say(backend, f"search documents of every actor: manage.py {' '.join(REBUILD)}")
    before = _django(env, "counts")
    figure = f"search documents, {before['actors']:,} actors"
    budget = f"<= {REBUILD_BUDGET_SECONDS} s"
    try:
        seconds, peak_kb, summary = run_command(env, REBUILD)
    except Missing:
        say(backend, "  manage.py rebuild_search does not exist yet")
        return [Row(backend, f"{figure}: time", count="missing: manage.py rebuild_search", budget=budget, ok=False)]
    except RuntimeError as exc:  # the engine is young: a failure is a result, the other figures go on
        say(backend, f"  {exc}")
        return [Row(backend, f"{figure}: time", count="rebuild_search failed (see above)", budget=budget, ok=False)]
    written = _django(env, "counts")["documents"].get("actor", 0)
    say(backend, f"  {seconds:.1f} s, {written:,} actor documents; {summary}")
    return [
        Row(
            backend,
            f"{figure}: time",
            size=f"{seconds:.1f} s",
            count=f"{written:,} actor documents",
            budget=budget,
            # Fast because it wrote nothing is not a pass.
            ok=seconds <= REBUILD_BUDGET_SECONDS and (written > 0 or before["actors"] == 0),
        ),
        Row(
            backend,
            f"{figure}: peak RSS",
            size=f"{peak_kb / 1024:.0f} MB",
            count="rebuild_search process",
        ),
    ]


def size_rows(backend, env, say=print):
    """The row of the search index's size against INDEX_BYTES_BEFORE x INDEX_GROWTH."""
    say(backend, "search index size (compacted first)")
    info = _django(env, "size")
    documents = sum(info["documents"].values())
    before = INDEX_BYTES_BEFORE.get(backend) or INDEX_BYTES_BEFORE.get(
        {"postgresql": "postgres"}.get(info["vendor"], info["vendor"])
    )
    budget = f"<= {INDEX_GROWTH * before / MB:.1f} MB ({INDEX_GROWTH} x {before / MB:.1f})" if before else "-"
    if info["bytes"] is None:
        say(backend, f"  not measured: {info.get('error', info['vendor'])}")
        return [Row(backend, "search index size", count=f"not measured: {info.get('error', info['vendor'])}")]
    size = info["bytes"]
    say(backend, f"  {size:,} B for {documents:,} documents")
    return [
        Row(
            backend,
            "search index size",
            size=f"{size / MB:.1f} MB",
            count=f"{documents:,} documents, x {size / before:.2f}" if before else f"{documents:,} documents",
            budget=budget,
            # An index of no documents is small because it holds nothing: not a pass.
            ok=documents > 0 and size <= INDEX_GROWTH * before if before else None,
        )
    ]


def http_rows(backend, env, repeat):
    """The search page's two timing rows, served by gunicorn as `python -m bench` serves it (the
    page cache's miss path)."""
    from .measure import Client
    from .servers import free_port, gunicorn, miss_path

    port = free_port()
    env = miss_path(dict(env, SITE_URL=f"http://127.0.0.1:{port}"))  # the search as after a change
    rows = []
    found = _django(env, "found")
    with gunicorn(env, port, WORK_DIR / f"gunicorn-searching-{backend}.log"):
        client = Client(port)
        try:
            rows.append(timed(client, backend, "search", paths(SEARCHES), repeat, SEARCH_BUDGET_MS)[1])
            typos = paths(TYPO_SEARCHES)
            timing, row = timed(
                client, backend, "search, typos, synonyms and communes", typos, repeat, SEARCH_BUDGET_MS
            )
            if not timing.error:
                row.count = found_summary(found)
            rows.append(row)
        finally:
            client.close()
    return rows


def found_summary(found):
    """The count cell of the typo row: the queries that found nothing (or failed), from
    bench.probe's search_found."""
    empty = [q for q, n in found.items() if not isinstance(n, int) or n == 0]
    if not found:
        return ""
    if not empty:
        return f"all {len(found)} queries find entries"
    return f"nothing for {len(empty)}: " + ", ".join(f"{q!r}" for q in empty)


def paths(queries):
    return [f"/fr/search/?q={quote(q)}" for q in queries]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.searching", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=f"sqlite:///{WORK_DIR / 'bench.sqlite3'}")
    parser.add_argument("--backend", help="the name the budgets know it by (default: from the URL)")
    parser.add_argument("--no-rebuild", action="store_true", help="skip manage.py rebuild_search")
    parser.add_argument(
        "--http", action="store_true", help="also time the search page over HTTP (collectstatic into a temp folder)"
    )
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per figure with --http (default 30)")
    parser.add_argument("--internal", choices=["counts", "size", "found"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.internal:
        return _internal(args.internal)
    backend = args.backend or ("postgres" if args.database_url.startswith("postgres") else "sqlite")
    rows = []
    with tempfile.TemporaryDirectory(prefix="maillage-bench-static-") as static_root:
        env = environment(args.database_url, static_root, 0)
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        if not args.no_rebuild:
            rows += rebuild_rows(backend, env, say)
        if args.http:
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput"],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            rows += http_rows(backend, env, args.repeat)
        rows += size_rows(backend, env, say)
    print()
    print(table(rows))
    judged = [r for r in rows if r.ok is not None]
    return 0 if all(r.ok for r in judged) else 1


if __name__ == "__main__":
    sys.exit(main())
