"""Throughput as a user measures it (issue 14): for each public page kind, requests/s and p99 latency
with `wrk` (8 connections, 2 threads, a browser's Accept-Encoding) against gunicorn with 2 sync
workers in the production configuration, at demo size and on the bench's data set (20,000 actors /
50,000 events), and the ratio between the two sizes.

Each kind rotates a few URLs (languages, filters, slugs; a wrk Lua script) so that one URL is not
the only thing measured. Each URL is requested once first (it must answer 200; the X-Page-Cache
header it carries the second time is reported), then wrk runs 1 s to warm both workers, then the
measure (5 s by default). Between kinds the bench waits until the workers are idle (a slow page
left requests queued when wrk stopped). The miss path (after a change) is timed by the p95 rows of
``python -m bench``. Budgets: every kind >= 1,000 requests/s and p99 <= 25 ms at both sizes; at
scale each kind keeps >= 80 % of its demo-size throughput; a worker under 250 MB resident after
the run; the page cache's stored bytes under 200 MB.

The demo-size database is made when its marker does not describe it (migrate, load_territory,
load_demo, rebuild_search): var/bench/demo.sqlite3 next to the SQLite data set, the database
<name>_demo on the PostgreSQL server of the data set. Without wrk on the PATH the section is skipped
with one line.

Alone (the data set as `python -m bench` prepared it, or any copy; it is migrated first):
    python -m bench.throughput [--database-url URL] [--demo-url URL] [--sizes demo,scale] [--seconds 5]
"""

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from . import ROOT, WORK_DIR, fingerprint, servers
from .report import Row, say

CONNECTIONS, THREADS, WORKERS = 8, 2, 2
SECONDS, WARM_SECONDS = 5, 1
ACCEPT_ENCODING = "gzip, br"  # what a browser sends
MIN_RPS, MAX_P99_MS, MIN_RATIO = 1000, 25, 0.8
# Exports and feeds (issue 14, part 3): stored files whose size grows with the data, so they are
# held to "no longer fall with the data" (at scale, >= MIN_RATIO of the demo's bytes per second),
# and the whole directory's GeoJSON to its own times, one request at a time.
EXPORT_KINDS = frozenset({"points", "geojson", "csv", "feed", "event_ics"})
GEOJSON = "/fr/open-data/actors.geojson"
GEOJSON_FIRST_S, GEOJSON_STORED_MS = 1.0, 5.0
WORKER_MB, CACHE_MB = 250, 200
MB = 1024 * 1024

# (kind, its label in the tables): the public page kinds, in the order they are measured.
KINDS = [
    ("home", "home"),
    ("directory", "directory"),
    ("directory_filters", "directory, filters"),
    ("actor", "actor page"),
    ("map", "map page"),
    ("points", "map points.json"),
    ("upcoming", "agenda (upcoming)"),
    ("month", "agenda month"),
    ("archive", "agenda archive"),
    ("event", "event page"),
    ("projects", "projects"),
    ("project", "project page"),
    ("search", "search"),
    ("opendata", "open-data index"),
    ("geojson", "actors.geojson"),
    ("csv", "actors.csv"),
    ("feed", "agenda.ics"),
    ("event_ics", "event .ics"),
    ("embed_map", "embed: map"),
    ("embed_agenda", "embed: agenda"),
]
LABELS = dict(KINDS)
SEARCHES = ["logement", "repair cafe", "sante mentale", "aide alimentaire ixelles", "buurt"]

