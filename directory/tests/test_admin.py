from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from directory import services
from directory.models import Actor
from directory.tests.factories import ActorFactory, PlaceFactory
from territory.models import Commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-12345678")
    client.force_login(user)
    return client


def test_a_place_changed_in_the_admin_moves_its_actors_refreshed_once_each(admin_client, territory):
    ixelles, schaerbeek = Commune.objects.get(slug="ixelles"), Commune.objects.get(slug="schaerbeek")
    place = PlaceFactory(commune=ixelles, postcode="1050", lat=None, lon=None)
    actors = [ActorFactory(places=[place]), ActorFactory(places=[place])]
    form = {"name_fr": place.name_fr, "street": place.street, "postcode": "1030", "lat": "", "lon": ""}
    with mock.patch.object(services, "refresh_actor", wraps=services.refresh_actor) as refresh:
        response = admin_client.post(reverse("admin:directory_place_change", args=[place.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(call.args[0].pk for call in refresh.call_args_list) == sorted(a.pk for a in actors)
    for actor in actors:
        assert Actor.objects.get(pk=actor.pk).commune == schaerbeek
