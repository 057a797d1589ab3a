import datetime as dt

import pytest
from django.urls import reverse

from agenda import services as agenda_services
from agenda.models import Event, Occurrence, ProgrammeItem
from agenda.tests.factories import EventFactory
from directory.models import Place
from directory.tests.factories import ActorFactory, PlaceFactory, ThemeFactory
from history import services
from projects import services as project_services
from projects.tests.factories import PhaseFactory, ProjectFactory
from search import engine as search_engine
from search.models import Document

pytestmark = pytest.mark.django_db


def test_labels_name_each_language():
    actor = services.KINDS["actor"]
    assert services.field_label(actor, "name_nl") == "Nom (NL)"
    assert services.field_label(actor, "description_en") == "Description (EN)"
    assert services.field_label(actor, "themes") == "Thèmes"
    names = [f.name for f in services.versioned_fields(actor)]
    # The base column of a translated field mirrors one language: never shown nor reverted.
    assert "name" not in names and {"name_fr", "name_nl", "name_en"} <= set(names)
    assert not {"updated", "created", "archived_at", "lat", "has_venue", "id"} & set(names)


def test_long_texts_get_a_word_diff():
    assert services._word_diff("un deux trois quatre", "un deux 3 quatre cinq") == [
        ("same", "un deux"),
        ("del", "trois"),
        ("ins", "3"),
        ("same", "quatre"),
        ("ins", "cinq"),
    ]


def test_one_save_is_one_version_and_each_save_its_own(territory):
    actor = ActorFactory(themes=[ThemeFactory()])
    kind = services.KINDS["actor"]
    assert len(services.all_versions(kind, actor.pk)) == 1
    actor.name_fr = "Nouveau nom"
    from directory.services import save_actor

    save_actor(actor, themes=[ThemeFactory(), ThemeFactory()], audiences=[])
    versions = services.all_versions(kind, actor.pk)
    assert len(versions) == 2
    assert len(versions[-1].records) == 1  # the row and its links: one record of one change set


def test_revert_an_event_restores_organisers_and_dates(moderator, territory):
    first, second = ActorFactory(), ActorFactory()
    event = EventFactory(title_fr="Atelier couture", organisers=[first])
    agenda_services.save_event(event, organisers=[first])
    good = services.all_versions(services.KINDS["event"], event.pk)[-1]
    event.title_fr = "Vandalisme"
    event.start = event.start + dt.timedelta(days=30)
    event.end = event.end + dt.timedelta(days=30)
    agenda_services.save_event(event, organisers=[second])
    services.revert(services.KINDS["event"], Event.objects.get(pk=event.pk), good, moderator)
    event = Event.objects.get(pk=event.pk)
    assert event.title_fr == "Atelier couture"
    assert list(event.organisers.all()) == [first]
    assert Occurrence.objects.get(event=event).start == good.record.start
    assert search_engine.match_ids(Document.Kind.EVENT, "couture") == [event.pk]
    assert "Atelier couture" in event.vevent_fr


def test_revert_a_project_refreshes_search(moderator):
    project = ProjectFactory(title_fr="Potager collectif")
    project_services.save_project(project, themes=[ThemeFactory(slug="jardins")])
    good = services.all_versions(services.KINDS["project"], project.pk)[-1]
    project.title_fr = "Spam"
    project_services.save_project(project, themes=[])
    services.revert(services.KINDS["project"], project, good, moderator)
    assert search_engine.match_ids(Document.Kind.PROJECT, "potager") == [project.pk]
    assert [t.slug for t in project.themes.all()] == ["jardins"]


def test_parts_have_versions_and_revert(moderator_client, moderator, territory):
    place = PlaceFactory(street="Rue Haute 1")
    actor = ActorFactory(places=[place])
    place.street = "Rue Basse 2"
    place.save()
    page = moderator_client.get(reverse("history:versions", args=["actor", actor.pk])).content.decode()
    assert reverse("history:versions", args=["place", place.pk]) in page
    place_page = moderator_client.get(reverse("history:versions", args=["place", place.pk])).content.decode()
    assert "<del>Rue Haute 1</del>" in place_page and "<ins>Rue Basse 2</ins>" in place_page
    first = services.all_versions(services.KINDS["place"], place.pk)[0]
    response = moderator_client.post(reverse("history:revert", args=["place", place.pk, first.record.history_id]))
    assert response.status_code == 302
    assert Place.objects.get(pk=place.pk).street == "Rue Haute 1"

    phase = PhaseFactory(title_fr="Étape une")
    phase.title_fr = "Étape 1"
    phase.save()
    phase_page = moderator_client.get(reverse("history:versions", args=["phase", phase.pk])).content.decode()
    assert reverse("history:versions", args=["project", phase.project_id]) in phase_page

    event = EventFactory()
    item = ProgrammeItem.objects.create(event=event, kind="workshop", title_fr="Atelier")
    item.organisers.set([actor])
    assert moderator_client.get(reverse("history:versions", args=["programme_item", item.pk])).status_code == 200


def test_who_is_the_chosen_name_or_a_neutral_note(moderator, contributor):
    from django.utils import translation

    with translation.override("en"):
        # The name chosen in the profile (as elsewhere on the site), with the address.
        assert services.user_display(moderator) == "Wanda Watch <watch@example.org>"
        # No name chosen: the address.
        assert services.user_display(contributor) == "someone@example.org"
        # No user recorded: an import, a task, a signed link or a deleted account, not a proposal.
        assert services.user_display(None) == "no signed-in user, or a deleted account"
