"""Archived entries: hidden from the public, shown to moderators with a banner and Restore."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import MODERATORS_GROUP
from agenda.tests.factories import EventFactory
from directory.tests.factories import ActorFactory
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("factory", [ActorFactory, EventFactory, ProjectFactory])
def test_archived_page_is_404_for_the_public_and_shown_to_moderators(client, factory):
    obj = factory()
    url = obj.get_absolute_url()
    type(obj).all_objects.filter(pk=obj.pk).update(archived_at=timezone.now())
    assert client.get(url).status_code == 404
    user = get_user_model().objects.create_user("m", "m@example.org", "pw-m-123456")
    client.force_login(user)
    assert client.get(url).status_code == 404
    user.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    html = client.get(url).content.decode()
    assert "history-archived" in html and "/restore/" in html
