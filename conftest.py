"""Fixtures shared by every app's tests."""

import os

import pytest

# Tasks (emails, reminders) run inside the request during tests, so their effects are visible.
os.environ.setdefault("TASKS_IMMEDIATE", "1")
from django.utils import translation


@pytest.fixture(autouse=True)
def _french_by_default():
    """Tests run in the default language unless they switch."""
    with translation.override("fr"):
        yield


@pytest.fixture(autouse=True)
def _fresh_indexes():
    """In-memory indexes never outlive a test's database."""
    from directory import index, services

    index.reset()
    services.reset_vocabularies()
    yield
    index.reset()
    services.reset_vocabularies()


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
