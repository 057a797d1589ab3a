"""The map's points (/map/points.json) are a stored export (maillage.exports): one query when
stored, 304 on revalidation, a change through save_actor shown at the next request."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory import services
from directory.tests.factories import ActorFactory, PlaceFactory
from maillage import encodings
from territory.models import Commune

pytestmark = pytest.mark.django_db
URL = "/fr/map/points.json"


@pytest.fixture
def schaerbeek(territory):
    return Commune.objects.get(slug="schaerbeek")


def names(response):
    data = json.loads(encodings.decompress(response.content, response.get("Content-Encoding")))
    return [point[data["fields"].index("name")] for point in data["points"]]


def test_a_change_through_save_actor_shows_at_the_next_request(client, schaerbeek):
    actor = ActorFactory(name_fr="Avant", places=[PlaceFactory(commune=schaerbeek, lat=50.867, lon=4.38)])
    assert names(client.get(URL, HTTP_ACCEPT_ENCODING="br")) == ["Avant"]
    actor.name_fr = "Après"
    services.save_actor(actor)
    assert names(client.get(URL, HTTP_ACCEPT_ENCODING="br")) == ["Après"]
    assert names(client.get(URL, {"commune": "schaerbeek"}, HTTP_ACCEPT_ENCODING="gzip")) == ["Après"]
    assert names(client.get(URL, {"commune": "ixelles"})) == []


def test_stored_points_cost_one_query_and_revalidate_with_304(client, schaerbeek):
    ActorFactory(places=[PlaceFactory(commune=schaerbeek, lat=50.867, lon=4.38)])
    first = client.get(URL, HTTP_ACCEPT_ENCODING="br")
    assert first["Content-Type"] == "application/json" and first["Vary"] == "Accept-Encoding"
    with CaptureQueriesContext(connection) as queries:
        again = client.get(URL, HTTP_ACCEPT_ENCODING="br", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and len(queries) == 1
