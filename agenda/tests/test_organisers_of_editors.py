"""Editors act only for their own actors: naming another actor as an event's organiser, or
removing one, waits for approval; the event is published at once with the editor's own."""

import datetime as dt
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from accounts.tests.factories import EditorshipFactory, ModeratorFactory, UserFactory
from agenda.models import Event
from agenda.services import organiser_change
from agenda.tests.factories import EventFactory
from api.models import ApiToken
from charter import services as charter_services
from directory.tests.factories import ActorFactory
from maillage.testing import assert_queries_do_not_grow
from proposals import entries
from proposals import services as proposal_services
from proposals.models import Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors(db):
    return {name: ActorFactory(name_fr=f"Actor {name}", slug=f"actor-{name.lower()}") for name in "ABCD"}


@pytest.fixture
def editor(taxonomy, charter, actors):
    """Edits A and C."""
    user = EditorshipFactory(actor=actors["A"]).user
    EditorshipFactory(user=user, actor=actors["C"])
    charter_services.record_acceptance(user)
    return user


def names(actors_):
    return sorted(a.name_fr for a in actors_)


def organisers_of(event):
    return names(Event.objects.get(pk=event.pk).organisers.all())


# --- the rule ---------------------------------------------------------------------------------


def test_own_actors_are_named_at_once_others_wait(actors):
    a, b, c = actors["A"], actors["B"], actors["C"]
    change = organiser_change([a], [a], [a, b, c], edited_ids={a.pk, c.pk})
    assert names(change.now) == ["Actor A", "Actor C"]
    assert names(change.added) == ["Actor B"] and change.removed == ()
    assert names(change.wanted) == ["Actor A", "Actor B", "Actor C"] and change.waits


def test_removing_another_actor_waits_removing_ones_own_does_not(actors):
    a, b, c = actors["A"], actors["B"], actors["C"]
    change = organiser_change([a, b, c], [a, b, c], [a], edited_ids={a.pk, c.pk})
    assert names(change.now) == ["Actor A", "Actor B"]
    assert names(change.removed) == ["Actor B"] and names(change.wanted) == ["Actor A"]


def test_handing_an_event_over_waits_whole(actors):
    """An event keeps an organiser its editor edits: A replaced by B keeps A until approved."""
    a, b = actors["A"], actors["B"]
    change = organiser_change([a], [a], [b], edited_ids={a.pk})
    assert names(change.now) == ["Actor A"]
    assert (names(change.added), names(change.removed), names(change.wanted)) == (["Actor B"], ["Actor A"], ["Actor B"])


def test_moving_an_event_between_ones_own_actors_is_at_once(actors):
    a, c = actors["A"], actors["C"]
    change = organiser_change([a], [a], [c], edited_ids={a.pk, c.pk})
    assert names(change.now) == ["Actor C"] and not change.waits


def test_an_organiser_added_meanwhile_by_someone_else_stays(actors):
    a, b, c, d = (actors[n] for n in "ABCD")
    change = organiser_change([a, d], [a], [a, c], edited_ids={a.pk, c.pk})
    assert names(change.now) == ["Actor A", "Actor C", "Actor D"] and not change.waits
    # Nor does naming an actor already there wait.
    assert not organiser_change([a, b], [a], [a, b], edited_ids={a.pk}).waits


def test_moderators_change_organisers_at_once(actors):
    a, b = actors["A"], actors["B"]
    change = organiser_change([a], [a], [b], edited_ids=None)
    assert names(change.now) == ["Actor B"] and not change.waits


# --- the website ------------------------------------------------------------------------------


def new_event_form(title, organiser_names):
    return {
        "submission": str(uuid.uuid4()),
        "title_fr": title,
        "day": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        "start_time": "18:00",
        "organiser_names": organiser_names,
        "status": Event.Status.SCHEDULED,
        "accept_charter": "on",
        "send": "1",
    }


def change_event_form(event, organiser_names):
    start = timezone.localtime(event.start)
    return {
        "submission": str(uuid.uuid4()),
        "title_fr": event.title_fr,
        "day": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "organiser_names": organiser_names,
        "status": event.status,
        "accept_charter": "on",
        "send": "1",
    }


def waiting_for(event):
    return Proposal.objects.get(kind=Proposal.Kind.CHANGE_EVENT, target_id=event.pk, status=Proposal.Status.PENDING)


