"""The write API is built from the owners' field specifications: its schemas list the fields the
API may set, in the spec's order; a field declared later is in the next schema built; values are
checked and cleaned as the spec says; a write is one change set of source API."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agenda.fields import EVENT
from agenda.models import Event
from api import schemas, values
from api.models import ApiToken
from api.tests.test_write import editor, send  # noqa: F401 (the fixture)
from directory.fields import ACTOR
from directory.models import Actor, Theme
from maillage.fields import EDITOR, Field, Spec
from maillage.models import ChangeSet


def properties(client, name):
    return list(client.get("/api/openapi.json").json()["components"]["schemas"][name]["properties"])


@pytest.mark.django_db
def test_the_write_schemas_are_the_fields_the_specs_let_the_api_set(client):
    actor_fields = [f.name for f in values.api_fields(ACTOR)]
    assert properties(client, "ActorChange") == actor_fields
    # What only editors and merges set, and files (JSON carries none), are not offered.
    assert not {"social_links", "last_verified", "places", "logo"} & set(actor_fields)
    event_fields = [f.name for f in values.api_fields(EVENT)]
    # "price" (the request's language) is still taken, before the languages that replaced it.
    first_price = event_fields.index("price_fr")
    assert properties(client, "EventChange") == [*event_fields[:first_price], "price", *event_fields[first_price:]]
    document = client.get("/api/openapi.json").json()["components"]["schemas"]
    assert document["NewEvent"]["required"] == ["start", "organisers"]


def test_a_field_added_to_the_spec_is_in_the_next_schema_built():
    ACTOR.add(Field("motto", "Motto"), after="acronym")
    ACTOR.add(Field("internal_note", "Note", set_by=frozenset({EDITOR})))
    try:
        built = schemas.actor_change_schema()
        names = list(built.model_fields)
        assert names[names.index("acronym") + 1] == "motto"
        assert "internal_note" not in names
        assert built.model_validate({"motto": "Ensemble"}).model_dump(exclude_unset=True) == {"motto": "Ensemble"}
    finally:
        ACTOR.remove("motto")
        ACTOR.remove("internal_note")
    assert "motto" not in schemas.actor_change_schema().model_fields
    assert "motto" not in schemas.ActorChange.model_fields  # the document's, built once


@pytest.mark.django_db
def test_values_are_checked_through_the_spec_as_it_is_when_called(territory):
    """A field the spec lets the API set is checked with its type and the model's rules, whatever
    the schema the route was built with."""
    actor = Actor(name_fr="Atelier", kind=Actor.Kind.ASSOCIATION)
    spec = Spec(Actor, [f for f in ACTOR if f.name != "last_verified"] + [Field("last_verified", "Verified", "date")])
    assert values.clean(spec, {"last_verified": "2026-05-04", "unknown": 1}, actor) == {"last_verified": "2026-05-04"}
    with pytest.raises(ValidationError) as error:
        values.clean(spec, {"last_verified": "the 4th of May"}, actor)
    assert set(error.value.message_dict) == {"last_verified"}


def test_values_are_cleaned_as_the_owner_declares(client, editor, taxonomy):  # noqa: F811
    _user, actor, key = editor
    body = {
        "website": "www.example.be",
        "company_number": "0203.071.973",
        "description_fr": "<p>Bonjour</p><script>alert(1)</script>",
        "themes": [Theme.objects.filter(parent__isnull=False).first().slug],
    }
    response = send(client, "patch", f"/api/actors/{actor.slug}", key, body)
    assert response.status_code == 200, response.content
    actor.refresh_from_db()
    assert actor.website == "https://www.example.be"
    assert actor.company_number == "0203071973"
    assert "script" not in actor.description_fr and "Bonjour" in actor.description_fr
    theme = Theme.objects.get(slug=body["themes"][0])
    assert set(actor.themes.values_list("slug", flat=True)) >= {theme.slug, theme.parent.slug}


def test_unknown_slugs_and_choices_are_refused_field_by_field(client, editor, taxonomy):  # noqa: F811
    _user, actor, key = editor
    body = {"themes": ["no-such-theme"], "languages": ["xx"], "status": "gone", "kind": ""}
    response = send(client, "patch", f"/api/actors/{actor.slug}", key, body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"themes", "languages", "status", "kind"}
    assert "no-such-theme" in errors["themes"][0]


def test_a_write_is_one_change_set_of_source_api(client, editor):  # noqa: F811
    user, actor, key = editor
    token = ApiToken.objects.get(user=user)
    response = send(client, "patch", f"/api/actors/{actor.slug}", key, {"name_fr": "Renommé", "street": "Rue Haute 1"})
    assert response.status_code == 200, response.content
    change_set = ChangeSet.objects.get()
    assert (change_set.source, change_set.user, change_set.source_id) == (ChangeSet.Source.API, user, token.pk)
    assert f"#{response.json()['proposal']}" in change_set.reason
    records = actor.history.filter(change_set=change_set)
    assert [r.name_fr for r in records] == ["Renommé"]


def test_the_price_sent_in_one_language_is_the_requests(client, editor):  # noqa: F811
    _user, actor, key = editor
    start = (timezone.localdate() + dt.timedelta(days=5)).isoformat() + "T18:30"
    body = {"title_fr": "Repas", "start": start, "organisers": [actor.slug], "price": "5 €", "price_nl": "5 euro"}
    response = send(client, "post", "/api/events", key, body)
    assert response.status_code == 201, response.content
    event = Event.objects.get(slug=response.json()["slug"])
    assert (event.price_fr, event.price_nl) == ("5 €", "5 euro")


def test_a_field_the_spec_lets_the_api_set_since_the_document_was_built_is_written(client, editor):  # noqa: F811
    """The route's schema was built at start; the values are read through the spec as it is now."""
    _user, actor, key = editor
    original = ACTOR["last_verified"]
    before = ACTOR.names()[ACTOR.names().index("last_verified") - 1]
    ACTOR.remove("last_verified")
    ACTOR.add(Field("last_verified", original.label, "date"), after=before)  # every writer now
    try:
        wrong = send(client, "patch", f"/api/actors/{actor.slug}", key, {"last_verified": "soon"})
        assert wrong.status_code == 422 and set(wrong.json()["errors"]) == {"last_verified"}
        response = send(client, "patch", f"/api/actors/{actor.slug}", key, {"last_verified": "2026-05-04"})
        assert response.status_code == 200, response.content
    finally:
        ACTOR.remove("last_verified")
        ACTOR.add(original, after=before)
    actor.refresh_from_db()
    assert actor.last_verified == dt.date(2026, 5, 4)
    assert "last_verified" not in schemas.ActorChange.model_fields


def test_the_queries_of_a_write_do_not_grow_with_the_values_sent(client, editor, taxonomy):  # noqa: F811
    """Each vocabulary named is read once, whatever the number of slugs (1 or 3 themes, audiences)."""
    _user, actor, key = editor
    themes = list(Theme.objects.order_by("pk").values_list("slug", flat=True))
    send(client, "patch", f"/api/actors/{actor.slug}", key, {"phone": "0"})  # warms the caches
    counts = []
    for n, offset in ((1, 0), (3, 1)):
        body = {"themes": themes[offset : offset + n], "languages": ["fr", "nl", "en"][:n], "phone": str(n)}
        with CaptureQueriesContext(connection) as context:
            response = send(client, "patch", f"/api/actors/{actor.slug}", key, body)
        assert response.status_code == 200, response.content
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1], counts
