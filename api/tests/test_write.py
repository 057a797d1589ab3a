import datetime as dt
import json

import pytest
from django.utils import timezone, translation

from accounts.tests.factories import EditorshipFactory, ModeratorFactory, UserFactory
from agenda.models import Event
from agenda.tests.factories import EventFactory
from api.models import ApiToken, hash_key
from charter import services as charter_services
from directory.models import Actor
from directory.tests.factories import ActorFactory
from proposals.models import Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(territory, charter):
    editorship = EditorshipFactory()
    charter_services.record_acceptance(editorship.user)
    _token, key = ApiToken.issue(editorship.user, "site")
    return editorship.user, editorship.actor, key


def send(client, method, url, key, body):
    return getattr(client, method)(
        url, data=json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )


def test_editor_patch_changes_the_actor_and_records_history_and_proposal(client, editor):
    user, actor, key = editor
    response = send(client, "patch", f"/api/actors/{actor.slug}", key, {"name_fr": "Nouveau nom", "phone": "02 123"})
    assert response.status_code == 200, response.content
    actor.refresh_from_db()
    assert (actor.name_fr, actor.phone) == ("Nouveau nom", "02 123")
    proposal = Proposal.objects.get(pk=response.json()["proposal"])
    assert proposal.status == Proposal.Status.PUBLISHED and proposal.proposer == user
    assert proposal.kind == Proposal.Kind.CHANGE_ACTOR and "site" in proposal.message
    record = actor.history.first()
    assert record.name_fr == "Nouveau nom" and f"#{proposal.pk}" in record.history_change_reason
    # Fields not sent stay as they were.
    assert actor.kind == Actor.Kind.ASSOCIATION and actor.description_fr == "Une association de quartier."
    # The public read shows it at once.
    assert client.get(f"/api/actors/{actor.slug}").json()["name"] == "Nouveau nom"


def test_other_users_actor_is_refused(client, editor):
    _user, _actor, key = editor
    other = ActorFactory(name_fr="Pas à moi")
    response = send(client, "patch", f"/api/actors/{other.slug}", key, {"name_fr": "Volé"})
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.name_fr == "Pas à moi"
    assert not Proposal.objects.exists()


def test_validation_errors_are_422_with_translated_field_messages(client, editor):
    _user, actor, key = editor
    body = {"email": "not-an-email", "kind": "nonsense", "name_fr": "", "name_nl": "", "name_en": ""}
    with translation.override("en"):
        response = send(client, "patch", f"/api/actors/{actor.slug}?lang=en", key, body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) >= {"email", "kind", "name_fr"}
    fr = send(client, "patch", f"/api/actors/{actor.slug}", key, body).json()["errors"]
    with translation.override("fr"):
        assert fr["name_fr"] == [translation.gettext("Please fill in at least one language.")]
    actor.refresh_from_db()
    assert actor.name_fr != ""
    # Wrong types too.
    response = send(client, "patch", f"/api/actors/{actor.slug}", key, {"contact_consent": "maybe", "themes": 3})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"contact_consent", "themes"}


def test_tokens_are_hashed_revoked_and_required(client, editor):
    user, actor, key = editor
    token = ApiToken.objects.get(user=user)
    assert token.key_hash == hash_key(key) and key not in token.key_hash and token.prefix == key[:12]
    assert send(client, "patch", f"/api/actors/{actor.slug}", "", {"phone": "1"}).status_code == 401
    assert send(client, "patch", f"/api/actors/{actor.slug}", key + "x", {"phone": "1"}).status_code == 401
    token.revoke()
    response = send(client, "patch", f"/api/actors/{actor.slug}", key, {"phone": "1"})
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"


def test_session_does_not_open_writes(client, editor):
    user, actor, _key = editor
    client.force_login(user)
    response = client.patch(f"/api/actors/{actor.slug}", data='{"phone": "1"}', content_type="application/json")
    assert response.status_code == 401


def test_new_event_for_an_actor_the_user_edits(client, editor):
    _user, actor, key = editor
    start = (timezone.localdate() + dt.timedelta(days=5)).isoformat() + "T18:30"
    body = {"title_fr": "Soupe solidaire", "start": start, "organisers": [actor.slug], "street": "Rue Haute 10"}
    response = send(client, "post", "/api/events", key, body)
    assert response.status_code == 201, response.content
    event = Event.objects.get(slug=response.json()["slug"])
    assert list(event.organisers.all()) == [actor]
    assert timezone.localtime(event.start).strftime("%H:%M") == "18:30"
    assert Proposal.objects.get().status == Proposal.Status.PUBLISHED
    assert event.slug in [r["slug"] for r in client.get("/api/events").json()["results"]]


