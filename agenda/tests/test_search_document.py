"""The event's search document, derived state written by its owner: what it holds, that the bulk
path and the rebuild write the same document as ``save_event``, and that it follows its place."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils.text import slugify

from agenda import services
from agenda.models import Event
from directory import bulk
from directory import services as directory_services
from directory.models import Actor, Place
from directory.tests.factories import ActorFactory, AudienceFactory, PlaceFactory, ThemeFactory
from directory.tests.test_search_document import written  # noqa: F401 (a fixture)
from search import engine
from search.models import Document
from territory.models import Commune

pytestmark = pytest.mark.django_db

EVENT = Document.Kind.EVENT
TZ = ZoneInfo("Europe/Brussels")


@pytest.fixture
def setting(territory):
    top = ThemeFactory(slug="alimentation")
    place = PlaceFactory(
        name_fr="Maison du Parvis", postcode="1060", commune=Commune.objects.get(slug="saint-gilles"), approximate=True
    )
    organisers = [
        ActorFactory(name_fr="Les Amis du Parvis", name_nl="De Vrienden van het Voorplein", acronym="ADP"),
        ActorFactory(name_fr="Épicerie sociale"),
    ]
    return {"top": top, "sub": ThemeFactory(slug="epiceries", parent=top), "place": place, "organisers": organisers}


def _event(title="Distribution de colis", **values):
    start = dt.datetime(2030, 3, 6, 10, tzinfo=TZ)
    return Event(**{"slug": slugify(title), "title_fr": title, "start": start, **values})


def test_the_document_holds_titles_themes_with_parents_organisers_place_and_commune(setting, written):  # noqa: F811
    audience = AudienceFactory()
    event = _event(title_nl="Pakjesbedeling", description_fr="<p>Des <em>colis</em> &amp; du pain</p>")
    event.place = setting["place"]
    services.save_event(event, organisers=setting["organisers"], themes=[setting["sub"]], audiences=[audience])
    document = written[(EVENT, event.pk)]
    saint_gilles = Commune.objects.get(slug="saint-gilles").pk
    assert document.names == {"fr": "Distribution de colis", "nl": "Pakjesbedeling"}
    assert document.texts == {"fr": "Des colis & du pain"}
    assert set(document.tags) == {
        engine.tag("theme", setting["top"].pk),  # the sub-theme brings its parent
        engine.tag("theme", setting["sub"].pk),
        engine.tag("audience", audience.pk),
        engine.tag("commune", saint_gilles),  # its place's
    }
    assert document.related == {
        "fr": "Les Amis du Parvis Épicerie sociale ADP Maison du Parvis 1060",
        "nl": "De Vrienden van het Voorplein",
    }
    assert (document.commune_id, document.rank) == (saint_gilles, 2)


def test_a_cancelled_event_ranks_last_a_postponed_one_after_those_that_take_place(setting, written):  # noqa: F811
    event = _event()
    services.save_event(event)
    assert written[(EVENT, event.pk)].rank == 2
    for status, rank in ((Event.Status.POSTPONED, 1), (Event.Status.CANCELLED, 0)):
        event.status = status
        services.save_event(event)
        assert written[(EVENT, event.pk)].rank == rank


def test_a_save_without_links_keeps_them_in_the_document(setting, written):  # noqa: F811
    event = _event()
    services.save_event(event, organisers=[a.pk for a in setting["organisers"]], themes=[setting["sub"].pk])
    before = written[(EVENT, event.pk)]
    assert "Les Amis du Parvis" in before.related["fr"]  # organisers given as ids: their names read
    event = Event.objects.get(pk=event.pk)
    event.title_fr = "Colis du mercredi"
    services.save_event(event)
    after = written[(EVENT, event.pk)]
    assert after.names == {"fr": "Colis du mercredi"}
    assert (after.tags, after.related) == (before.tags, before.related)


def test_an_archived_event_leaves_search_and_comes_back_when_restored(setting, written):  # noqa: F811
    event = _event()
    services.save_event(event, themes=[setting["top"]])
    services.archive_event(event)
    assert written[(EVENT, event.pk)] is None
    assert not Document.objects.filter(kind=EVENT, object_id=event.pk).exists()
    services.restore_event(event)
    assert written[(EVENT, event.pk)].tags == [engine.tag("theme", setting["top"].pk)]


def test_a_place_renamed_or_moved_changes_the_documents_of_its_events(setting, written):  # noqa: F811
    event = _event()
    event.place = setting["place"]
    services.save_event(event)
    place = Place.objects.get(pk=setting["place"].pk)
    place.name_fr, place.postcode, place.commune = "Maison des Cultures", "1050", Commune.objects.get(slug="ixelles")
    directory_services.save_place(place)
    document = written[(EVENT, event.pk)]
    assert (document.related, document.commune_id) == ({"fr": "Maison des Cultures 1050"}, place.commune_id)
    assert engine.tag("commune", place.commune_id) in document.tags


def test_the_bulk_path_writes_the_document_save_event_writes(setting, written):  # noqa: F811
    audience = AudienceFactory()
    single = _event(place=setting["place"])
    services.save_event(single, organisers=setting["organisers"], themes=[setting["sub"]], audiences=[audience])
    new = _event(place=setting["place"], slug="")
    organisers = [setting["organisers"][0].pk, setting["organisers"][1]]  # ids and objects
    services.save_events(
        [services.EventWrite(new, organisers=organisers, themes=[setting["sub"].pk], audiences=[audience])]
    )
    assert written[(EVENT, new.pk)] == written[(EVENT, single.pk)]


def test_rebuild_search_writes_the_documents_the_writes_wrote(setting, written):  # noqa: F811
    audience = AudienceFactory()
    for n, status in enumerate(Event.Status.values):
        event = _event(title=f"Atelier {n}", status=status, place=setting["place"] if n else None)
        services.save_event(event, organisers=setting["organisers"][:n], themes=[setting["sub"]], audiences=[audience])
    archived = _event(title="Archivé")
    services.save_event(archived)
    services.archive_event(archived)
    by_writes = {key: document for key, document in written.items() if document is not None and key[0] == EVENT}
    written.clear()
    call_command("rebuild_search", "--kind", "event", verbosity=0)
    assert written == by_writes
    assert Document.objects.filter(kind=EVENT).count() == len(Event.Status.values)


def test_search_follows_a_change_of_theme_or_organiser(setting):
    housing = ThemeFactory(slug="logement", name_fr="Logement", name_nl="Huisvesting")
    event = _event(title="Permanence")
    services.save_event(event, organisers=setting["organisers"][:1], themes=[setting["top"]])
    assert engine.match_ids(EVENT, "amis parvis") == [event.pk]
    assert engine.match_ids(EVENT, "huisvesting") == []
    services.save_event(event, organisers=setting["organisers"][1:], themes=[housing])
    assert engine.match_ids(EVENT, "amis parvis") == []
    assert engine.match_ids(EVENT, "huisvesting", limit=10) == [event.pk]


def test_an_organiser_renamed_or_merged_is_named_anew_in_its_events_documents(setting, written):  # noqa: F811
    first, second = setting["organisers"]
    event = _event()
    services.save_event(event, organisers=[first])
    actor = Actor.objects.get(pk=first.pk)
    actor.name_fr = "Les Voisins du Parvis"
    directory_services.save_actor(actor)
    assert written[(EVENT, event.pk)].related == {
        "fr": "Les Voisins du Parvis ADP",
        "nl": "De Vrienden van het Voorplein",
    }
    actor.name_nl = "De Buren van het Voorplein"
    bulk.save_actors([bulk.ActorItem(actor, fields=["name_nl"])])
    assert written[(EVENT, event.pk)].related["nl"] == "De Buren van het Voorplein"
    moved = services.move_organisers(actor, second)  # a merge
    assert written[(EVENT, event.pk)].related == {"fr": "Épicerie sociale"}
    services.restore_organisers(moved, actor, second)
    assert written[(EVENT, event.pk)].related["nl"] == "De Buren van het Voorplein"


def test_an_actor_saved_with_its_names_unchanged_leaves_its_events_documents_alone(setting, written):  # noqa: F811
    event = _event()
    services.save_event(event, organisers=setting["organisers"])
    written.clear()
    actor = Actor.objects.get(pk=setting["organisers"][0].pk)
    actor.description_fr = "Autre chose"
    directory_services.save_actor(actor)
    bulk.save_actors([bulk.ActorItem(Actor.objects.get(pk=actor.pk))])
    assert (EVENT, event.pk) not in written
