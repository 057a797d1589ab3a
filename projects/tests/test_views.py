import datetime as dt
import json

import pytest

from directory.tests.factories import ActorFactory
from maillage.testing import assert_queries_do_not_grow
from projects import services
from projects.tests.factories import ParticipationFactory, PhaseFactory, ProjectFactory, UpdateFactory

pytestmark = pytest.mark.django_db


def test_project_page_shows_who_and_a_dated_timeline(client):
    project = ProjectFactory(title_fr="Mutualisons !")
    ParticipationFactory(project=project, actor=ActorFactory(name_fr="Financité"), role="lead")
    ParticipationFactory(project=project, actor=ActorFactory(name_fr="Innoviris"), role="funder")
    PhaseFactory(project=project, title_fr="Étape 1 : la carte", start_date=dt.date(2018, 1, 1))
    UpdateFactory(project=project, title_fr="Le réseau s'agrandit", date=dt.date(2019, 3, 1))
    PhaseFactory(project=project, title_fr="Étape 2 : le bâtiment", start_date=dt.date(2019, 9, 1))
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Financité" in page and "Innoviris" in page
    positions = [page.index(t) for t in ["Étape 1 : la carte", "Le réseau s&#x27;agrandit", "Étape 2 : le bâtiment"]]
    assert positions == sorted(positions)
    assert "Comment partager un bâtiment ?" in page  # the phase's questions
    assert "Une carte des ressources" in page  # and deliverables


def test_timeline_orders_phases_and_updates_by_date_undated_last():
    project = ProjectFactory()
    late = PhaseFactory(project=project, start_date=dt.date(2021, 1, 1))
    undated = PhaseFactory(project=project, start_date=None)
    update = UpdateFactory(project=project, date=dt.date(2020, 1, 1))
    assert [entry for _kind, _date, entry in services.timeline(project)] == [update, late, undated]


def test_projects_filter_by_status_and_words(client):
    ProjectFactory(title_fr="Jardin partagé", status="ongoing")
    ProjectFactory(title_fr="Étude terminée", status="completed")
    page = client.get("/fr/projects/?status=completed").content.decode()
    assert "Étude terminée" in page and "Jardin partagé" not in page
    page = client.get("/fr/projects/?q=jardin").content.decode()
    assert "Jardin partagé" in page and "Étude terminée" not in page


def test_project_list_queries_do_not_grow(client):
    def add():
        ParticipationFactory(project=ProjectFactory(), role="lead")

    assert_queries_do_not_grow(client, "/fr/projects/", add)


def test_project_page_queries_do_not_grow_with_phases(client):
    project = ProjectFactory()
    assert_queries_do_not_grow(client, project.get_absolute_url(), lambda: PhaseFactory(project=project))


def test_a_project_with_a_sub_theme_is_found_under_its_top_theme(client):
    from directory.tests.factories import ThemeFactory

    top = ThemeFactory(slug="economy")
    sub = ThemeFactory(slug="pooling", parent=top)
    project = ProjectFactory(title_fr="Mutualisons !")
    services.save_project(project, themes=[sub])
    page = client.get("/fr/projects/?theme=economy").content.decode()
    assert "Mutualisons !" in page


def test_project_page_describes_the_project_in_schema_org_json_ld(client):
    project = ProjectFactory(title_fr="Ressourcerie")
    lead = ActorFactory(name_fr="Lead asbl")
    ParticipationFactory(project=project, actor=lead, role="lead")
    html = client.get(project.get_absolute_url()).content.decode()
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    data = json.loads(block)
    assert data["@type"] == "Project"
    assert data["name"] == "Ressourcerie"
    assert data["parentOrganization"][0]["name"] == "Lead asbl"
