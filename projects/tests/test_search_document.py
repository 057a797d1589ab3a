"""The project's search document, derived state written by its owner: what it holds, and that the
rebuild writes the same document as ``save_project``."""

import pytest
from django.core.management import call_command

from directory import services as directory_services
from directory.models import Actor
from directory.tests.factories import ActorFactory, ThemeFactory
from directory.tests.test_search_document import written  # noqa: F401 (a fixture)
from projects import services
from projects.models import Participation, Project
from search import engine
from search.models import Document

pytestmark = pytest.mark.django_db

PROJECT = Document.Kind.PROJECT


@pytest.fixture
def setting(db):
    top = ThemeFactory(slug="alimentation")
    return {
        "top": top,
        "sub": ThemeFactory(slug="potagers", parent=top),
        "lead": ActorFactory(name_fr="Les Jardins du Parvis", name_nl="De Tuinen van het Voorplein", acronym="JDP"),
        "funder": ActorFactory(name_fr="Fondation Verte"),
    }


def _project(title="Potagers partagés", **values):
    return Project(**{"slug": title.lower().replace(" ", "-").replace("é", "e"), "title_fr": title, **values})


def _participants(setting):
    return [(setting["lead"], Participation.Role.LEAD), (setting["funder"], Participation.Role.FUNDER)]


def test_the_document_holds_titles_texts_themes_with_parents_and_participants(setting, written):  # noqa: F811
    project = _project(
        title_en="Shared gardens", summary_fr="Des <strong>jardins</strong>", description_fr="<p>Au parc</p>"
    )
    services.save_project(project, themes=[setting["sub"]], participants=_participants(setting))
    document = written[(PROJECT, project.pk)]
    assert document.names == {"fr": "Potagers partagés", "en": "Shared gardens"}
    assert document.texts == {"fr": "Des jardins\nAu parc"}
    assert set(document.tags) == {engine.tag("theme", setting["top"].pk), engine.tag("theme", setting["sub"].pk)}
    assert document.related == {
        "fr": "Les Jardins du Parvis Fondation Verte JDP",
        "nl": "De Tuinen van het Voorplein",
    }
    assert (document.rank, document.commune_id) == (2, None)


def test_ongoing_projects_rank_first_planned_ones_next_finished_and_paused_ones_last(setting, written):  # noqa: F811
    project = _project()
    for status, rank in (("ongoing", 2), ("planned", 1), ("completed", 0), ("paused", 0)):
        project.status = status
        services.save_project(project)
        assert written[(PROJECT, project.pk)].rank == rank


def test_a_save_without_links_keeps_them_in_the_document(setting, written):  # noqa: F811
    project = _project()
    services.save_project(project, themes=[setting["sub"]], participants=_participants(setting))
    before = written[(PROJECT, project.pk)]
    project = Project.objects.get(pk=project.pk)
    project.title_fr = "Potagers du Parvis"
    services.save_project(project)
    after = written[(PROJECT, project.pk)]
    assert after.names == {"fr": "Potagers du Parvis"}
    assert (after.tags, after.related) == (before.tags, before.related)


def test_an_archived_project_leaves_search_and_comes_back_when_restored(setting, written):  # noqa: F811
    project = _project()
    services.save_project(project, themes=[setting["top"]])
    services.archive_project(project)
    assert written[(PROJECT, project.pk)] is None
    assert not Document.objects.filter(kind=PROJECT, object_id=project.pk).exists()
    services.restore_project(project)
    assert written[(PROJECT, project.pk)].tags == [engine.tag("theme", setting["top"].pk)]


def test_rebuild_search_writes_the_documents_the_writes_wrote(setting, written):  # noqa: F811
    for n, status in enumerate(Project.Status.values):
        project = _project(title=f"Projet {n}", status=status, summary_fr=f"Résumé {n}")
        services.save_project(project, themes=[setting["sub"]][:n], participants=_participants(setting)[:n])
    archived = _project(title="Archivé")
    services.save_project(archived)
    services.archive_project(archived)
    by_writes = {key: document for key, document in written.items() if document is not None and key[0] == PROJECT}
    written.clear()
    call_command("rebuild_search", "--kind", "project", verbosity=0)
    assert written == by_writes
    assert Document.objects.filter(kind=PROJECT).count() == len(Project.Status.values)


def test_search_follows_a_change_of_theme_or_partner(setting):
    housing = ThemeFactory(slug="logement", name_fr="Logement", name_nl="Huisvesting")
    project = _project()
    services.save_project(project, themes=[setting["sub"]], participants=_participants(setting)[:1])
    assert engine.match_ids(PROJECT, "jardins parvis") == [project.pk]
    assert engine.match_ids(PROJECT, "huisvesting") == []
    services.save_project(project, themes=[housing], participants=_participants(setting)[1:])
    assert engine.match_ids(PROJECT, "jardins parvis") == []
    assert engine.match_ids(PROJECT, "huisvesting", limit=10) == [project.pk]


def test_a_participant_renamed_or_merged_is_named_anew_in_its_projects_documents(setting, written):  # noqa: F811
    project = _project()
    services.save_project(project, participants=_participants(setting)[:1])
    lead = Actor.objects.get(pk=setting["lead"].pk)
    lead.acronym = "JP"
    directory_services.save_actor(lead)
    assert written[(PROJECT, project.pk)].related["fr"] == "Les Jardins du Parvis JP"
    moved = services.move_participations(lead, setting["funder"])  # a merge
    assert written[(PROJECT, project.pk)].related == {"fr": "Fondation Verte"}
    services.restore_participations(moved, lead, setting["funder"])
    assert written[(PROJECT, project.pk)].related["fr"] == "Les Jardins du Parvis JP"
