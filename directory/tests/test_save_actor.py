"""The actor's one write path: a budget of queries, one data-version bump, one history record."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory import services
from directory.models import Actor, Place
from directory.tests.factories import ActorFactory, PlaceFactory, ThemeFactory
from maillage import changes
from maillage.models import ChangeSet, DataVersion
from territory.models import Commune

pytestmark = pytest.mark.django_db

# Queries for one actor with one place and two themes (62 before change sets; 15 until the search
# kept the vocabulary of its index: one INSERT of the document's new words, issue 13).
BUDGET = 16
# Renaming it and moving its place also rewrites the search documents of the events it organises
# and of those at its place (their organisers' and place's names are searched): two reads.
RENAME_BUDGET = BUDGET + 2


@pytest.fixture
def themes(territory):
    top = ThemeFactory(slug="alimentation")
    return [top, ThemeFactory(slug="potagers", parent=top)]


def _bumps(queries):
    table = DataVersion._meta.db_table
    return [q["sql"] for q in queries if q["sql"].startswith(f'UPDATE "{table}"')]


def _warm(themes):
    """The communes' shapes and postcodes are read once per process; read them before counting."""
    services.save_actor(
        Actor(slug="warm", name_fr="Warm", kind=Actor.Kind.ASSOCIATION),
        themes=themes,
        places=[Place(street="Rue Haute 1", postcode="1000", lat=50.84, lon=4.35)],
    )


# Transactional: the change set's transaction is BEGIN/COMMIT as in production, not a savepoint
# inside the test's transaction (two more statements that production does not send).
@pytest.mark.django_db(transaction=True)
def test_creating_an_actor_with_a_place_and_two_themes_fits_the_budget(themes):
    _warm(themes)
    actor = Actor(slug="potager", name_fr="Potager", kind=Actor.Kind.ASSOCIATION)
    place = Place(street="Rue Royale 1", postcode="1030", lat=50.867, lon=4.38)
    with CaptureQueriesContext(connection) as queries:
        services.save_actor(actor, themes=themes, places=[place])
    assert len(queries) <= BUDGET, "\n".join(q["sql"] for q in queries)
    assert len(_bumps(queries)) == 1
    records = list(Actor.history.filter(id=actor.pk))
    assert [r.history_type for r in records] == ["+"]
    assert sorted(records[0].themes.values_list("theme_id", flat=True)) == sorted(t.pk for t in themes)
    assert list(records[0].places.values_list("place_id", flat=True)) == [place.pk]
    assert list(Place.history.filter(id=place.pk).values_list("history_type", flat=True)) == ["+"]
    assert records[0].change_set_id == Place.history.get(id=place.pk).change_set_id
    actor.refresh_from_db()
    assert actor.has_venue and (actor.lat, actor.lon) == (50.867, 4.38)
    assert actor.commune == Commune.objects.get(slug="schaerbeek")


@pytest.mark.django_db(transaction=True)
def test_updating_an_actor_with_a_place_and_two_themes_fits_the_budget(themes):
    _warm(themes)
    actor = ActorFactory(themes=themes[:1], places=[PlaceFactory(lat=50.82, lon=4.37)])
    actor = Actor.objects.get(pk=actor.pk)
    place = actor.places.get()
    actor.name_fr, place.street, place.lat = "Potager renommé", "Rue Neuve 2", 50.83
    before = Actor.history.filter(id=actor.pk).count()
    with CaptureQueriesContext(connection) as queries:
        services.save_actor(actor, themes=themes, places=[place])
    assert len(queries) <= RENAME_BUDGET, "\n".join(q["sql"] for q in queries)
    assert len(_bumps(queries)) == 1
    records = Actor.history.filter(id=actor.pk).order_by("-history_id")
    assert records.count() == before + 1
    latest = records[0]
    assert latest.history_type == "~" and latest.name_fr == "Potager renommé"
    assert sorted(latest.themes.values_list("theme_id", flat=True)) == sorted(t.pk for t in themes)
    assert list(latest.places.values_list("place_id", flat=True)) == [place.pk]
    assert Place.history.filter(id=place.pk, change_set=latest.change_set).count() == 1
    assert Actor.objects.get(pk=actor.pk).lat == 50.83


def test_saving_an_unchanged_place_along_writes_no_record_of_it(themes):
    actor = Actor(slug="stable", name_fr="Stable", kind=Actor.Kind.ASSOCIATION)
    services.save_actor(actor, places=[Place(street="Rue Haute 1", postcode="1000", lat=50.84, lon=4.35)])
    actor = Actor.objects.get(pk=actor.pk)
    place = actor.places.get()
    before = Place.history.filter(id=place.pk).count()
    services.save_actor(actor, places=[place])
    assert Place.history.filter(id=place.pk).count() == before


def test_a_sub_theme_brings_its_top_theme_without_reading_themes(themes):
    top, sub = themes
    actor = Actor(slug="jardin", name_fr="Jardin", kind=Actor.Kind.ASSOCIATION)
    services.save_actor(actor, themes=[sub])
    assert set(actor.themes.all()) == {top, sub}


def test_removing_links_and_places(themes):
    place = PlaceFactory()
    actor = ActorFactory(themes=themes, places=[place])
    services.save_actor(actor, themes=[], places=[])
    actor.refresh_from_db()
    assert list(actor.themes.all()) == [] and list(actor.places.all()) == []
    assert not actor.has_venue and actor.lat is None
    assert Actor.history.filter(id=actor.pk).latest("history_id").themes.count() == 0


