"""The directory's CSV and GeoJSON are stored exports (maillage.exports): computed once per state of
the directory, streamed while first written, revalidated with 304, and a change through the owner's
write function shows at the next request."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directory import services as directory_services
from directory.models import Actor
from directory.tests.factories import ActorFactory, PlaceFactory
from maillage import encodings, exports
from maillage.models import DataVersion
from maillage.testing import assert_queries_do_not_grow
from opendata import exports as rows
from territory.models import Commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def schaerbeek(territory):
    return Commune.objects.get(slug="schaerbeek")


def actor_in(commune, **kwargs):
    return ActorFactory(commune=commune, places=[PlaceFactory(commune=commune, lat=50.867, lon=4.38)], **kwargs)


def body(response):
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return encodings.decompress(data, response.get("Content-Encoding"))


def names_in(client, **headers):
    response = client.get(reverse("opendata:actors_geojson"), **headers)
    return [feature["properties"]["name"] for feature in json.loads(body(response))["features"]]


def test_a_change_through_save_actor_shows_at_the_next_request(client, schaerbeek):
    actor = actor_in(schaerbeek, name_fr="Avant")
    assert names_in(client) == ["Avant"]
    actor.name_fr = "Après"
    directory_services.save_actor(actor)
    assert names_in(client) == ["Après"]
    csv_text = body(client.get(reverse("opendata:actors_csv"))).decode()
    assert "Après" in csv_text and "Avant" not in csv_text


def test_revalidation_gets_304_until_the_directory_changes(client, schaerbeek):
    actor = actor_in(schaerbeek, name_fr="Une")
    DataVersion.objects.update(changed=timezone.now() - dt.timedelta(minutes=5))  # not in the second it is written
    url = reverse("opendata:actors_geojson")
    first = client.get(url, HTTP_ACCEPT_ENCODING="br")
    body(first)
    assert first["Cache-Control"].startswith("public") and first["Vary"] == "Accept-Encoding"
    assert client.get(url, HTTP_ACCEPT_ENCODING="br", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    modified = client.get(url, HTTP_ACCEPT_ENCODING="br", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert modified.status_code == 304
    actor.name_fr = "Autre"
    directory_services.save_actor(actor)
    again = client.get(url, HTTP_ACCEPT_ENCODING="br", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"]


def test_brotli_gzip_and_identity_give_the_same_export(client, schaerbeek):
    for n in range(3):
        actor_in(schaerbeek, name_fr=f"Acteur {n}")
    url = reverse("opendata:actors_csv")
    bodies = {}
    for encoding in ("br", "gzip", "identity", "br"):
        response = client.get(url, HTTP_ACCEPT_ENCODING=encoding)
        assert response.get("Content-Encoding") == (None if encoding == "identity" else encoding)
        assert response["Content-Disposition"] == 'attachment; filename="maillage-actors.csv"'
        bodies[encoding] = body(response)
    assert len(set(bodies.values())) == 1
    assert [row["name"] for row in csv.DictReader(io.StringIO(bodies["br"].decode()))] == [
        "Acteur 0",
        "Acteur 1",
        "Acteur 2",
    ]


def test_the_first_answer_is_streamed_and_its_bytes_are_the_stored_ones(client, schaerbeek, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 256)  # a few actors then make a long export
    for n in range(5):
        actor_in(schaerbeek, name_fr=f"Acteur {n}", description_fr="Une association de quartier. " * 20)
    response = client.get(reverse("opendata:actors_geojson"), HTTP_ACCEPT_ENCODING="gzip")
    assert isinstance(response, StreamingHttpResponse)
    sent = b"".join(response.streaming_content)
    (stored,) = [path for path in exports.files("opendata.actors.geojson") if path.suffix == ".gz"]
    assert sent == stored.read_bytes()
    assert len(json.loads(encodings.decompress(sent, "gzip"))["features"]) == 5


def test_the_geojson_makes_a_fixed_number_of_queries(client, schaerbeek):
    url = reverse("opendata:actors_geojson")
    queries = assert_queries_do_not_grow(client, url, lambda: actor_in(schaerbeek), start=1, more=4)
    assert queries <= 8, queries  # versions, vocabularies (3), actors, three links, places, communes
    with CaptureQueriesContext(connection) as stored:
        client.get(url)
    assert len(stored) == 1  # answered from the stored file: the data versions only


def test_the_rows_read_as_values_are_the_rows_of_the_model(schaerbeek):
    """The live rows (values) equal those the dump builds from model instances."""
    for n in range(3):
        actor_in(schaerbeek, name_fr=f"Acteur {n}", name_nl=f"Actor {n}", contact_consent=bool(n % 2))
    ActorFactory(name_fr="Sans lieu")
    qs = Actor.objects.order_by("pk")
    reader = rows.ActorRows(include_synthetic=True)
    assert list(rows.actor_rows(qs)) == list(reader.all(qs))


@pytest.fixture
def published(tmp_path, settings):
    settings.OPEN_DATA_DIR = tmp_path
    return tmp_path


def test_the_dump_download_is_revalidated_with_304(client, published):
    call_command("export_open_data", "--no-progress", stdout=io.StringIO())
    url = reverse("opendata:download")
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"] and first["Cache-Control"].startswith("public")
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
