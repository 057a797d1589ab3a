"""Every role against every write action, through the real URLs, asserting on the effect.

Roles: a visitor without account, a contributor (any account), the editor of actor A, the editor
of another actor B, a moderator (the watch group) and an administrator. Each action is tried on
objects of actor A; the test checks that the change happened exactly for the roles allowed.
"""

import datetime as dt
import json
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import MODERATORS_GROUP, Claim, Editorship, Invitation
from agenda.models import Event
from agenda.tests.factories import EventFactory
from api.models import ApiToken
from directory.models import Actor, Theme
from directory.tests.factories import ActorFactory
from imports import services as import_services
from imports.models import ImportRun
from merges import services as merge_services
from merges.models import Merge
from projects.models import Participation, Project, Update
from projects.tests.factories import ProjectFactory
from proposals import services as proposal_services
from proposals.models import Proposal, ProposalComment

pytestmark = pytest.mark.django_db
User = get_user_model()

ROLES = ["visitor", "contributor", "editor", "other_editor", "moderator", "admin"]
STAFF = {"moderator", "admin"}


@pytest.fixture
def world(taxonomy):
    """Actor A with an event and a project, actor B, one user per role, one pending proposal."""
    a = ActorFactory(name_fr="Actor A", email="a@example.org")
    b = ActorFactory(name_fr="Actor B")
    event = EventFactory(title_fr="Event of A")
    event.organisers.set([a])
    project = ProjectFactory(title_fr="Project of A")
    Participation.objects.create(project=project, actor=a, role=Participation.Role.LEAD)
    users = {}
    for role in ROLES[1:]:
        users[role] = User.objects.create_user(role, f"{role}@example.org", "pw-matrix-12345")
    Editorship.objects.create(user=users["editor"], actor=a, via=Editorship.Via.ADMIN)
    Editorship.objects.create(user=users["other_editor"], actor=b, via=Editorship.Via.ADMIN)
    users["moderator"].groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    users["admin"].is_superuser = users["admin"].is_staff = True
    users["admin"].save()
    from charter import services as charter_services

    for user in users.values():
        charter_services.record_acceptance(user)
    proposer = User.objects.create_user("proposer", "proposer@example.org", "pw-matrix-12345")
    proposal = proposal_services.submit("change_actor", {"name_fr": "Proposed name"}, user=proposer, target=a)
    claimer = User.objects.create_user("claimer", "claimer@example.org", "pw-matrix-12345")
    claim = Claim.objects.create(user=claimer, actor=a)
    shared_event = EventFactory(title_fr="Event of A and B")
    shared_event.organisers.set([a, b])
    funded = ProjectFactory(title_fr="Project of A funded by B")
    Participation.objects.create(project=funded, actor=a, role=Participation.Role.LEAD)
    Participation.objects.create(project=funded, actor=b, role=Participation.Role.FUNDER)
    tokens = {role: ApiToken.issue(user, "matrix") for role, user in users.items()}
    return {
        "a": a,
        "b": b,
        "event": event,
        "shared_event": shared_event,
        "project": project,
        "funded_project": funded,
        "users": users,
        "tokens": tokens,
        "proposal": proposal,
        "claim": claim,
    }


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded and import files go to temporary folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _change_form(kind, obj, **values):
    base = {"submission": str(uuid.uuid4()), "status": obj.status, "send": "1"}
    if kind == "actor":
        base |= {"kind": obj.kind, "name_fr": obj.name_fr}
    elif kind == "event":
        start = timezone.localtime(obj.start)
        base |= {"title_fr": obj.title_fr, "day": start.date().isoformat(), "start_time": start.strftime("%H:%M")}
    else:
        base |= {"title_fr": obj.title_fr}
    return base | values


def edit_actor(client, w):
    client.post(
        reverse("proposals:change", args=["actor", w["a"].slug]),
        _change_form("actor", w["a"], name_fr="Changed", proposer_email="x@example.org", accept_charter="on"),
    )
    return Actor.objects.get(pk=w["a"].pk).name_fr == "Changed"


