"""Change sets: one history record per object per change, tagged with who, why and where from;
data versions bumped once; a rollback undoes all of it."""

import pytest
from django.db import transaction

from directory.models import Actor, Place, Theme
from directory.tests.factories import ActorFactory, PlaceFactory, ThemeFactory
from maillage import changes, data_version
from maillage.models import ChangeSet


@pytest.fixture
def actor(db):
    return ActorFactory(name_fr="Avant")


def records(model, pk):
    return list(model.history.filter(**{model._meta.pk.attname: pk}).order_by("history_id"))


def test_an_object_noted_several_times_gets_one_record_in_its_final_state(actor, django_user_model):
    user = django_user_model.objects.create_user("moderator", password="x")
    before = len(records(Actor, actor.pk))
    with changes.recording(user=user, reason="Relu", source=changes.Source.PROPOSAL, source_id=42):
        actor.name_fr = "Pendant"
        with changes.quietly(actor):
            actor.save()
        changes.record(actor)
        actor.name_fr = "Après"
        with changes.quietly(actor):
            actor.save()
        changes.record(actor)
    after = records(Actor, actor.pk)
    assert len(after) == before + 1
    record = after[-1]
    assert record.name_fr == "Après"
    assert record.history_user == user
    assert record.history_change_reason == "Relu"
    change_set = record.change_set
    assert (change_set.source, change_set.source_id, change_set.user, change_set.reason) == (
        "proposal",
        42,
        user,
        "Relu",
    )


def test_nested_recordings_join_the_outer_change_set(actor):
    place = PlaceFactory()
    with changes.recording(reason="Fusion", source=changes.Source.MERGE):
        changes.record(actor)
        with changes.recording(reason="ignored", source=changes.Source.FORM) as inner:
            assert inner is changes.current()
            changes.record(place)
    actor_record, place_record = records(Actor, actor.pk)[-1], records(Place, place.pk)[-1]
    assert actor_record.change_set_id == place_record.change_set_id
    assert actor_record.change_set.source == "merge"
    assert actor_record.history_change_reason == "Fusion"
    assert changes.current() is None


def test_links_are_recorded_as_they_are_when_the_change_set_ends(actor, django_assert_num_queries):
    first, second = ThemeFactory(), ThemeFactory()
    place = PlaceFactory()
    other = ActorFactory()
    other.themes.set([second])
    with changes.recording():
        actor.themes.set([first])
        changes.record(actor)
        changes.record(other)
        actor.themes.add(second)
        actor.places.set([place])
    mine, theirs = records(Actor, actor.pk)[-1], records(Actor, other.pk)[-1]
    assert sorted(row.theme_id for row in mine.themes.all()) == sorted([first.pk, second.pk])
    assert [row.place_id for row in mine.places.all()] == [place.pk]
    assert [row.theme_id for row in theirs.themes.all()] == [second.pk]
    assert not theirs.places.exists()
    through_ids = set(Actor.themes.through.objects.filter(actor=actor).values_list("pk", flat=True))
    assert {row.id for row in mine.themes.all()} == through_ids
    # Two actors, four kinds of links: the savepoint and its release, the change set, the records, one
    # read of every link, one insert per kind of link they have (themes, places).
    with django_assert_num_queries(7), changes.recording():
        changes.record(actor)
        changes.record(other)


def test_a_creation_noted_then_changed_stays_a_creation(db):
    place = Place(name_fr="Salle", postcode="1000")
    with changes.recording():
        with changes.quietly(place):
            place.save()
        changes.record(place, "+")
        place.street = "Rue Haute 1"
        changes.record(place, "~")
    (record,) = records(Place, place.pk)
    assert record.history_type == "+"
    assert record.street == "Rue Haute 1"


def test_data_versions_are_bumped_once_when_the_change_set_ends(db, django_assert_num_queries):
    names = (data_version.ACTORS, data_version.EVENTS, data_version.PROJECTS)
    before = data_version.current_many(*names)  # 0, or what the migrations bumped to
    with changes.recording():
        for _ in range(5):
            changes.bump(data_version.ACTORS, data_version.EVENTS)
        assert data_version.current_many(*names) == before  # not yet
    after = data_version.current_many(*names)
    assert after[0] != before[0] and after[1] != before[1] and after[2] == before[2]


def test_a_rollback_undoes_the_records_the_change_set_and_the_bumps(actor):
    before = len(records(Actor, actor.pk))
    sets = ChangeSet.objects.count()
    version = data_version.current(data_version.ACTORS)
    with pytest.raises(RuntimeError), changes.recording(reason="Echoue"):
        changes.record(actor)
        changes.bump(data_version.ACTORS)
        raise RuntimeError
    assert len(records(Actor, actor.pk)) == before
    assert ChangeSet.objects.count() == sets
    assert data_version.current(data_version.ACTORS) == version
    assert changes.current() is None


def test_records_simple_history_writes_by_itself_join_the_open_change_set(db):
    with changes.recording(reason="Admin", source=changes.Source.ADMIN) as open_set:
        theme = ThemeFactory()
        place = Place.objects.create(name_fr="Salle")  # plain save: simple-history's own record
    record = records(Place, place.pk)[-1]
    assert record.change_set == open_set.row
    assert record.history_change_reason == "Admin"
    assert Theme.objects.filter(pk=theme.pk).exists()


def test_outside_a_change_set_a_record_is_written_at_once_in_its_own(actor):
    before = ChangeSet.objects.count()
    changes.record(actor)
    assert ChangeSet.objects.count() == before + 1
    assert records(Actor, actor.pk)[-1].change_set is not None
    changes.bump(data_version.PROJECTS)
    assert data_version.current(data_version.PROJECTS) != 0


@pytest.mark.django_db(transaction=True)
def test_a_change_set_commits_with_its_transaction():
    place = PlaceFactory()
    with transaction.atomic(), changes.recording():
        changes.record(place)
    assert records(Place, place.pk)[-1].change_set_id is not None
