"""No lost updates: a change applies what its author changed from what they were shown, never the
values of a page, an API read or a review that went stale meanwhile."""

import json
import uuid

import pytest
from django.urls import reverse

from accounts.tests.factories import EditorshipFactory, ModeratorFactory
from agenda.tests.factories import EventFactory
from api.models import ApiToken
from charter import services as charter_services
from directory.models import Actor
from directory.tests.factories import ActorFactory
from maillage.testing import change_form_as_posted
from proposals import services
from proposals.models import Proposal

pytestmark = pytest.mark.django_db

MONDAYS = "Lundi 9:00–17:00"
TUESDAYS = "Mardi 10:00–12:00"
WEDNESDAYS = "Mercredi 14:00–18:00"


@pytest.fixture
def editor(territory, charter):
    """An editor of an actor, signed in on the website."""
    editorship = EditorshipFactory(actor=ActorFactory(phone="02 111 11 11", opening_hours_fr=MONDAYS))
    charter_services.record_acceptance(editorship.user)
    return editorship.user, editorship.actor


@pytest.fixture
def moderator_key(charter):
    moderator = ModeratorFactory()
    charter_services.record_acceptance(moderator)
    return ApiToken.issue(moderator, "script")[1]


def _patch(client, url, key, body, **headers):
    return client.patch(
        url, data=json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}", **headers
    )


def _change_url(actor):
    return reverse("proposals:change", args=["actor", actor.slug])


def test_a_stale_editor_form_does_not_undo_a_concurrent_api_edit_of_the_opening_hours(client, editor, moderator_key):
    user, actor = editor
    client.force_login(user)
    shown = client.get(_change_url(actor))  # the editor opens the form...
    # ... a moderator's script changes the opening hours meanwhile ...
    assert _patch(client, f"/api/actors/{actor.slug}", moderator_key, {"opening_hours_fr": TUESDAYS}).status_code == 200
    # ... and the editor sends the form as they saw it, with a new phone.
    response = client.post(_change_url(actor), change_form_as_posted(shown, phone="02 222 22 22"))
    assert response.status_code == 302
    actor = Actor.objects.get(pk=actor.pk)
    assert (actor.opening_hours_fr, actor.phone) == (TUESDAYS, "02 222 22 22")
    published = Proposal.objects.get(proposer=user)
    assert published.base["opening_hours_fr"] == MONDAYS  # what the editor was shown


def test_the_same_field_changed_meanwhile_shows_both_values_and_writes_nothing_until_chosen(
    client, editor, moderator_key
):
    user, actor = editor
    client.force_login(user)
    shown = client.get(_change_url(actor))
    _patch(client, f"/api/actors/{actor.slug}", moderator_key, {"opening_hours_fr": TUESDAYS})
    sent = change_form_as_posted(shown, opening_hours_fr=WEDNESDAYS, phone="02 222 22 22")

    conflict = client.post(_change_url(actor), sent)
    assert conflict.status_code == 200
    page = conflict.content.decode()
    assert WEDNESDAYS in page and TUESDAYS in page and 'name="conflict-opening_hours_fr"' in page
    assert list(conflict.context["conflict_form"].fields) == ["seen", "opening_hours_fr"]
    actor = Actor.objects.get(pk=actor.pk)
    assert (actor.opening_hours_fr, actor.phone) == (TUESDAYS, "02 111 11 11")
    assert not Proposal.objects.filter(proposer=user).exists()

    # Sent again without choosing: still nothing written, and the choice is asked again.
    seen = conflict.context["conflict_form"]["seen"].value()
    again = client.post(_change_url(actor), {**sent, "conflict-seen": seen})
    assert again.status_code == 200 and again.context["conflict_form"].errors
    assert not Proposal.objects.filter(proposer=user).exists()

    # Keeping the current opening hours: the other changes are published, the hours stay.
    chosen = client.post(_change_url(actor), {**sent, "conflict-seen": seen, "conflict-opening_hours_fr": "current"})
    assert chosen.status_code == 302
    actor = Actor.objects.get(pk=actor.pk)
    assert (actor.opening_hours_fr, actor.phone) == (TUESDAYS, "02 222 22 22")


