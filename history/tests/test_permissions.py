"""Who may see versions, revert, archive and restore: the full matrix of roles and actions."""

import pytest
from django.urls import reverse

from agenda.models import Event
from agenda.tests.factories import EventFactory
from directory.models import Actor
from directory.tests.factories import ActorFactory
from history import services
from projects.tests.factories import ParticipationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(territory):
    actor = ActorFactory(name_fr="Mon association")
    other = ActorFactory(name_fr="Une autre association")
    actor.name_fr = "Mon association (nouveau nom)"
    actor.save()
    own_event = EventFactory(organisers=[actor])
    other_event = EventFactory(organisers=[other])
    own_project = ProjectFactory()
    ParticipationFactory(project=own_project, actor=actor)
    other_project = ProjectFactory()
    ParticipationFactory(project=other_project, actor=other)
    return {
        "actor": actor,
        "other_actor": other,
        "own_event": own_event,
        "other_event": other_event,
        "own_project": own_project,
        "other_project": other_project,
    }


def _kind(obj):
    return services.kind_of(obj).name


def _requests(obj):
    """(name, method, url) of every history action on ``obj``."""
    kind = _kind(obj)
    first = obj.history.order_by("history_date", "history_id").first()
    return [
        ("versions", "get", reverse("history:versions", args=[kind, obj.pk])),
        ("revert-confirm", "get", reverse("history:revert", args=[kind, obj.pk, first.history_id])),
        ("revert", "post", reverse("history:revert", args=[kind, obj.pk, first.history_id])),
        ("archive", "post", reverse("history:archive", args=[kind, obj.pk])),
        ("restore", "post", reverse("history:restore", args=[kind, obj.pk])),
    ]


def _unchanged(obj):
    fresh = type(obj).all_objects.get(pk=obj.pk)
    return fresh.archived_at == obj.archived_at and str(fresh) == str(obj)


@pytest.mark.parametrize("name", ["actor", "own_event", "own_project"])
def test_anonymous_visitors_are_sent_to_login_and_change_nothing(client, objects, name):
    obj = objects[name]
    for action, method, url in _requests(obj):
        response = getattr(client, method)(url)
        assert response.status_code == 302, action
        assert reverse("account_login") in response.url, action
    assert _unchanged(obj)
    response = client.get(reverse("history:archived"))
    assert response.status_code == 302 and reverse("account_login") in response.url


@pytest.mark.parametrize("name", ["actor", "other_actor", "own_event", "own_project"])
def test_contributors_get_403_and_change_nothing(contributor_client, objects, name):
    obj = objects[name]
    for action, method, url in _requests(obj):
        assert getattr(contributor_client, method)(url).status_code == 403, action
    assert _unchanged(obj)
    assert contributor_client.get(reverse("history:archived")).status_code == 403


def test_editors_may_not_archive_or_restore_even_their_own_events_and_projects(client, objects, make_editor):
    """Archiving is the moderators' (deliberately narrowed: editors had no page to do it or to
    see and restore what they archived)."""
    client.force_login(make_editor(objects["actor"]))
    for name in ("actor", "own_event", "own_project", "other_event", "other_project", "other_actor"):
        obj = objects[name]
        for action, method, url in _requests(obj):
            assert getattr(client, method)(url).status_code == 403, (name, action)
        assert _unchanged(obj)
    # Archived by a moderator, their own event stays archived.
    event = objects["own_event"]
    services.archive(event, None)
    assert client.post(reverse("history:restore", args=["event", event.pk])).status_code == 403
    assert Event.all_objects.get(pk=event.pk).archived_at is not None
    assert client.get(reverse("history:archived")).status_code == 403


def test_moderators_may_do_everything(moderator_client, objects):
    actor = objects["actor"]
    for action, method, url in _requests(actor):
        assert getattr(moderator_client, method)(url).status_code in (200, 302), action
    assert moderator_client.get(reverse("history:archived")).status_code == 200
    # The revert went back to the first name; archive then restore left it public.
    assert Actor.objects.get(pk=actor.pk).name_fr == "Mon association"


def test_writes_refuse_get(moderator_client, objects):
    actor = objects["actor"]
    assert moderator_client.get(reverse("history:restore", args=["actor", actor.pk])).status_code == 405


def test_writes_need_the_csrf_token(objects, moderator):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    actor = objects["actor"]
    assert client.post(reverse("history:archive", args=["actor", actor.pk])).status_code == 403
    assert Actor.objects.filter(pk=actor.pk).exists()


def test_parts_cannot_be_archived(moderator_client, objects):
    place_kind_url = reverse("history:archive", args=["place", 1])
    assert moderator_client.post(place_kind_url).status_code == 404


def test_object_actions_show_history_and_archive_to_moderators_only(rf, objects, moderator, contributor):
    from django.template.loader import render_to_string

    actor = objects["actor"]
    request = rf.get("/")
    for user, can_moderate in ((moderator, True), (contributor, False)):
        request.user = user
        html = render_to_string(
            "history/_object_actions.html",
            {"object": actor, "kind": "actor", "can_moderate": can_moderate},
            request=request,
        )
        assert (reverse("history:versions", args=["actor", actor.pk]) in html) is can_moderate
        assert (reverse("history:archive", args=["actor", actor.pk]) in html) is can_moderate
        if can_moderate:
            assert html.strip().startswith("<li>") and 'method="post"' in html and "csrfmiddlewaretoken" in html


def test_actor_page_links_to_history_for_moderators(client, moderator, objects):
    actor = objects["actor"]
    history_url = reverse("history:versions", args=["actor", actor.pk])
    assert history_url not in client.get(actor.get_absolute_url()).content.decode()
    client.force_login(moderator)
    assert history_url in client.get(actor.get_absolute_url()).content.decode()
