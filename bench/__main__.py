"""python -m bench [--backends sqlite,postgres] [--actors N --events M] [--repeat N] [--fresh]

For each database: prepare the synthetic data set (reused while it matches the scale), count the
queries of the list pages in-process, serve the production configuration with gunicorn, time the
pages over HTTP and compare them to the budgets. Prints a table, then `bench: N passed, M failed`.
Failed budgets do not fail the command (benchmarks are not tests); a crash does.

Parts alone, on a data set this prepared (var/bench/bench.sqlite3 by default): python -m
bench.freshness, bench.imports, bench.opendata, bench.printing, bench.searching, bench.throughput
(each with --help).
"""

import argparse
import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from . import (
    ROOT,
    WORK_DIR,
    api,
    fingerprint,
    freshness,
    imports,
    moderation,
    opendata,
    printing,
    searching,
    servers,
    throughput,
)
from .measure import Client

# Row, say, table and environment are also imported from here by bench/imports.py (until it imports
# them from bench.report and bench.servers).
from .report import Row, say, table, timed
from .servers import environment

MONTHS_AHEAD = 6  # the month view cycles through the current month and the next ones
MB = 1024  # /proc reports kB
# Shorter than bench.throughput's own 5 s: 20 page kinds at two sizes on each backend.
THROUGHPUT_SECONDS = 3
# The worker's resident memory after the bench before issue 13 (`make bench` at the end of issue 12,
# 2026-12-07 20:51 UTC, 20,145 actors and 50,030 events; the "worker resident" rows of that run),
# in MB; its budget is that +20 % at most (issue 13). The budget before was 250 MB on both.
WORKER_MB_BEFORE = {"sqlite": 158.9, "postgres": 164.7}
WORKER_GROWTH = 1.2


class BenchError(Exception):
    """A failure to explain in one sentence, without a traceback."""


