"""Opening hours in the API: read in the requested language, written by editors like the phone."""

import json

import pytest

from accounts.tests.factories import EditorshipFactory
from api.models import ApiToken
from charter import services as charter_services
from directory.models import Actor
from directory.tests.factories import ActorFactory

pytestmark = pytest.mark.django_db

FR = "Lundi–vendredi 9 h–17 h"
NL = "Maandag–vrijdag 9–17 u"


def test_actor_detail_and_list_give_the_opening_hours_in_the_requested_language(client, territory):
    actor = ActorFactory(name_fr="Avec horaires", opening_hours_fr=FR, opening_hours_nl=NL)
    ActorFactory(name_fr="Sans horaires")
    assert client.get(f"/api/actors/{actor.slug}?lang=fr").json()["opening_hours"] == FR
    assert client.get(f"/api/actors/{actor.slug}?lang=nl").json()["opening_hours"] == NL
    assert client.get(f"/api/actors/{actor.slug}?lang=en").json()["opening_hours"] == FR  # first one filled in
    results = client.get("/api/actors?lang=nl").json()["results"]
    assert {r["name"]: r["opening_hours"] for r in results} == {"Avec horaires": NL, "Sans horaires": ""}


def test_the_openapi_schema_documents_the_field(client):
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]
    assert "opening_hours" in schema["ActorSummary"]["required"]
    assert schema["ActorSummary"]["properties"]["opening_hours"]["type"] == "string"
    assert {"opening_hours_fr", "opening_hours_nl", "opening_hours_en"} <= set(schema["ActorChange"]["properties"])


def test_an_editor_changes_the_opening_hours_through_the_api(client, territory, charter):
    editorship = EditorshipFactory(actor=ActorFactory(phone="02 111 11 11", opening_hours_fr=FR))
    charter_services.record_acceptance(editorship.user)
    _token, key = ApiToken.issue(editorship.user, "site")
    actor = editorship.actor
    response = client.patch(
        f"/api/actors/{actor.slug}",
        data=json.dumps({"opening_hours_nl": NL}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200, response.content
    actor = Actor.objects.get(pk=actor.pk)
    assert (actor.opening_hours_fr, actor.opening_hours_nl, actor.phone) == (FR, NL, "02 111 11 11")

    too_long = client.patch(
        f"/api/actors/{actor.slug}",
        data=json.dumps({"opening_hours_fr": "x" * 301}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert too_long.status_code == 422 and "opening_hours_fr" in too_long.json()["errors"]
    assert Actor.objects.get(pk=actor.pk).opening_hours_fr == FR
