"""Archiving hides an entry everywhere the public looks; restoring brings it back; nothing is lost."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from agenda.models import Event, Occurrence
from agenda.tests.factories import EventFactory
from directory import services as directory_services
from directory.models import Actor, Place
from directory.tests.factories import PlaceFactory, ThemeFactory
from projects.models import Project
from projects.tests.factories import ParticipationFactory, ProjectFactory, UpdateFactory
from search import engine as search_engine
from search.models import Document
from territory.models import Commune

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """These tests read the English messages (pages under /en/, reasons written in English)."""
    with translation.override("en"):
        yield


@pytest.fixture
def actor(territory):
    commune = Commune.objects.get(slug="ixelles") if Commune.objects.filter(slug="ixelles").exists() else None
    place = PlaceFactory(commune=commune or Commune.objects.first(), postcode="1050", lat=50.83, lon=4.37)
    actor = Actor(slug="repair-cafe", name_fr="Repair Café Flagey", kind=Actor.Kind.CITIZEN_INITIATIVE)
    directory_services.save_actor(actor, themes=[ThemeFactory(slug="reparation", name_fr="Réparation")], places=[place])
    return actor


def _public_views(client, actor):
    listing = client.get(reverse("directory:list")).content.decode()
    themed = client.get(reverse("directory:list"), {"theme": "reparation"}).content.decode()
    points = client.get(reverse("directory:map_data")).content.decode()
    found = client.get(reverse("search:search"), {"q": "Repair Flagey"}).content.decode()
    return {
        "list": actor.name_fr in listing,
        "themed": actor.name_fr in themed,
        "map": actor.slug in points,
        "search": actor.get_absolute_url() in found,
        "document": Document.objects.filter(kind="actor", object_id=actor.pk).exists(),
        "page": client.get(actor.get_absolute_url()).status_code,
    }


def test_archive_and_restore_an_actor(client, moderator, actor):
    shown = {"list": True, "themed": True, "map": True, "search": True, "document": True, "page": 200}
    assert _public_views(client, actor) == shown

    client.force_login(moderator)
    response = client.post(reverse("history:archive", args=["actor", actor.pk]))
    assert response.status_code == 302
    assert response.url == reverse("history:versions", args=["actor", actor.pk])
    actor = Actor.all_objects.get(pk=actor.pk)
    assert actor.archived_at is not None
    # Still there for moderators: the history page says it is archived and offers to restore it.
    page = client.get(response.url).content.decode()
    assert "history-archived" in page and reverse("history:restore", args=["actor", actor.pk]) in page
    assert "By Wanda Watch" in page

    client.logout()
    hidden = {"list": False, "themed": False, "map": False, "search": False, "document": False, "page": 404}
    assert _public_views(client, actor) == hidden

    client.force_login(moderator)
    response = client.post(reverse("history:restore", args=["actor", actor.pk]))
    assert response.status_code == 302 and response.url == actor.get_absolute_url()
    client.logout()
    assert _public_views(client, actor) == shown
    assert Actor.objects.get(pk=actor.pk).places.get().lat == 50.83


def test_archived_actor_leaves_its_projects_and_relations(client, moderator, actor):
    from directory.models import ActorRelation

    other = Actor(slug="federation", name_fr="Fédération des repair cafés", kind=Actor.Kind.FEDERATION)
    directory_services.save_actor(other)
    ActorRelation.objects.create(source=actor, target=other, kind=ActorRelation.Kind.MEMBER_OF)
    project = ProjectFactory(title_fr="Réparer ensemble")
    ParticipationFactory(project=project, actor=actor)
    client.force_login(moderator)
    client.post(reverse("history:archive", args=["actor", actor.pk]))
    client.logout()
    assert actor.name_fr not in client.get(other.get_absolute_url()).content.decode()
    assert actor.get_absolute_url() not in client.get(project.get_absolute_url()).content.decode()


def test_archive_and_restore_an_event(client, moderator, actor):
    event = EventFactory(title_fr="Atelier vélo", organisers=[actor])
    event.rrule = "FREQ=WEEKLY;COUNT=4"
    from agenda import services as agenda_services

    agenda_services.save_event(event)
    assert Occurrence.objects.filter(event=event).count() == 4
    # The month of its first date: three days from now may be next month.
    first_day = timezone.localdate(Occurrence.objects.filter(event=event).earliest("start").start)
    month_page = reverse("agenda:month") + f"?month={first_day:%Y-%m}"

    def public():
        return {
            "agenda": "Atelier vélo" in client.get(reverse("agenda:upcoming")).content.decode(),
            "feed": "Atelier vélo" in client.get(reverse("agenda:feed")).content.decode(),
            "month": "Atelier vélo" in client.get(month_page).content.decode(),
            "actor": "Atelier vélo" in client.get(actor.get_absolute_url()).content.decode(),
            "search": search_engine.match_ids(Document.Kind.EVENT, "atelier velo") == [event.pk],
            "page": client.get(event.get_absolute_url()).status_code,
        }

    assert public() == {"agenda": True, "feed": True, "month": True, "actor": True, "search": True, "page": 200}
    client.force_login(moderator)
    assert client.post(reverse("history:archive", args=["event", event.pk])).status_code == 302
    client.logout()
    assert Event.all_objects.get(pk=event.pk).archived_at is not None
    assert not Occurrence.objects.filter(event=event).exists()
    assert public() == {"agenda": False, "feed": False, "month": False, "actor": False, "search": False, "page": 404}

    client.force_login(moderator)
    client.post(reverse("history:restore", args=["event", event.pk]))
    client.logout()
    assert Occurrence.objects.filter(event=event).count() == 4
    assert public() == {"agenda": True, "feed": True, "month": True, "actor": True, "search": True, "page": 200}


def test_archive_and_restore_a_project(client, moderator):
    project = ProjectFactory(title_fr="Cantine solidaire")
    UpdateFactory(project=project, title_fr="La cantine ouvre")

    def public():
        return {
            "list": "Cantine solidaire" in client.get(reverse("projects:list")).content.decode(),
            "home": "La cantine ouvre" in client.get(reverse("pages:home")).content.decode(),
            "search": search_engine.match_ids(Document.Kind.PROJECT, "cantine") == [project.pk],
            "page": client.get(project.get_absolute_url()).status_code,
        }

    assert public() == {"list": True, "home": True, "search": True, "page": 200}
    client.force_login(moderator)
    client.post(reverse("history:archive", args=["project", project.pk]))
    client.logout()
    assert public() == {"list": False, "home": False, "search": False, "page": 404}
    client.force_login(moderator)
    client.post(reverse("history:restore", args=["project", project.pk]))
    client.logout()
    assert public() == {"list": True, "home": True, "search": True, "page": 200}


def test_archive_get_asks_for_confirmation_and_changes_nothing(moderator_client, actor):
    response = moderator_client.get(reverse("history:archive", args=["actor", actor.pk]))
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    assert Actor.objects.filter(pk=actor.pk).exists()


def test_archiving_keeps_a_version_with_who_and_why(moderator, actor):
    from history import services

    services.archive(actor, moderator)
    services.restore(actor, moderator)
    versions = services.all_versions(services.KINDS["actor"], actor.pk)
    # Who is the records' user; the reasons name nobody, so nothing personal outlives the account.
    assert [v.reason for v in versions[-2:]] == ["Archived", "Restored"]
    assert all(v.user == moderator for v in versions[-2:])


def test_archived_list_shows_archived_entries_with_restore_buttons(moderator_client, moderator, actor):
    from history import services

    event = EventFactory(title_fr="Fête de quartier")
    project = ProjectFactory(title_fr="Jardin partagé")
    for obj in (actor, event, project):
        services.archive(obj, moderator)
    page = moderator_client.get(reverse("history:archived")).content.decode()
    for kind, obj in (("actor", actor), ("event", event), ("project", project)):
        assert str(obj) in page
        assert reverse("history:restore", args=[kind, obj.pk]) in page
    assert "Wanda Watch" in page


def test_places_survive_archiving(moderator, actor):
    from history import services

    services.archive(actor, moderator)
    assert Place.objects.filter(actors=actor).exists()
    assert Project.all_objects.count() == 0


def test_archived_banner_offers_restore(rf, moderator, actor):
    from django.template.loader import render_to_string

    from history import services

    request = rf.get("/")
    request.user = moderator
    context = {"object": actor, "kind": "actor"}
    assert render_to_string("history/_archived_banner.html", context, request=request).strip() == ""
    services.archive(actor, moderator)
    html = render_to_string("history/_archived_banner.html", context, request=request)
    assert reverse("history:restore", args=["actor", actor.pk]) in html and "csrfmiddlewaretoken" in html


def test_nothing_personal_outlives_the_moderators_account(moderator, actor):
    from accounts import privacy
    from history import services

    kind = services.KINDS["actor"]
    first = services.all_versions(kind, actor.pk)[0]
    actor.name_fr = "Repair Café Flagey (nouveau nom)"
    directory_services.save_actor(actor)
    services.revert(kind, Actor.objects.get(pk=actor.pk), first, moderator)
    services.archive(Actor.objects.get(pk=actor.pk), moderator)
    services.restore(Actor.all_objects.get(pk=actor.pk), moderator)
    privacy.delete_account(moderator)
    reasons = " ".join(r.history_change_reason or "" for r in Actor.history.filter(id=actor.pk))
    assert "Reverted to version of" in reasons and "Archived" in reasons and "Restored" in reasons
    assert "watch@example.org" not in reasons and "Wanda" not in reasons
    assert not Actor.history.filter(id=actor.pk, history_user__isnull=False).exists()
