import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import MODERATORS_GROUP, Editorship
from directory.models import Actor
from directory.tests.factories import ActorFactory

User = get_user_model()


def at(day, hour=10):
    """An aware instant on a local date."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def moderator(db):
    user = User.objects.create_user("mod", "mod@example.org", "pw-moderator-1")
    user.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    return user


@pytest.fixture
def contributor(db):
    return User.objects.create_user("ann", "ann@example.org", "pw-contrib-1")


@pytest.fixture
def make_actor(db):
    """An actor verified on ``verified`` (None: never), created on ``created``."""

    def make(verified=None, created=None, **fields):
        actor = ActorFactory(last_verified=verified, **fields)
        if created:
            Actor.all_objects.filter(pk=actor.pk).update(created=at(created))
            actor.refresh_from_db()
        return actor

    return make


@pytest.fixture
def make_editor(db):
    def make(actor, email, language=None, **fields):
        user = User.objects.create_user(email.split("@")[0], email, "pw-editor-12345", **fields)
        Editorship.objects.create(user=user, actor=actor, via=Editorship.Via.ADMIN)
        if language:
            from accounts.models import Profile

            Profile.objects.update_or_create(user=user, defaults={"language": language})
        return user

    return make