def test_keeping_ones_own_value_in_a_conflict_publishes_it(client, editor, moderator_key):
    user, actor = editor
    client.force_login(user)
    shown = client.get(_change_url(actor))
    _patch(client, f"/api/actors/{actor.slug}", moderator_key, {"opening_hours_fr": TUESDAYS})
    sent = change_form_as_posted(shown, opening_hours_fr=WEDNESDAYS)
    seen = client.post(_change_url(actor), sent).context["conflict_form"]["seen"].value()
    chosen = client.post(_change_url(actor), {**sent, "conflict-seen": seen, "conflict-opening_hours_fr": "mine"})
    assert chosen.status_code == 302
    assert Actor.objects.get(pk=actor.pk).opening_hours_fr == WEDNESDAYS


def test_a_choice_made_against_values_that_changed_again_is_asked_again(client, editor, moderator_key):
    user, actor = editor
    client.force_login(user)
    shown = client.get(_change_url(actor))
    _patch(client, f"/api/actors/{actor.slug}", moderator_key, {"opening_hours_fr": TUESDAYS})
    sent = change_form_as_posted(shown, opening_hours_fr=WEDNESDAYS)
    seen = client.post(_change_url(actor), sent).context["conflict_form"]["seen"].value()
    _patch(client, f"/api/actors/{actor.slug}", moderator_key, {"opening_hours_fr": "Jeudi"})
    again = client.post(_change_url(actor), {**sent, "conflict-seen": seen, "conflict-opening_hours_fr": "mine"})
    assert again.status_code == 200 and "Jeudi" in again.content.decode()
    assert Actor.objects.get(pk=actor.pk).opening_hours_fr == "Jeudi"


def test_an_altered_starting_point_is_refused_and_changes_nothing(client, editor):
    user, actor = editor
    client.force_login(user)
    shown = client.get(_change_url(actor))
    response = client.post(
        _change_url(actor), change_form_as_posted(shown, starting_point="forged", phone="02 222 22 22")
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert Actor.objects.get(pk=actor.pk).phone == "02 111 11 11"


# --- the API: ETag and If-Match -----------------------------------------------------------------


@pytest.fixture
def api_editor(territory, charter):
    editorship = EditorshipFactory(actor=ActorFactory(phone="02 111 11 11", opening_hours_fr=MONDAYS))
    charter_services.record_acceptance(editorship.user)
    return editorship.actor, ApiToken.issue(editorship.user, "site")[1]


def test_api_patch_with_a_stale_if_match_is_412_and_with_the_current_one_succeeds(client, api_editor, moderator_key):
    actor, key = api_editor
    url = f"/api/actors/{actor.slug}"
    read = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=read).status_code == 304  # still a cache validator
    _patch(client, url, moderator_key, {"opening_hours_fr": TUESDAYS})

    stale = _patch(client, url, key, {"opening_hours_fr": WEDNESDAYS}, HTTP_IF_MATCH=read)
    assert stale.status_code == 412 and stale.json()["detail"]
    assert Actor.objects.get(pk=actor.pk).opening_hours_fr == TUESDAYS
    assert not Proposal.objects.filter(proposer__editorships__actor=actor).exists()

    fresh = client.get(url, HTTP_ACCEPT_LANGUAGE="nl")["ETag"]  # a tag read in any language holds
    assert fresh != read
    done = _patch(client, url, key, {"opening_hours_fr": WEDNESDAYS}, HTTP_IF_MATCH=fresh)
    assert done.status_code == 200, done.content
    assert Actor.objects.get(pk=actor.pk).opening_hours_fr == WEDNESDAYS
    # Without If-Match, a PATCH still writes (it sends only the fields it changes).
    assert _patch(client, url, key, {"phone": "02 333 33 33"}).status_code == 200
    assert Actor.objects.get(pk=actor.pk).opening_hours_fr == WEDNESDAYS


def test_api_event_patch_honours_if_match(client, api_editor):
    actor, key = api_editor
    event = EventFactory(organisers=[actor], price="Gratuit")
    url = f"/api/events/{event.slug}"
    read = client.get(url)["ETag"]
    assert _patch(client, url, key, {"price": "5 €"}, HTTP_IF_MATCH=read).status_code == 200
    assert _patch(client, url, key, {"price": "10 €"}, HTTP_IF_MATCH=read).status_code == 412
    event.refresh_from_db()
    assert event.price == "5 €"


def test_an_unrelated_change_elsewhere_keeps_an_entrys_if_match_valid(client, api_editor):
    actor, key = api_editor
    url = f"/api/actors/{actor.slug}"
    read = client.get(url)["ETag"]
    ActorFactory(name_fr="Une autre")  # another entry: this one's version holds
    assert _patch(client, url, key, {"phone": "02 444 44 44"}, HTTP_IF_MATCH=read).status_code == 200