# Printed by wrk at the end of the run: one line of JSON (latencies in microseconds).
WRK_SCRIPT = """
local paths = {%(paths)s}
local i = 0
wrk.headers["Accept-Encoding"] = "%(encoding)s"
function setup(thread)
  thread:set("offset", #paths > 1 and math.random(#paths) or 0)
end
function request()
  i = i + 1
  return wrk.format("GET", paths[((i + (offset or 0)) %% #paths) + 1])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nTHROUGHPUT {"requests": %%d, "duration_us": %%d, "bytes": %%d, "connect": %%d, "read": %%d, '
    .. '"write": %%d, "status": %%d, "timeout": %%d, "p50_us": %%d, "p99_us": %%d, "max_us": %%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def rate(rps):
    """Requests/s as the tables show them: a decimal below 10."""
    return f"{rps:,.0f}" if rps >= 10 else f"{rps:.1f}"


@dataclass
class Result:
    kind: str
    paths: list
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    wire_bytes: int = 0  # the largest answer of the warm-up pass, as sent
    cache: str = ""  # X-Page-Cache of the warm-up's second pass: "hit 3/3", "" if none
    error: str = ""
    errors: dict = field(default_factory=dict)

    @property
    def ok(self):
        return not self.error and self.rps >= MIN_RPS and self.p99_ms <= MAX_P99_MS


# --- in the bench's environment (python -m bench.throughput --internal urls|cache) ----------------


def _urls():
    """{kind: [paths]}: a few real addresses per kind, from the data."""
    from django.db.models import Count
    from django.utils import timezone

    from agenda.models import Event, Occurrence
    from directory.models import Actor, Theme
    from projects.models import Project
    from territory.models import Commune

    now = timezone.now()
    themes = list(
        Theme.objects.filter(parent=None).annotate(n=Count("actors")).order_by("-n").values_list("slug", flat=True)[:3]
    )
    communes = list(
        Commune.objects.annotate(n=Count("actors")).order_by("-n", "slug").values_list("slug", flat=True)[:3]
    )
    theme, commune = (themes or [""])[0], (communes or [""])[0]

    def spread(queryset, n=5):
        """n slugs spread over the queryset (the first, the last and between)."""
        total = queryset.count()
        step = max(1, total // n)
        return [queryset[k].slug for k in range(0, total, step)][:n]

    actors = spread(Actor.objects.filter(archived_at=None).order_by("pk"))
    coming = Occurrence.objects.filter(start__gte=now, event__archived_at=None).order_by("start")
    events = list(dict.fromkeys(coming.values_list("event__slug", flat=True)[:2000]))  # soonest first
    events = events[:: max(1, len(events) // 5)][:5]
    projects = spread(Project.objects.filter(archived_at=None).order_by("pk"))
    local = timezone.localtime(now)
    months = []
    for k in range(3):
        year, month = divmod(local.month - 1 + k, 12)
        months.append(f"{local.year + year}-{month + 1:02d}")
    filtered = [f"?theme={theme}", f"?commune={commune}"] if theme and commune else []
    languages = ["fr", "nl", "en"]
    return {
        "home": [f"/{lang}/" for lang in languages],
        "directory": ["/fr/directory/", "/nl/directory/", "/fr/directory/?page=2"],
        "directory_filters": [f"/fr/directory/?commune={c}&theme={t}" for c, t in zip(communes, themes, strict=False)]
        + ["/fr/directory/?kind=association&venue=yes"],
        "actor": [f"/fr/directory/{slug}/" for slug in actors],
        "map": ["/fr/map/", "/nl/map/", *(f"/fr/map/{f}" for f in filtered)],
        "points": ["/fr/map/points.json", *(f"/fr/map/points.json{f}" for f in filtered)],
        "upcoming": ["/fr/agenda/", "/nl/agenda/", *(f"/fr/agenda/{f}" for f in filtered)],
        "month": [f"/fr/agenda/month/?month={m}" for m in months],
        "archive": ["/fr/agenda/archive/", "/nl/agenda/archive/", "/fr/agenda/archive/?page=2"],
        "event": [f"/fr/agenda/{slug}/" for slug in events],
        "projects": [f"/{lang}/projects/" for lang in languages],
        "project": [f"/fr/projects/{slug}/" for slug in projects],
        "search": [f"/fr/search/?q={q.replace(' ', '+')}" for q in SEARCHES],
        "opendata": [f"/{lang}/open-data/" for lang in languages],
        "geojson": ["/fr/open-data/actors.geojson", *(f"/fr/open-data/actors.geojson{f}" for f in filtered)],
        "csv": ["/fr/open-data/actors.csv", *(f"/fr/open-data/actors.csv{f}" for f in filtered)],
        "feed": ["/fr/agenda/agenda.ics", *(f"/fr/agenda/agenda.ics{f}" for f in filtered)],
        "event_ics": [f"/fr/agenda/{slug}/event.ics" for slug in events],
        "embed_map": ["/fr/embed/map/", *(f"/fr/embed/map/{f}" for f in filtered)],
        "embed_agenda": ["/fr/embed/agenda/", *(f"/fr/embed/agenda/{f}" for f in filtered)],
        "actors": Actor.objects.count(),
        "events": Event.objects.count(),
    }


def _cache():
    """The shared page cache's size: {"bytes", "entries", "how"}; bytes None when it cannot be
    measured. (Each worker's own copies, maillage.pagecache.stored_bytes(), live in its memory: the
    worker resident rows count them.)"""
    from django.conf import settings
    from django.db import DatabaseError, connection

    config = settings.CACHES.get("pages")
    if not config:
        return {"bytes": None, "entries": None, "how": "no page cache"}
    if config["BACKEND"].endswith("FileBasedCache"):
        files = [p for p in Path(config["LOCATION"]).rglob("*") if p.is_file()]
        return {"bytes": sum(p.stat().st_size for p in files), "entries": len(files), "how": "files"}
    if not config["BACKEND"].endswith("DatabaseCache"):
        return {"bytes": None, "entries": None, "how": f"not measured: {config['BACKEND'].rsplit('.', 1)[-1]}"}
    table = config["LOCATION"]
    quoted = connection.ops.quote_name(table)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*), COALESCE(SUM(LENGTH(value)), 0) FROM {quoted}")  # noqa: S608
            entries, values = cursor.fetchone()
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_total_relation_size(%s::regclass)", [quoted])
                return {"bytes": cursor.fetchone()[0], "entries": entries, "how": f"table {table}"}
            if connection.vendor == "sqlite":
                try:
                    cursor.execute(
                        "SELECT COALESCE(SUM(d.pgsize), 0) FROM dbstat d JOIN sqlite_master m ON m.name = d.name "
                        "WHERE m.tbl_name = %s",
                        [table],
                    )
                    return {"bytes": cursor.fetchone()[0], "entries": entries, "how": f"table {table}"}
                except DatabaseError:
                    pass
            return {"bytes": values, "entries": entries, "how": f"values in {table}"}
    except DatabaseError as exc:
        return {"bytes": None, "entries": None, "how": f"not measured: {exc}".splitlines()[0]}


def _internal(mode):
    servers.setup_django()
    print(json.dumps({"urls": _urls, "cache": _cache}[mode]()))


def _django(env, mode):
    return servers.internal("bench.throughput", env, mode)


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


# --- the demo-size database ---------------------------------------------------------------------


def demo_url(database_url):
    """The demo database beside the data set: demo.sqlite3 in the same folder, <name>_demo on the
    same PostgreSQL server."""
    parts = urlsplit(database_url)
    if parts.scheme.startswith("sqlite"):
        path = parts.path[1:] if parts.path.startswith("//") else parts.path
        folder = os.path.dirname(path) or str(WORK_DIR)
        return f"sqlite:///{os.path.join(folder, 'demo.sqlite3')}"
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_demo"))


def _create_postgres_database(url):
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def prepare_demo(backend, env, fresh=False):
    """The demo database at env's DATABASE_URL: reused while its marker describes it, else made from
    an empty database (migrate, load_territory, load_demo, rebuild_search)."""
    url = env["DATABASE_URL"]
    key = hashlib.sha256(url.encode()).hexdigest()[:16]  # no password on disk
    marker = WORK_DIR / f"demo-{key}.json"
    state = {"database": key, "fingerprint": fingerprint()}
    sqlite = url.startswith("sqlite")
    if not sqlite:
        _create_postgres_database(url)
    if not fresh and marker.exists() and json.loads(marker.read_text()) == state:
        manage(env, "migrate", "--noinput", "-v", "0")
        say(backend, "reusing the demo database")
        return
    say(backend, "building the demo database (load_territory, load_demo, rebuild_search)")
    marker.unlink(missing_ok=True)
    if sqlite:
        path = urlsplit(url).path
        path = path[1:] if path.startswith("//") else path
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path + suffix)
    else:
        subprocess.run(
            [sys.executable, "-m", "bench.probe", "reset"], cwd=ROOT, env=env, check=True, capture_output=True
        )
    for command in (["migrate", "--noinput", "-v", "0"], ["load_territory"], ["load_demo"], ["rebuild_search"]):
        manage(env, *command)
    marker.write_text(json.dumps(state))


# --- over HTTP ----------------------------------------------------------------------------------


def _get(port, path):
    """(status, body as sent, X-Page-Cache) of one request as a browser sends it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": ACCEPT_ENCODING})
        response = connection.getresponse()
        return response.status, response.read(), response.getheader("X-Page-Cache") or ""
    finally:
        connection.close()


