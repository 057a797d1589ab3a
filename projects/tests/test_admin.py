"""The project admin writes through the owner: one change set (source admin), one history record
for the project, its parts' records in the same change set, one bump."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from directory.tests.factories import ActorFactory
from maillage import data_version
from maillage.models import ChangeSet
from maillage.testing import form_as_posted
from projects.models import Participation, Phase, Project
from projects.tests.factories import ProjectFactory
from search.analysis import index_text
from search.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-12345678")
    client.force_login(user)
    return client


def _inlines(**rows):
    data = {}
    for prefix, forms in rows.items():
        data.update({f"{prefix}-TOTAL_FORMS": str(len(forms)), f"{prefix}-INITIAL_FORMS": "0"})
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for i, form in enumerate(forms):
            data.update({f"{prefix}-{i}-{name}": value for name, value in form.items()})
    return data


def test_a_project_saved_in_the_admin_is_one_change_set(admin_client):
    project = ProjectFactory(title_fr="Potagers")
    actor = ActorFactory()
    url = reverse("admin:projects_project_change", args=[project.pk])
    page = admin_client.get(url)
    data = form_as_posted(page.context["adminform"].form, title_fr="Potagers partagés")
    data.update(
        _inlines(
            participations=[{"actor": str(actor.pk), "role": Participation.Role.LEAD}],
            phases=[{"title_fr": "Étape 1", "position": "0"}],
            updates=[],
        )
    )
    before = project.history.count()
    version = data_version.current(data_version.PROJECTS)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert project.history.count() == before + 1
    record = project.history.latest("history_id")
    assert record.title_fr == "Potagers partagés"
    change_set = ChangeSet.objects.get(pk=record.change_set_id)
    assert change_set.source == "admin"
    assert Phase.history.get().change_set_id == change_set.pk
    assert Participation.history.get().change_set_id == change_set.pk
    assert data_version.current(data_version.PROJECTS) != version
    assert Document.objects.get(kind=Document.Kind.PROJECT, object_id=project.pk).name == index_text(
        "Potagers partagés", "fr"
    )


def test_deleting_a_project_in_the_admin_archives_it_through_the_owner(admin_client):
    project = ProjectFactory()
    response = admin_client.post(reverse("admin:projects_project_delete", args=[project.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert Project.all_objects.get(pk=project.pk).archived_at is not None
    assert not Document.objects.filter(kind=Document.Kind.PROJECT, object_id=project.pk).exists()
    assert project.history.latest("history_id").change_set.source == "archive"