def test_an_event_naming_another_actor_is_published_with_the_editors_own(client, editor, actors):
    client.force_login(editor)
    response = client.post(
        reverse("proposals:new", args=["event"]), new_event_form("Soupe", "Actor A; Actor B"), follow=True
    )
    event = Event.objects.get(title_fr="Soupe")
    assert organisers_of(event) == ["Actor A"]
    published = Proposal.objects.get(kind=Proposal.Kind.NEW_EVENT)
    assert published.status == Proposal.Status.PUBLISHED and published.data["organisers"] == ["actor-a"]
    # The editor is told, in their language, on the event's page.
    assert response.redirect_chain[-1][0] == event.get_absolute_url()
    told = translation.gettext("Naming %(names)s as organiser waits for approval by its editors or a moderator.") % {
        "names": "Actor B"
    }
    assert escape(told) in response.content.decode()
    # Naming B waits for the moderators, who see it as a change of the event's organisers.
    waiting = waiting_for(event)
    assert waiting.proposer == editor and waiting.data["organisers"] == ["actor-a", "actor-b"]
    assert [row.label for row in proposal_services.diff(waiting) if row.changed] == [translation.gettext("Organisers")]
    proposal_services.approve(waiting, ModeratorFactory())
    assert organisers_of(event) == ["Actor A", "Actor B"]


def test_replacing_the_organisers_keeps_the_editors_own_until_approved(client, editor, actors):
    event = EventFactory(title_fr="Atelier", organisers=[actors["A"]])
    client.force_login(editor)
    client.post(reverse("proposals:change", args=["event", event.slug]), change_event_form(event, "Actor B"))
    assert organisers_of(event) == ["Actor A"]
    waiting = waiting_for(event)
    assert waiting.data["organisers"] == ["actor-b"]
    told = translation.gettext(
        "Removing %(names)s from the organisers waits for approval by its editors or a moderator."
    )
    assert told % {"names": "Actor A"} in waiting.message


def test_removing_another_actor_waits_and_the_rest_is_published(client, editor, actors):
    event = EventFactory(title_fr="Atelier", organisers=[actors["A"], actors["B"]])
    client.force_login(editor)
    form = change_event_form(event, "Actor A; Actor C") | {"title_fr": "Atelier vélo"}
    client.post(reverse("proposals:change", args=["event", event.slug]), form)
    event.refresh_from_db()
    assert event.title_fr == "Atelier vélo"  # the rest of the change is published
    assert organisers_of(event) == ["Actor A", "Actor B", "Actor C"]  # C is the editor's: at once
    assert waiting_for(event).data["organisers"] == ["actor-a", "actor-c"]


def test_a_moderator_names_any_organiser_at_once(client, taxonomy, charter, actors):
    moderator = ModeratorFactory()
    charter_services.record_acceptance(moderator)
    event = EventFactory(title_fr="Atelier", organisers=[actors["A"]])
    client.force_login(moderator)
    client.post(reverse("proposals:change", args=["event", event.slug]), change_event_form(event, "Actor B"))
    assert organisers_of(event) == ["Actor B"]
    assert not Proposal.objects.filter(status=Proposal.Status.PENDING).exists()


# --- the API ----------------------------------------------------------------------------------


def send(client, method, url, key, body):
    return getattr(client, method)(
        url, data=json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )


def test_the_api_follows_the_same_rule(client, editor, actors):
    _token, key = ApiToken.issue(editor, "site")
    event = EventFactory(title_fr="Atelier", organisers=[actors["A"]])
    response = send(client, "patch", f"/api/events/{event.slug}", key, {"organisers": ["actor-a", "actor-b"]})
    assert response.status_code == 200, response.content
    assert organisers_of(event) == ["Actor A"]
    waiting = response.json()["waiting"]
    assert waiting["proposal"] == waiting_for(event).pk and "Actor B" in waiting["detail"]
    # A new event too.
    start = (timezone.localdate() + dt.timedelta(days=5)).isoformat() + "T18:30"
    body = {"title_fr": "Soupe", "start": start, "organisers": ["actor-a", "actor-b"]}
    response = send(client, "post", "/api/events", key, body)
    assert response.status_code == 201, response.content
    created = Event.objects.get(slug=response.json()["slug"])
    assert organisers_of(created) == ["Actor A"] and response.json()["waiting"]["proposal"] == waiting_for(created).pk
    # Nothing waits when the editor names only their own.
    response = send(client, "patch", f"/api/events/{event.slug}", key, {"organisers": ["actor-a", "actor-c"]})
    assert response.json()["waiting"] is None and organisers_of(event) == ["Actor A", "Actor C"]


# --- the editors of the actor named answer -------------------------------------------------------