def edit_event(client, w):
    client.post(
        reverse("proposals:change", args=["event", w["event"].slug]),
        _change_form("event", w["event"], title_fr="Changed", proposer_email="x@example.org", accept_charter="on"),
    )
    return Event.objects.get(pk=w["event"].pk).title_fr == "Changed"


def edit_project(client, w):
    client.post(
        reverse("proposals:change", args=["project", w["project"].slug]),
        _change_form("project", w["project"], title_fr="Changed", proposer_email="x@example.org", accept_charter="on"),
    )
    return Project.objects.get(pk=w["project"].pk).title_fr == "Changed"


# --- organisers: an editor acts for the actors they edit; naming or removing another waits ------


def _organisers(event):
    return set(Event.objects.get(pk=event.pk).organisers.values_list("name_fr", flat=True))


def _change_organisers(client, event, names):
    client.post(
        reverse("proposals:change", args=["event", event.slug]),
        _change_form("event", event, organiser_names=names, proposer_email="x@example.org", accept_charter="on"),
    )


def name_co_organiser(client, w):
    _change_organisers(client, w["event"], "Actor A; Actor B")
    return "Actor B" in _organisers(w["event"])


def new_event_with_co_organiser(client, w):
    day = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    client.post(
        reverse("proposals:new", args=["event"]),
        {
            "submission": str(uuid.uuid4()),
            "title_fr": "New event of A and B",
            "day": day,
            "start_time": "18:00",
            "organiser_names": "Actor A; Actor B",
            "status": Event.Status.SCHEDULED,
            "proposer_email": "x@example.org",
            "accept_charter": "on",
            "send": "1",
        },
    )
    return Event.objects.filter(title_fr="New event of A and B", organisers=w["b"]).filter(organisers=w["a"]).exists()


def remove_organiser(client, w):
    _change_organisers(client, w["shared_event"], "Actor A")
    return "Actor B" not in _organisers(w["shared_event"])


def replace_organisers(client, w):
    _change_organisers(client, w["event"], "Actor B")
    return "Actor A" not in _organisers(w["event"])


def _api(client, w, role, method, url, body):
    key = w["tokens"][role][1] if role in w["tokens"] else ""
    return getattr(client, method)(
        url, data=json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )


def api_name_co_organiser(client, w, role):
    _api(client, w, role, "patch", f"/api/events/{w['event'].slug}", {"organisers": [w["a"].slug, w["b"].slug]})
    return "Actor B" in _organisers(w["event"])


def api_new_event_with_co_organiser(client, w, role):
    start = (timezone.localdate() + dt.timedelta(days=10)).isoformat() + "T18:00"
    body = {"title_fr": "API event of A and B", "start": start, "organisers": [w["a"].slug, w["b"].slug]}
    _api(client, w, role, "post", "/api/events", body)
    return Event.objects.filter(title_fr="API event of A and B", organisers=w["b"]).filter(organisers=w["a"]).exists()


def api_change_actor(client, w, role):
    """Checked through the actor's spec and written through its owner."""
    _api(client, w, role, "patch", f"/api/actors/{w['a'].slug}", {"name_fr": "Changed through the API"})
    return Actor.objects.get(pk=w["a"].pk).name_fr == "Changed through the API"


def api_change_event(client, w, role):
    _api(client, w, role, "patch", f"/api/events/{w['event'].slug}", {"title_fr": "Changed through the API"})
    return Event.objects.get(pk=w["event"].pk).title_fr == "Changed through the API"


def api_remove_organiser(client, w, role):
    _api(client, w, role, "patch", f"/api/events/{w['shared_event'].slug}", {"organisers": [w["a"].slug]})
    return "Actor B" not in _organisers(w["shared_event"])


# --- project news -----------------------------------------------------------------------------


