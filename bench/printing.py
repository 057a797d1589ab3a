"""The printing budgets: a directory PDF of 5,000 entries grouped by commune <= 20 s and <= 1 GB peak
resident memory; a neighbourhood handout <= 2 s; a month poster <= 2 s.

``measure(backend, env, say)`` is called by ``python -m bench`` on each prepared database:
- the directory: `manage.py print_directory` for the fewest communes holding at least 5,000 entries
  of the synthetic data set, in its own process (time and peak RSS from wait4());
- handouts and posters: typeset in a separate process (`python -m bench.printing --probe`), for
  several addresses and needs, communes and themes, straight from the services (no cached file:
  every document is made anew), each timed alone.

Alone, on a database that `python -m bench` prepared (or any other):
    python -m bench.printing [--database-url sqlite:///var/bench/bench.sqlite3]
"""

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from . import ROOT, WORK_DIR
from .report import Row, say, table
from .servers import environment

DIRECTORY_ENTRIES = 5_000
DIRECTORY_SECONDS = 20
DIRECTORY_PEAK_MB = 1024
HANDOUT_MS = 2_000
POSTER_MS = 2_000
NEEDS = [["food"], ["french", "housing"], ["health", "rights"], ["homelessness", "newcomers"], ["jobs", "children"]]


def _setup_django():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    django.setup()


def probe():
    """Runs in its own process: the communes to print and the handout and poster timings (JSON)."""
    _setup_django()
    import datetime as dt

    from django.db.models import Count
    from django.utils import timezone, translation

    from directory.models import Actor, Theme
    from printing import handout, poster
    from territory.models import Commune

    # order_by(): the model's default ordering would otherwise join the GROUP BY (one row per actor).
    counts = dict(Actor.objects.order_by().values_list("commune__slug").annotate(n=Count("pk")))
    chosen, total = [], 0
    for slug, count in sorted(counts.items(), key=lambda item: -item[1]):
        if slug and total < DIRECTORY_ENTRIES:
            chosen.append(slug)
            total += count
    communes = list(Commune.objects.order_by("name").values_list("slug", flat=True))
    needs = {key for key, *_ in handout.NEEDS}
    results = {"communes": chosen, "entries": total, "handout_ms": [], "poster_ms": [], "errors": []}
    with translation.override("fr"):
        for i, commune in enumerate(communes[:10]):
            params = handout.handout_params(
                commune=commune, needs=[n for n in NEEDS[i % len(NEEDS)] if n in needs] or sorted(needs)[:2]
            )
            started = time.perf_counter()
            handout.handout_pdf(params)
            results["handout_ms"].append((time.perf_counter() - started) * 1000)
        month = timezone.localdate().replace(day=1) + dt.timedelta(days=32)
        themes = list(Theme.objects.filter(parent=None).values_list("slug", flat=True)[:5])
        for i in range(10):
            scope = {"commune": communes[i]} if i % 2 == 0 else {"theme": themes[i % len(themes)]}
            params = poster.poster_params(month=month.strftime("%Y-%m"), paper="a3" if i % 3 == 0 else "a4", **scope)
            started = time.perf_counter()
            poster.poster_pdf(params)
            results["poster_ms"].append((time.perf_counter() - started) * 1000)
    print(json.dumps(results))


def run_probe(env):
    out = subprocess.run(
        [sys.executable, "-m", "bench.printing", "--probe"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise RuntimeError(f"bench.printing --probe failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _tree_rss(process):
    """Resident memory (bytes) of a process and all its children at this moment."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):  # a child that just exited
            total += member.memory_info().rss
    return total


def run_directory(env, communes):
    """(seconds, peak RSS of the command and its typesetting children together in kB, PDF size in
    bytes, the command's last line). The directory is typeset in parts by child processes: the
    memory of the whole tree is sampled every 50 ms (wait4's peak is that of one process only)."""
    with tempfile.TemporaryDirectory(prefix="maillage-bench-print-") as folder:
        output = Path(folder) / "directory.pdf"
        command = [sys.executable, "manage.py", "print_directory", "--lang", "fr", "--output", str(output)]
        for slug in communes:
            command += ["--commune", slug]
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            started = time.monotonic()
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
            tree, peak = psutil.Process(process.pid), 0
            while process.poll() is None:
                peak = max(peak, _tree_rss(tree))
                time.sleep(0.05)
            seconds = time.monotonic() - started
            out.seek(0)
            err.seek(0)
            if process.returncode:
                raise RuntimeError(f"print_directory failed:\n{err.read().decode()[-3000:]}")
            lines = out.read().decode().strip().splitlines()
        return seconds, peak // 1024, output.stat().st_size, lines[-1] if lines else ""


def _p95(values):
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def measure(backend, env, say=print):
    """The bench's rows (bench.report.Row) for this backend."""

    say(backend, "printing: handouts and posters typeset in a separate process")
    info = run_probe(env)
    communes = info["communes"]
    say(backend, f"printing: print_directory for {len(communes)} communes ({info['entries']:,} entries)")
    seconds, peak_kb, size, summary = run_directory(env, communes)
    say(backend, f"  {summary}")
    figure = f"directory PDF, {info['entries']:,} entries by commune"
    rows = [
        Row(
            backend,
            f"{figure}: time",
            size=f"{seconds:.1f} s",
            count=summary[:60],
            budget=f"<= {DIRECTORY_SECONDS} s",
            ok=seconds <= DIRECTORY_SECONDS,
        ),
        Row(
            backend,
            f"{figure}: peak RSS",
            size=f"{peak_kb / 1024:.0f} MB",
            count="print_directory and its typesetting processes, together",
            budget=f"<= {DIRECTORY_PEAK_MB} MB",
            ok=peak_kb / 1024 <= DIRECTORY_PEAK_MB,
        ),
        Row(backend, f"{figure}: file", size=f"{size / 1e6:.1f} MB", count=f"{size:,} B"),
    ]
    for name, key, budget in (
        ("neighbourhood handout", "handout_ms", HANDOUT_MS),
        ("month poster", "poster_ms", POSTER_MS),
    ):
        values = info[key]
        p95 = _p95(values)
        rows.append(
            Row(
                backend,
                f"{name}: typeset",
                statistics.median(values),
                p95,
                count=f"{len(values)} documents",
                budget=f"p95 <= {budget} ms",
                ok=p95 <= budget,
            )
        )
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.printing", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=f"sqlite:///{WORK_DIR / 'bench.sqlite3'}")
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        probe()
        return 0

    env = environment(args.database_url, ROOT / "staticfiles", 0)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    rows = measure("database", env, say)
    print()
    print(table(rows))
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