def test_project_reads_carry_their_version(client, territory):
    from projects.services import save_project
    from projects.tests.factories import ProjectFactory

    project = ProjectFactory()
    tag = client.get(f"/api/projects/{project.slug}")["ETag"]
    project.title_fr = "Autre titre"
    save_project(project)  # the owner's write path (a bare save() tells no cache)
    assert client.get(f"/api/projects/{project.slug}")["ETag"].split(".")[0] != tag.split(".")[0]


# --- the moderator's approval -------------------------------------------------------------------


@pytest.fixture
def proposal(territory, charter):
    """A visitor's proposal to change an actor's phone, waiting for review."""
    actor = ActorFactory(phone="02 111 11 11", opening_hours_fr=MONDAYS)
    data = {**services.starting_point(actor, _anonymous()), "phone": "02 999 99 99"}
    found = services.submit(
        "change_actor", data, user=_anonymous(), target=actor, proposer_email="v@example.org", submission=uuid.uuid4()
    )
    Proposal.objects.filter(pk=found.pk).update(status=Proposal.Status.PENDING)
    found.refresh_from_db()
    return found


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def _approve(client, proposal, shown):
    return client.post(reverse("proposals:review", args=[proposal.pk]), {"action": "approve", "shown": shown})


def test_approving_a_stale_review_does_not_revert_a_change_made_after_it_was_shown(client, proposal):
    moderator = ModeratorFactory()
    client.force_login(moderator)
    shown = client.get(reverse("proposals:review", args=[proposal.pk])).context["shown"]
    actor = Actor.objects.get(pk=proposal.target_id)
    actor.phone = "02 555 55 55"  # an editor changes the same field after the review was shown
    actor.save()

    response = _approve(client, proposal, shown)
    assert response.status_code == 200  # the review again, with what changed
    assert "02 555 55 55" in response.content.decode()
    assert Actor.objects.get(pk=actor.pk).phone == "02 555 55 55"
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING

    # Approved from the page as it is now: the moderator saw the conflict and decided.
    fresh = response.context["shown"]
    assert _approve(client, proposal, fresh).status_code == 302
    assert Actor.objects.get(pk=actor.pk).phone == "02 999 99 99"


def test_approving_keeps_a_change_made_after_the_review_to_another_field(client, proposal):
    client.force_login(ModeratorFactory())
    shown = client.get(reverse("proposals:review", args=[proposal.pk])).context["shown"]
    actor = Actor.objects.get(pk=proposal.target_id)
    actor.opening_hours_fr = TUESDAYS
    actor.save()
    assert _approve(client, proposal, shown).status_code == 302
    actor = Actor.objects.get(pk=actor.pk)
    assert (actor.phone, actor.opening_hours_fr) == ("02 999 99 99", TUESDAYS)


def test_edit_then_approve_uses_the_version_shown_too(client, proposal):
    client.force_login(ModeratorFactory())
    review = client.get(reverse("proposals:review", args=[proposal.pk]))
    actor = Actor.objects.get(pk=proposal.target_id)
    actor.phone = "02 555 55 55"
    actor.save()
    posted = {"action": "edit_approve", "shown": review.context["shown"]}
    for field in review.context["edit_form"]:
        value = field.value()
        if value not in (None, "", False, []) and field.name != "logo":
            posted[field.html_name] = "on" if value is True else value
    response = client.post(reverse("proposals:review", args=[proposal.pk]), posted)
    assert response.status_code == 200
    assert Actor.objects.get(pk=actor.pk).phone == "02 555 55 55"


def test_bulk_approval_refuses_a_proposal_whose_fields_changed_since_it_was_made(proposal):
    moderator = ModeratorFactory()
    actor = Actor.objects.get(pk=proposal.target_id)
    actor.phone = "02 555 55 55"
    actor.save()
    done, failed = services.bulk("approve", [proposal.pk], moderator)
    assert (done, len(failed)) == (0, 1)
    assert Actor.objects.get(pk=actor.pk).phone == "02 555 55 55"


def test_the_api_documents_the_412_of_changes(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "412" in paths["/api/actors/{slug}"]["patch"]["responses"]
    assert "412" in paths["/api/events/{slug}"]["patch"]["responses"]
    assert "412" not in paths["/api/events"]["post"]["responses"]
