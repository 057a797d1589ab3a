"""The actor's search document, derived state written by its owner: what it holds, that the bulk
path and the rebuild write the same document as ``save_actor``, and that search follows a change."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.text import slugify

from directory import bulk, services
from directory.models import Actor, Place
from directory.tests.factories import ActorFactory, AudienceFactory, PlaceFactory, ThemeFactory
from search import engine
from search.models import Document
from territory.models import Commune

pytestmark = pytest.mark.django_db

ACTOR = Document.Kind.ACTOR


@pytest.fixture
def written(monkeypatch):
    """{actor id: the last SearchDocument written for it} (and None once removed)."""
    documents = {}
    index, index_many, remove, replace_many = engine.index, engine.index_many, engine.remove, engine.replace_many

    def one(kind, object_id, document):
        documents[(kind, object_id)] = document
        return index(kind, object_id, document)

    def many(kind, rows):
        rows = list(rows)
        documents.update(((kind, pk), document) for pk, document in rows)
        return index_many(kind, rows)

    def gone(kind, object_id):
        documents[(kind, object_id)] = None
        return remove(kind, object_id)

    def replaced(kind, rows, gone=()):
        result = replace_many(kind, list(rows), gone)  # its rows go through index_many
        documents.update(((kind, pk), None) for pk in gone)
        return result

    monkeypatch.setattr(engine, "index", one)
    monkeypatch.setattr(engine, "index_many", many)
    monkeypatch.setattr(engine, "remove", gone)
    monkeypatch.setattr(engine, "replace_many", replaced)
    return documents


@pytest.fixture
def themes(territory):
    top = ThemeFactory(slug="alimentation")
    return top, ThemeFactory(slug="epiceries-sociales", parent=top)


def _new_actor(**values):
    values = {"name_fr": "Épicerie du Parvis", "kind": Actor.Kind.ASSOCIATION, **values}
    return Actor(**{"slug": slugify(values["name_fr"]), **values})


def _place(commune="saint-gilles", **values):
    return Place(
        name_fr="Maison du Parvis",
        name_nl="Huis van het Voorplein",
        street="Parvis 3",
        postcode="1060",
        commune=Commune.objects.get(slug=commune),
        approximate=True,
        **values,
    )


def test_the_document_holds_names_themes_with_parents_audiences_kind_commune_and_places(themes, written):
    top, sub = themes
    audience = AudienceFactory()
    actor = _new_actor(
        name_nl="Kruidenierszaak van het Voorplein",
        acronym="EDP",
        description_fr="<p>Des <strong>colis</strong> alimentaires</p>",
        opening_hours_fr="Lundi 9-12",
    )
    services.save_actor(actor, themes=[sub], audiences=[audience], places=[_place()])
    document = written[(ACTOR, actor.pk)]
    saint_gilles = Commune.objects.get(slug="saint-gilles").pk
    assert document.names == {"fr": "Épicerie du Parvis", "nl": "Kruidenierszaak van het Voorplein"}
    assert document.acronym == "EDP"
    assert document.texts == {"fr": "Des colis alimentaires"}  # plain text; no opening hours
    assert set(document.tags) == {
        engine.tag("theme", top.pk),  # the sub-theme brings its parent
        engine.tag("theme", sub.pk),
        engine.tag("audience", audience.pk),
        engine.tag("kind", "association"),
        engine.tag("commune", saint_gilles),
    }
    assert document.related == {"fr": "Maison du Parvis 1060", "nl": "Huis van het Voorplein"}
    assert document.commune_id == saint_gilles
    assert document.rank == 1


def test_themes_given_as_ids_bring_their_parents_too(themes, written):
    top, sub = themes
    actor = _new_actor()
    services.save_actor(actor, themes=[sub.pk])
    assert set(actor.themes.all()) == {top, sub}
    assert {engine.tag("theme", top.pk), engine.tag("theme", sub.pk)} <= set(written[(ACTOR, actor.pk)].tags)


def test_active_and_verified_actors_rank_first_dormant_and_closed_last(themes, written):
    actor = _new_actor()
    services.save_actor(actor)
    assert written[(ACTOR, actor.pk)].rank == 1
    services.mark_verified(actor, dt.date(2026, 3, 1))  # verified: the document follows
    assert written[(ACTOR, actor.pk)].rank == 2
    for status in (Actor.Status.DORMANT, Actor.Status.CLOSED):
        actor.status = status
        services.save_actor(actor)
        assert written[(ACTOR, actor.pk)].rank == 0


def test_an_archived_actor_leaves_search_and_comes_back_when_restored(themes, written):
    actor = _new_actor()
    services.save_actor(actor, themes=[themes[1]])
    services.archive_actor(actor)
    assert written[(ACTOR, actor.pk)] is None
    assert not Document.objects.filter(kind=ACTOR, object_id=actor.pk).exists()
    services.restore_actor(actor)
    assert engine.tag("theme", themes[1].pk) in written[(ACTOR, actor.pk)].tags
    assert Document.objects.filter(kind=ACTOR, object_id=actor.pk).exists()


def test_a_save_without_links_keeps_them_in_the_document(themes, written):
    top, sub = themes
    actor = _new_actor()
    services.save_actor(actor, themes=[sub], places=[_place()])
    before = written[(ACTOR, actor.pk)]
    actor = Actor.objects.get(pk=actor.pk)
    actor.name_fr = "Épicerie solidaire du Parvis"
    services.save_actor(actor)
    after = written[(ACTOR, actor.pk)]
    assert after.names == {"fr": "Épicerie solidaire du Parvis"}
    assert (after.tags, after.related) == (before.tags, before.related)


def test_a_place_renamed_or_moved_changes_the_documents_of_every_actor_there(themes, written):
    place = PlaceFactory(
        name_fr="Maison de quartier", postcode="1060", commune=Commune.objects.get(slug="saint-gilles")
    )
    first, second = ActorFactory(places=[place]), ActorFactory(places=[place])
    place = Place.objects.get(pk=place.pk)
    place.name_fr, place.postcode = "Maison des Cultures", "1050"
    services.save_actor(Actor.objects.get(pk=first.pk), places=[place])
    for actor in (first, second):
        assert written[(ACTOR, actor.pk)].related["fr"] == "Maison des Cultures 1050"


def test_the_bulk_path_writes_the_document_save_actor_writes(themes, written):
    top, sub = themes
    audience = AudienceFactory()
    single = _new_actor(acronym="EDP", description_fr="Colis")
    services.save_actor(single, themes=[sub], audiences=[audience], places=[_place()])
    new = _new_actor(acronym="EDP", description_fr="Colis", slug="")
    item = bulk.ActorItem(new, themes=[sub.pk], audiences=[audience], places=[_place()])
    bulk.save_actors([item])
    assert written[(ACTOR, item.actor.pk)] == written[(ACTOR, single.pk)]
    # A stored actor given without its links: they are read, the document stays the same.
    bulk.save_actors([bulk.ActorItem(Actor.objects.get(pk=single.pk), fields=["name_fr"])])
    assert written[(ACTOR, single.pk)] == written[(ACTOR, item.actor.pk)]


def test_the_bulk_path_reads_no_link_per_actor(themes, written):
    def queries(count):
        items = [
            bulk.ActorItem(_new_actor(name_fr=f"Collectif {n}", slug=""), themes=[themes[1].pk], places=[_place()])
            for n in range(count)
        ]
        with CaptureQueriesContext(connection) as captured:
            bulk.save_actors(items)
        return len(captured)

    queries(1)  # the communes' postcodes are read once per process
    assert queries(2) == queries(6)


def test_rebuild_search_writes_the_documents_the_writes_wrote(themes, written):
    top, sub = themes
    audience = AudienceFactory()
    actors = []
    for n, commune in enumerate(("saint-gilles", "ixelles", "schaerbeek")):
        actor = _new_actor(name_fr=f"Collectif {n}", status=Actor.Status.DORMANT if n == 2 else Actor.Status.ACTIVE)
        services.save_actor(actor, themes=[sub] if n else [top], audiences=[audience][:n], places=[_place(commune)])
        actors.append(actor)
    services.mark_verified(actors[1], dt.date(2026, 3, 1))
    archived = _new_actor(name_fr="Archivé")
    services.save_actor(archived)
    services.archive_actor(archived)
    by_writes = {key: document for key, document in written.items() if document is not None}
    written.clear()
    call_command("rebuild_search", "--kind", "actor", verbosity=0)
    assert written == by_writes
    assert set(Document.objects.filter(kind=ACTOR).values_list("object_id", flat=True)) == {a.pk for a in actors}


def test_rebuild_search_reads_the_links_once_per_chunk(themes):
    def queries(count):
        for n in range(count):
            actor = _new_actor(name_fr=f"Collectif {count} {n}")
            services.save_actor(actor, themes=[themes[1]], places=[_place()])
        with CaptureQueriesContext(connection) as captured:
            assert services.reindex_search(chunk_size=100) == Actor.objects.count()
        return len(captured)

    assert queries(2) == queries(5)


def test_search_follows_a_change_of_theme(territory):
    food = ThemeFactory(slug="aide-alimentaire", name_fr="Aide alimentaire", name_nl="Voedselhulp")
    housing = ThemeFactory(slug="logement", name_fr="Logement", name_nl="Huisvesting")
    actor = _new_actor(name_fr="Collectif du Parvis", description_fr="")
    services.save_actor(actor, themes=[food])
    assert engine.match_ids(ACTOR, "voedselhulp") == [actor.pk]
    assert engine.match_ids(ACTOR, "huisvesting") == []
    services.save_actor(actor, themes=[housing])
    assert engine.match_ids(ACTOR, "voedselhulp") == []
    assert engine.match_ids(ACTOR, "huisvesting", limit=10) == [actor.pk]
