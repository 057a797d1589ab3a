"""A contact person who did not agree to be shown stays private everywhere.

For an actor with such a contact person (recognisable name, email and phone), every way out is
requested as a visitor and as a signed-in account that does not edit the actor, and the values
must be absent; the actor's editors and the moderators see them where they work on the entry.

Ways out covered:
- pages: the actor's page (with its schema.org JSON-LD), the directory, the map page and its points,
  the home page, search results (for the contact's name and for the actor's);
- "suggest a change": the form (prefilled), its preview, the proposal stored (values and starting
  point), the moderator's review and approval (an empty field never erases the contact);
- the proposer's data export (accounts), also for a proposal stored before the fix;
- history: the versions page (diffs), the revert confirmation;
- the merge screen (moderators only: there it is shown);
- the open API: actor, actor list and search, places, an event it organises;
- HSDS: organizations, services, service_at_locations (lists and items);
- CSV and GeoJSON of the directory; the nightly open-data dump (every file of the zip);
- PDFs: the printed directory and the neighbourhood handout;
- widgets: the map and agenda embeds;
- emails: proposal confirmation, approval and rejection, claim link, freshness reminders.
"""

import json
import re
import uuid
import zipfile

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from accounts.models import Editorship
from accounts.tests.factories import ModeratorFactory, UserFactory
from agenda.tests.factories import EventFactory
from directory.models import Actor, Theme
from directory.tests.factories import ActorFactory, PlaceFactory
from maillage.testing import change_form_as_posted
from opendata import services as opendata_services
from printing.tests import pdfcheck
from proposals import entries
from proposals import services as proposal_services
from proposals.models import Proposal
from territory.models import Commune

pytestmark = pytest.mark.django_db

NAME, EMAIL, PHONE = "Zenobia Quatremains", "zq.private@example.org", "0471 13 57 92"
MARKERS = ("Quatremains", "zq.private", "13 57 92")


def assert_private(text, where):
    for marker in MARKERS:
        assert marker not in text, f"{marker!r} leaks through {where}"
    assert "471135792" not in re.sub(r"[\s./-]", "", text), f"the phone leaks through {where}"


def assert_shown(text, where):
    assert "Quatremains" in text and "zq.private" in text, f"the contact is missing from {where}"


@pytest.fixture(autouse=True)
def _print_dir(settings, tmp_path):
    settings.PRINT_DIR = tmp_path / "printouts"


@pytest.fixture
def actor(territory, taxonomy):
    schaerbeek = Commune.objects.get(slug="schaerbeek")
    place = PlaceFactory(commune=schaerbeek, lat=50.867, lon=4.378, street="Rue Royale 150", postcode="1030")
    actor = ActorFactory(
        name_fr="Épicerie Bonnevie",
        commune=schaerbeek,
        places=[place],
        themes=[Theme.objects.get(slug="food")],
        email="info@bonnevie.be",
        phone="02 411 11 11",
        opening_hours_fr="Lundi 9:00–17:00",
        contact_name=NAME,
        contact_email=EMAIL,
        contact_phone=PHONE,
        contact_consent=False,
    )
    start = timezone.now().replace(microsecond=0) + timezone.timedelta(days=2)
    EventFactory(
        title_fr="Repas Bonnevie",
        organisers=[actor],
        place=place,
        commune=schaerbeek,
        start=start,
        end=start + timezone.timedelta(hours=2),
    )
    return actor


@pytest.fixture(params=["visitor", "account"])
def viewer(request, client, actor):
    """A visitor, or a signed-in person who does not edit the actor."""
    if request.param == "account":
        client.force_login(UserFactory())
    return client


