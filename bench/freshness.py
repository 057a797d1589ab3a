"""The freshness budget: a reminder run over the synthetic actors <= 60 s and <= 300 MB peak RSS.

``measure(backend, env)`` is called by ``python -m bench`` on each prepared database. The worst
case is measured: every synthetic actor gets a public email, one in ten an editor account, and the
run treats every actor not verified today as due (FRESHNESS_MONTHS=0), so nearly all of them are
emailed, through Django's dummy email backend (rendering and signing count, delivery does not).
`manage.py send_reminders` runs in its own process; its peak resident memory comes from wait4().
The database is left as it was found (reminders, addresses and accounts of the bench removed).

Alone, on a database that `python -m bench` prepared (or any other):
    python -m bench.freshness [--database-url sqlite:///var/bench/bench.sqlite3]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from . import ROOT, WORK_DIR
from .report import Row, say, table
from .servers import environment, internal, setup_django

BUDGET_SECONDS = 60
BUDGET_MB = 300
DOMAIN = "bench.invalid"  # reserved: nothing is ever delivered there
EDITOR_SHARE = 10  # one actor in ten has an editor account


# --- in the bench's environment (python -m bench.freshness --internal setup|cleanup) ----------


def _setup():
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.db.models import Value
    from django.db.models.functions import Concat

    from accounts.models import Editorship
    from directory.models import Actor

    _cleanup()
    with transaction.atomic():
        Actor.all_objects.filter(is_synthetic=True, email="").update(email=Concat("slug", Value(f"@{DOMAIN}")))
        ids = list(Actor.objects.filter(is_synthetic=True).order_by("pk").values_list("pk", flat=True))
        chosen = ids[::EDITOR_SHARE]
        User = get_user_model()
        users = User.objects.bulk_create(
            [User(username=f"bench-editor-{pk}", email=f"editor-{pk}@{DOMAIN}", password="!") for pk in chosen],
            batch_size=1000,
        )
        Editorship.objects.bulk_create(
            [Editorship(user=u, actor_id=pk, via=Editorship.Via.ADMIN) for u, pk in zip(users, chosen, strict=True)],
            batch_size=1000,
        )
    return {"actors": Actor.objects.count(), "editors": len(chosen)}


def _cleanup():
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from directory.models import Actor
    from freshness.models import Reminder

    with transaction.atomic():
        Reminder.objects.all().delete()
        Actor.all_objects.filter(email__endswith=f"@{DOMAIN}").update(email="")
        get_user_model().objects.filter(email__endswith=f"@{DOMAIN}").delete()
    return {}


def _internal(mode):
    setup_django()
    print(json.dumps({"setup": _setup, "cleanup": _cleanup}[mode]()))


# --- from the bench -----------------------------------------------------------------------------


def _django(env, mode):
    return internal("bench.freshness", env, mode)


def run_reminders(env):
    """(seconds, peak RSS in kB, the command's summary line) of one `manage.py send_reminders`."""
    env = dict(env, EMAIL_URL="dummymail://", FRESHNESS_MONTHS="0")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "manage.py", "send_reminders"], cwd=ROOT, env=env, stdout=out, stderr=err
        )
        _, status, usage = os.wait4(process.pid, 0)  # this child's own peak, not the bench's others
        seconds = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        summary = out.read().decode().strip().splitlines()
        if process.returncode:
            raise RuntimeError(f"send_reminders failed:\n{err.read().decode()[-3000:]}")
    return seconds, usage.ru_maxrss, summary[-1] if summary else ""


def measure(backend, env, say=print):
    """The bench's rows (bench.report.Row) for this backend."""

    say(backend, "reminder run: every synthetic actor with an address, one in ten with an editor")
    try:
        info = _django(env, "setup")
        seconds, peak_kb, summary = run_reminders(env)
    finally:
        _django(env, "cleanup")
    say(backend, f"  {summary}")
    emails = summary.split(" emails sent")[0].rsplit(" ", 1)[-1] if " emails sent" in summary else "?"
    emails = f"{int(emails):,}" if emails.isdigit() else emails
    figure = f"reminder run, {info['actors']:,} actors"
    return [
        Row(
            backend,
            f"{figure}: time",
            size=f"{seconds:.1f} s",
            count=f"{emails} emails",
            budget=f"<= {BUDGET_SECONDS} s",
            ok=seconds <= BUDGET_SECONDS,
        ),
        Row(
            backend,
            f"{figure}: peak RSS",
            size=f"{peak_kb / 1024:.0f} MB",
            count="send_reminders process",
            budget=f"<= {BUDGET_MB} MB",
            ok=peak_kb <= BUDGET_MB * 1024,
        ),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.freshness", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=f"sqlite:///{WORK_DIR / 'bench.sqlite3'}")
    parser.add_argument("--internal", choices=["setup", "cleanup"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.internal:
        return _internal(args.internal)

    env = environment(args.database_url, ROOT / "staticfiles", 0)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    rows = measure("database", env, say)
    print()
    print(table(rows))
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
