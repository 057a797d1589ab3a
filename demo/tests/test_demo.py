import pytest
from django.utils import timezone

from agenda.models import Event, ProgrammeItem
from demo import services, synthetic
from directory.models import Actor, ActorRelation
from projects.models import Project
from search import services as search_services

pytestmark = pytest.mark.django_db


def test_the_demo_dataset_holds_what_the_documents_describe(territory):
    """One load, several checks: loading the demo takes seconds."""
    services.load_demo()
    assert Actor.objects.count() >= 80
    assert Project.objects.count() >= 15
    assert Event.objects.count() >= 30
    assert ActorRelation.objects.exists()

    # The Forum's annual day of 3 October 2024, with its full programme.
    forum = Event.objects.get(start__date="2024-10-03", slug__contains="forum")
    kinds = list(forum.programme.values_list("kind", flat=True))
    assert kinds.count("workshop") >= 20
    assert {"plenary", "round_table"} <= set(kinds)
    assert all(item.organisers.exists() for item in forum.programme.filter(kind="workshop"))

    # "Mutualisons!" with its stages, questions and deliverables.
    project = Project.objects.get(title_fr__icontains="Mutualisons")
    phases = list(project.phases.all())
    assert len(phases) >= 4
    assert any(p.question_list for p in phases) and any(p.deliverable_list for p in phases)

    # Regular activities are recurring events with upcoming dates.
    recurring = Event.objects.exclude(rrule="")
    assert recurring.filter(occurrences__start__gte=timezone.now()).exists()

    assert search_services.search("CBCS")["actors"]

    # Loading again updates in place.
    counts = (Actor.objects.count(), Event.objects.count(), ProgrammeItem.objects.count(), Project.objects.count())
    services.load_demo()
    assert (
        Actor.objects.count(),
        Event.objects.count(),
        ProgrammeItem.objects.count(),
        Project.objects.count(),
    ) == counts


def test_synthetic_data_is_flagged_and_searchable(territory):
    synthetic.generate(actors=30, events=40, progress=False)
    assert Actor.objects.filter(is_synthetic=True).count() == 30
    assert Event.objects.filter(is_synthetic=True).count() == 40
    assert not Actor.objects.filter(is_synthetic=False).exists()
    some = Actor.objects.filter(is_synthetic=True).order_by("pk")[7]
    assert some in search_services.search(some.name_fr)["actors"]
    assert Event.objects.filter(is_synthetic=True, occurrences__isnull=False).count() == 40
