"""The project's one write path: a budget of queries, one data-version bump, one history record;
its news, phases and participations; the owner's functions for merges and archiving."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.tests.factories import ActorFactory, ThemeFactory
from maillage import changes, data_version
from maillage.models import ChangeSet, DataVersion
from projects import services
from projects.models import Participation, Phase, Project, Update
from projects.tests.factories import ParticipationFactory, ProjectFactory
from search.analysis import index_text
from search.models import Document

pytestmark = pytest.mark.django_db

# Queries for one new project with two themes (31 before change sets, with 3 history records and
# 3 bumps of the projects' version).
BUDGET = 12  # BEGIN and COMMIT included; one for the words of the search vocabulary (issue 13)


def _bumps(queries):
    table = DataVersion._meta.db_table
    return [q["sql"] for q in queries if q["sql"].startswith(f'UPDATE "{table}"')]


@pytest.mark.django_db(transaction=True)
def test_creating_a_project_fits_the_budget():
    top = ThemeFactory(slug="alimentation")
    sub = ThemeFactory(slug="potagers", parent=top)
    data_version.bump(data_version.PROJECTS)  # the version's row exists, as on a site in use
    project = Project(slug="potagers", title_fr="Potagers partagés", summary_fr="Des jardins")
    with CaptureQueriesContext(connection) as queries:
        services.save_project(project, themes=[sub])
    assert len(queries) <= BUDGET, "\n".join(q["sql"] for q in queries)
    assert len(_bumps(queries)) == 1
    records = list(Project.history.filter(id=project.pk))
    assert [r.history_type for r in records] == ["+"]
    assert records[0].change_set_id is not None
    assert sorted(records[0].themes.values_list("theme_id", flat=True)) == sorted([top.pk, sub.pk])
    assert set(project.themes.all()) == {top, sub}
    assert Document.objects.get(kind=Document.Kind.PROJECT, object_id=project.pk).name == index_text(
        "Potagers partagés", "fr"
    )


def test_changing_a_project_and_its_participants_is_one_change_set():
    project = ProjectFactory()
    lead, partner, funder = ActorFactory(), ActorFactory(), ActorFactory()
    ParticipationFactory(project=project, actor=lead, role=Participation.Role.LEAD)
    ParticipationFactory(project=project, actor=funder, role=Participation.Role.FUNDER)
    project.title_fr = "Renommé"
    with CaptureQueriesContext(connection) as queries:
        services.save_project(
            project, participants=[(lead, Participation.Role.LEAD), (partner, Participation.Role.PARTNER)]
        )
    assert len(_bumps(queries)) == 1
    record = Project.history.filter(id=project.pk).latest("history_id")
    assert record.title_fr == "Renommé"
    assert Project.history.filter(change_set=record.change_set).count() == 1
    kinds = sorted(Participation.history.filter(change_set=record.change_set).values_list("actor_id", "history_type"))
    assert kinds == sorted([(partner.pk, "+"), (funder.pk, "-")])
    assert set(project.participations.values_list("actor_id", "role")) == {
        (lead.pk, Participation.Role.LEAD),
        (partner.pk, Participation.Role.PARTNER),
    }


def test_news_and_phases_are_saved_with_one_record_and_one_bump():
    project = ProjectFactory()
    version = data_version.current(data_version.PROJECTS)
    update = services.save_update(Update(project=project, date=dt.date(2030, 1, 2), title_fr="Lancement"))
    assert [r.history_type for r in Update.history.filter(id=update.pk)] == ["+"]
    assert data_version.current(data_version.PROJECTS) != version
    version = data_version.current(data_version.PROJECTS)
    phase = services.save_phase(Phase(project=project, title_fr="Étape 1"))
    assert [r.history_type for r in Phase.history.filter(id=phase.pk)] == ["+"]
    assert data_version.current(data_version.PROJECTS) != version


def test_archiving_takes_a_project_out_of_search_and_restoring_brings_it_back():
    project = ProjectFactory()
    version = data_version.current(data_version.PROJECTS)
    services.archive_project(project, reason="Doublon")
    assert not Document.objects.filter(kind=Document.Kind.PROJECT, object_id=project.pk).exists()
    assert data_version.current(data_version.PROJECTS) != version
    record = Project.history.filter(id=project.pk).latest("history_id")
    assert record.archived_at is not None and record.change_set.source == changes.Source.ARCHIVE
    services.restore_project(project)
    assert Document.objects.filter(kind=Document.Kind.PROJECT, object_id=project.pk).exists()


def test_moving_participations_and_moving_them_back():
    gone, kept = ActorFactory(), ActorFactory()
    first, second = ProjectFactory(), ProjectFactory()
    moving = ParticipationFactory(project=first, actor=gone, role=Participation.Role.LEAD)
    staying = ParticipationFactory(project=second, actor=gone, role=Participation.Role.FUNDER)
    ParticipationFactory(project=second, actor=kept, role=Participation.Role.FUNDER)
    with changes.recording(reason="Merge", source=changes.Source.MERGE, source_id=4):
        moved = services.move_participations(gone, kept)
    assert moved == {"participations": [moving.pk]}
    assert Participation.objects.get(pk=moving.pk).actor == kept
    assert Participation.objects.get(pk=staying.pk).actor == gone  # the kept actor funds it already
    change_set = ChangeSet.objects.get(source=changes.Source.MERGE, source_id=4)
    assert list(Participation.history.filter(change_set=change_set).values_list("id", flat=True)) == [moving.pk]

    services.restore_participations(moved, gone, kept)
    assert Participation.objects.get(pk=moving.pk).actor == gone
