"""`make bench`: the performance budgets, measured over HTTP against the production configuration.

Run with ``python -m bench --help``. Nothing here is imported by the project itself.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the project: manage.py lives here
WORK_DIR = ROOT / "var" / "bench"  # var/ is git-ignored: data sets and logs survive between runs
