"""The history pages cost the same number of queries whatever the number of versions or entries."""

import itertools

import pytest
from django.urls import reverse

from agenda.tests.factories import EventFactory
from directory import services as directory_services
from directory.models import Actor
from directory.tests.factories import AudienceFactory, PlaceFactory, ThemeFactory
from history import services
from maillage import changes
from maillage.testing import assert_queries_do_not_grow
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_versions_page_queries_do_not_grow(moderator_client, territory):
    from territory.models import Commune

    themes = [ThemeFactory() for _ in range(4)]
    actor = Actor(slug="queries", name_fr="Compter les requêtes", kind=Actor.Kind.ASSOCIATION)
    directory_services.save_actor(actor, themes=themes[:1], places=[PlaceFactory(commune=Commune.objects.first())])
    counter = itertools.count(1)

    def add_version():
        # A new version that changes texts, a foreign key and links (each save is its own version).
        n = next(counter)
        actor.name_fr = f"Compter les requêtes {n}"
        actor.description_nl = f"Versie {n}"
        actor.commune = Commune.objects.all()[n % 3]
        with changes.recording(reason=f"edit {n}"):
            directory_services.save_actor(actor, themes=themes[n % 4 : n % 4 + 1], audiences=[AudienceFactory()])

    url = reverse("history:versions", args=["actor", actor.pk])
    assert_queries_do_not_grow(moderator_client, url, add_version)
    assert "Compter les requêtes 3" in moderator_client.get(url).content.decode()


def test_versions_page_queries_do_not_grow_with_places(moderator_client, territory):
    """The actor's places are listed as parts, each read as its address (with its commune)."""
    actor = Actor(slug="lieux", name_fr="Beaucoup de lieux", kind=Actor.Kind.ASSOCIATION)
    directory_services.save_actor(actor)

    def add_place():
        actor.places.add(PlaceFactory())  # each in a commune of its own

    url = reverse("history:versions", args=["actor", actor.pk])
    assert_queries_do_not_grow(moderator_client, url, add_place)
    page = moderator_client.get(url).content.decode()
    assert page.count(reverse("history:versions", args=["place", actor.places.first().pk])) == 1


def test_versions_page_queries_do_not_grow_with_authors(moderator_client, territory):
    """Each version's author is read with their profile (the name they chose), or without one."""
    from accounts.models import Profile

    from .conftest import make_user

    actor = Actor(slug="auteurs", name_fr="Plusieurs auteurs", kind=Actor.Kind.ASSOCIATION)
    directory_services.save_actor(actor)
    counter = itertools.count(1)

    def add_version():
        n = next(counter)
        for suffix, named in (("a", True), ("b", False)):
            user = make_user(f"author{n}{suffix}@example.org")
            if named:
                Profile.objects.create(user=user, display_name=f"Auteur {n}")
            actor.name_fr = f"Plusieurs auteurs {n}{suffix}"
            with changes.recording(user=user):
                directory_services.save_actor(actor)

    url = reverse("history:versions", args=["actor", actor.pk])
    assert_queries_do_not_grow(moderator_client, url, add_version)
    page = moderator_client.get(url).content.decode()
    assert "Auteur 3 &lt;author3a@example.org&gt;" in page and "author3b@example.org" in page


def test_event_versions_page_queries_do_not_grow(moderator_client):
    event = EventFactory()
    counter = itertools.count(1)

    def add_version():
        n = next(counter)
        event.title_fr = f"Rencontre {n}"
        from agenda import services as agenda_services

        with changes.recording(reason=f"edit {n}"):
            agenda_services.save_event(event, themes=[ThemeFactory()])

    assert_queries_do_not_grow(moderator_client, reverse("history:versions", args=["event", event.pk]), add_version)


def test_archived_list_queries_do_not_grow(moderator_client, moderator, territory):
    from directory.tests.factories import ActorFactory

    def add_archived():
        for obj in (ActorFactory(), EventFactory(), ProjectFactory()):
            services.archive(obj, moderator)

    assert_queries_do_not_grow(moderator_client, reverse("history:archived"), add_archived)
