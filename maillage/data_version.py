"""Versions of the data that in-process indexes and caches are built from: the registry of their
names, reading them, bumping them.

The owners' write functions bump through ``maillage.changes.bump`` (once per change set); this
module's ``bump`` writes at once.
"""

import secrets

from .models import DataVersion

# What changed, by owner: the directory (actors, places, vocabularies, communes), the agenda
# (events, occurrences, programme), the projects (projects, phases, news, participations).
ACTORS = "actors"
EVENTS = "events"
PROJECTS = "projects"
NAMES = (ACTORS, EVENTS, PROJECTS)


def current(name):
    return DataVersion.objects.filter(name=name).values_list("counter", flat=True).first() or 0


def current_many(*names):
    """Several data versions in one query, in the order asked."""
    found = dict(DataVersion.objects.filter(name__in=names).values_list("name", "counter"))
    return [found.get(name, 0) for name in names]


def bump(*names):
    """Mark data as changed. Runs inside the caller's transaction, so a rollback undoes it too.

    The new version is random rather than +1: after a rollback, a later change can never reuse a
    version that an index was already built from.
    """
    for name in names:
        counter = secrets.randbits(62)
        if not DataVersion.objects.filter(name=name).update(counter=counter):
            DataVersion.objects.create(name=name, counter=counter)
