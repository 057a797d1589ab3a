import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Claim, Editorship, Invitation
from accounts.tests.factories import ModeratorFactory, UserFactory
from agenda.models import ProgrammeItem
from agenda.tests.factories import EventFactory
from directory.models import ActorRelation
from directory.tests.factories import ActorFactory, PlaceFactory, ThemeFactory
from imports.models import Source, SourceRecord
from projects.models import Participation
from projects.tests.factories import ProjectFactory


@pytest.fixture
def moderator(db):
    return ModeratorFactory()


@pytest.fixture
def contributor(db):
    return UserFactory()


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def contributor_client(client, contributor):
    client.force_login(contributor)
    return client


@pytest.fixture
def pair(db, territory):
    """Two entries of one organisation, each with links of every kind."""
    t1, t2, t3 = ThemeFactory(), ThemeFactory(), ThemeFactory()
    p1, p2 = PlaceFactory(street="Rue Haute 1"), PlaceFactory(street="Rue Basse 2", lat=50.86, lon=4.36)
    kept = ActorFactory(
        slug="ligue",
        name_fr="Ligue des familles",
        email="",
        phone="02 123 45 67",
        company_number="0203071973",
        themes=[t1, t2],
        places=[p1],
        last_verified=dt.date(2023, 1, 1),
    )
    other = ActorFactory(
        slug="ligue-asbl",
        name_fr="La Ligue des Familles ASBL",
        name_nl="De Gezinsbond",
        email="info@liguedesfamilles.be",
        phone="02 765 43 21",
        themes=[t2, t3],
        places=[p2],
        last_verified=dt.date(2024, 6, 1),
    )
    third = ActorFactory(slug="federation", name_fr="Fédération")
    source = Source.objects.create(name="Subsidies", slug="subsidies", format="json")
    record = SourceRecord.objects.create(source=source, external_id="1", actor=other, last_seen=timezone.now())
    kept_record = SourceRecord.objects.create(source=source, external_id="2", actor=kept, last_seen=timezone.now())
    editor = UserFactory(email="editor@example.org")
    both_editor = UserFactory(email="both@example.org")
    Editorship.objects.create(user=editor, actor=other, via=Editorship.Via.ADMIN)
    Editorship.objects.create(user=both_editor, actor=other, via=Editorship.Via.ADMIN)
    Editorship.objects.create(user=both_editor, actor=kept, via=Editorship.Via.ADMIN)
    claim = Claim.objects.create(user=UserFactory(email="claimer@example.org"), actor=other)
    invitation = Invitation.objects.create(actor=other, email="x@example.org", invited_by=editor)
    event = EventFactory(organisers=[other])
    shared_event = EventFactory(organisers=[other, kept])
    item = ProgrammeItem.objects.create(event=event, kind=ProgrammeItem.Kind.WORKSHOP, title="Atelier")
    item.organisers.set([other])
    project = ProjectFactory()
    participation = Participation.objects.create(project=project, actor=other, role=Participation.Role.PARTNER)
    same_role = Participation.objects.create(project=project, actor=kept, role=Participation.Role.LEAD)
    other_lead = Participation.objects.create(project=project, actor=other, role=Participation.Role.LEAD)
    out = ActorRelation.objects.create(source=other, target=third, kind=ActorRelation.Kind.MEMBER_OF)
    incoming = ActorRelation.objects.create(source=third, target=other, kind=ActorRelation.Kind.PARTNER_OF)
    self_relation = ActorRelation.objects.create(source=other, target=kept, kind=ActorRelation.Kind.PART_OF)
    ActorRelation.objects.create(source=kept, target=third, kind=ActorRelation.Kind.FUNDED_BY)
    duplicate = ActorRelation.objects.create(source=other, target=third, kind=ActorRelation.Kind.FUNDED_BY)
    return {
        "kept": kept,
        "other": other,
        "third": third,
        "themes": (t1, t2, t3),
        "places": (p1, p2),
        "record": record,
        "kept_record": kept_record,
        "editor": editor,
        "both_editor": both_editor,
        "claim": claim,
        "invitation": invitation,
        "event": event,
        "shared_event": shared_event,
        "item": item,
        "participation": participation,
        "same_role": same_role,
        "other_lead": other_lead,
        "out": out,
        "incoming": incoming,
        "self_relation": self_relation,
        "duplicate": duplicate,
    }
