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
    return DataVersion.objects.filter(name=name).values_list("counter", flat=True).first() or 0


def current_many(*names):
    """Several data versions in one query, in the order asked."""
    found = dict(DataVersion.objects.filter(name__in=names).values_list("name", "counter"))
    return [found.get(name, 0) for name in names]


def snapshot(*names):
    """Every version asked (all by default) and when the latest of them changed, in one query:
    ``(counters in the order asked, datetime or None)``. Plain SQL: stored exports read it on
    every request."""
    names = names or NAMES
    with connection.cursor() as cursor:
        cursor.execute(_SNAPSHOT_SQL)
        rows = {name: (counter, changed) for name, counter, changed in cursor.fetchall()}
    changed = [_aware(rows[name][1]) for name in names if name in rows and rows[name][1] is not None]
    return tuple(rows.get(name, (0, None))[0] for name in names), max(changed, default=None)


def _aware(value):
    """A datetime column as read by plain SQL: SQLite gives text in UTC, PostgreSQL a datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)


def counters():
    """Every data version's counter, in the order of ``NAMES``, read the cheapest way (one small
    query, no ORM: the page cache reads it on every request)."""
    with connection.cursor() as cursor:
        cursor.execute(_COUNTERS_SQL)
        found = dict(cursor.fetchall())
    return tuple(found.get(name, 0) for name in NAMES)


_COUNTERS_SQL = f"SELECT name, counter FROM {DataVersion._meta.db_table}"
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
