"""Fixtures shared by every app's tests."""

import pytest
from django.utils import translation


def pytest_configure(config):
    """Tasks (emails, reminders) run inside the request during tests, so their effects show."""
    from django.conf import settings
    from django.core.signals import setting_changed

    # Passwords are hashed for real in production; in tests a fast hash keeps sign-ins cheap.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Caches stay in the process during tests: no files under var/ (progress), and the shared cache
    # (the database's in production) is emptied before every test, database or not.
    memory = "django.core.cache.backends.locmem.LocMemCache"
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": memory, "LOCATION": "default"},
        "progress": {"BACKEND": memory, "LOCATION": "progress"},
        "pages": {"BACKEND": memory, "LOCATION": "pages"},
    }
    # Public pages are served from the page cache as in production: every test that changes data
    # and reads a page again checks that the cache is never stale.
    settings.PAGE_CACHE = True
    setting_changed.send(sender=None, setting="TASKS", value=settings.TASKS, enter=True)
    # Printed documents go to a temporary folder, never to var/.
    import tempfile
    from pathlib import Path

    settings.PRINT_DIR = Path(tempfile.mkdtemp(prefix="maillage-print-"))


@pytest.fixture(autouse=True)
def _french_by_default():
    """Tests run in the default language unless they switch."""
    with translation.override("fr"):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters and cached pages never leak from one test to the next.

    Content type ids are cached per process too; a transactional test flushes the database and
    recreates them with new ids.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    ContentType.objects.clear_cache()
    yield


@pytest.fixture
def rendered(settings):
    """Every request renders its page (the page cache off): for tests that count a render's queries
    after a first request warmed the in-process indexes."""
    settings.PAGE_CACHE = False


@pytest.fixture
def charter(db):
    """The published charter (a data migration creates it; a transactional test may flush it)."""
    from charter.testing import ensure_charter

    return ensure_charter()


@pytest.fixture(autouse=True)
def _fresh_indexes():
    """In-process values built from the data (indexes, vocabularies, pairs...) never outlive a test's
    database: every ``maillage.caches.VersionedCache`` is forgotten before and after."""
    from maillage import caches, pagecache

    caches.reset_all()
    pagecache.reset()
    yield
    caches.reset_all()
    pagecache.reset()


@pytest.fixture
def territory(db):
    """The 19 Brussels communes and their postcodes (no boundaries: placement by postcode)."""
    from territory.services import clear_caches, load_territory

    load_territory()
    clear_caches()
    yield
    clear_caches()


@pytest.fixture
def taxonomy(db):
    from demo.services import load_taxonomy

    load_taxonomy()


# --- the clock ----------------------------------------------------------------------------------
# MAILLAGE_TEST_NOW=2027-03-28T01:59:00+01:00 runs the whole session at that instant (the clock then
# ticks on), to prove that no test depends on today's date: a month's last day, a DST night, 29 February.
_session_clock = None


def pytest_sessionstart(session):
    global _session_clock
    import os

    if instant := os.environ.get("MAILLAGE_TEST_NOW"):
        import datetime as dt

        import time_machine

        _session_clock = time_machine.travel(dt.datetime.fromisoformat(instant), tick=True)
        _session_clock.start()


def pytest_sessionfinish(session):
    if _session_clock is not None:
        _session_clock.stop()


def pytest_report_header(config):
    import os

    if instant := os.environ.get("MAILLAGE_TEST_NOW"):
        return f"clock set to {instant} (MAILLAGE_TEST_NOW)"
