"""Versions of the data that in-process indexes and caches are built from."""

import secrets

from .models import DataVersion

ACTORS = "actors"


def current(name):
    return DataVersion.objects.filter(name=name).values_list("counter", flat=True).first() or 0


def bump(*names):
    """Mark data as changed. Runs inside the caller's transaction, so a rollback undoes it too.

    The new version is random rather than +1: after a rollback, a later change can never reuse a
    version that an index was already built from.
    """
    for name in names:
        counter = secrets.randbits(62)
        if not DataVersion.objects.filter(name=name).update(counter=counter):
            DataVersion.objects.create(name=name, counter=counter)
