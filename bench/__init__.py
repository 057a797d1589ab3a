"""`make bench`: the performance budgets, measured over HTTP against the production configuration.

Run with ``python -m bench --help``. Nothing here is imported by the project itself.
"""

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the project: manage.py lives here
WORK_DIR = ROOT / "var" / "bench"  # var/ is git-ignored: data sets and logs survive between runs


def fingerprint():
    """What a data set is built from: the schema (migrations), the demo app (loader, generator and
    their data) and the territory data. A change to any of them rebuilds the data sets."""
    demo = [p for p in (ROOT / "demo").rglob("*") if p.is_file() and not {"tests", "__pycache__"} & set(p.parts)]
    files = [*ROOT.glob("*/migrations/*.py"), *demo, *(ROOT / "territory" / "data").glob("*")]
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
