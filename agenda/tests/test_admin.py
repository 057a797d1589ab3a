"""The event admin writes through the owner: one change set (source admin), one history record."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from agenda.models import Event, ProgrammeItem
from agenda.tests.factories import EventFactory
from directory.tests.factories import ThemeFactory
from maillage import data_version
from maillage.models import ChangeSet
from maillage.testing import form_as_posted
from search.analysis import index_text
from search.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-12345678")
    client.force_login(user)
    return client


def _posted(page, **changes):
    data = form_as_posted(page.context["adminform"].form, **changes)
    start = timezone.localtime(page.context["adminform"].form.initial["start"])
    data.pop("start", None)
    data.update({"start_0": start.date().isoformat(), "start_1": start.strftime("%H:%M:%S")})
    data.update({"programme-TOTAL_FORMS": "1", "programme-INITIAL_FORMS": "0", "programme-MAX_NUM_FORMS": "1000"})
    data.update(
        {
            "programme-0-kind": ProgrammeItem.Kind.WORKSHOP,
            "programme-0-title_fr": "Atelier",
            "programme-0-position": "0",
        }
    )
    return data


def test_an_event_saved_in_the_admin_is_one_change_set_with_one_record(admin_client):
    top = ThemeFactory(slug="alimentation")
    sub = ThemeFactory(slug="potagers", parent=top)
    event = EventFactory(title_fr="Soupe", rrule="FREQ=DAILY;COUNT=2")
    url = reverse("admin:agenda_event_change", args=[event.pk])
    page = admin_client.get(url)
    before = event.history.count()
    version = data_version.current(data_version.EVENTS)
    response = admin_client.post(url, _posted(page, title_fr="Soupe populaire", themes=[str(sub.pk)]))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert event.history.count() == before + 1
    record = event.history.latest("history_id")
    assert record.title_fr == "Soupe populaire"
    assert sorted(record.themes.values_list("theme_id", flat=True)) == sorted([top.pk, sub.pk])
    change_set = ChangeSet.objects.get(pk=record.change_set_id)
    assert change_set.source == "admin" and change_set.user.username == "admin"
    item = ProgrammeItem.objects.get(event=event)
    assert item.history.get().change_set_id == change_set.pk  # the programme joins the change set
    assert data_version.current(data_version.EVENTS) != version
    assert Document.objects.get(kind=Document.Kind.EVENT, object_id=event.pk).name == index_text(
        "Soupe populaire", "fr"
    )
    assert "SUMMARY:Soupe populaire" in Event.objects.get(pk=event.pk).vevent_fr


def test_deleting_an_event_in_the_admin_archives_it_through_the_owner(admin_client):
    event = EventFactory(rrule="FREQ=DAILY;COUNT=2")
    response = admin_client.post(reverse("admin:agenda_event_delete", args=[event.pk]), {"post": "yes"})
    assert response.status_code == 302
    event = Event.all_objects.get(pk=event.pk)
    assert event.archived_at is not None and not event.occurrences.exists()
    assert event.history.latest("history_id").change_set.source == "archive"