def manage(env, *args, quiet=False):
    """Run a management command with the bench's environment; its output shows as progress."""
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def probe(env, mode):
    out = subprocess.run([sys.executable, "-m", "bench.probe", mode], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode:
        raise BenchError(f"bench.probe {mode} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def wsgi_app():
    """The project's WSGI module; while it does not exist, what it would hold (Django's handler)."""
    if (ROOT / "maillage" / "wsgi.py").exists():
        return "maillage.wsgi:application"
    print("[bench] WARNING: maillage/wsgi.py is missing (WSGI_APPLICATION); serving Django's default handler")
    return "django.core.wsgi:get_wsgi_application()"


# --- data set ------------------------------------------------------------------------------------


def prepare(backend, env, args, marker, sqlite_path=None):
    """The data set: reused when the marker file describes it and the counts agree, else rebuilt
    from an empty database (migrate, territory, demo data if present, synthetic data)."""
    demo = (args.data_dir / "demo.json").exists()
    state = {
        "database": hashlib.sha256(env["DATABASE_URL"].encode()).hexdigest()[:16],  # no password on disk
        "fingerprint": fingerprint(),
        "actors": args.actors,
        "events": args.events,
        "demo": demo,
    }
    if marker and marker.exists() and not args.fresh and json.loads(marker.read_text()) == state:
        say(backend, "migrate")
        manage(env, "migrate", "--noinput", "-v", "0")
        have = probe(env, "counts")
        if (have["actors"], have["events"]) == (args.actors, args.events):
            say(backend, f"reusing the data set: {args.actors} synthetic actors, {args.events} synthetic events")
            return
    say(backend, "building the data set from an empty database")
    if marker:
        marker.unlink(missing_ok=True)
    if sqlite_path:
        for suffix in ("", "-wal", "-shm"):
            sqlite_path.with_name(sqlite_path.name + suffix).unlink(missing_ok=True)
    else:
        probe(env, "reset")  # the schema may have changed under the same migration names: drop it all
    say(backend, "migrate")
    manage(env, "migrate", "--noinput", "-v", "0")
    say(backend, "load_territory")
    manage(env, "load_territory")
    if demo:
        say(backend, f"load_demo from {args.data_dir}")
        manage(env, "load_demo", "--data-dir", str(args.data_dir))
    else:
        say(backend, f"no {args.data_dir / 'demo.json'}: the generator loads the taxonomy itself")
    say(backend, f"generate_synthetic --actors {args.actors} --events {args.events}")
    started = time.monotonic()
    try:
        manage(env, "generate_synthetic", "--actors", str(args.actors), "--events", str(args.events))
    except subprocess.CalledProcessError:
        taxonomy = ROOT / "demo" / "data" / "taxonomy.json"  # where the generator reads the themes
        if not demo and not taxonomy.exists():
            raise BenchError(
                f"cannot build the data set: generate_synthetic needs the themes, and neither "
                f"{args.data_dir / 'demo.json'} nor {taxonomy} exists"
            ) from None
        raise BenchError("generate_synthetic failed (see above)") from None
    say(backend, f"data set ready in {time.monotonic() - started:.0f} s")
    if marker:
        marker.write_text(json.dumps(state))


# --- measures ------------------------------------------------------------------------------------


def query_rows(backend, info):
    rows = []
    for page in info["queries"]:
        short, long = page["queries"]
        say(backend, f"  {page['page']}: {short} queries for {page['urls'][0]}, {long} for {page['urls'][1]}")
        sizes = " / ".join("?" if n is None else str(n) for n in page["sizes"])
        statuses = [s for s in page["status"] if s != 200]
        count = f"{short} / {long} (items {sizes})" + (f" HTTP {statuses[0]}" if statuses else "")
        rows.append(
            Row(backend, f"queries: {page['page']}", count=count, budget="equal", ok=short == long and not statuses)
        )
    return rows


def measure(rows, backend, port, master, info, repeat):
    """Every HTTP figure, in an order that isolates the map data for the memory measure."""
    client = Client(port)
    theme, communes = info["theme"], info["communes"]
    today = time.localtime()
    months = [
        f"{today.tm_year + (today.tm_mon - 1 + k) // 12}-{(today.tm_mon - 1 + k) % 12 + 1:02d}"
        for k in range(MONTHS_AHEAD)
    ]
    try:
        rows.append(timed(client, backend, "home", ["/fr/"], repeat)[1])
        directory = [f"/fr/directory/?commune={c}&theme={theme}" for c in communes]
        rows.append(timed(client, backend, "directory, two filters", directory, repeat, 60)[1])
        budget = searching.SEARCH_BUDGET_MS
        rows.append(timed(client, backend, "search", searching.paths(searching.SEARCHES), repeat, budget)[1])
        typos = searching.paths(searching.TYPO_SEARCHES)  # the typo-tolerant path, synonyms, communes
        timing, row = timed(client, backend, "search, typos, synonyms and communes", typos, repeat, budget)
        if not timing.error:
            row.count = searching.found_summary(info.get("search_found", {}))
        rows.append(row)
        api.measure(rows, backend, client, info, repeat)  # the open API's lists, each query asked once

        worker = servers.worker_pid(master.pid)
        before = servers.memory_kb(worker)["VmRSS"]
        # The peak during the map requests, not just what stays resident afterwards, is what the
        # worker must have room for; where the peak cannot be reset, fall back to the resident size.
        peak_key = "VmHWM" if servers.reset_peak(worker) else "VmRSS"
        timing, row = timed(client, backend, "map data, all actors", ["/fr/map/points.json"], repeat, 300)
        added = servers.memory_kb(worker)[peak_key] - before
        rows.append(row)
        if not timing.error:
            row.count = f"{len(json.loads(timing.last_body)['points']):,} points"
            size = max(timing.wire_bytes)
            rows.append(
                Row(
                    backend,
                    "map data, compressed size",
                    size=f"{size:,} B",
                    budget="<= 1,000,000 B",
                    ok=size <= 1_000_000,
                )
            )
        rows.append(
            Row(
                backend,
                "producing the map data adds",
                size=f"{added / MB:+.1f} MB",
                count="peak RSS" if peak_key == "VmHWM" else "RSS after",
                budget="<= 100 MB",
                ok=added <= 100 * MB,
            )
        )

        month_paths = [f"/fr/agenda/month/?month={m}" for m in months]
        rows.append(timed(client, backend, "agenda month view", month_paths, repeat, 60)[1])
        feed = "/fr/agenda/agenda.ics?" + "&".join(f"commune={c}" for c in info["feed_communes"])
        say(
            backend,
            f"iCal feed filtered on {len(info['feed_communes'])} communes: {info['feed_expected']} events expected",
        )
        timing, row = timed(client, backend, "iCal feed of 2,000 events", [feed], repeat, 500)
        if not timing.error:
            row.count = f"{timing.last_body.count(b'BEGIN:VEVENT'):,} VEVENTs"
        rows.append(row)
        rows.append(timed(client, backend, "actor page", [f"/fr/directory/{info['actor']}/"], repeat)[1])
        rows.append(timed(client, backend, "event page", [f"/fr/agenda/{info['event']}/"], repeat)[1])

        resident = servers.memory_kb(servers.worker_pid(master.pid))["VmRSS"]
        limit = WORKER_MB_BEFORE[backend] * WORKER_GROWTH
        rows.append(
            Row(
                backend,
                "worker resident",
                size=f"{resident / MB:.1f} MB",
                count=f"x {resident / MB / WORKER_MB_BEFORE[backend]:.2f}",
                budget=f"<= {limit:.1f} MB",
                ok=resident <= limit * MB,
            )
        )
    finally:
        client.close()


def measure_moderation(rows, backend, port, env, queue_info, repeat):
    client = Client(port, headers={"Cookie": f"sessionid={queue_info['session']}"})
    try:
        pages = [f"/fr/moderation/?page={n}" for n in (1, 2, 50, 100)]
        timing, row = timed(client, backend, "moderation queue (5,000 pending)", pages, repeat, 100)
        if not timing.error:
            row.count = f"{queue_info['pending']:,} pending"
        rows.append(row)
    finally:
        client.close()
    say(backend, f"{moderation.CONCURRENT} concurrent anonymous proposals ({moderation.RETRIED} sent twice)")
    stored, distinct, errors = moderation.concurrent_proposals(port, env)
    ok = stored == distinct == moderation.CONCURRENT and not errors
    rows.append(
        Row(
            backend,
            f"{moderation.CONCURRENT} concurrent proposals stored",
            count=f"{stored} stored, {distinct} distinct" + (f", errors: {errors[:2]}" if errors else ""),
            budget=f"{moderation.CONCURRENT}, none lost or doubled",
            ok=ok,
        )
    )


def bench_backend(rows, summaries, backend, database_url, static_root, args, marker):
    port = servers.free_port()
    env = environment(database_url, static_root, port)
    sqlite_path = WORK_DIR / "bench.sqlite3" if backend == "sqlite" else None
    prepare(backend, env, args, marker, sqlite_path)
    say(backend, "picking slugs and counting queries in-process")
    info = probe(env, "inspect")
    rows += query_rows(backend, info)
    rows += searching.rebuild_rows(backend, env, say)  # the actors' search documents, written again
    rows += freshness.measure(backend, env, say)  # a reminder run, in its own process
    rows += imports.measure(backend, env, say)  # 10,000 rows against the synthetic actors, then undone
    rows += opendata.measure(backend, env, say)  # the full open-data dump
    rows += printing.measure(backend, env, say)  # a 5,000-entry directory PDF, handouts, posters
    say(backend, f"seeding {moderation.PENDING:,} pending proposals")
    queue_info = moderation.seed(env)
    log = WORK_DIR / f"gunicorn-{backend}.log"
    say(backend, f"starting gunicorn on 127.0.0.1:{port} (1 worker, DEBUG off; log in {log.relative_to(ROOT)})")
    # The page timings are the miss path (a page after a change); the throughput section below
    # measures the hits.
    with servers.gunicorn(servers.miss_path(env), port, log, wsgi_app()) as master:
        measure(rows, backend, port, master, info, args.repeat)
        measure_moderation(rows, backend, port, env, queue_info, args.repeat)
    if args.throughput_seconds:
        # wrk against 2 workers, at demo size (a database beside this one) and on this data set.
        section, summary = throughput.measure(backend, env, args.throughput_seconds)
        rows += section
        if summary:
            summaries.append(summary)
    # Last: it compacts the index (see bench.searching), which must not speed up the timings above.
    rows += searching.size_rows(backend, env, say)


# --- table ---------------------------------------------------------------------------------------


def arguments(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__.split("\n\n")[1], epilog=__doc__.split("\n\n")[2]
    )
    available = ["sqlite"] + (["postgres"] if os.environ.get("BENCH_DATABASE_URL_PG") or servers.postgres_bin() else [])
    parser.add_argument(
        "--backends",
        default=",".join(available),
        help=f"comma-separated, among sqlite,postgres (default: {','.join(available)}). PostgreSQL: "
        "BENCH_DATABASE_URL_PG if set (a database the bench may wipe), else a throwaway local server",
    )
    parser.add_argument("--actors", type=int, default=20000)
    parser.add_argument("--events", type=int, default=50000)
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per figure (default 30)")
    parser.add_argument("--fresh", action="store_true", help="rebuild the data set even if it matches")
    parser.add_argument(
        "--throughput-seconds",
        type=int,
        default=THROUGHPUT_SECONDS,
        help=f"wrk's measure per page kind and size in the throughput section; 0 skips it (default "
        f"{THROUGHPUT_SECONDS})",
    )
    parser.add_argument(
        "--data-dir",
        type=lambda p: Path(p).resolve(),
        default=ROOT / "demo" / "data",
        help="folder of demo.json and taxonomy.json for load_demo (default: demo/data)",
    )
    args = parser.parse_args(argv)
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    for backend in args.backends:
        if backend not in ("sqlite", "postgres"):
            parser.error(f"unknown backend {backend!r}")
        if backend == "postgres" and "postgres" not in available:
            parser.error("postgres: set BENCH_DATABASE_URL_PG or install a PostgreSQL server")
    return args


def _terminate(signum, frame):
    raise SystemExit(128 + signum)  # unwinds through the finally blocks that stop the servers


def main(argv=None):
    args = arguments(argv)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    rows, summaries, crashed = [], [], False
    with tempfile.TemporaryDirectory(prefix="maillage-bench-static-") as static_root:
        print("[bench] collectstatic into a temp STATIC_ROOT", flush=True)
        try:
            manage(environment("sqlite://:memory:", static_root, 0), "collectstatic", "--noinput", quiet=True)
        except subprocess.CalledProcessError:
            # Without its static files the production configuration cannot render a page.
            print("bench: collectstatic failed in the production configuration (see above); nothing measured")
            return 1
        for backend in args.backends:
            try:
                with contextlib.ExitStack() as stack:
                    # A marker file describes the data set of each database that outlives the run.
                    if backend == "sqlite":
                        url, marker = f"sqlite:///{WORK_DIR / 'bench.sqlite3'}", WORK_DIR / "bench.sqlite3.json"
                    elif os.environ.get("BENCH_DATABASE_URL_PG"):
                        url, marker = os.environ["BENCH_DATABASE_URL_PG"], WORK_DIR / "postgres.json"
                    else:
                        say(backend, "starting a throwaway PostgreSQL server")
                        url, marker = stack.enter_context(servers.postgres()), None
                    bench_backend(rows, summaries, backend, url, static_root, args, marker)
            except BenchError as exc:
                crashed = True
                say(backend, f"FAILED: {exc}")
            except Exception:  # report it, still stop the servers and bench the other backends
                crashed = True
                traceback.print_exc()
                say(backend, "FAILED (traceback above)")
    print()
    print(table(rows))
    for summary in summaries:  # the throughput section, kind by kind at both sizes
        print()
        print(summary)
    judged = [r for r in rows if r.ok is not None]
    passed = sum(r.ok for r in judged)
    print(f"bench: {passed} passed, {len(judged) - passed} failed")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