def warm(port, paths):
    """Each path once, and again when a page cache answered: (error, largest wire size, the
    X-Page-Cache answers of the second pass). A path that does not answer 200 is an error (wrk
    would count a redirect as done)."""
    largest, states = 0, []
    for second in (False, True):
        if second and not any(states):
            return "", largest, ""  # no page cache: asking again tells nothing
        states = []
        for path in paths:
            try:
                status, body, state = _get(port, path)
            except (OSError, http.client.HTTPException) as exc:
                return f"{type(exc).__name__} for {path}", largest, ""
            if status != 200:
                return f"HTTP {status} for {path}", largest, ""
            largest = max(largest, len(body))
            states.append(state)
    return "", largest, ", ".join(f"{s or 'none'} {states.count(s)}/{len(states)}" for s in sorted(set(states)))


def run_wrk(port, paths, seconds):
    """One wrk run over the paths (rotated): the dict its Lua done() prints."""
    quoted = ", ".join(json.dumps(p) for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"paths": quoted, "encoding": ACCEPT_ENCODING})
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{THREADS}",
                f"-c{CONNECTIONS}",
                f"-d{seconds}s",
                "--latency",
                "--timeout",
                "10s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    finally:
        os.unlink(script.name)
    for line in out.stdout.splitlines():
        if line.startswith("THROUGHPUT "):
            return json.loads(line.removeprefix("THROUGHPUT "))
    raise RuntimeError(f"wrk said nothing usable:\n{out.stdout[-1000:]}{out.stderr[-1000:]}")


