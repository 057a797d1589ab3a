"""The directory's bulk write path (imports, synthetic data): what save_actor does for one actor,
for many, in a few queries per batch, with one history record per object and one change set."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory import bulk, services
from directory.models import Actor, Place
from directory.tests.factories import ActorFactory, PlaceFactory, ThemeFactory
from maillage import changes, data_version
from maillage.models import ChangeSet
from search.models import Document
from territory.models import Commune, Postcode

pytestmark = pytest.mark.django_db


@pytest.fixture
def themes(db):
    top = ThemeFactory(slug="logement")
    return top, ThemeFactory(slug="logement-social", parent=top)


def new_items(count, themes, start=0):
    top, sub = themes
    return [
        bulk.ActorItem(
            Actor(name_fr=f"Collectif {start + n}", kind=Actor.Kind.ASSOCIATION, description_fr="Entraide"),
            themes=[sub],
            places=[Place(street=f"Rue Haute {n}", postcode="1000", lat=50.84, lon=4.35)],
        )
        for n in range(count)
    ]


def records(model):
    return model.history.model.objects.order_by("history_id")


def test_new_actors_are_written_with_what_the_owner_derives(territory, themes, monkeypatch):
    bumps = []
    monkeypatch.setattr(data_version, "bump", lambda *names: bumps.append(names))
    top, sub = themes
    items = new_items(3, themes)
    assert bulk.save_actors(items, reason="Import", source=changes.Source.IMPORT, source_id=7) == 3

    actors = list(Actor.objects.order_by("pk"))
    assert [a.slug for a in actors] == ["collectif-0", "collectif-1", "collectif-2"]
    brussels = Postcode.objects.get(code="1000").commune_id
    for actor in actors:
        assert (actor.has_venue, actor.lat, actor.lon, actor.commune_id) == (True, 50.84, 4.35, brussels)
        assert actor.name == actor.name_fr
        assert set(actor.themes.all()) == {top, sub}  # the sub-theme brings its top theme
        assert actor.places.get().commune_id == brussels  # located by the directory
        assert Document.objects.filter(kind=Document.Kind.ACTOR, object_id=actor.pk).exists()
    # One change set, one record per actor (with its links) and per place, one bump.
    (change_set,) = ChangeSet.objects.all()
    assert (change_set.source, change_set.source_id, change_set.reason) == (changes.Source.IMPORT, 7, "Import")
    actor_records = list(records(Actor))
    assert [(r.id, r.history_type, r.change_set_id) for r in actor_records] == [
        (a.pk, "+", change_set.pk) for a in actors
    ]
    assert {t.theme_id for t in actor_records[0].themes.all()} == {top.pk, sub.pk}
    assert [r.place_id for r in actor_records[0].places.all()] == [actors[0].places.get().pk]
    assert records(Place).count() == 3
    assert set(records(Place).values_list("change_set_id", flat=True)) == {change_set.pk}
    assert bumps == [(data_version.ACTORS,)]


def test_writing_many_actors_costs_the_queries_of_one_batch(territory, themes):
    def queries(count, start):
        items = new_items(count, themes, start)
        with CaptureQueriesContext(connection) as context:
            bulk.save_actors(items)
        return len(context.captured_queries)

    queries(1, 1000)  # the territory, read once per process
    one, three, thirty = queries(1, 0), queries(3, 100), queries(30, 200)
    assert one == three <= 20
    # Not one more query per actor: only Django splitting long inserts (999 values a statement on SQLite).
    assert thirty <= one + 4


def test_stored_actors_change_only_what_is_given(territory, themes):
    top, sub = themes
    commune = Commune.objects.get(slug="ixelles")
    shared = PlaceFactory(commune=commune, lat=50.83, lon=4.37, postcode="1050")
    actor = ActorFactory(name_fr="Ancien nom", email="a@example.org", commune=commune)
    neighbour = ActorFactory(commune=commune)
    with changes.recording():
        services.save_actor(actor, places=[shared])
        services.save_actor(neighbour, places=[shared])
    before, places_before = records(Actor).count(), records(Place).count()

    actor = Actor.objects.prefetch_related("places").get(pk=actor.pk)
    actor.name_fr = "Nouveau nom"
    actor.email = "ignored@example.org"  # changed in memory, not listed: not written
    place = actor.places.get()
    place.lat, place.lon = 50.8467, 4.3525  # the place moves (the Grand-Place, in Brussels)
    bulk.save_actors([bulk.ActorItem(actor, themes=[top], places=[place], fields=["name_fr"])])

    actor.refresh_from_db()
    neighbour.refresh_from_db()
    assert (actor.name_fr, actor.name, actor.email) == ("Nouveau nom", "Nouveau nom", "a@example.org")
    assert list(actor.themes.all()) == [top]
    assert (actor.lat, actor.lon) == (50.8467, 4.3525)
    assert (neighbour.lat, neighbour.lon) == (50.8467, 4.3525)  # it stands at the place that moved
    new_records = list(records(Actor))[before:]
    assert [(r.id, r.history_type, r.name_fr) for r in new_records] == [(actor.pk, "~", "Nouveau nom")]
    assert records(Place).count() == places_before + 1  # moved: one record


def test_an_invalid_value_writes_nothing(territory, themes):
    items = new_items(2, themes)
    items[1].actor.email = "not an address"
    with pytest.raises(ValidationError) as error:
        bulk.save_actors(items)
    assert "1:" in str(error.value)
    assert not Actor.objects.exists() and not Place.objects.exists() and not ChangeSet.objects.exists()


def test_an_actor_already_written_in_the_change_set_keeps_one_record(territory, themes):
    actor = Actor(name_fr="Une fois", slug="une-fois", kind=Actor.Kind.ASSOCIATION)
    with changes.recording(source=changes.Source.MERGE):
        services.save_actor(actor)
        actor.acronym = "UF"
        bulk.save_actors([bulk.ActorItem(actor, fields=["acronym"])])
    ((history_type, acronym),) = records(Actor).values_list("history_type", "acronym")
    assert (history_type, acronym) == ("+", "UF")
