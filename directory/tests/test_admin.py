import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

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
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.post(reverse("admin:directory_place_change", args=[place.pk]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    actor_writes = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "directory_actor"')]
    assert len(actor_writes) == 1, actor_writes  # both actors refreshed once, in one write
    for actor in actors:
        assert Actor.objects.get(pk=actor.pk).commune == schaerbeek


def test_an_actor_saved_in_the_admin_is_one_change_set_with_one_record(admin_client, territory):
    from directory.tests.factories import ThemeFactory
    from maillage.models import ChangeSet
    from maillage.testing import form_as_posted

    top = ThemeFactory(slug="alimentation")
    sub = ThemeFactory(slug="potagers", parent=top)
    place = PlaceFactory(commune=Commune.objects.get(slug="schaerbeek"), postcode="1030", lat=50.867, lon=4.38)
    actor = ActorFactory(name_fr="Potager", places=[place])
    url = reverse("admin:directory_actor_change", args=[actor.pk])
    page = admin_client.get(url)
    data = form_as_posted(page.context["adminform"].form, name_fr="Potager du parc", themes=[str(sub.pk)])
    data.update(
        {"relations_out-TOTAL_FORMS": "0", "relations_out-INITIAL_FORMS": "0", "relations_out-MAX_NUM_FORMS": "1000"}
    )
    before = actor.history.count()
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert actor.history.count() == before + 1
    record = actor.history.latest("history_id")
    assert record.name_fr == "Potager du parc"
    assert sorted(record.themes.values_list("theme_id", flat=True)) == sorted([top.pk, sub.pk])  # the top theme added
    assert ChangeSet.objects.get(pk=record.change_set_id).source == "admin"
    assert Actor.objects.get(pk=actor.pk).commune.slug == "schaerbeek"