def _post_news(client, project):
    client.post(
        reverse("proposals:project_update", args=[project.slug]),
        {
            "submission": str(uuid.uuid4()),
            "date": timezone.localdate().isoformat(),
            "title_fr": "News",
            "body_fr": "What happened.",
            "proposer_email": "x@example.org",
            "accept_charter": "on",
            "send": "1",
        },
    )
    return Update.objects.filter(project=project, title_fr="News").exists()


def project_news(client, w):
    return _post_news(client, w["project"])


def project_news_as_funder(client, w):
    """B funds A's project: funding a project does not make it B's to speak for."""
    return _post_news(client, w["funded_project"])


# --- imports (the moderators' screen) ------------------------------------------------------------

IMPORT_CSV = b"Nom;Site\nLes Amis du Parc;amis.example.org\n"


def _previewed_run():
    source = import_services.source_by_name("Matrix source")
    run = import_services.start_run(data=IMPORT_CSV, filename="list.csv", source=source, dry_run=True)
    import_services.run_import(run)
    return ImportRun.objects.get(pk=run.pk)


def import_upload(client, w):
    fields = {"file": SimpleUploadedFile("list.csv", IMPORT_CSV), "format": "", "new_source": "S", "target": "actors"}
    client.post(reverse("imports:new"), fields)
    return ImportRun.objects.exists()


def import_preview_again(client, w):
    run = _previewed_run()
    client.post(reverse("imports:preview_again", args=[run.pk]), {"name": "Nom"})
    return ImportRun.objects.exclude(pk=run.pk).exists()


def import_apply(client, w):
    run = _previewed_run()
    client.post(reverse("imports:apply", args=[run.pk]))
    return Actor.objects.filter(name_fr="Les Amis du Parc").exists()


def import_source_settings(client, w):
    """A source's address and sync interval: the worker fetches it on its own later."""
    source = import_services.source_by_name("Matrix source")
    fields = {"url": "https://data.example.org/list.csv", "format": "csv", "target": "actors", "sync_hours": "24"}
    client.post(reverse("imports:source", args=[source.slug]), fields | {"licence": "CC BY 4.0"})
    return type(source).objects.get(pk=source.pk).url == "https://data.example.org/list.csv"


# --- merges ----------------------------------------------------------------------------------------


def merge_compare(client, w):
    """The comparison shows both entries in full (contact persons included)."""
    response = client.get(reverse("merges:compare", kwargs={"kept": w["a"].slug, "other": w["b"].slug}))
    return response.status_code == 200 and b'type="radio"' in response.content


def merge_apply(client, w):
    url = reverse("merges:compare", kwargs={"kept": w["a"].slug, "other": w["b"].slug})
    client.post(url, {"action": "merge", "reason": "Same organisation"})
    return Actor.all_objects.get(pk=w["b"].pk).archived_at is not None


def merge_undo(client, w):
    merge = merge_services.merge(w["a"], w["b"], {}, None)
    client.post(reverse("merges:undo", kwargs={"pk": merge.pk}))
    return Merge.objects.get(pk=merge.pk).undone_at is not None


# --- API tokens and claims -------------------------------------------------------------------------


def revoke_editors_token(client, w):
    """The editor's own token: nobody else may revoke it (not even the watch group, from this page)."""
    token = w["tokens"]["editor"][0]
    client.post(reverse("api_tokens:revoke", args=[token.pk]))
    return not ApiToken.objects.get(pk=token.pk).is_active


def claim_link(client, w):
    """Whoever reads the actor's public mailbox confirms: the signed link is the permission."""
    token = account_services.claim_token(w["claim"])
    client.post(reverse("accounts:claim_confirm", args=[token]), {"decision": "accept"})
    return Claim.objects.get(pk=w["claim"].pk).status == Claim.Status.ACCEPTED


def claim_link_after_email_changed(client, w):
    """A link sent to the old public address stops working when the address changes."""
    token = account_services.claim_token(w["claim"])
    Actor.objects.filter(pk=w["a"].pk).update(email="new-address@example.org")
    client.post(reverse("accounts:claim_confirm", args=[token]), {"decision": "accept"})
    return Claim.objects.get(pk=w["claim"].pk).status == Claim.Status.ACCEPTED


