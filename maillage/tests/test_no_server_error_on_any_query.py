"""No address answers with a server error, whatever its query string says.

Every page and API endpoint without a path parameter is taken from the URL configuration (so a new
list page is fuzzed the day it is added), plus an object's history (a list of versions). The names
each one reads are found by watching it read its query string; each name is then sent alone with
every awkward value (huge and negative numbers, non-numbers, year 1 and 9999, NaN and infinity,
empty values, nulls), then hypothesis mixes them.
"""

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.http import HttpResponse, QueryDict
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.tests.factories import ModeratorFactory
from agenda.tests.factories import EventFactory
from directory.tests.factories import ActorFactory
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

# Not fuzzed, and why: Django's admin and allauth's account pages are the libraries' own and read no
# number; the API's docs and schema are static.
SKIPPED_PREFIXES = ("fr/admin/", "fr/account/login/", "fr/account/signup/", "fr/account/password/")
SKIPPED_PREFIXES += ("fr/account/reauthenticate/", "fr/account/email/", "fr/account/inactive/")
SKIPPED_PREFIXES += ("fr/account/confirm-email/", "api/docs", "api/openapi.json")

# Sent to each name alone: the values that broke pages before (an SQL offset, a date plus a day).
SHARPEST = [
    "99999999999999999999",
    "-1",
    "NaN",
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:59:59-12:00",
    "\x00",
]
# Sent to every name at once, then mixed by hypothesis.
AWKWARD = SHARPEST + [
    "",
    "0",
    "9223372036854775807",
    "9" * 5000,
    "1e3",
    "-inf",
    "١٢",  # Arabic-Indic digits: int() reads them
    "2024-02-30",
    "9999-12",
    "0000-00",
    "0001-01-01T00:00:00+14:00",
    "a" * 300,
]
values = st.one_of(
    st.sampled_from(AWKWARD),
    st.integers().map(str),
    st.floats().map(str),
    st.dates().map(str),
    st.datetimes(timezones=st.just(dt.UTC)).map(dt.datetime.isoformat),
    st.text(max_size=30),
)


def parameterless_routes():
    """Every address of the URL configuration that has no path parameter, in French."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    routes = []
    for route in walk(get_resolver().url_patterns):
        route = route.removeprefix("^").removesuffix("$")
        if "<" in route or "(" in route or route.startswith(SKIPPED_PREFIXES):
            continue
        routes.append("/" + route)
    return sorted(set(routes))


ROUTES = parameterless_routes()
LAYOUT_ONLY = "/fr/open-data/"  # a page whose view reads no query string


def test_the_routes_include_every_list_page_and_api_list():
    lists = ["/fr/directory/", "/fr/agenda/", "/fr/agenda/archive/", "/fr/agenda/month/", "/fr/projects/"]
    lists += ["/fr/moderation/", "/fr/freshness/to-verify/", "/fr/merges/", "/fr/imports/", "/fr/embed/agenda/"]
    lists += ["/api/actors", "/api/events", "/api/places", "/api/projects", "/api/hsds/organizations"]
    assert set(lists) <= set(ROUTES)


@pytest.fixture
def world(territory, taxonomy):
    """A few entries of each kind, so that lists are not empty."""
    now = timezone.now()
    actor = ActorFactory()
    EventFactory(start=now + dt.timedelta(days=2), end=now + dt.timedelta(days=2, hours=2))
    EventFactory(start=now - dt.timedelta(days=40), end=now - dt.timedelta(days=40, hours=-2), rrule="FREQ=WEEKLY")
    EventFactory(start=now - dt.timedelta(days=3), end=now - dt.timedelta(days=3, hours=-1))
    ProjectFactory()
    return actor


def names_read(client, route):
    """The query-string names that ``route`` reads (asked for, even when absent; an unknown name
    is sent so that pages reading nothing without a query read their filters)."""
    names = set()
    with pytest.MonkeyPatch.context() as patch:
        for method in ("get", "getlist", "__getitem__", "__contains__"):
            original = getattr(QueryDict, method)

            def spy(self, key, *args, _original=original, **kwargs):
                names.add(key)
                return _original(self, key, *args, **kwargs)

            patch.setattr(QueryDict, method, spy)
        client.get(route + "?unknown=1")
    return sorted(name for name in names if isinstance(name, str))


def status(client, route, query):
    return client.get(route + "?" + urlencode(query)).status_code


@pytest.fixture
def moderator_client(client, world, monkeypatch):
    """A moderator sees every list, the moderation lists too; print documents are answered
    without typesetting them."""
    client.force_login(ModeratorFactory())
    client.raise_request_exception = False
    monkeypatch.setattr("printing.views._deliver", lambda request, kind, params: HttpResponse(b"%PDF"))
    return client


@pytest.mark.parametrize("route", ROUTES)
def test_no_query_string_gives_a_server_error(moderator_client, route):
    client = moderator_client
    names = names_read(client, route)
    # What the layout reads (the search box) every page reads: sent alone on one page only.
    layout = [] if route == LAYOUT_ONLY else names_read(client, LAYOUT_ONLY)
    alone = [name for name in names if name not in layout]
    queries = [{name: value} for name in alone for value in SHARPEST]
    queries += [dict.fromkeys(names, value) for value in AWKWARD]
    errors = [query for query in queries if status(client, route, query) >= 500]
    assert not errors
    if not names:
        return

    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(query=st.lists(st.tuples(st.sampled_from(names), values), min_size=1, max_size=4))
    def no_server_error(query):
        assert status(client, route, query) < 500, (route, query)

    no_server_error()


def test_no_query_string_gives_a_server_error_on_an_objects_history(moderator_client, world):
    route = f"/fr/history/actor/{world.pk}/"
    assert status(moderator_client, route, {}) == 200
    errors = [value for value in AWKWARD if status(moderator_client, route, {"page": value}) >= 500]
    assert not errors