def _cpu_ticks(pids):
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError), open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def _postgres_busy(url):
    """Queries running on the database (a worker waiting for PostgreSQL uses no CPU of its own)."""
    if not url.startswith("postgres"):
        return 0
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        return connection.execute(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() "
            "AND datname = current_database()"
        ).fetchone()[0]


def settle(pids, database_url, timeout=300):
    """Wait until the workers are idle: wrk stops with requests still queued, and a slow page would
    otherwise be paid by the next kind's measure."""
    deadline = time.monotonic() + timeout
    quiet = 0
    before = _cpu_ticks(pids)
    while time.monotonic() < deadline and quiet < 2:
        time.sleep(0.2)
        now = _cpu_ticks(pids)
        quiet = quiet + 1 if now - before <= 1 and not _postgres_busy(database_url) else 0
        before = now


def measure_kind(port, pids, database_url, kind, paths, seconds):
    result = Result(kind, paths)
    if not paths:
        result.error = "no address to request in this data set"
        return result
    result.error, result.wire_bytes, result.cache = warm(port, paths)
    if result.error:
        return result
    run_wrk(port, paths, WARM_SECONDS)
    settle(pids, database_url)
    measured = run_wrk(port, paths, seconds)
    settle(pids, database_url)
    result.rps = measured["requests"] / (measured["duration_us"] / 1e6)
    result.p50_ms, result.p99_ms = measured["p50_us"] / 1000, measured["p99_us"] / 1000
    result.errors = {k: measured[k] for k in ("connect", "read", "write", "status", "timeout") if measured[k]}
    if result.errors:
        result.error = ", ".join(f"{n} {k} errors" for k, n in result.errors.items())
    if not measured["requests"]:
        result.error = result.error or "no request completed"
    return result


