"""An event written through the API with a date no local time holds is refused field by field (it
was a server error: year 1 at +14:00 overflows when converted to Brussels time)."""

import pytest

from agenda.models import Event
from api.tests.test_write import editor, send  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "field, value",
    [
        ("start", "0001-01-01T00:30:00+14:00"),
        ("start", "9999-12-31T23:30:00-12:00"),
        ("start", "0001-01-01T00:00"),
        ("end", "9999-12-31T23:59"),
    ],
)
def test_an_event_dated_outside_the_years_the_site_shows_is_refused(client, editor, field, value):  # noqa: F811
    _user, actor, key = editor
    body = {"title_fr": "Hors du temps", "start": "2030-05-04T18:30", "organisers": [actor.slug], field: value}
    client.raise_request_exception = False
    response = send(client, "post", "/api/events", key, body)
    assert response.status_code == 422
    assert "1900" in " ".join(response.json()["errors"][field])
    assert not Event.objects.exists()