def test_a_place_shared_by_two_actors_moves_both(themes):
    ixelles, schaerbeek = Commune.objects.get(slug="ixelles"), Commune.objects.get(slug="schaerbeek")
    shared = PlaceFactory(commune=ixelles, postcode="1050", lat=50.827, lon=4.372)
    first, second = ActorFactory(places=[shared]), ActorFactory(places=[shared])
    shared = Place.objects.get(pk=shared.pk)
    shared.postcode, shared.lat, shared.lon = "1030", 50.867, 4.38
    services.save_actor(first, places=[shared])
    for actor in (first, second):
        actor.refresh_from_db()
        assert (actor.commune, actor.lat) == (schaerbeek, 50.867)


def test_a_place_saved_alone_moves_all_its_actors_in_one_change_set(themes):
    schaerbeek = Commune.objects.get(slug="schaerbeek")
    shared = PlaceFactory(commune=Commune.objects.get(slug="ixelles"), postcode="1050", lat=50.827, lon=4.372)
    actors = [ActorFactory(places=[shared]), ActorFactory(places=[shared])]
    shared = Place.objects.get(pk=shared.pk)
    shared.lat, shared.lon, shared.postcode = 50.867, 4.38, "1030"
    with changes.recording(reason="moved"):
        services.save_place(shared)
    assert all(Actor.objects.get(pk=a.pk).commune == schaerbeek for a in actors)
    assert Place.history.filter(id=shared.pk).latest("history_id").change_set.reason == "moved"


def test_a_caller_change_set_holds_every_save(themes):
    with changes.recording(reason="two at once", source=changes.Source.PROPOSAL, source_id=7):
        one = services.save_actor(Actor(slug="un", name_fr="Un", kind=Actor.Kind.ASSOCIATION), themes=themes)
        one.name_fr = "Un bis"
        services.save_actor(one)
        two = services.save_actor(Actor(slug="deux", name_fr="Deux", kind=Actor.Kind.ASSOCIATION))
    change_set = ChangeSet.objects.get(reason="two at once")
    assert (change_set.source, change_set.source_id) == ("proposal", 7)
    assert Actor.history.filter(id=one.pk).count() == 1  # created then changed: one record
    record = Actor.history.get(id=one.pk)
    assert record.name_fr == "Un bis" and record.history_type == "+" and record.themes.count() == 2
    assert Actor.history.get(id=two.pk).change_set == change_set


def test_an_invalid_value_writes_nothing(themes):
    from django.core.exceptions import ValidationError

    actor = Actor(slug="faux", name_fr="Faux", kind=Actor.Kind.ASSOCIATION, company_number="123")
    with pytest.raises(ValidationError):
        services.save_actor(actor, themes=themes)
    assert not Actor.all_objects.filter(slug="faux").exists()


def test_archive_and_restore_go_through_one_change_set_each(themes):
    from search.models import Document

    actor = ActorFactory()
    services.archive_actor(actor, None, "closed")
    assert Actor.all_objects.get(pk=actor.pk).archived_at is not None
    assert not Document.objects.filter(kind=Document.Kind.ACTOR, object_id=actor.pk).exists()
    assert Actor.history.filter(id=actor.pk).latest("history_id").change_set.source == "archive"
    services.restore_actor(actor)
    assert Actor.objects.filter(pk=actor.pk).exists()
    assert Document.objects.filter(kind=Document.Kind.ACTOR, object_id=actor.pk).exists()


def test_main_place_is_the_first_venue_else_the_first_located_else_the_first():
    venue = Place(pk=3, lat=50.8, lon=4.3)
    centre = Place(pk=1, lat=50.8, lon=4.3, approximate=True)
    unknown = Place(pk=0)
    assert services.main_place([unknown, centre, venue]) is venue
    assert services.main_place([unknown, centre]) is centre
    assert services.main_place([unknown]) is unknown
    assert services.main_place([]) is None


def test_theme_tree_puts_sub_themes_under_their_top_theme(themes):
    top, sub = themes
    other = ThemeFactory(slug="culture")
    assert services.theme_tree([top, other, sub]) == [(top, [sub]), (other, [])]


def test_the_csv_export_is_built_from_the_spec_and_keeps_contacts_without_consent_out(themes, client):
    import csv
    import io

    from directory.fields import ACTOR
    from maillage.fields import Field

    shown = ActorFactory(slug="shown", contact_name="Ada", contact_consent=True, themes=themes)
    ActorFactory(slug="hidden", contact_name="Bob", contact_consent=False)
    ACTOR.add(Field("is_synthetic", "Synthetic", "bool"), after="status")
    try:
        text = client.get(reverse("opendata:actors_csv")).content.decode()
    finally:
        ACTOR.remove("is_synthetic")
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows["shown"]["contact_name"] == "Ada" and rows["hidden"]["contact_name"] == ""
    assert rows["shown"]["themes"] == "|".join(t.slug for t in shown.themes.all())
    header = text.splitlines()[0].split(",")
    assert header.index("is_synthetic") == header.index("status") + 1  # a field added to the spec
    assert "contact_consent" not in header and "places" not in header


def test_plain_values_are_checked_by_the_spec(themes):
    actor = Actor(
        slug="propre",
        name_fr="Propre",
        kind=Actor.Kind.ASSOCIATION,
        description_fr='<p>Ateliers</p><script>alert("x")</script>',
        company_number="BE 0203.071.973",
    )
    services.save_actor(actor)
    actor.refresh_from_db()
    assert (actor.description_fr, actor.company_number) == ("<p>Ateliers</p>", "0203071973")
