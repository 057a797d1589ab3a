"""Versions of the data that in-process indexes and caches are built from: the registry of their
names, reading them, bumping them.

The owners' write functions bump through ``maillage.changes.bump`` (once per change set); this
module's ``bump`` writes at once.
"""

import datetime as dt
import secrets

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import DataVersion

# What changed, by owner: the directory (actors, places, vocabularies, communes), the agenda
# (events, occurrences, programme), the projects (projects, phases, news, participations).
ACTORS = "actors"
EVENTS = "events"
PROJECTS = "projects"
# What pages show but no in-process index reads (when an entry was last verified, relations between
# actors, an event's programme, search documents rebuilt): bumped alone, it leaves the indexes
# built from ACTORS as they are, and still changes the keys of the pages and answers that show it.
DETAILS = "details"
# The open-data dump written (the open-data page gives its date and size).
DUMP = "dump"
NAMES = (ACTORS, EVENTS, PROJECTS, DETAILS, DUMP)


def current(name):
    return snapshot(name)[0][0]


def current_many(*names):
    """Several data versions in one query, in the order asked."""
    return list(snapshot(*names)[0])


def snapshot(*names):
    """Every version asked (all by default) and when the latest of them changed, in one query:
    ``(counters in the order asked, datetime or None)``. Plain SQL, no ORM: the page cache and the
    stored exports read it on every request."""
    names = names or NAMES
    with connection.cursor() as cursor:
        cursor.execute(_SNAPSHOT_SQL)
        rows = {name: (counter, changed) for name, counter, changed in cursor.fetchall()}
    # SQLite's text dates sort as the dates do: only the latest one is parsed.
    latest = max((rows[name][1] for name in names if name in rows and rows[name][1] is not None), default=None)
    return tuple(rows.get(name, (0, None))[0] for name in names), None if latest is None else _aware(latest)


def _aware(value):
    """A datetime column as read by plain SQL: SQLite gives text in UTC, PostgreSQL a datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)


_SNAPSHOT_SQL = f"SELECT name, counter, changed FROM {DataVersion._meta.db_table}"


def bump(*names):
    """Mark data as changed. Runs inside the caller's transaction, so a rollback undoes it too.

    The new version is random rather than +1: after a rollback, a later change can never reuse a
    version that an index was already built from.
    """
    bump_on("default", *names)


def bump_on(using, *names):
    """``bump`` on the database ``using``."""
    now = timezone.now()
    rows = DataVersion.objects.using(using)
    for name in names:
        counter = secrets.randbits(62)
        if not rows.filter(name=name).update(counter=counter, changed=now):
            rows.create(name=name, counter=counter, changed=now)
