"""The versioned in-process cache: built once, kept while the data versions hold."""

import pytest

from maillage import caches, data_version


@pytest.fixture
def built():
    calls = []
    cache = caches.VersionedCache(
        "test-cache", (data_version.ACTORS, data_version.EVENTS), lambda *key: calls.append(key) or len(calls)
    )
    yield cache, calls
    del caches.REGISTRY["test-cache"]


def test_built_once_while_the_versions_hold(db, built):
    cache, calls = built
    assert cache.get() == 1
    assert cache.get() == 1
    data_version.bump(data_version.PROJECTS)  # not one it reads
    assert cache.get() == 1
    data_version.bump(data_version.EVENTS)
    assert cache.get() == 2
    assert calls == [(), ()]


def test_a_new_key_rebuilds_and_only_the_latest_is_kept(db, built):
    cache, calls = built
    assert cache.get("2026-12-07") == 1
    assert cache.get("2026-12-08") == 2
    assert cache.get("2026-12-07") == 3
    assert calls == [("2026-12-07",), ("2026-12-08",), ("2026-12-07",)]


def test_versions_already_read_are_not_read_again(db, built, django_assert_num_queries):
    cache, _calls = built
    versions = data_version.current_many(data_version.ACTORS, data_version.EVENTS)
    cache.get(versions=versions)
    with django_assert_num_queries(0):
        assert cache.get(versions=versions) == 1


def test_reset_all_forgets_every_registered_value(db, built):
    cache, calls = built
    cache.get()
    caches.reset_all()
    assert cache.peek() is None
    cache.get()
    assert len(calls) == 2


def test_a_name_is_registered_once(built):
    with pytest.raises(ValueError):
        caches.VersionedCache("test-cache", (), lambda: None)


def test_a_value_older_than_its_seconds_is_built_again(db, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(caches.time, "monotonic", lambda: clock[0])
    calls = []
    cache = caches.VersionedCache(
        "test-expiring", (data_version.EVENTS,), lambda: calls.append(1) or len(calls), seconds=300
    )
    try:
        assert cache.get() == 1
        clock[0] += 299
        assert cache.get() == 1
        clock[0] += 2
        assert cache.get() == 2
    finally:
        del caches.REGISTRY["test-expiring"]
