import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.models import MODERATORS_GROUP, Editorship, Profile


def make_user(email, **extra):
    return get_user_model().objects.create_user(username=email, email=email, password="pw-12345678", **extra)


@pytest.fixture
def moderator(db):
    user = make_user("watch@example.org")
    Profile.objects.create(user=user, display_name="Wanda Watch")
    user.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    return user


@pytest.fixture
def contributor(db):
    return make_user("someone@example.org")


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def contributor_client(client, contributor):
    client.force_login(contributor)
    return client


@pytest.fixture
def make_editor(db):
    def make(actor, email="editor@example.org"):
        user = make_user(email)
        Editorship.objects.create(user=user, actor=actor, via=Editorship.Via.ADMIN)
        return user

    return make
