"""schemathesis against the OpenAPI document: every read endpoint, with generated parameters,
never answers with a server error; the document itself is valid OpenAPI."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from agenda.tests.factories import EventFactory
from directory.models import Theme
from directory.tests.factories import ActorFactory, PlaceFactory
from projects.tests.factories import ParticipationFactory, ProjectFactory

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application()).include(method="GET")


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django closes the database connection at the end of each request (request_finished); its
    test client turns that off, schemathesis' WSGI client does not: on PostgreSQL the test's
    transaction would be closed under it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def some_data(territory, taxonomy):
    theme = Theme.objects.first()
    actors = [ActorFactory(slug=f"a{n}", themes=[theme], places=[PlaceFactory()]) for n in range(3)]
    EventFactory(slug="e1", organisers=actors[:1], themes=[theme])
    EventFactory(slug="e2", rrule="FREQ=WEEKLY;COUNT=4")
    ParticipationFactory(project=ProjectFactory(slug="p1"), actor=actors[0])


def test_openapi_document_is_valid():
    schema.validate()  # against the OpenAPI meta-schema; raises when invalid
    paths = set(schema.raw_schema["paths"])
    assert {"/api/actors", "/api/actors/{slug}", "/api/places", "/api/events", "/api/events/{slug}"} <= paths
    assert {"/api/projects", "/api/projects/{slug}", "/api/themes", "/api/communes"} <= paths


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_server_error(case, some_data):
    case.call_and_validate(checks=[not_a_server_error])
