"""Stored exports (maillage.exports): computed once per state of the data, streamed while first
written, answered from the stored files in the encoding the client takes, revalidated with 304."""

import datetime as dt
import os

import pytest
import time_machine
from django.http import StreamingHttpResponse
from django.test import RequestFactory
from django.utils import timezone
from django.utils.http import http_date

from maillage import data_version, encodings, exports
from maillage.models import DataVersion

pytestmark = pytest.mark.django_db

ROWS = [f"row {n}: {'x' * 40}\n" for n in range(2000)]  # about 100 kB
BODY = "".join(ROWS).encode()


class Producer:
    """What an app hands to ``serve``: chunks of text; counts how often it ran."""

    def __init__(self, rows=ROWS):
        self.rows, self.runs = rows, 0

    def __call__(self):
        self.runs += 1
        yield from self.rows


def get(produce, encoding=None, *, key=("q",), day=None, **headers):
    if encoding:
        headers["HTTP_ACCEPT_ENCODING"] = encoding
    request = RequestFactory().get("/export", **headers)
    return exports.serve(
        request,
        "test.export",
        produce,
        versions=(data_version.ACTORS,),
        key=key,
        day=day,
        content_type="text/plain; charset=utf-8",
    )


def body_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def decoded(response):
    return encodings.decompress(body_of(response), response.get("Content-Encoding"))


def test_the_first_answer_streams_while_it_is_stored_and_the_next_ones_read_the_store():
    produce = Producer()
    first = get(produce, "br")
    assert isinstance(first, StreamingHttpResponse)
    sent = body_of(first)
    stored = {path.suffix: path.read_bytes() for path in exports.files("test.export")}
    assert sent == stored[".br"]  # the bytes streamed are the bytes stored
    assert list(stored) == [".br"]  # only the client's encoding: the first answer compresses once
    again = get(produce, "br")
    assert body_of(again) == sent and produce.runs == 1
    gzipped = body_of(get(produce, "gzip"))  # the other encoding made once from the stored one
    assert encodings.decompress(gzipped, "gzip") == BODY and produce.runs == 1
    assert {path.suffix for path in exports.files("test.export")} == {".br", ".gz"}


@pytest.mark.parametrize("first", ["br", "gzip", None])
def test_every_encoding_gives_the_same_body_stored_or_not(first):
    produce = Producer()
    bodies = {first: decoded(get(produce, first))}
    for encoding in ("br", "gzip", "identity"):
        response = get(produce, encoding)
        assert response.get("Content-Encoding") == (None if encoding == "identity" else encoding)
        bodies[encoding] = decoded(response)
    assert all(body == BODY for body in bodies.values()) and produce.runs == 1


def test_a_short_export_is_answered_whole():
    response = get(Producer(["short"]), "gzip")
    assert not response.streaming and encodings.decompress(response.content, "gzip") == b"short"
    assert int(response["Content-Length"]) == len(response.content)


def test_validators_and_304():
    data_version.bump(data_version.ACTORS)
    DataVersion.objects.update(changed=timezone.now() - dt.timedelta(minutes=5))  # changed before it is written
    response = get(Producer(), "br")
    body_of(response)
    etag = response["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    written = exports.files("test.export")[0].stat().st_mtime
    assert response["Last-Modified"] == http_date(int(written))  # the second it was first written
    assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=600"
    assert response["Vary"] == "Accept-Encoding"
    assert get(Producer(), "br", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert get(Producer(), "br", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
    other = get(Producer(), "gzip", HTTP_IF_NONE_MATCH=etag)  # another encoding: another representation
    assert other.status_code == 200 and other["ETag"] != etag


def test_an_export_written_in_the_second_its_data_changed_is_not_revalidated_by_date():
    data_version.bump(data_version.ACTORS)
    with time_machine.travel(timezone.now().replace(microsecond=0), tick=False):
        data_version.bump(data_version.ACTORS)  # the data changed in the second it is written
        response = get(Producer(), "br")
        body_of(response)
        since = response["Last-Modified"]
        assert get(Producer(), "br", HTTP_IF_MODIFIED_SINCE=since).status_code == 200
        assert get(Producer(), "br", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_a_new_data_version_is_a_new_export_and_the_old_files_go(monkeypatch):
    monkeypatch.setattr(exports, "GRACE_SECONDS", -1)
    before = Producer(["before"])
    first = get(before, "br")
    data_version.bump(data_version.ACTORS)
    second = get(Producer(["after"]), "br")
    assert decoded(second) == b"after" and first["ETag"] != second["ETag"]
    assert len(exports.files("test.export")) == 1  # the older state's file removed


def test_keys_are_separate_and_bounded(monkeypatch):
    monkeypatch.setattr(exports, "MAX_KEYS", 3)
    for n in range(5):
        assert decoded(get(Producer([f"key {n}"]), "br", key=(n,))) == f"key {n}".encode()
    assert len(exports.files("test.export")) == 3  # the oldest keys dropped


def test_concurrent_first_answers_do_not_corrupt_the_store():
    one, two = get(Producer(), "br"), get(Producer(), "gzip")
    chunks_one, chunks_two = iter(one.streaming_content), iter(two.streaming_content)
    sent_one, sent_two = [next(chunks_one)], [next(chunks_two)]
    sent_one.extend(chunks_one)
    sent_two.extend(chunks_two)
    assert encodings.decompress(b"".join(sent_one), "br") == BODY
    assert encodings.decompress(b"".join(sent_two), "gzip") == BODY
    assert decoded(get(Producer(["never read"]), "br")) == BODY
    assert not list((exports.root() / "test.export").glob("*/.*"))  # no temporary file left


def test_a_stream_left_halfway_keeps_nothing():
    noise = [os.urandom(5000).hex() for _ in range(200)]  # 2 MB that compress little: sent as produced
    response = get(Producer(noise), "gzip")  # zlib sends as it goes (brotli keeps more in hand)
    next(iter(response.streaming_content))
    response.close()
    assert exports.files("test.export") == []
    assert not list((exports.root() / "test.export").glob("*/.*"))


def test_a_feed_of_another_day_is_another_export():
    day = dt.date(2031, 5, 17)
    first = get(Producer(["of the 17th"]), "br", day=day)
    second = get(Producer(["of the 18th"]), "br", day=day + dt.timedelta(days=1))
    assert first["ETag"] != second["ETag"] and decoded(second) == b"of the 18th"
