"""Proposals are built from the owners' field specifications and written through the owners' write
functions: a field the owner declares is proposable at once, and approving a proposal is one change
set (who decided, which proposal), with one history record per object written."""

import uuid

import pytest
from django import forms as django_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from django.utils.translation import gettext as _

from accounts.models import MODERATORS_GROUP
from agenda.fields import EVENT
from agenda.tests.factories import EventFactory
from directory.fields import ACTOR
from directory.models import Actor, Theme
from directory.tests.factories import ActorFactory
from maillage.fields import PROPOSAL, Field
from maillage.models import ChangeSet
from projects.fields import PROJECT, UPDATE
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
def declared_later():
    """A field the actor's owner declares after the forms were imported (a column the model has)."""
    field = Field("is_synthetic", "Test data", "bool")
    ACTOR.add(field, after="status")
    yield field
    ACTOR.remove(field.name)


def test_the_fields_of_each_kind_are_those_the_specs_let_a_proposal_set():
    for kind, spec in (("new_actor", ACTOR), ("change_event", EVENT), ("change_project", PROJECT)):
        assert entries.fields_for(kind) == [f for f in spec if f.settable_by(PROPOSAL)]
    assert entries.fields_for("project_update") == list(UPDATE)
    assert entries.fields_for("problem") == []
    names = [f.name for f in entries.fields_for("change_actor")]
    # Merges and the editors set these, not proposals.
    assert "places" not in names and "last_verified" not in names and "social_links" not in names


def test_a_field_declared_in_the_spec_is_asked_shown_and_applied(taxonomy, moderator, declared_later):
    form = forms.ActorForm(user=moderator)
    assert isinstance(form.fields["is_synthetic"], django_forms.BooleanField)
    names = list(form.fields)
    assert names.index("status") < names.index("is_synthetic") < names.index("logo")
    actor = ActorFactory(name_fr="Maison", is_synthetic=False)
    base = entries.snapshot(actor)
    assert base["is_synthetic"] is False
    proposal = services.submit("change_actor", {**base, "is_synthetic": True}, user=moderator, target=actor, base=base)
    assert proposal.status == Proposal.Status.PUBLISHED
    actor.refresh_from_db()
    assert actor.is_synthetic is True
    rows = {row.label: row for row in entries.diff("change_actor", proposal.data, base, base)}
    assert rows["Test data"].proposed == str(_("yes")) and rows["Test data"].changed


def test_a_field_dropped_from_the_spec_leaves_the_form(taxonomy, moderator):
    acronym = ACTOR["acronym"]
    ACTOR.remove("acronym")
    try:
        assert "acronym" not in forms.ActorForm(user=moderator).fields
        assert "acronym" not in entries.snapshot(ActorFactory())
    finally:
        ACTOR.add(acronym, after="name_en")
    assert "acronym" in forms.ActorForm(user=moderator).fields


def test_approving_a_proposal_is_one_change_set_with_one_record_per_object(territory, taxonomy, moderator):
    actor = ActorFactory(name_fr="Repair Café", phone="02 111 11 11")
    base = entries.snapshot(actor)
    themes = sorted(Theme.objects.filter(parent__isnull=True).values_list("slug", flat=True)[:2])
    data = {**base, "phone": "02 222 22 22", "street": "Rue Haute 10", "postcode": "1000", "themes": themes}
    visitor = User.objects.create_user("v", "v@example.org", "pw-v-123456")
    proposal = services.submit("change_actor", data, user=visitor, target=actor, base=base, submission=uuid.uuid4())
    assert proposal.status == Proposal.Status.PENDING
    records_before = actor.history.count()
    assert len(themes) == 2

    services.approve(proposal, moderator)

    change_set = ChangeSet.objects.get(source=ChangeSet.Source.PROPOSAL, source_id=proposal.pk)
    assert change_set.user == moderator and str(proposal.pk) in change_set.reason
    assert actor.history.count() == records_before + 1
    record = actor.history.get(change_set=change_set)
    assert record.phone == "02 222 22 22" and record.history_user == moderator
    place = Actor.objects.get(pk=actor.pk).places.get()
    assert place.street == "Rue Haute 10"
    assert list(place.history.values_list("change_set", flat=True)) == [change_set.pk]