def _text(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        return pdfcheck.text(body)
    return body.decode()


def _public_urls(actor):
    event = actor.events.first()
    return [
        reverse("directory:actor", args=[actor.slug]),
        reverse("directory:list"),
        reverse("opendata:actors_csv"),
        reverse("opendata:actors_geojson"),
        reverse("directory:map"),
        reverse("directory:map_data"),
        reverse("pages:home"),
        reverse("search:search") + "?q=Bonnevie",
        reverse("widgets:map") + "?commune=schaerbeek",
        reverse("widgets:agenda") + "?commune=schaerbeek",
        f"/api/actors/{actor.slug}",
        "/api/actors",
        "/api/actors?q=Bonnevie",
        "/api/places",
        f"/api/events/{event.slug}",
        "/api/hsds/organizations",
        "/api/hsds/services",
        "/api/hsds/service_at_locations",
    ]


def test_pages_api_hsds_and_files_never_show_the_contact(viewer, actor):
    for url in _public_urls(actor):
        response = viewer.get(url)
        assert response.status_code == 200, url
        assert_private(_text(response), url)
    # Searching for the contact person finds nothing (the pages repeat the words searched).
    for url in (reverse("search:search") + "?q=Quatremains", "/api/actors?q=Quatremains"):
        response = viewer.get(url)
        assert response.status_code == 200 and "Bonnevie" not in _text(response), url
    # Each HSDS item too.
    for listing in ("organizations", "services", "service_at_locations"):
        for item in viewer.get(f"/api/hsds/{listing}").json()["contents"]:
            url = f"/api/hsds/{listing}/{item['id']}"
            assert_private(_text(viewer.get(url)), url)


def test_the_printed_directory_and_handout_never_show_the_contact(viewer, actor):
    directory = viewer.get(reverse("printing:directory"), {"commune": "schaerbeek", "lang": "fr"})
    assert directory["Content-Type"] == "application/pdf"
    text = _text(directory)
    assert "Bonnevie" in text
    assert_private(text, "the printed directory")
    handout = viewer.get(reverse("printing:handout"), {"commune": "schaerbeek", "needs": ["food"], "lang": "fr"})
    assert handout["Content-Type"] == "application/pdf"
    text = _text(handout)
    assert "Bonnevie" in text
    assert_private(text, "the handout")


def test_the_open_data_dump_never_holds_the_contact(actor, tmp_path):
    result = opendata_services.build_dump(tmp_path / "dump.zip")
    with zipfile.ZipFile(result.path) as archive:
        names = archive.namelist()
        assert any("actor" in name or "organization" in name for name in names)
        for name in names:
            assert_private(archive.read(name).decode("utf-8", "replace"), f"the dump's {name}")


def test_history_and_merges_are_closed_to_non_moderators(viewer, actor):
    actor.description_fr = "Une épicerie sociale."
    actor.save()
    first = actor.history.order_by("history_date", "history_id").first()
    other = ActorFactory(name_fr="Épicerie Bonnevie bis")
    for url in (
        reverse("history:versions", args=["actor", actor.pk]),
        reverse("history:revert", args=["actor", actor.pk, first.history_id]),
        reverse("merges:compare", kwargs={"kept": actor.slug, "other": other.slug}),
    ):
        response = viewer.get(url)
        assert response.status_code in (302, 403), url
        assert_private(_text(response), url)


# --- suggesting a change ---------------------------------------------------------------------------


def _change_url(actor):
    return reverse("proposals:change", args=["actor", actor.slug])


def test_the_change_form_and_its_preview_are_empty_of_the_contact(viewer, actor):
    shown = viewer.get(_change_url(actor))
    assert shown.status_code == 200
    assert_private(_text(shown), "the change form")
    form = shown.context["form"]
    assert not any(form[name].value() for name in entries.CONTACT_PERSON)
    assert form.fields["contact_name"].help_text  # says why the fields are empty
    # The starting values carried in the form are signed, not encrypted: readable by anyone.
    token = re.search(r'name="starting_point" value="([^"]+)"', _text(shown)).group(1)
    assert_private(json.dumps(signing.loads(token, salt=proposal_services.FORM_VALUES_SALT)), "the form's values")
    preview = viewer.post(
        _change_url(actor),
        change_form_as_posted(
            shown, phone="02 422 22 22", preview="1", proposer_email="v@example.org", accept_charter="on"
        ),
    )
    assert preview.status_code == 200 and preview.context["preview"], preview.context["form"].errors
    assert_private(_text(preview), "the preview")


def test_a_proposal_stores_no_contact_and_cannot_wipe_it(client, actor, mailoutbox):
    proposer = UserFactory()
    client.force_login(proposer)
    shown = client.get(_change_url(actor))
    sent = client.post(_change_url(actor), change_form_as_posted(shown, phone="02 422 22 22", accept_charter="on"))
    assert sent.status_code == 302
    proposal = Proposal.objects.get(proposer=proposer)
    assert_private(json.dumps(proposal.data) + json.dumps(proposal.base), "the stored proposal")

    moderator = ModeratorFactory()
    client.force_login(moderator)
    review = client.get(reverse("proposals:review", args=[proposal.pk]))
    assert_shown(_text(review), "the moderator's review")  # the moderator sees the entry as it is
    approved = client.post(
        reverse("proposals:review", args=[proposal.pk]), {"action": "approve", "shown": review.context["shown"]}
    )
    assert approved.status_code == 302
    actor = Actor.objects.get(pk=actor.pk)
    assert (actor.phone, actor.contact_name, actor.contact_email, actor.contact_phone) == (
        "02 422 22 22",
        NAME,
        EMAIL,
        PHONE,
    )
    for message in mailoutbox:
        assert_private(message.subject + message.body, "the approval email")


def test_editing_then_approving_a_proposal_keeps_the_withheld_contact(client, actor):
    """The moderator's edit form starts from the proposal, which has no contact person: left
    empty there, the contact stays as it is."""
    proposer = UserFactory()
    client.force_login(proposer)
    shown = client.get(_change_url(actor))
    client.post(_change_url(actor), change_form_as_posted(shown, phone="02 422 22 22", accept_charter="on"))
    proposal = Proposal.objects.get(proposer=proposer)
    client.force_login(ModeratorFactory())
    review = client.get(reverse("proposals:review", args=[proposal.pk]))
    edit_form = review.context["edit_form"]
    assert not any(edit_form[name].value() for name in entries.CONTACT_PERSON)
    posted = {"action": "edit_approve", "shown": review.context["shown"]}
    for field in edit_form:
        value = field.value()
        if value not in (None, "", False, []) and field.name != "logo":
            posted[field.html_name] = "on" if value is True else value
    posted["edit-opening_hours_fr"] = "Mardi 10:00–12:00"
    assert client.post(reverse("proposals:review", args=[proposal.pk]), posted).status_code == 302
    actor = Actor.objects.get(pk=actor.pk)
    assert (actor.opening_hours_fr, actor.phone) == ("Mardi 10:00–12:00", "02 422 22 22")
    assert (actor.contact_name, actor.contact_email, actor.contact_phone) == (NAME, EMAIL, PHONE)


def test_a_visitor_may_propose_a_new_contact_person(client, actor):
    """What a visitor types is a proposal (reviewed); what they leave empty stays as it is."""
    shown = client.get(_change_url(actor))
    client.post(
        _change_url(actor),
        change_form_as_posted(
            shown, contact_name="Nouvelle Personne", proposer_email="v@example.org", accept_charter="on"
        ),
    )
    proposal = Proposal.objects.get()
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.PENDING)
    proposal_services.approve(Proposal.objects.get(pk=proposal.pk), ModeratorFactory())
    actor = Actor.objects.get(pk=actor.pk)
    assert (actor.contact_name, actor.contact_email, actor.contact_phone) == ("Nouvelle Personne", EMAIL, PHONE)