def test_new_event_for_someone_elses_actor_is_refused(client, editor):
    _user, _actor, key = editor
    other = ActorFactory()
    start = (timezone.localdate() + dt.timedelta(days=5)).isoformat() + "T18:30"
    response = send(client, "post", "/api/events", key, {"title_fr": "X", "start": start, "organisers": [other.slug]})
    assert response.status_code == 403
    assert not Event.objects.exists()


def test_new_event_validation(client, editor):
    _user, actor, key = editor
    start = (timezone.localdate() + dt.timedelta(days=5)).isoformat() + "T18:30"
    body = {"start": start, "end": start.replace("18:30", "17:00"), "organisers": [actor.slug, "ghost"], "rrule": "X"}
    response = send(client, "post", "/api/events", key, body)
    assert response.status_code == 422
    assert set(response.json()["errors"]) >= {"title_fr", "end", "organisers", "rrule"}
    assert send(client, "post", "/api/events", key, {"title_fr": "X"}).status_code == 422  # no start
    assert not Event.objects.exists()


@pytest.mark.parametrize("rrule", ["FREQ=MINUTELY", "FREQ=SECONDLY;COUNT=5", "FREQ=HOURLY", "FREQ=DAILY;BYMINUTE=0,30"])
def test_rules_finer_than_daily_are_refused(client, editor, rrule):
    """They would expand to up to a million dates over the horizon (the request never ended)."""
    _user, actor, key = editor
    event = EventFactory(organisers=[actor])
    response = send(client, "patch", f"/api/events/{event.slug}", key, {"rrule": rrule})
    assert response.status_code == 422 and set(response.json()["errors"]) == {"rrule"}
    event.refresh_from_db()
    assert event.rrule == ""


def test_patch_event(client, editor):
    _user, actor, key = editor
    event = EventFactory(organisers=[actor], title_fr="Avant")
    other = EventFactory(title_fr="Pas à moi")
    response = send(client, "patch", f"/api/events/{event.slug}", key, {"title_fr": "Après", "rrule": "FREQ=WEEKLY"})
    assert response.status_code == 200, response.content
    event.refresh_from_db()
    assert (event.title_fr, event.rrule) == ("Après", "FREQ=WEEKLY")
    assert event.occurrences.count() > 1
    assert send(client, "patch", f"/api/events/{other.slug}", key, {"title_fr": "Volé"}).status_code == 403
    # Handing the event over to actors the user does not edit waits for approval, as on the website.
    stranger = ActorFactory()
    response = send(client, "patch", f"/api/events/{event.slug}", key, {"organisers": [stranger.slug]})
    assert response.status_code == 200 and response.json()["waiting"]["proposal"]
    assert list(event.organisers.all()) == [actor]
    assert send(client, "patch", "/api/events/nothing", key, {"title_fr": "x"}).status_code == 404


def test_moderator_token_acts_with_moderator_rights(client, territory, charter):
    moderator = ModeratorFactory()
    charter_services.record_acceptance(moderator)
    _token, key = ApiToken.issue(moderator, "mod")
    actor = ActorFactory()
    assert send(client, "patch", f"/api/actors/{actor.slug}", key, {"acronym": "ABC"}).status_code == 200


def test_charter_must_be_accepted(client, territory, charter):
    editorship = EditorshipFactory()
    _token, key = ApiToken.issue(editorship.user, "site")
    response = send(client, "patch", f"/api/actors/{editorship.actor.slug}", key, {"phone": "1"})
    assert response.status_code == 403


def test_writes_are_rate_limited_per_token(client, editor, settings):
    settings.API_WRITE_RATE_LIMIT = 2
    _user, actor, key = editor
    codes = [send(client, "patch", f"/api/actors/{actor.slug}", key, {"phone": str(n)}).status_code for n in range(3)]
    assert codes == [200, 200, 429]
    actor.refresh_from_db()
    assert actor.phone == "1"  # the refused change changed nothing


def test_more_tokens_give_no_more_writes(client, editor, settings):
    settings.API_WRITE_RATE_LIMIT = 2
    user, actor, key = editor
    _token, second = ApiToken.issue(user, "another")
    assert send(client, "patch", f"/api/actors/{actor.slug}", key, {"phone": "1"}).status_code == 200
    assert send(client, "patch", f"/api/actors/{actor.slug}", second, {"phone": "2"}).status_code == 200
    response = send(client, "patch", f"/api/actors/{actor.slug}", second, {"phone": "3"})
    assert response.status_code == 429 and response["Retry-After"] == "60"


def test_a_user_without_entries_cannot_write(client, territory, charter):
    user = UserFactory()
    charter_services.record_acceptance(user)
    _token, key = ApiToken.issue(user, "x")
    actor = ActorFactory()
    assert send(client, "patch", f"/api/actors/{actor.slug}", key, {"phone": "1"}).status_code == 403
    assert not Proposal.objects.exists()
