"""The page cache's parts: encodings, the process's bounded memory, validators, keys, versions.

Its behaviour on the real pages (a change shows at once, visitors and signed-in people apart,
easy reading...) is tested in pages/tests/test_page_cache.py."""

import datetime as dt

import pytest
from django.test import RequestFactory

from maillage import data_version, encodings, pagecache

factory = RequestFactory()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip, deflate, br", "br"),
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=0.5, br;q=0.9", "br"),
        ("identity", None),
        ("", None),
        (None, None),
        ("*", "br"),
        ("*;q=0, gzip", "gzip"),
        ("br;q=nonsense, gzip", "gzip"),
    ],
)
def test_the_best_encoding_a_client_accepts(header, expected):
    assert encodings.accepted(header) == expected


@pytest.mark.parametrize("encoding", [encodings.BROTLI, encodings.GZIP, None])
def test_compressed_whole_or_streamed_gives_back_the_same_bytes(encoding):
    data = "Maison de quartier — Schaerbeek\n".encode() * 500
    assert encodings.decompress(encodings.compress(data, encoding), encoding) == data
    compressor = encodings.Compressor(encoding)
    streamed = b"".join(compressor.feed(data[i : i + 1000]) for i in range(0, len(data), 1000)) + compressor.finish()
    assert encodings.decompress(streamed, encoding) == data


def test_gzip_gives_the_same_bytes_every_time():
    """Two servers compressing one page send the same bytes (no timestamp in the gzip header)."""
    assert encodings.compress(b"page" * 100, encodings.GZIP) == encodings.compress(b"page" * 100, encodings.GZIP)


def _page(size):
    return pagecache.Page('"x"', 0, [], {encodings.BROTLI: b"b" * size, encodings.GZIP: b""})


def test_the_process_memory_keeps_the_most_recent_pages_within_its_bytes():
    memory = pagecache._Memory()
    for name in "abcd":
        memory.put(name, _page(100), limit=400)
    memory.get("a")  # used again: kept
    memory.put("e", _page(100), limit=400)
    assert memory.get("b") is None
    assert [memory.get(name) is not None for name in "acde"] == [True] * 4
    assert memory.bytes == 400
    memory.put("huge", _page(150), limit=400)  # over a quarter of the memory: never kept
    assert memory.get("huge") is None and memory.bytes == 400


def test_a_page_keeps_its_body_in_each_encoding_and_gives_it_back_plain():
    from django.http import HttpResponse

    response = HttpResponse("<p>Bonjour</p>" * 50, content_type="text/html; charset=utf-8")
    response["X-Frame-Options"] = "DENY"
    page = pagecache.Page.of(response)
    assert page.body(None) == response.content
    assert encodings.decompress(page.body("gzip"), "gzip") == response.content
    assert ("X-Frame-Options", "DENY") in page.headers
    assert page.etag == pagecache.etag_of(response.content) and page.etag.startswith('"')


def test_a_key_holds_the_query_as_it_came_the_host_and_the_looks():
    def key(url, host="127.0.0.1", **cookies):
        request = factory.get(url, HTTP_HOST=host)
        request.COOKIES.update(cookies)
        return pagecache._key(request, "fr", 60, (1, 2, 3, 4))

    # Pages write their own address in their links: another order is another page.
    assert key("/fr/directory/?a=1&b=2") != key("/fr/directory/?b=2&a=1")
    assert key("/fr/directory/?a=1&b=2") != key("/fr/directory/?a=1&b=3")
    assert key("/fr/directory/?a=1") != key("/fr/directory/?a=1", easy="1")
    assert key("/fr/directory/") != key("/fr/directory/", host="localhost")
    request = factory.get("/fr/directory/")
    assert pagecache._key(request, "fr", 60, (1, 2, 3, 4)) != pagecache._key(request, "fr", 60, (1, 2, 3, 5))


def test_a_view_marked_public_is_known_by_its_path_in_every_language():
    assert pagecache._rule("/fr/agenda/") == ("fr", 60)
    assert pagecache._rule("/nl/agenda/")[0] == "nl"
    assert pagecache._rule("/fr/account/login/")[1] is None
    assert pagecache._rule("/fr/no-such-page/")[1] is None


@pytest.mark.django_db
def test_the_versions_read_by_the_cache_are_the_registry_s():
    """(Migrations bump every version: a deployment makes every stored page unused.)"""
    before = data_version.snapshot()[0]
    data_version.bump(data_version.EVENTS)
    after = data_version.snapshot()[0]
    assert [a != b for a, b in zip(before, after, strict=True)] == [
        n == data_version.EVENTS for n in data_version.NAMES
    ]
    events, actors = data_version.NAMES.index(data_version.EVENTS), data_version.NAMES.index(data_version.ACTORS)
    assert data_version.snapshot(data_version.EVENTS, data_version.ACTORS)[0] == (after[events], after[actors])
    assert data_version.current_many(data_version.ACTORS, data_version.EVENTS) == [after[actors], after[events]]
    # When the latest of the versions asked changed, read as the ORM reads it.
    from maillage.models import DataVersion

    stored = {row.name: row.changed for row in DataVersion.objects.all()}
    counters, changed = data_version.snapshot()
    assert counters == after
    assert changed == max(value for value in stored.values() if value is not None)
    assert data_version.snapshot(data_version.EVENTS)[1] == stored[data_version.EVENTS]
    assert abs(changed - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


@pytest.mark.django_db
def test_migrations_make_every_stored_page_unused():
    from django.core.management import call_command

    before = data_version.snapshot()[0]
    call_command("migrate", verbosity=0)  # nothing to apply: post_migrate runs all the same
    assert all(a != b for a, b in zip(before, data_version.snapshot()[0], strict=True))