def approve_proposal(client, w):
    client.post(reverse("proposals:review", args=[w["proposal"].pk]), {"action": "approve"})
    return Proposal.objects.get(pk=w["proposal"].pk).status == Proposal.Status.APPROVED


def reject_proposal(client, w):
    client.post(reverse("proposals:review", args=[w["proposal"].pk]), {"action": "reject", "reason": "No."})
    return Proposal.objects.get(pk=w["proposal"].pk).status == Proposal.Status.REJECTED


def comment_proposal(client, w):
    client.post(reverse("proposals:review", args=[w["proposal"].pk]), {"action": "comment", "text": "Hm"})
    return ProposalComment.objects.filter(proposal=w["proposal"]).exists()


def bulk_assign(client, w):
    client.post(reverse("proposals:queue"), {"proposal": [w["proposal"].pk], "action": "assign_me"})
    return Proposal.objects.get(pk=w["proposal"].pk).assigned_to_id is not None


def revert_actor(client, w):
    actor = w["a"]
    from directory.services import save_actor

    save_actor(actor)  # a first version
    first = actor.history.first()  # the newest record: the version to go back to
    actor.name_fr = "Vandalised"
    save_actor(actor)
    client.post(reverse("history:revert", args=["actor", actor.pk, first.history_id]))
    return Actor.objects.get(pk=actor.pk).name_fr == "Actor A"


def archive_actor(client, w):
    client.post(reverse("history:archive", args=["actor", w["a"].pk]))
    return Actor.all_objects.get(pk=w["a"].pk).archived_at is not None


def archive_event(client, w):
    client.post(reverse("history:archive", args=["event", w["event"].pk]))
    return Event.all_objects.get(pk=w["event"].pk).archived_at is not None


def restore_actor(client, w):
    Actor.all_objects.filter(pk=w["a"].pk).update(archived_at=timezone.now())
    client.post(reverse("history:restore", args=["actor", w["a"].pk]))
    return Actor.all_objects.get(pk=w["a"].pk).archived_at is None


def invite_colleague(client, w):
    client.post(reverse("accounts:invite", args=[w["a"].slug]), {"email": "colleague@example.org"})
    return Invitation.objects.filter(actor=w["a"], email="colleague@example.org").exists()


def decide_claim(client, w):
    pk = w["claim"].pk
    client.post(reverse("accounts:claim_decide", args=[pk]), {f"c{pk}-decision": "accept"})
    return Claim.objects.get(pk=pk).status == Claim.Status.ACCEPTED


def mark_verified(client, w):
    Actor.objects.filter(pk=w["a"].pk).update(last_verified=dt.date(2020, 1, 1))
    client.post(reverse("freshness:mark_verified", args=[w["a"].pk]))
    return Actor.objects.get(pk=w["a"].pk).last_verified == timezone.localdate()


def admin_save_actor(client, w):
    """The admin writes through the actor's owner (one change set of source admin)."""
    from maillage.testing import form_as_posted

    url = reverse("admin:directory_actor_change", args=[w["a"].pk])
    page = client.get(url)
    if page.status_code == 200:
        data = form_as_posted(page.context["adminform"].form, name_fr="Saved in the admin")
        data.update(
            {
                "relations_out-TOTAL_FORMS": "0",
                "relations_out-INITIAL_FORMS": "0",
                "relations_out-MAX_NUM_FORMS": "1000",
            }
        )
    else:  # what someone let in would send
        data = {"name_fr": "Saved in the admin", "kind": w["a"].kind, "status": w["a"].status, "slug": w["a"].slug}
    client.post(url, data)
    return Actor.objects.get(pk=w["a"].pk).name_fr == "Saved in the admin"


def revert_event(client, w):
    from agenda.services import save_event

    event = w["event"]
    save_event(event)  # a first version
    first = event.history.first()
    event.title_fr = "Vandalised"
    save_event(event)
    client.post(reverse("history:revert", args=["event", event.pk, first.history_id]))
    return Event.objects.get(pk=event.pk).title_fr == "Event of A"


