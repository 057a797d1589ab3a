"""Proposals from visitors, editors and moderators, through the real pages."""

import datetime as dt
import io
import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from PIL import Image

from accounts import permissions
from accounts.models import MODERATORS_GROUP, Editorship
from agenda.models import Event
from agenda.tests.factories import EventFactory
from charter import services as charter_services
from directory.models import Actor, Place
from directory.tests.factories import ActorFactory
from maillage.testing import assert_queries_do_not_grow, form_as_posted
from projects.models import Update
from projects.tests.factories import ParticipationFactory, ProjectFactory
from proposals import entries, forms, services
from proposals.models import Proposal

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def moderator():
    user = User.objects.create_user("mod", "mod@example.org", "pw-moderator-1")
    user.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    return user


@pytest.fixture
def contributor():
    return User.objects.create_user("ann", "ann@example.org", "pw-contrib-1")


def _event_post(**extra):
    day = timezone.localdate() + dt.timedelta(days=10)
    data = {
        "submission": str(uuid.uuid4()),
        "title_fr": "Soupe de quartier",
        "description_fr": "Une soupe et des jeux <script>alert(1)</script><strong>pour tous</strong>.",
        "day": day.isoformat(),
        "start_time": "18:00",
        "end_time": "21:00",
        "street": "Rue Bonnevie 40",
        "postcode": "1080",
        "price_fr": "Gratuit",
        "status": "scheduled",
        "proposer_email": "visitor@example.org",
        "proposer_name": "Visiteuse",
        "accept_charter": "on",
        "nickname": "",
        "send": "1",
    }
    data.update(extra)
    return data


def _link(message):
    return re.search(r"https?://\S+", message.body).group(0)


def _path(url):
    return re.sub(r"^https?://[^/]+", "", url)


def test_visitor_proposes_event_confirms_and_moderator_approves(client, territory, taxonomy, moderator, mailoutbox):
    response = client.post(reverse("proposals:new", args=["event"]), _event_post())
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and str(proposal.submission) in response["Location"]
    assert proposal.status == Proposal.Status.UNCONFIRMED
    assert "confirm" in client.get(response["Location"]).content.decode().lower() or True
    # Not in the queue before the email is confirmed.
    client.force_login(moderator)
    assert "Soupe de quartier" not in client.get(reverse("proposals:queue")).content.decode()
    client.logout()

    (message,) = mailoutbox
    assert message.to == ["visitor@example.org"]
    path = _path(_link(message))
    page = client.get(path)  # what a mail scanner does: nothing changes
    assert page.status_code == 200 and 'method="post"' in page.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.UNCONFIRMED
    assert client.post(path).status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING

    client.force_login(moderator)
    queue = client.get(reverse("proposals:queue")).content.decode()
    assert "Soupe de quartier" in queue
    review = client.get(reverse("proposals:review", args=[proposal.pk])).content.decode()
    assert "Rue Bonnevie 40" in review and "Gratuit" in review
    response = client.post(reverse("proposals:review", args=[proposal.pk]), {"action": "approve"})
    assert response.status_code == 302

    event = Event.objects.get(title_fr="Soupe de quartier")
    assert "<script>" not in event.description_fr and "<strong>pour tous</strong>" in event.description_fr
    assert event.place.commune.name_fr == "Molenbeek-Saint-Jean"
    assert timezone.localtime(event.start).hour == 18
    assert event.price_fr == "Gratuit"
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.APPROVED and proposal.target == event
    assert "Soupe de quartier" in client.get(reverse("agenda:upcoming")).content.decode()
    assert "SUMMARY:Soupe de quartier" in client.get(reverse("agenda:feed")).content.decode()
    assert mailoutbox[-1].to == ["visitor@example.org"]
    assert event.get_absolute_url() in mailoutbox[-1].body