def test_the_proposers_data_export_holds_no_withheld_contact(client, actor):
    proposer = UserFactory()
    client.force_login(proposer)
    shown = client.get(_change_url(actor))
    client.post(_change_url(actor), change_form_as_posted(shown, phone="02 422 22 22", accept_charter="on"))
    # A proposal stored before contact persons were withheld: its starting point copied them.
    old = entries.snapshot(actor)
    Proposal.objects.create(
        kind=Proposal.Kind.CHANGE_ACTOR,
        target=actor,
        target_label=str(actor),
        data={**old, "phone": "02 433 33 33"},
        base=old,
        proposer=proposer,
        submission=uuid.uuid4(),
    )
    export = client.get(reverse("accounts:export"))
    assert export.status_code == 200
    text = export.content.decode()
    assert "02 433 33 33" in text  # what they proposed is theirs
    assert_private(text, "the data export")


def test_editors_and_moderators_see_the_contact_where_they_work_on_the_entry(client, actor):
    editor = UserFactory()
    Editorship.objects.create(user=editor, actor=actor, via=Editorship.Via.ADMIN)
    client.force_login(editor)
    form = client.get(_change_url(actor))
    assert form.context["form"]["contact_email"].value() == EMAIL
    assert not form.context["form"].fields["contact_name"].help_text  # nothing withheld from them
    assert_shown(_text(form), "the editor's form")

    client.force_login(ModeratorFactory())
    assert_shown(_text(client.get(_change_url(actor))), "the moderator's form")
    actor.description_fr = "Une épicerie sociale."
    actor.save()
    assert_shown(_text(client.get(reverse("history:versions", args=["actor", actor.pk]))), "the history")
    other = ActorFactory(name_fr="Épicerie Bonnevie bis")
    compare = client.get(reverse("merges:compare", kwargs={"kept": actor.slug, "other": other.slug}))
    assert_shown(_text(compare), "the merge screen")


