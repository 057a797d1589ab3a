"""The open-data budget: a full dump of the synthetic data set (20,000 actors, 50,000 events)
<= 60 s; its peak resident memory and size are reported.

``measure(backend, env, say)`` is called by ``python -m bench`` on each prepared database:
`manage.py export_open_data --include-synthetic --output <tmp>` runs in its own process (its
peak resident memory comes from wait4()); the zip is written to a temporary folder and removed.

Alone, on a database that `python -m bench` prepared (or any other):
    python -m bench.opendata [--database-url sqlite:///var/bench/bench.sqlite3]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from . import ROOT, WORK_DIR
from .report import Row, say, table
from .servers import environment

BUDGET_SECONDS = 60


def run_export(env):
    """(seconds, peak RSS in kB, zip size in bytes, the command's summary line, file count)."""
    with tempfile.TemporaryDirectory(prefix="maillage-bench-opendata-") as folder:
        output = Path(folder) / "maillage-open-data.zip"
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            started = time.monotonic()
            process = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "export_open_data",
                    "--include-synthetic",
                    "--no-progress",
                    "--output",
                    str(output),
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=err,
            )
            _, status, usage = os.wait4(process.pid, 0)  # this child's own peak
            seconds = time.monotonic() - started
            process.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            lines = out.read().decode().strip().splitlines()
            if process.returncode:
                raise RuntimeError(f"export_open_data failed:\n{err.read().decode()[-3000:]}")
        size = output.stat().st_size
        with zipfile.ZipFile(output) as archive:
            files = len(archive.namelist())
    return seconds, usage.ru_maxrss, size, lines[-1] if lines else "", files


def _count(summary, name):
    """'... 20000 actors, 50000 events, ...' -> '20,000'."""
    for part in summary.split(":")[-1].split(","):
        words = part.split()
        if len(words) == 2 and words[1] == name and words[0].isdigit():
            return f"{int(words[0]):,}"
    return "?"


def measure(backend, env, say=print):
    """The bench's rows (bench.report.Row) for this backend."""

    say(backend, "open-data dump: export_open_data --include-synthetic")
    seconds, peak_kb, size, summary, files = run_export(env)
    say(backend, f"  {summary}")
    actors, events = _count(summary, "actors"), _count(summary, "events")
    figure = f"open-data dump, {actors} actors, {events} events"
    return [
        Row(
            backend,
            f"{figure}: time",
            size=f"{seconds:.1f} s",
            count=f"{files} files",
            budget=f"<= {BUDGET_SECONDS} s",
            ok=seconds <= BUDGET_SECONDS,
        ),
        Row(backend, f"{figure}: peak RSS", size=f"{peak_kb / 1024:.0f} MB", count="export_open_data process"),
        Row(backend, f"{figure}: zip size", size=f"{size / 1e6:.1f} MB", count=f"{size:,} B"),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.opendata", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=f"sqlite:///{WORK_DIR / 'bench.sqlite3'}")
    args = parser.parse_args(argv)

    env = environment(args.database_url, ROOT / "staticfiles", 0)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    rows = measure("database", env, say)
    print()
    print(table(rows))
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