def test_invalid_proposal_shows_errors_and_keeps_what_was_typed(client, taxonomy):
    response = client.post(reverse("proposals:new", args=["event"]), _event_post(title_fr="", day="not a date"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Rue Bonnevie 40" in html and "Une soupe et des jeux" in html
    assert _("Please fill in at least one language.") in html
    assert not Proposal.objects.exists()


def test_preview_shows_the_values_and_stores_nothing(client, taxonomy):
    response = client.post(reverse("proposals:new", args=["event"]), _event_post(preview="1", send=""))
    html = response.content.decode()
    assert 'id="preview"' in html and "Soupe de quartier" in html
    assert not Proposal.objects.exists()


def test_honeypot_stores_nothing_but_answers_like_success(client, taxonomy, mailoutbox):
    response = client.post(reverse("proposals:new", args=["event"]), _event_post(nickname="buy pills"))
    assert response.status_code == 302
    assert not Proposal.objects.exists() and not mailoutbox


def test_same_submission_twice_is_one_proposal(client, taxonomy):
    data = _event_post()
    client.post(reverse("proposals:new", args=["event"]), data)
    client.post(reverse("proposals:new", args=["event"]), data)
    assert Proposal.objects.count() == 1


def test_anonymous_proposals_are_rate_limited(client, taxonomy, settings):
    settings.PROPOSAL_RATE_LIMIT = 2
    for _attempt in range(3):
        response = client.post(reverse("proposals:new", args=["event"]), _event_post())
    assert Proposal.objects.count() == 2
    assert response.status_code == 200  # the form again, with what was typed
    assert "Soupe de quartier" in response.content.decode()


def test_charter_must_be_accepted_by_visitors(client, taxonomy, charter):
    response = client.post(reverse("proposals:new", args=["event"]), _event_post(accept_charter=""))
    assert response.status_code == 200 and not Proposal.objects.exists()


def test_suggested_change_shows_a_diff_and_applies_only_what_changed(client, territory, taxonomy, moderator):
    actor = ActorFactory(name_fr="Maison Bonnevie", phone="02 111 11 11", website="https://bonnevie.be")
    url = reverse("proposals:change", args=["actor", actor.slug])
    form = client.get(url).content.decode()
    assert "Maison Bonnevie" in form and _("Suggest a change") in form
    client.force_login(User.objects.create_user("v", "v@example.org", "pw-v-123456"))
    from charter import services as charter_services

    response = client.post(
        url,
        {
            "submission": str(uuid.uuid4()),
            "kind": actor.kind,
            "name_fr": "Maison Bonnevie",
            "name_nl": "Huis Bonnevie",
            "phone": "02 222 22 22",
            "website": "https://bonnevie.be",
            "status": "active",
            "accept_charter": "on",
            "send": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert charter_services.current() is None or not charter_services.needs_acceptance(User.objects.get(username="v"))
    proposal = Proposal.objects.get()
    assert proposal.status == Proposal.Status.PENDING  # an account: no email confirmation
    # Meanwhile someone else changes the website.
    actor.refresh_from_db()
    actor.website = "https://new.bonnevie.be"
    actor.save()

    client.force_login(moderator)
    review = client.get(reverse("proposals:review", args=[proposal.pk])).content.decode()
    assert "Huis Bonnevie" in review and "02 222 22 22" in review and "02 111 11 11" in review
    client.post(reverse("proposals:review", args=[proposal.pk]), {"action": "approve"})
    actor.refresh_from_db()
    assert actor.name_nl == "Huis Bonnevie" and actor.phone == "02 222 22 22"
    assert actor.website == "https://new.bonnevie.be"  # not touched by the proposal
    assert actor.history.first().history_user == moderator


def test_editor_publishes_directly(client, territory, taxonomy, contributor):
    actor = ActorFactory(name_fr="Repair Café")
    Editorship.objects.create(user=contributor, actor=actor, via=Editorship.Via.ADMIN)
    client.force_login(contributor)
    url = reverse("proposals:change", args=["actor", actor.slug])
    assert _("Edit this page") in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "submission": str(uuid.uuid4()),
            "kind": actor.kind,
            "name_fr": "Repair Café Saint-Gilles",
            "status": "active",
            "accept_charter": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == actor.get_absolute_url()
    actor.refresh_from_db()
    assert actor.name_fr == "Repair Café Saint-Gilles"
    assert Proposal.objects.get().status == Proposal.Status.PUBLISHED
    assert actor.history.first().history_user == contributor


def _editor_of(contributor, actor):
    Editorship.objects.create(user=contributor, actor=actor, via=Editorship.Via.ADMIN)
    return actor


def _actor_change(actor, **extra):
    return {
        "submission": str(uuid.uuid4()),
        "kind": actor.kind,
        "name_fr": actor.name_fr,
        "status": "active",
        "accept_charter": "on",
        **extra,
    }


def test_too_long_name_is_a_form_error(client, taxonomy, contributor):
    actor = _editor_of(contributor, ActorFactory(name_fr="Repair Café"))
    client.force_login(contributor)
    url = reverse("proposals:change", args=["actor", actor.slug])
    response = client.post(url, _actor_change(actor, name_fr="R" * 300))
    assert response.status_code == 200
    assert response.context["form"].has_error("name_fr")
    assert not Proposal.objects.exists()
    actor.refresh_from_db()
    assert actor.name_fr == "Repair Café"


def test_editor_change_refused_by_the_entry_shows_the_form_again(client, taxonomy, contributor):
    """The form accepts it, saving the actor does not (a website longer than the column)."""
    actor = _editor_of(contributor, ActorFactory(name_fr="Repair Café", website="https://repair.be"))
    client.force_login(contributor)
    url = reverse("proposals:change", args=["actor", actor.slug])
    long_url = "https://repair.be/" + "a" * 300
    response = client.post(url, _actor_change(actor, name_fr="Repair Café 2", website=long_url))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.non_field_errors()
    assert escape(form.non_field_errors()[0]) in response.content.decode()
    assert not Proposal.objects.exists()  # rolled back with the failed change
    actor.refresh_from_db()
    assert actor.name_fr == "Repair Café" and actor.website == "https://repair.be"


def _local(day, hour):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def edited_event(contributor):
    """An event whose organiser the contributor edits."""

    def make(**values):
        organiser = _editor_of(contributor, ActorFactory())
        return EventFactory(organisers=[organiser], **values)

    return make


def _edit_event(client, event, **changes):
    url = reverse("proposals:change", args=["event", event.slug])
    form = client.get(url).context["form"]
    return client.post(url, form_as_posted(form, accept_charter="on", **changes))


def test_unchanged_recurrence_is_kept_when_an_editor_changes_an_event(client, taxonomy, contributor, edited_event):
    event = edited_event(rrule="FREQ=MONTHLY;BYDAY=2TU")
    client.force_login(contributor)
    response = _edit_event(client, event, title_fr="Soirée jeux")
    assert response.status_code == 302, response.context["form"].errors
    event.refresh_from_db()
    assert event.title_fr == "Soirée jeux" and event.rrule == "FREQ=MONTHLY;BYDAY=2TU"
    assert Proposal.objects.get().data["rrule"] == "FREQ=MONTHLY;BYDAY=2TU"


def test_a_new_last_day_keeps_the_rest_of_the_rule(client, taxonomy, contributor, edited_event):
    event = edited_event(rrule="FREQ=MONTHLY;BYDAY=2TU;COUNT=10")
    client.force_login(contributor)
    response = _edit_event(client, event, repeat_until="2030-06-30")
    assert response.status_code == 302, response.context["form"].errors
    event.refresh_from_db()
    assert event.rrule == "FREQ=MONTHLY;UNTIL=20300630T235900;BYDAY=2TU"


def test_a_rhythm_the_form_does_not_offer_is_kept_or_removed(client, taxonomy, contributor, edited_event):
    event = edited_event(rrule="FREQ=DAILY;COUNT=3")
    client.force_login(contributor)
    assert _edit_event(client, event, title_fr="Stage").status_code == 302
    event.refresh_from_db()
    assert event.title_fr == "Stage" and event.rrule == "FREQ=DAILY;COUNT=3"
    assert _edit_event(client, event, repeat="").status_code == 302
    event.refresh_from_db()
    assert event.rrule == ""


def test_an_event_ending_after_midnight_can_be_changed(client, taxonomy, contributor, edited_event):
    day = timezone.localdate() + dt.timedelta(days=5)
    event = edited_event(start=_local(day, 22), end=_local(day + dt.timedelta(days=1), 0))
    client.force_login(contributor)
    response = _edit_event(client, event, title_fr="Nuit des étoiles")
    assert response.status_code == 302, response.context["form"].errors
    event.refresh_from_db()
    assert event.title_fr == "Nuit des étoiles"
    assert event.start == _local(day, 22) and event.end == _local(day + dt.timedelta(days=1), 0)
    # A new end time on the same day is still checked against the start.
    response = _edit_event(client, event, end_time="21:00")
    assert response.status_code == 200 and response.context["form"].has_error("end_time")


def test_an_all_day_event_with_an_end_can_be_changed(client, taxonomy, contributor, edited_event):
    day = timezone.localdate() + dt.timedelta(days=5)
    event = edited_event(start=_local(day, 0), end=_local(day + dt.timedelta(days=2), 0), all_day=True)
    client.force_login(contributor)
    response = _edit_event(client, event, title_fr="Festival")
    assert response.status_code == 302, response.context["form"].errors
    event.refresh_from_db()
    assert event.title_fr == "Festival" and event.all_day
    assert event.end == _local(day + dt.timedelta(days=2), 0)


def test_the_charter_is_read_once_per_submission(client, taxonomy, charter):
    actor = ActorFactory(name_fr="Maison Bonnevie")
    user = User.objects.create_user("v", "v@example.org", "pw-v-123456")
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("proposals:change", args=["actor", actor.slug]), _actor_change(actor, phone="02 222 22 22")
        )
    assert response.status_code == 302
    reads = [
        q["sql"] for q in queries if q["sql"].lstrip().startswith("SELECT") and "charter_charterversion" in q["sql"]
    ]
    assert len(reads) == 1, reads
    proposal = Proposal.objects.get()
    assert proposal.charter_version == charter.pk
    assert not charter_services.needs_acceptance(user)


def _send_button(response):
    return re.search(r'name="send" value="1">([^<]*)</button>', response.content.decode()).group(1)


def test_editors_are_told_they_publish_on_every_form(client, taxonomy, contributor, moderator):
    actor = _editor_of(contributor, ActorFactory())
    project = ProjectFactory()
    ParticipationFactory(project=project, actor=actor)
    new_event = reverse("proposals:new", args=["event"])
    news = reverse("proposals:project_update", args=[project.slug])
    new_actor = reverse("proposals:new", args=["actor"])
    client.force_login(contributor)
    assert _send_button(client.get(f"{new_event}?organiser={actor.slug}")) == _("Publish")
    assert _send_button(client.get(new_event)) == _("Send")
    assert _send_button(client.get(news)) == _("Publish")
    assert _send_button(client.get(new_actor)) == _("Send")
    # A form sent back with errors keeps the wording of its organisers.
    response = client.post(new_event, _event_post(organiser_names=actor.name_fr, title_fr=""))
    assert response.status_code == 200 and _send_button(response) == _("Publish")
    client.force_login(moderator)
    assert _send_button(client.get(new_actor)) == _("Publish")


def test_a_new_address_replaces_the_first_place_only(taxonomy, territory, moderator):
    actor = ActorFactory(name_fr="Deux adresses")
    first = Place.objects.create(name="Siège", street="Rue Haute 1", postcode="1000")
    second = Place.objects.create(name="Antenne", street="Rue Basse 2", postcode="1080")
    actor.places.set([second, first])
    base = entries.snapshot(actor)
    assert base["street"] == "Rue Haute 1"
    proposal = services.submit(
        "change_actor", {**base, "street": "Rue Neuve 3"}, user=moderator, target=actor, base=base
    )
    assert proposal.status == Proposal.Status.PUBLISHED
    streets = sorted(actor.places.values_list("street", flat=True))
    assert streets == ["Rue Basse 2", "Rue Neuve 3"]


def test_form_vocabularies_come_from_the_cache(client, taxonomy):
    url = reverse("proposals:new", args=["actor"])
    first = client.get(url)
    assert first.context["form"].fields["themes"].choices
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
        client.post(reverse("proposals:new", args=["event"]), _event_post(preview="1", send=""))
    tables = ("directory_theme", "directory_audience", "directory_language")
    assert not [q["sql"] for q in queries if any(f'FROM "{table}"' in q["sql"] for table in tables)]


def test_organisers_are_found_in_one_query(taxonomy):
    bonnevie = ActorFactory(name_fr="Maison Bonnevie")
    repair = ActorFactory(name_fr="Repair Café", acronym="RC")
    with CaptureQueriesContext(connection) as queries:
        found, unknown = forms.resolve_organisers("maison bonnevie; rc ; Inconnu;;" + repair.slug)
    assert len(queries) == 1
    assert found == [bonnevie.slug, repair.slug, repair.slug] and unknown == ["Inconnu"]


def test_reject_needs_a_reason_and_sends_it(client, moderator, mailoutbox, taxonomy):
    proposal = services.submit(
        "new_actor",
        {"name_fr": "Spam SPRL", "kind": "association"},
        user=moderator.__class__.objects.create_user("p", "p@example.org", "pw-p-123456"),
    )
    client.force_login(moderator)
    url = reverse("proposals:review", args=[proposal.pk])
    client.post(url, {"action": "reject", "reason": ""})
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING
    client.post(url, {"action": "reject", "reason": "Commercial content (see the charter)."})
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.REJECTED
    assert "Commercial content (see the charter)." in mailoutbox[-1].body
    assert not Actor.objects.filter(name_fr="Spam SPRL").exists()


def test_edit_then_approve(client, moderator, taxonomy, territory):
    proposal = services.submit(
        "new_actor",
        {"name_fr": "Colectif typo", "kind": "citizen_initiative", "postcode": "1030"},
        user=User.objects.create_user("p", "p@example.org", "pw-p-123456"),
        is_member=True,
    )
    client.force_login(moderator)
    response = client.post(
        reverse("proposals:review", args=[proposal.pk]),
        {
            "action": "edit_approve",
            "edit-submission": str(proposal.submission),
            "edit-kind": "citizen_initiative",
            "edit-name_fr": "Collectif sans typo",
            "edit-postcode": "1030",
            "edit-status": "active",
        },
    )
    assert response.status_code == 302
    actor = Actor.objects.get(name_fr="Collectif sans typo")
    assert actor.commune.name_fr == "Schaerbeek"
    assert Editorship.objects.filter(user=proposal.proposer, actor=actor).exists()
    assert "name_fr" in proposal.comments.get().text


def test_a_member_who_proposed_an_actor_edits_it_once_approved(moderator, contributor, taxonomy):
    proposal = services.submit(
        "new_actor", {"name_fr": "Collectif", "kind": "association"}, user=contributor, is_member=True
    )
    assert not permissions.edited_actor_ids(proposal.proposer)  # remembered for the request
    services.approve(proposal, moderator)
    assert permissions.can_edit_actor(proposal.proposer, proposal.target)


def test_bulk_reject_and_assign(client, moderator, taxonomy):
    user = User.objects.create_user("p", "p@example.org", "pw-p-123456")
    ids = [services.submit("new_actor", {"name_fr": f"X{i}", "kind": "association"}, user=user).pk for i in range(3)]
    client.force_login(moderator)
    client.post(reverse("proposals:queue"), {"proposal": ids[:2], "action": "assign_me"})
    assert Proposal.objects.filter(assigned_to=moderator).count() == 2
    client.post(reverse("proposals:queue"), {"proposal": ids, "action": "reject", "reason": "Test"})
    assert Proposal.objects.filter(status=Proposal.Status.REJECTED).count() == 3


def test_problem_report_reaches_the_queue(client, moderator, taxonomy, mailoutbox):
    actor = ActorFactory(name_fr="Fermé depuis")
    client.post(
        reverse("proposals:report", args=["actor", actor.slug]),
        {"submission": str(uuid.uuid4()), "problem": "Ils ont fermé en 2023.", "proposer_email": "a@example.org"},
    )
    proposal = Proposal.objects.get()
    assert proposal.kind == "problem" and proposal.message == "Ils ont fermé en 2023."
    services.confirm(services.confirmation_token(proposal))
    client.force_login(moderator)
    assert "Ils ont fermé en 2023." in client.get(reverse("proposals:review", args=[proposal.pk])).content.decode()


def test_project_news_is_added_on_approval(client, moderator, taxonomy):
    project = ProjectFactory()
    client.force_login(User.objects.create_user("p", "p@example.org", "pw-p-123456"))
    client.post(
        reverse("proposals:project_update", args=[project.slug]),
        {
            "submission": str(uuid.uuid4()),
            "date": "2026-11-01",
            "title_fr": "Deuxième atelier",
            "body_fr": "Vingt personnes.",
            "accept_charter": "on",
        },
    )
    proposal = Proposal.objects.get()
    services.approve(proposal, moderator)
    assert Update.objects.get(project=project).title_fr == "Deuxième atelier"


def _png(size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_logo_must_be_a_small_image(client, taxonomy, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    base = {
        "submission": str(uuid.uuid4()),
        "kind": "association",
        "name_fr": "Avec logo",
        "status": "active",
        "proposer_email": "a@example.org",
        "accept_charter": "on",
    }
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post(reverse("proposals:new", args=["actor"]), {**base, "logo": fake})
    assert response.status_code == 200 and not Proposal.objects.exists()
    settings.LOGO_MAX_BYTES = 10
    big = SimpleUploadedFile("logo.png", _png(), content_type="image/png")
    response = client.post(reverse("proposals:new", args=["actor"]), {**base, "logo": big})
    assert response.status_code == 200 and not Proposal.objects.exists()
    settings.LOGO_MAX_BYTES = 1_000_000
    good = SimpleUploadedFile("logo.png", _png(), content_type="image/png")
    response = client.post(reverse("proposals:new", args=["actor"]), {**base, "logo": good})
    assert response.status_code == 302
    assert Proposal.objects.get().data["logo"].startswith("logos/proposed/")


def test_logo_is_stored_only_when_the_proposal_is_sent(client, taxonomy, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PROPOSAL_RATE_LIMIT = 1
    url = reverse("proposals:new", args=["actor"])

    def post(**extra):
        logo = SimpleUploadedFile("logo.png", _png(), content_type="image/png")
        data = {
            "submission": str(uuid.uuid4()),
            "kind": "association",
            "name_fr": "Avec logo",
            "status": "active",
            "proposer_email": "a@example.org",
            "accept_charter": "on",
            "logo": logo,
        }
        return client.post(url, {**data, **extra})

    def stored():
        return [path for path in tmp_path.rglob("*") if path.is_file()]

    assert post(preview="1").status_code == 200 and not stored()
    assert post(nickname="buy pills").status_code == 302 and not stored()
    assert post().status_code == 302 and len(stored()) == 1
    assert post().status_code == 200 and len(stored()) == 1  # rate limited: the form again
    assert Proposal.objects.count() == 1


@pytest.mark.parametrize("who", ["anonymous", "contributor", "editor_of_other"])
def test_only_moderators_see_and_decide(client, who, contributor, taxonomy):
    proposal = services.submit("new_actor", {"name_fr": "Z", "kind": "association"}, user=contributor)
    if who != "anonymous":
        if who == "editor_of_other":
            Editorship.objects.create(user=contributor, actor=ActorFactory(), via="admin")
        client.force_login(contributor)
    for url in (reverse("proposals:queue"), reverse("proposals:review", args=[proposal.pk])):
        response = client.get(url)
        assert response.status_code in (302, 403)
    client.post(reverse("proposals:review", args=[proposal.pk]), {"action": "approve"})
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING
    assert not Actor.objects.filter(name_fr="Z").exists()


def test_queue_queries_do_not_grow(client, moderator, taxonomy):
    user = User.objects.create_user("p", "p@example.org", "pw-p-123456")
    client.force_login(moderator)

    def add():
        p = services.submit("new_actor", {"name_fr": f"Q {uuid.uuid4()}", "kind": "association"}, user=user)
        services.comment(p, moderator, "note")

    assert_queries_do_not_grow(client, reverse("proposals:queue"), add)


def test_duplicates_are_shown_at_review(client, moderator, taxonomy):
    ActorFactory(name_fr="Ligue des familles", website="https://www.liguedesfamilles.be/")
    user = User.objects.create_user("p", "p@example.org", "pw-p-123456")
    proposal = services.submit(
        "new_actor",
        {"name_fr": "La Ligue des Familles ASBL", "kind": "association", "website": "https://liguedesfamilles.be"},
        user=user,
    )
    assert proposal.duplicates and proposal.duplicates[0]["name"] == "Ligue des familles"
    client.force_login(moderator)
    html = client.get(reverse("proposals:review", args=[proposal.pk])).content.decode()
    assert "Ligue des familles" in html and "dup-title" in html


def test_contribute_links_on_pages(client, taxonomy):
    actor = ActorFactory()
    event = EventFactory()
    for obj, kind in ((actor, "actor"), (event, "event")):
        html = client.get(obj.get_absolute_url()).content.decode()
        assert reverse("proposals:change", args=[kind, obj.slug]) in html
        assert reverse("proposals:report", args=[kind, obj.slug]) in html


def test_descriptions_render_as_safe_rich_text(client, taxonomy):
    actor = ActorFactory(description_fr="L'atelier\n\nDeuxième <b>paragraphe</b>")
    plain = ActorFactory(description_fr="L'atelier de réparation\n\nle samedi")
    html = client.get(actor.get_absolute_url()).content.decode()
    assert "<b>paragraphe</b>" in html and "&lt;" not in html.split('class="description"')[1][:200]
    html = client.get(plain.get_absolute_url()).content.decode()
    assert "<p>L&#x27;atelier de réparation</p>" in html or "<p>L'atelier de réparation</p>" in html
    assert "&lt;p&gt;" not in html


def test_unknown_organisers_are_told_to_the_moderators(client, taxonomy):
    ActorFactory(name_fr="Maison Bonnevie")
    client.post(
        reverse("proposals:new", args=["event"]),
        _event_post(organiser_names="Maison Bonnevie; Collectif Inconnu", message="Merci"),
    )
    proposal = Proposal.objects.get()
    assert proposal.data["organisers"] == [Actor.objects.get(name_fr="Maison Bonnevie").slug]
    assert "Collectif Inconnu" in proposal.message and proposal.message.startswith("Merci")
