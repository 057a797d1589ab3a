"""In-process values rebuilt when the data they are built from changes: one helper for them all.

A value (an index, the vocabularies, the duplicate pairs...) is built once per process and kept
while the data versions it reads (``maillage.data_version``) stay the same; every app server sees a
change at its next request, at the cost of one indexed read. Every cache is registered, so tests
empty them all at once (``reset_all``)::

    vocabularies = VersionedCache("vocabularies", (data_version.ACTORS,), build=_load_vocabularies)
    vocab = vocabularies.get()

``key``: what else the value depends on (a day, a language), passed to ``build``. Only the
latest key is kept. ``seconds``: an upper bound on the value's age, for values that also depend on
the clock.
"""

import inspect
import threading
import time

from django.db import connection

from . import data_version

REGISTRY = {}


class VersionedCache:
    def __init__(self, name, versions, build, *, seconds=None):
        if name in REGISTRY:
            raise ValueError(f"A versioned cache is already named {name!r}.")
        self.name, self.versions, self.build, self.seconds = name, tuple(versions), build, seconds
        self._lock = threading.Lock()
        self._entry = None  # (key, expiry, value)
        self._wants_versions = "versions" in inspect.signature(build).parameters
        REGISTRY[name] = self

    def get(self, *key, versions=None):
        """The value for the current data (and ``key``), built again if the data changed.

        ``versions``: the data versions when the caller already read them, in this cache's order."""
        if versions is None:
            versions = data_version.current_many(*self.versions)
        full_key = (connection.alias, tuple(versions), key)
        now = time.monotonic()
        entry = self._entry
        if entry is not None and entry[0] == full_key and (entry[1] is None or entry[1] > now):
            return entry[2]
        with self._lock:
            entry = self._entry
            if entry is None or entry[0] != full_key or (entry[1] is not None and entry[1] <= now):
                value = self.build(*key, versions=tuple(versions)) if self._wants_versions else self.build(*key)
                expiry = now + self.seconds if self.seconds else None
                entry = self._entry = (full_key, expiry, value)
        return entry[2]

    def peek(self):
        """The value kept now, without checking the data versions (or None)."""
        entry = self._entry
        return entry[2] if entry is not None else None

    def reset(self):
        self._entry = None


def reset_all():
    """Forget every kept value (tests: a test's database never outlives it)."""
    for cache in REGISTRY.values():
        cache.reset()
