"""A version is a change set: what one save did to an actor, its links and its place reads as one
version, and reverting it restores exactly that change set."""

import pytest
from django.utils import translation

from directory import services as directory_services
from directory.models import Actor, Place
from directory.tests.factories import ThemeFactory
from history import services
from maillage import changes
from maillage.models import ChangeSet

pytestmark = pytest.mark.django_db

ACTOR = services.KINDS["actor"]
PLACE = services.KINDS["place"]


@pytest.fixture
def themes(territory):
    return [ThemeFactory(slug=slug) for slug in ("logement", "alimentation", "culture")]


def _saved(actor_id, *, name, themes, street):
    """Save the actor (read again, as a form does) with a name, themes and its place's street."""
    actor = Actor.objects.get(pk=actor_id)
    place = actor.places.get()
    actor.name_fr, place.street = name, street
    with changes.recording(reason=f"now {name}"):
        directory_services.save_actor(actor, themes=themes, places=[place])
    return actor


@pytest.fixture
def actor(themes):
    actor = Actor(slug="voisins", name_fr="Maison des voisins", kind=Actor.Kind.ASSOCIATION)
    directory_services.save_actor(
        actor, themes=themes[:1], places=[Place(street="Rue Haute 1", postcode="1000", lat=50.84, lon=4.35)]
    )
    return actor


def test_a_save_of_name_themes_and_place_is_one_version(actor, themes):
    _saved(actor.pk, name="Voisins", themes=themes[1:], street="Rue Basse 2")
    versions = services.all_versions(ACTOR, actor.pk)
    assert len(versions) == 2
    latest = versions[-1]
    assert len(latest.records) == 1 and latest.reason == "now Voisins"
    described = services.describe(ACTOR, [(latest.record, versions[0].record)])[0]
    assert {c.field for c in described} == {"name_fr", "themes"}
    place = Actor.objects.get(pk=actor.pk).places.get()
    place_versions = services.all_versions(PLACE, place.pk)
    assert len(place_versions) == 2
    assert place_versions[-1].change_set_id == latest.change_set_id  # the same action


def test_reverting_a_version_restores_exactly_its_change_set(actor, themes, moderator):
    first = services.all_versions(ACTOR, actor.pk)[-1]
    _saved(actor.pk, name="Voisins", themes=themes[1:], street="Rue Basse 2")
    middle = services.all_versions(ACTOR, actor.pk)[-1]
    _saved(actor.pk, name="Spam", themes=themes[2:], street="Rue du Spam 3")
    place_id = Actor.objects.get(pk=actor.pk).places.get().pk

    services.revert(ACTOR, Actor.objects.get(pk=actor.pk), middle, moderator)
    reverted = Actor.objects.get(pk=actor.pk)
    assert reverted.name_fr == "Voisins"
    assert sorted(t.slug for t in reverted.themes.all()) == ["alimentation", "culture"]
    assert Place.objects.get(pk=place_id).street == "Rue Basse 2"  # the place as that change set left it
    # One new version of each, in one change set: the revert's, naming the version it went back to.
    latest = services.all_versions(ACTOR, actor.pk)[-1]
    change_set = ChangeSet.objects.get(pk=latest.change_set_id)
    assert (change_set.source, change_set.source_id, change_set.user) == ("revert", middle.record.history_id, moderator)
    assert services.all_versions(PLACE, place_id)[-1].change_set_id == change_set.pk
    with translation.override("en"):
        assert latest.source == f"revert #{middle.record.history_id}"
    assert len(services.all_versions(ACTOR, actor.pk)) == 4

    services.revert(ACTOR, reverted, first, moderator)
    reverted = Actor.objects.get(pk=actor.pk)
    assert (reverted.name_fr, [t.slug for t in reverted.themes.all()]) == ("Maison des voisins", ["logement"])
    assert Place.objects.get(pk=place_id).street == "Rue Haute 1"


def test_a_place_changed_alone_is_left_out_of_a_revert_of_another_change_set(actor, themes, moderator):
    _saved(actor.pk, name="Voisins", themes=themes[:1], street="Rue Haute 1")  # the place unchanged
    middle = services.all_versions(ACTOR, actor.pk)[-1]
    place = Actor.objects.get(pk=actor.pk).places.get()
    assert len(services.all_versions(PLACE, place.pk)) == 1  # no record of an unchanged place
    place.street = "Rue Neuve 4"
    directory_services.save_place(place)
    services.revert(ACTOR, Actor.objects.get(pk=actor.pk), middle, moderator)
    assert Place.objects.get(pk=place.pk).street == "Rue Neuve 4"


def test_records_before_change_sets_are_each_their_own_version(actor):
    history = Actor.history.model
    record = history.objects.filter(id=actor.pk).latest("history_id")
    for name in ("Un", "Deux"):
        record.pk, record.name_fr, record.change_set = None, name, None
        record.save()
    assert len(services.all_versions(ACTOR, actor.pk)) == 3


def test_archive_and_restore_go_through_the_owner(actor, moderator):
    from search.models import Document

    services.archive(actor, moderator)
    assert Actor.all_objects.get(pk=actor.pk).archived_at is not None
    assert not Document.objects.filter(kind=Document.Kind.ACTOR, object_id=actor.pk).exists()
    latest = services.all_versions(ACTOR, actor.pk)[-1]
    assert ChangeSet.objects.get(pk=latest.change_set_id).source == "archive"
    services.restore(actor, moderator)
    assert Actor.objects.filter(pk=actor.pk).exists()


def test_the_revert_page_shows_the_parts_that_go_back_too(actor, themes, moderator_client):
    from django.urls import reverse

    first = services.all_versions(ACTOR, actor.pk)[-1]
    _saved(actor.pk, name="Voisins", themes=themes[1:], street="Rue Basse 2")
    url = reverse("history:revert", args=["actor", actor.pk, first.record.history_id])
    page = moderator_client.get(url).content.decode()
    assert "<del>Rue Basse 2</del>" in page and "<ins>Rue Haute 1</ins>" in page
    assert "<del>Voisins</del>" in page and "<ins>Maison des voisins</ins>" in page