@pytest.fixture
def editor_of_b(actors):
    return EditorshipFactory(actor=actors["B"]).user


def ask_to_name_b(client, editor, actors, django_capture_on_commit_callbacks):
    event = EventFactory(title_fr="Atelier", organisers=[actors["A"]])
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("proposals:change", args=["event", event.slug]), change_event_form(event, "Actor A; Actor B")
        )
    client.logout()
    return event


def test_the_editors_of_the_actor_named_are_asked_and_accept(
    client, editor, editor_of_b, actors, mailoutbox, django_capture_on_commit_callbacks
):
    event = ask_to_name_b(client, editor, actors, django_capture_on_commit_callbacks)
    [mail] = [m for m in mailoutbox if m.to == [editor_of_b.email]]
    page_url = reverse("proposals:organiser_requests")
    assert page_url in mail.body and "Atelier" in mail.subject and "Actor B" in mail.body
    assert editor.email not in mail.body  # who asks is named by the organisation they edit
    # Someone organised with the event meanwhile: accepting keeps them.
    event.organisers.add(actors["D"])
    client.force_login(editor_of_b)
    page = client.get(page_url).content.decode()
    assert "Atelier" in page and "Actor B" in page and "Actor A" in page
    waiting = waiting_for(event)
    response = client.post(page_url, {"proposal": waiting.pk, "answer": "accept"})
    assert response.status_code == 302
    assert organisers_of(event) == ["Actor A", "Actor B", "Actor D"]
    waiting.refresh_from_db()
    assert waiting.status == Proposal.Status.APPROVED and waiting.decided_by == editor_of_b
    assert "Atelier" not in client.get(page_url).content.decode()


def test_the_editors_of_the_actor_named_may_decline(
    client, editor, editor_of_b, actors, django_capture_on_commit_callbacks
):
    event = ask_to_name_b(client, editor, actors, django_capture_on_commit_callbacks)
    client.force_login(editor_of_b)
    waiting = waiting_for(event)
    client.post(reverse("proposals:organiser_requests"), {"proposal": waiting.pk, "answer": "decline"})
    waiting.refresh_from_db()
    assert waiting.status == Proposal.Status.REJECTED and waiting.reason
    assert organisers_of(event) == ["Actor A"]


@pytest.mark.parametrize("who", ["asker", "other_editor", "contributor"])
def test_nobody_else_answers_an_organiser_request(client, editor, actors, who, django_capture_on_commit_callbacks):
    event = ask_to_name_b(client, editor, actors, django_capture_on_commit_callbacks)
    if who == "asker":
        user = editor
    elif who == "other_editor":
        user = EditorshipFactory(actor=actors["D"]).user
    else:
        user = UserFactory()
    client.force_login(user)
    waiting = waiting_for(event)
    page = client.get(reverse("proposals:organiser_requests")).content.decode()
    assert "Atelier" not in page
    response = client.post(reverse("proposals:organiser_requests"), {"proposal": waiting.pk, "answer": "accept"})
    assert response.status_code == 403
    assert organisers_of(event) == ["Actor A"] and waiting_for(event).pk == waiting.pk


def test_a_change_of_more_than_the_organisers_is_for_the_moderators(client, editor_of_b, actors, charter, taxonomy):
    """A contributor's proposal that also changes the title is not an organiser request."""
    event = EventFactory(title_fr="Atelier", organisers=[actors["A"]])
    contributor = EditorshipFactory(actor=actors["D"]).user
    charter_services.record_acceptance(contributor)
    client.force_login(contributor)
    form = change_event_form(event, "Actor A; Actor B") | {"title_fr": "Autre titre"}
    client.post(reverse("proposals:change", args=["event", event.slug]), form)
    waiting = waiting_for(event)
    assert not proposal_services.may_answer_organisers(editor_of_b, waiting)


def test_the_requests_page_reads_a_fixed_number_of_queries(client, editor_of_b, actors, charter, taxonomy):
    def add_request():
        asker = EditorshipFactory().user
        event = EventFactory(organisers=[asker.editorships.get().actor])
        proposal_services.submit(
            Proposal.Kind.CHANGE_EVENT,
            {**entries.snapshot(event), "organisers": sorted([*entries.snapshot(event)["organisers"], "actor-b"])},
            user=asker,
            target=event,
        )

    client.force_login(editor_of_b)
    url = reverse("proposals:organiser_requests")
    assert_queries_do_not_grow(client, url, add_request)
    assert client.get(url).content.decode().count('name="answer" value="accept"') == 3
