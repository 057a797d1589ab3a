import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from accounts import permissions

from .factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


@permissions.moderator_required
def _moderators_page(request):
    return HttpResponse("ok")


def _get(user):
    request = RequestFactory().get("/moderation/")
    request.user = user
    return request


def test_moderator_required_sends_visitors_to_sign_in_and_refuses_others():
    assert _moderators_page(_get(ModeratorFactory())).content == b"ok"
    response = _moderators_page(_get(AnonymousUser()))
    assert response.status_code == 302 and "/moderation/" in response["Location"]
    with pytest.raises(PermissionDenied):
        _moderators_page(_get(UserFactory()))


def test_the_watch_team_moderates_and_adds_actors_others_do_not(django_assert_num_queries):
    moderator, contributor = ModeratorFactory(), UserFactory()
    with django_assert_num_queries(1):  # the role is read once per request's user
        assert permissions.can_moderate(moderator) and permissions.can_add_actor(moderator)
    assert not permissions.can_moderate(contributor) and not permissions.can_add_actor(contributor)
    assert not permissions.can_moderate(AnonymousUser())