@dataclass
class Server:
    """One size's gunicorn: its database, addresses to request and workers."""

    size: str
    env: dict
    urls: dict
    port: int = 0
    pids: list = field(default_factory=list)
    results: dict = field(default_factory=dict)


def serve(stack, backend, size, env):
    """Start the size's gunicorn (2 workers) in the stack; its Server."""
    urls = _django(env, "urls")
    say(backend, f"throughput at {size}: {urls['actors']:,} actors, {urls['events']:,} events")
    port = servers.free_port()
    env = dict(env, SITE_URL=f"http://127.0.0.1:{port}")
    if env["DATABASE_URL"].startswith("sqlite") and "PAGE_CACHE_URL" not in os.environ:
        # SQLite keeps the pages as files, by default in one folder for every database of the
        # checkout: the bench's own folder per database, emptied (the key holds data versions, which
        # two databases, or a database built again, may share).
        folder = WORK_DIR / f"pages-{backend}-{size}"
        shutil.rmtree(folder, ignore_errors=True)
        env["PAGE_CACHE_URL"] = f"filecache://{folder}?max_entries=5000"
    # Stored exports in a folder of the server's own, emptied: the first GeoJSON is computed here.
    exports_dir = WORK_DIR / f"exports-{backend}-{size}"
    shutil.rmtree(exports_dir, ignore_errors=True)
    env["EXPORTS_DIR"] = str(exports_dir)
    log = WORK_DIR / f"gunicorn-throughput-{backend}-{size}.log"
    master = stack.enter_context(servers.gunicorn(env, port, log, _wsgi_app(), workers=WORKERS))
    return Server(size, env, urls, port, servers.worker_pids(master.pid))


def report(backend, size, label, result):
    if result.error and not result.rps:
        say(backend, f"  {label} at {size}: {result.error}")
        return
    say(
        backend,
        f"  {label} at {size}: {rate(result.rps)} req/s, p99 {result.p99_ms:.1f} ms ({len(result.paths)} URLs"
        + (f", {result.cache}" if result.cache else "")
        + (f"; {result.error}" if result.error else "")
        + ")",
    )


def _wsgi_app():
    if (ROOT / "maillage" / "wsgi.py").exists():
        return "maillage.wsgi:application"
    return "django.core.wsgi:get_wsgi_application()"


# --- rows and tables ----------------------------------------------------------------------------