def test_a_moderators_event_change_is_one_change_set_of_theirs(taxonomy):
    event = EventFactory(title_fr="Soupe")
    base = entries.snapshot(event)
    moderator = User.objects.create_user("m2", "m2@example.org", "pw-m2-123456")
    moderator.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    proposal = services.submit("change_event", {**base, "title_fr": "Soupe de quartier"}, user=moderator, target=event)
    assert proposal.status == Proposal.Status.PUBLISHED
    change_set = ChangeSet.objects.get(source=ChangeSet.Source.PROPOSAL, source_id=proposal.pk)
    assert change_set.user == moderator
    assert list(event.history.filter(change_set=change_set).values_list("title_fr", flat=True)) == ["Soupe de quartier"]


def test_a_refused_proposal_writes_no_change_set(taxonomy, moderator):
    actor = ActorFactory(name_fr="Repair Café")
    base = entries.snapshot(actor)
    proposal = services.submit(
        "change_actor",
        {**base, "company_number": "123"},
        user=User.objects.create_user("v", "v@example.org", "pw-v-123456"),
        target=actor,
        base=base,
    )
    with pytest.raises(services.ProposalError):
        services.approve(proposal, moderator)
    assert not ChangeSet.objects.filter(source=ChangeSet.Source.PROPOSAL).exists()
    assert Proposal.objects.get(pk=proposal.pk).is_open


def test_the_contact_person_withheld_is_the_specs_personal_data(taxonomy):
    actor = ActorFactory(contact_name="Ann", contact_consent=False)
    visitor = User.objects.create_user("v", "v@example.org", "pw-v-123456")
    personal = tuple(f.name for f in ACTOR if f.personal)
    assert personal == ("contact_name", "contact_email", "contact_phone")
    assert services.withheld_fields(visitor, actor) == personal
    assert not set(personal) & set(services.starting_point(actor, visitor))


def test_the_diff_shows_values_as_the_spec_shows_them(taxonomy):
    actor = ActorFactory(company_number="")
    base = entries.snapshot(actor)
    rows = entries.diff("change_actor", {**base, "company_number": "0203071973"}, base, base)
    row = next(r for r in rows if r.label == str(ACTOR["company_number"].label))
    assert row.proposed == "0203.071.973" and row.changed


def test_open_event_proposals_get_their_price_in_their_own_language():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("proposals.migrations.0002_price_in_its_language")
    common = {"target_label": "x", "submission": uuid.uuid4(), "language": "nl"}
    open_one = Proposal.objects.create(
        kind="change_event", status="pending", data={"price": "5 €"}, base={"price": "3 €"}, **common
    )
    decided = Proposal.objects.create(
        kind="change_event", status="approved", data={"price": "5 €"}, **{**common, "submission": uuid.uuid4()}
    )
    migration.price_in_its_language(apps, None)
    open_one.refresh_from_db()
    decided.refresh_from_db()
    assert (open_one.data, open_one.base) == ({"price_nl": "5 €"}, {"price_nl": "3 €"})
    assert decided.data == {"price": "5 €"}  # what was decided stays as it was


def test_the_queue_past_its_last_page_shows_the_last_and_says_so(client, moderator):
    from django.urls import reverse

    Proposal.objects.create(kind="problem", status="pending", target_label="Soupe", submission=uuid.uuid4())
    client.force_login(moderator)
    response = client.get(reverse("proposals:queue"), {"page": "9"})
    assert response.status_code == 200
    assert response.context["page"].number == 1 and "Soupe" in response.content.decode()
    assert response.context["notices"] and escape(response.context["notices"][0]) in response.content.decode()


def test_approving_an_address_and_two_themes_costs_a_bounded_number_of_queries(territory, taxonomy, moderator):
    """67 queries before the owners' write paths and change sets, 25 after (a new place located,
    the links written by difference, one history record per object)."""
    actor = ActorFactory(name_fr="Repair Café")
    base = entries.snapshot(actor)
    themes = sorted(Theme.objects.filter(parent__isnull=True).values_list("slug", flat=True)[:2])
    data = {**base, "phone": "02 222 22 22", "street": "Rue Haute 10", "postcode": "1000", "themes": themes}
    visitor = User.objects.create_user("v", "v@example.org", "pw-v-123456")
    proposal = services.submit("change_actor", data, user=visitor, target=actor, base=base)
    with CaptureQueriesContext(connection) as queries:
        services.approve(proposal, moderator)
    assert len(queries) <= 30, [q["sql"] for q in queries]