def test_a_consenting_contact_is_public(client, actor):
    """The other side of the coin (and proof that the checks above would see a leak)."""
    Actor.objects.filter(pk=actor.pk).update(contact_consent=True)
    assert_shown(_text(client.get(reverse("directory:actor", args=[actor.slug]))), "the public page")
    assert_shown(_text(client.get(f"/api/actors/{actor.slug}")), "the API")
    assert_shown(_text(client.get(_change_url(actor))), "the change form")


# --- emails ----------------------------------------------------------------------------------------


def test_no_email_carries_the_contact(client, actor, mailoutbox, settings):
    # A visitor's proposal: confirmation, then rejection.
    shown = client.get(_change_url(actor))
    client.post(
        _change_url(actor),
        change_form_as_posted(shown, phone="02 422 22 22", proposer_email="v@example.org", accept_charter="on"),
    )
    proposal = Proposal.objects.get()
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.PENDING)
    proposal_services.reject(Proposal.objects.get(pk=proposal.pk), ModeratorFactory(), "Déjà à jour.")
    # A claim: its link goes to the public address.
    claimant = UserFactory()
    client.force_login(claimant)
    client.post(reverse("accounts:claim", args=[actor.slug]), {"message": "Je coordonne."})
    # The freshness reminder of an entry not verified for long.
    from freshness import services as freshness_services

    Actor.objects.filter(pk=actor.pk).update(last_verified=timezone.now() - timezone.timedelta(days=800))
    freshness_services.send_reminders()

    assert len(mailoutbox) >= 3
    for message in mailoutbox:
        assert EMAIL not in message.to
        body = message.body + "".join(str(content) for content, _type in getattr(message, "alternatives", []))
        assert_private(message.subject + body, f"the email “{message.subject}”")


def test_the_dump_and_csv_checks_would_see_a_consenting_contact(actor, tmp_path):
    """Where consent makes the contact public, the exports show it: the absence above is no accident
    of an empty export."""
    Actor.objects.filter(pk=actor.pk).update(contact_consent=True)
    result = opendata_services.build_dump(tmp_path / "dump.zip")
    with zipfile.ZipFile(result.path) as archive:
        everything = "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    assert "Quatremains" in everything