def geojson_times(port, warm_paths=()):
    """(seconds of the first request, the computed one; median ms of 10 stored answers) of the
    whole directory's GeoJSON, one request at a time, as a browser asks it. ``warm_paths`` (other
    exports) are asked first, twice each, so that the workers have loaded what any request needs
    (code, translations, the directory's indexes): the figure is the export's own cost."""
    for path in [*warm_paths, *warm_paths]:
        _get(port, path)
    start = time.perf_counter()
    status, _body, _state = _get(port, GEOJSON)
    first = time.perf_counter() - start
    if status != 200:
        return None, None
    stored = []
    for _ in range(10):
        start = time.perf_counter()
        _get(port, GEOJSON)
        stored.append((time.perf_counter() - start) * 1000)
    return first, sorted(stored)[len(stored) // 2]


def geojson_rows(backend, size, first, stored):
    if first is None:
        return [Row(backend, f"actors.geojson {size}: one request", count="not 200")]
    scale = size == "scale"
    return [
        Row(
            backend,
            f"actors.geojson {size}: first request (computed)",
            size=f"{first:.2f} s",
            budget=f"<= {GEOJSON_FIRST_S:g} s" if scale else "-",
            ok=first <= GEOJSON_FIRST_S if scale else None,
        ),
        Row(
            backend,
            f"actors.geojson {size}: stored, one request",
            median=stored,
            budget=f"<= {GEOJSON_STORED_MS:g} ms" if scale else "-",
            ok=stored <= GEOJSON_STORED_MS if scale else None,
        ),
    ]


def kind_rows(backend, size, results, demo=None):
    rows = []
    for kind, result in results.items():
        label = LABELS[kind]
        export = kind in EXPORT_KINDS
        budget = (
            f"stored, >= {MIN_RATIO:.0%} of demo's bytes/s"
            if export
            else f">= {MIN_RPS:,} req/s, p99 <= {MAX_P99_MS} ms"
        )
        ok = not result.error if export else result.ok
        detail = [f"p99 {result.p99_ms:.1f} ms", f"{len(result.paths)} URLs"]
        base = demo.get(kind) if demo else None
        if export and base is None:
            budget, ok = "-", None  # reported: the budget compares the sizes
        if base is not None:
            if not export:
                budget += f", >= {MIN_RATIO:.0%} of demo"
            if base.rps:
                ratio = result.rps / base.rps
                if export and base.wire_bytes:  # the same request may bring more bytes at scale
                    ratio = max(ratio, ratio * (result.wire_bytes or 1) / base.wire_bytes)
                detail.append(f"{ratio:.0%} of demo" + (" bytes/s" if export else ""))
                ok = ok and ratio >= MIN_RATIO
        if result.cache:
            detail.append(result.cache)
        if result.error:
            detail.append(result.error)
        rows.append(
            Row(
                backend,
                f"throughput {size}: {label}",
                median=result.p50_ms if result.rps else None,
                size=f"{rate(result.rps)} req/s" if result.rps else "",
                count=", ".join(detail) if result.rps else result.error,
                budget=budget,
                ok=ok,
            )
        )
    return rows


def resource_rows(backend, size, resident, cache):
    worst = max(resident) if resident else 0
    rows = [
        Row(
            backend,
            f"throughput {size}: worker resident",
            size=f"{worst / 1024:.1f} MB",
            count=f"largest of {len(resident)} workers, after every kind",
            budget=f"<= {WORKER_MB} MB",
            ok=bool(resident) and worst <= WORKER_MB * 1024,
        )
    ]
    if cache["bytes"] is None:
        rows.append(Row(backend, f"throughput {size}: page cache", count=cache["how"]))
    else:
        entries = f"{cache['entries']:,} entries, " if cache.get("entries") is not None else ""
        rows.append(
            Row(
                backend,
                f"throughput {size}: page cache",
                size=f"{cache['bytes'] / MB:.1f} MB",
                count=entries + cache["how"],
                budget=f"<= {CACHE_MB} MB",
                ok=cache["bytes"] <= CACHE_MB * MB,
            )
        )
    return rows


def summary_table(backend, by_size):
    """Kind by kind: requests/s and p99 at each size, and scale over demo."""
    sizes = list(by_size)
    header = ["backend", "page kind"]
    for size in sizes:
        header += [f"{size} req/s", f"{size} p99 ms"]
    if len(sizes) == 2:
        header.append(f"{sizes[1]}/{sizes[0]}")
    lines = []
    for kind, label in KINDS:
        if not any(kind in results for results in by_size.values()):
            continue
        line = [backend, label]
        for size in sizes:
            result = by_size[size].get(kind)
            if result is None or not result.rps:
                line += ["-" if result is None else "error", ""]
            else:
                line += [rate(result.rps), f"{result.p99_ms:.1f}"]
        if len(sizes) == 2:
            a, b = (by_size[s].get(kind) for s in sizes)
            line.append(f"{b.rps / a.rps:.2f}" if a and b and a.rps and b.rps else "")
        lines.append(line)
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines, strict=False)]

    def fmt(cells):
        return "  ".join(
            c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([fmt(header), "  ".join("-" * w for w in widths), *(fmt(line) for line in lines)])


def available():
    return shutil.which("wrk") is not None


def measure(backend, env, seconds=SECONDS, sizes=("demo", "scale"), demo_env=None, kinds=None, fresh=False):
    """The section's rows for one backend; env is the data set's (scale), demo_env the demo
    database's (default: beside it). Both sizes are served at once and each kind is measured at
    one size then the other, so that their ratio compares the same minute of a shared machine.
    Returns (rows, the summary table)."""
    if not available():
        say(backend, "throughput: skipped, wrk is not installed (apt install wrk)")
        return [Row(backend, "throughput", count="skipped: wrk is not installed")], ""
    if demo_env is None:
        demo_env = dict(env, DATABASE_URL=demo_url(env["DATABASE_URL"]))
    if "demo" in sizes:
        prepare_demo(backend, demo_env, fresh)
    rows = []
    with contextlib.ExitStack() as stack:
        served = [serve(stack, backend, size, demo_env if size == "demo" else env) for size in sizes]
        for server in served:  # every worker booted (the health check needs only one)
            settle(server.pids, server.env["DATABASE_URL"])
        geojson = {
            server.size: geojson_times(server.port, [p for p in server.urls["geojson"] if p != GEOJSON])
            for server in served
        }
        say(backend, f"load average {os.getloadavg()[0]:.1f}")
        for kind, label in KINDS:
            if kinds and kind not in kinds:
                continue
            for server in served:
                result = measure_kind(
                    server.port, server.pids, server.env["DATABASE_URL"], kind, server.urls[kind], seconds
                )
                server.results[kind] = result
                report(backend, server.size, label, result)
        resident = {s.size: [servers.memory_kb(pid)["VmRSS"] for pid in s.pids] for s in served}
    by_size = {s.size: s.results for s in served}
    for server in served:
        demo = by_size.get("demo") if server.size == "scale" else None
        rows += geojson_rows(backend, server.size, *geojson[server.size])
        rows += kind_rows(backend, server.size, server.results, demo)
        rows += resource_rows(backend, server.size, resident[server.size], _django(server.env, "cache"))
    summary = f"{backend}, {time.strftime('%Y-%m-%d %H:%M')}, {seconds} s per kind\n" + summary_table(backend, by_size)
    for line in summary.splitlines():
        say(backend, line)
    return rows, summary


def main(argv=None):
    from .report import table
    from .servers import environment

    parser = argparse.ArgumentParser(prog="python -m bench.throughput", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=f"sqlite:///{WORK_DIR / 'bench.sqlite3'}", help="the scale data set (measured as is)"
    )
    parser.add_argument("--demo-url", help="the demo-size database (default: beside the data set; made if needed)")
    parser.add_argument("--backend", help="the name shown in the tables (default: from the URL)")
    parser.add_argument("--sizes", default="demo,scale", help="demo,scale (default), demo or scale")
    parser.add_argument("--kinds", help="comma-separated page kinds (default: all): " + ",".join(LABELS))
    parser.add_argument("--seconds", type=int, default=SECONDS, help=f"wrk's measure per kind (default {SECONDS})")
    parser.add_argument("--fresh", action="store_true", help="rebuild the demo database even if it matches")
    parser.add_argument("--out", help="also write the summary table to this file")
    parser.add_argument("--internal", choices=["urls", "cache"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.internal:
        return _internal(args.internal)
    backend = args.backend or ("postgres" if args.database_url.startswith("postgres") else "sqlite")
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    kinds = [k.strip() for k in args.kinds.split(",")] if args.kinds else None
    if unknown := set(kinds or []) - set(LABELS):
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))}")
    if not available():
        print("throughput: skipped, wrk is not installed (apt install wrk)")
        return 0
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="maillage-bench-static-") as static_root:
        env = environment(args.database_url, static_root, 0)
        manage(env, "collectstatic", "--noinput")
        if "scale" in sizes:
            manage(env, "migrate", "--noinput", "-v", "0")
        demo_env = dict(env, DATABASE_URL=args.demo_url or demo_url(args.database_url))
        rows, summary = measure(backend, env, args.seconds, sizes, demo_env, kinds, args.fresh)
    print()
    print(table(rows))
    print()
    print(summary)
    if args.out and summary:
        with open(args.out, "a") as f:
            f.write(summary + "\n\n")
    judged = [r for r in rows if r.ok is not None]
    print(f"throughput: {sum(r.ok for r in judged)} passed, {len(judged) - sum(r.ok for r in judged)} failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
