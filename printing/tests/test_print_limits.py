"""New documents are limited per hour: per address for visitors, and, higher, per account for
signed-in people (counted in the shared database, see maillage.ratelimit)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.tests.factories import UserFactory
from printing import services

pytestmark = pytest.mark.django_db


def asking(rf, user, address):
    request = rf.get("/", REMOTE_ADDR=address)
    request.user = user
    return request


def test_signed_in_people_have_a_higher_limit_counted_per_account(rf, settings):
    settings.PRINT_RATE_LIMIT = 1
    settings.PRINT_RATE_LIMIT_USER = 3
    person = UserFactory()
    assert [services.over_rate_limit(asking(rf, person, "192.0.2.7")) for _ in range(3)] == [False] * 3
    # The same account from another connection: the same budget, now spent.
    assert services.over_rate_limit(asking(rf, person, "198.51.100.4"))
    # A visitor on the first connection has the visitors' budget, apart from the account's.
    assert not services.over_rate_limit(asking(rf, AnonymousUser(), "192.0.2.7"))
    assert services.over_rate_limit(asking(rf, AnonymousUser(), "192.0.2.7"))


def test_the_command_is_not_limited(settings):
    settings.PRINT_RATE_LIMIT = settings.PRINT_RATE_LIMIT_USER = 0
    assert not services.over_rate_limit(None)
