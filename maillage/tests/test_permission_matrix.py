"""Every role against every write action, through the real URLs, asserting on the effect.

Roles: a visitor without account, a contributor (any account), the editor of actor A, the editor
of another actor B, a moderator (the watch group) and an administrator. Each action is tried on
objects of actor A; the test checks that the change happened exactly for the roles allowed.
"""

import datetime as dt
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.models import MODERATORS_GROUP, Claim, Editorship, Invitation
from agenda.models import Event
from agenda.tests.factories import EventFactory
from directory.models import Actor
from directory.tests.factories import ActorFactory
from projects.models import Participation, Project
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
    return {"a": a, "b": b, "event": event, "project": project, "users": users, "proposal": proposal, "claim": claim}


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
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX), ids=lambda f: f.__name__)
def test_permission_matrix(client, world, role, action):
    if role != "visitor":
        client.force_login(world["users"][role])
    done = action(client, world)
    allowed = role in MATRIX[action]
    assert done == allowed, f"{role} {'could not' if allowed else 'could'} {action.__name__}"


def test_matrix_size():
    """The closing note reports it: roles x write actions."""
    assert len(ROLES) * len(MATRIX) == 90
