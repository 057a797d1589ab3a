import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory import bitsets, duplicates, services
from directory.models import Actor, Place
from directory.tests.factories import ActorFactory, LanguageFactory, PlaceFactory, ThemeFactory
from maillage import data_version
from territory.models import Commune

pytestmark = pytest.mark.django_db


def filters_for(query):
    vocab = services.vocabularies()
    return vocab, services.parse_actor_filters(QueryDict(query), vocab)


def names_on_page(query, lang="fr"):
    vocab, filters = filters_for(query)
    with translation.override(lang):
        selection = services.select(filters, vocab)
        actors, _number, _pages = services.actor_page(selection, vocab, 1, 50)
    return [a.name_fr for a in actors], selection.total


@pytest.fixture
def communes(territory):
    return {c.slug: c for c in Commune.objects.all()}


def test_refresh_actor_takes_commune_and_position_from_the_real_venue(communes):
    approximate = PlaceFactory(commune=communes["ixelles"], lat=50.82, lon=4.37, approximate=True)
    venue = PlaceFactory(commune=communes["schaerbeek"], lat=50.867, lon=4.38)
    actor = ActorFactory(commune=None, places=[approximate, venue])
    actor.refresh_from_db()
    assert actor.has_venue
    assert (actor.lat, actor.lon, actor.commune, actor.location_approximate) == (
        50.867,
        4.38,
        communes["schaerbeek"],
        False,
    )


def test_an_initiative_without_venue_keeps_its_commune_of_activity(communes):
    actor = ActorFactory(commune=communes["forest"])
    actor.refresh_from_db()
    assert not actor.has_venue and actor.lat is None and actor.commune == communes["forest"]


def test_locate_place_puts_an_address_without_position_at_its_commune_centre(communes):
    place = services.locate_place(PlaceFactory.build(commune=None, postcode="1030", lat=None, lon=None))
    assert place.commune == communes["schaerbeek"]
    assert (place.lat, place.lon, place.approximate) == (communes["schaerbeek"].lat, communes["schaerbeek"].lon, True)


def test_a_sub_theme_implies_its_top_theme(communes):
    top = ThemeFactory()
    sub = ThemeFactory(parent=top)
    actor = ActorFactory()
    services.save_actor(actor, themes=[sub])
    assert set(actor.themes.all()) == {top, sub}


def test_filters_combine_values_of_a_group_with_or_and_groups_with_and(communes):
    housing, food = ThemeFactory(slug="housing"), ThemeFactory(slug="food")
    ActorFactory(name_fr="A", commune=communes["schaerbeek"], themes=[housing])
    ActorFactory(name_fr="B", commune=communes["ixelles"], themes=[food])
    ActorFactory(name_fr="C", commune=communes["schaerbeek"], themes=[food])
    ActorFactory(name_fr="D", commune=communes["forest"], themes=[housing])
    assert names_on_page("commune=schaerbeek&commune=ixelles") == (["A", "B", "C"], 3)
    assert names_on_page("commune=schaerbeek&theme=food") == (["C"], 1)
    assert names_on_page("commune=schaerbeek&commune=forest&theme=housing") == (["A", "D"], 2)


def test_facet_counts_count_each_group_as_if_it_were_not_chosen(communes):
    food = ThemeFactory(slug="food")
    ActorFactory(commune=communes["schaerbeek"], themes=[food])
    ActorFactory(commune=communes["ixelles"], themes=[food])
    ActorFactory(commune=communes["ixelles"])
    vocab, filters = filters_for("commune=schaerbeek&theme=food")
    counts = services.facet_counts(services.select(filters, vocab))
    # Other communes stay offered with what choosing them would add.
    assert counts["commune"] == {communes["schaerbeek"].pk: 1, communes["ixelles"].pk: 1}
    assert counts["theme"] == {food.pk: 1}
    assert counts["kind"] == {"association": 1}


def test_the_list_is_alphabetical_ignoring_accents_and_case(communes):
    for name in ["Zèbre", "école des devoirs", "Abri", "Éclat"]:
        ActorFactory(name_fr=name)
    assert names_on_page("")[0] == ["Abri", "Éclat", "école des devoirs", "Zèbre"]


def test_dutch_pages_sort_by_dutch_names_with_french_standing_in(communes):
    ActorFactory(name_fr="Maison", name_nl="Huis")
    ActorFactory(name_fr="Jardin", name_nl="")
    ActorFactory(name_fr="Atelier", name_nl="Werkplaats")
    assert names_on_page("", lang="nl")[0] == ["Maison", "Jardin", "Atelier"]


def test_words_typed_narrow_the_list_without_accents(communes):
    ActorFactory(name_fr="Lutte contre les inégalités")
    ActorFactory(name_fr="Repair café")
    assert names_on_page("q=INEGALITES")[0] == ["Lutte contre les inégalités"]
    assert names_on_page("q=cafe rep")[0] == ["Repair café"]


def test_the_index_follows_changes(communes):
    actor = ActorFactory(name_fr="Avant")
    assert names_on_page("")[0] == ["Avant"]
    actor.name_fr = "Après"
    services.save_actor(actor)
    assert names_on_page("")[0] == ["Après"]
    Actor.objects.filter(pk=actor.pk).delete()
    assert names_on_page("") == ([], 0)