def archive_project(client, w):
    client.post(reverse("history:archive", args=["project", w["project"].pk]))
    return Project.all_objects.get(pk=w["project"].pk).archived_at is not None


def restore_event(client, w):
    Event.all_objects.filter(pk=w["event"].pk).update(archived_at=timezone.now())
    client.post(reverse("history:restore", args=["event", w["event"].pk]))
    return Event.all_objects.get(pk=w["event"].pk).archived_at is None


def admin_edit_thesaurus(client, w):
    """The sector's thesaurus (a theme's everyday words, read by search and the handout) is edited
    in the admin: one change set, versioned."""
    from maillage.testing import form_as_posted

    theme = Theme.objects.order_by("pk").first()
    url = reverse("admin:directory_theme_change", args=[theme.pk])
    page = client.get(url)
    if page.status_code == 200:
        data = form_as_posted(page.context["adminform"].form, keywords_fr="mot du thésaurus")
    else:  # what someone let in would send
        data = {"keywords_fr": "mot du thésaurus", "name_fr": theme.name_fr, "slug": theme.slug, "position": "0"}
    client.post(url, data)
    return Theme.objects.get(pk=theme.pk).keywords_fr == "mot du thésaurus"


def admin_change_actor(client, w):
    response = client.get(reverse("admin:directory_actor_change", args=[w["a"].pk]))
    return response.status_code == 200


# action -> the roles that may do it
MATRIX = {
    edit_actor: {"editor"} | STAFF,
    edit_event: {"editor"} | STAFF,
    edit_project: {"editor"} | STAFF,
    approve_proposal: STAFF,
    reject_proposal: STAFF,
    comment_proposal: STAFF,
    bulk_assign: STAFF,
    revert_actor: STAFF,
    archive_actor: STAFF,
    archive_event: STAFF,  # not the event's editors: archived entries are the moderators'
    restore_actor: STAFF,
    invite_colleague: {"editor"} | STAFF,
    decide_claim: STAFF,
    mark_verified: STAFF,
    admin_change_actor: {"admin"},
    admin_save_actor: {"admin"},
    admin_edit_thesaurus: {"admin"},
    revert_event: STAFF,
    archive_project: STAFF,  # not the project's editors, as events
    restore_event: STAFF,
    name_co_organiser: STAFF,  # an editor of A: published with A, B waits for approval
    new_event_with_co_organiser: STAFF,
    remove_organiser: STAFF,  # B's editors too: an event keeps an organiser its editor edits
    replace_organisers: STAFF,
    api_name_co_organiser: STAFF,
    api_new_event_with_co_organiser: STAFF,
    api_remove_organiser: STAFF,
    api_change_actor: {"editor"} | STAFF,
    api_change_event: {"editor"} | STAFF,
    project_news: {"editor"} | STAFF,
    project_news_as_funder: {"editor"} | STAFF,
    import_upload: STAFF,
    import_preview_again: STAFF,
    import_apply: STAFF,
    import_source_settings: STAFF,
    merge_compare: STAFF,
    merge_apply: STAFF,
    merge_undo: STAFF,
    revoke_editors_token: {"editor"},
    claim_link: set(ROLES),
    claim_link_after_email_changed: set(),
}
# Actions through the API take the role (each role but the visitor has a token of its own).
API_ACTIONS = {
    api_name_co_organiser,
    api_new_event_with_co_organiser,
    api_remove_organiser,
    api_change_actor,
    api_change_event,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX), ids=lambda f: f.__name__)
def test_permission_matrix(client, world, role, action):
    if role != "visitor":
        client.force_login(world["users"][role])
    done = action(client, world, role) if action in API_ACTIONS else action(client, world)
    allowed = role in MATRIX[action]
    assert done == allowed, f"{role} {'could not' if allowed else 'could'} {action.__name__}"


def test_matrix_size():
    """The closing note reports it: roles x write actions."""
    assert len(ROLES) * len(MATRIX) == 246
