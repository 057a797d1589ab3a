"""Deleting in the admin archives: the entry leaves the site and can be restored."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from agenda.models import Event
from agenda.tests.factories import EventFactory
from directory.models import Actor
from directory.tests.factories import ActorFactory
from search.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-12345678")
    client.force_login(user)
    return client


def test_admin_delete_archives_and_keeps_history(admin_client, territory):
    actor = ActorFactory(name_fr="Ne pas perdre")
    url = reverse("admin:directory_actor_delete", args=[actor.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    actor = Actor.all_objects.get(pk=actor.pk)
    assert actor.archived_at is not None
    assert not Document.objects.filter(kind="actor", object_id=actor.pk).exists()
    assert actor.history.count() >= 2
    # Still listed in the admin (filter "archived"), and restorable from there.
    changelist = reverse("admin:directory_actor_changelist")
    assert "Ne pas perdre" in admin_client.get(changelist, {"archived": "yes"}).content.decode()
    admin_client.post(changelist, {"action": "restore_selected", "_selected_action": [actor.pk]})
    assert Actor.objects.filter(pk=actor.pk).exists()


def test_admin_bulk_delete_archives(admin_client):
    events = [EventFactory(), EventFactory()]
    changelist = reverse("admin:agenda_event_changelist")
    admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [e.pk for e in events], "post": "yes"}
    )
    assert Event.objects.count() == 0
    assert Event.all_objects.filter(archived_at__isnull=False).count() == 2