GROUP_VALUES = {
    "commune": ["schaerbeek", "ixelles", "forest"],
    "theme": ["t-a", "t-b"],
    "kind": ["association", "federation"],
    "language": ["fr", "nl"],
    "venue": ["yes", "no"],
    "status": ["active", "closed"],
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(sorted(GROUP_VALUES)), st.lists(st.integers(0, 2), max_size=2)))
def test_the_index_and_the_database_select_the_same_actors(small_directory, choice):
    query = "&".join(
        f"{group}={GROUP_VALUES[group][i % len(GROUP_VALUES[group])]}" for group, picks in choice.items() for i in picks
    )
    vocab, filters = filters_for(query)
    selection = services.select(filters, vocab)
    from_index = set(selection.index.page(selection.mask, 0, 10_000))
    from_database = set(services.filter_actors(filters, vocab).values_list("pk", flat=True))
    assert from_index == from_database


@pytest.fixture
def small_directory(communes):
    themes = [ThemeFactory(slug="t-a"), ThemeFactory(slug="t-b")]
    languages = [LanguageFactory(code="fr"), LanguageFactory(code="nl")]
    slugs = ["schaerbeek", "ixelles", "forest"]
    for i in range(12):
        ActorFactory(
            commune=communes[slugs[i % 3]],
            kind=["association", "federation"][i % 2],
            status=["active", "closed"][i % 5 == 0],
            themes=themes[: i % 3],
            languages=languages[i % 2 : 1 + i % 3],
            places=[PlaceFactory(commune=communes[slugs[i % 3]])] if i % 4 else [],
        )


def test_moving_a_place_moves_its_actor_to_the_new_commune(communes, tmp_path):
    place = PlaceFactory(commune=communes["ixelles"], postcode="1050", lat=50.827, lon=4.372)
    actor = ActorFactory(places=[place])
    place.postcode, place.lat, place.lon = "1030", 50.867, 4.38
    services.save_place(place)  # located (no boundaries loaded: the postcode decides), its actors moved
    actor.refresh_from_db()
    assert (actor.commune, actor.lat) == (communes["schaerbeek"], 50.867)


def test_save_actor_refreshes_the_actor_once_and_the_other_actors_of_its_places(communes):
    place = PlaceFactory(commune=communes["ixelles"], postcode="1050", lat=50.827, lon=4.372)
    actor = ActorFactory(places=[place])
    neighbour = ActorFactory(places=[place])
    place = Place.objects.get(pk=place.pk)  # as a form reads it
    place.postcode, place.lat, place.lon = "1030", 50.867, 4.38
    new_place = PlaceFactory.build(commune=communes["ixelles"], postcode="1050", lat=50.827, lon=4.372)
    with CaptureQueriesContext(connection) as queries:
        services.save_actor(actor, places=[place, new_place])
    actor_writes = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "directory_actor"')]
    # The actor written once (not again per place), its neighbour once.
    assert len(actor_writes) == 2, actor_writes
    neighbour.refresh_from_db()
    assert neighbour.commune == communes["schaerbeek"]
    assert Actor.objects.get(pk=actor.pk).commune == communes["schaerbeek"]
    assert not hasattr(place, "refreshed_by")
    Actor.objects.filter(pk=actor.pk).update(commune=communes["forest"])
    place.postcode, place.lat, place.lon = "1050", 50.827, 4.372
    services.save_place(place)  # a later save of the place alone refreshes every actor of the place again
    assert Actor.objects.get(pk=actor.pk).commune == communes["ixelles"]
    assert Actor.objects.get(pk=neighbour.pk).commune == communes["ixelles"]


def test_marking_an_actor_verified_keeps_the_indexes(communes):
    from freshness.services import mark_verified

    actor = ActorFactory()
    version = data_version.current(data_version.ACTORS)
    directory_index, duplicate_index = bitsets.current(), duplicates.get_index()
    assert mark_verified(actor)
    assert data_version.current(data_version.ACTORS) == version
    assert bitsets.current() is directory_index and duplicates.get_index() is duplicate_index
    actor.name_fr = "Renamed"
    actor.save(update_fields=["name_fr", "updated"])
    assert data_version.current(data_version.ACTORS) != version


def test_search_and_json_ld_read_descriptions_without_tags(communes):
    actor = ActorFactory(description_fr="<p>Ateliers <strong>vélo</strong> &amp; réparation</p>")
    document = services.search_document(actor, themes=[], audiences=[], places=[])
    assert document.texts["fr"] == "Ateliers vélo & réparation"
    assert services.actor_jsonld(actor, [], "https://example.org")["description"] == "Ateliers vélo & réparation"


def test_deleting_its_only_venue_leaves_an_actor_without_venue(communes):
    place = PlaceFactory(commune=communes["ixelles"])
    actor = ActorFactory(places=[place])
    place.delete()
    actor.refresh_from_db()
    assert not actor.has_venue and actor.lat is None
    assert names_on_page("venue=no")[0] == [actor.name_fr]
