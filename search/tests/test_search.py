import pytest

from agenda.tests.factories import EventFactory
from directory.tests.factories import ActorFactory
from maillage.testing import assert_queries_do_not_grow
from projects.tests.factories import ProjectFactory
from search import services

pytestmark = pytest.mark.django_db


def test_search_ignores_accents_and_case():
    ActorFactory(name_fr="Observatoire des inégalités")
    assert [a.name_fr for a in services.search("INEGALITES")["actors"]] == ["Observatoire des inégalités"]
    assert [a.name_fr for a in services.search("inégalité")["actors"]] == ["Observatoire des inégalités"]


def test_search_finds_dutch_names_and_word_beginnings():
    ActorFactory(name_fr="Maison de quartier", name_nl="Buurthuis Noord")
    assert len(services.search("buurt")["actors"]) == 1
    assert len(services.search("noo buu")["actors"]) == 1
    assert services.search("buurtwerk")["actors"] == []


def test_an_entry_matching_every_word_comes_before_those_matching_some():
    ActorFactory(name_fr="Repair café Schaerbeek")
    ActorFactory(name_fr="Repair café Ixelles")
    assert [a.name_fr for a in services.search("repair ixelles")["actors"]][:1] == ["Repair café Ixelles"]


def test_a_match_in_the_name_ranks_above_a_match_in_the_description():
    ActorFactory(name_fr="Atelier vélo", description_fr="Réparer ensemble.")
    ActorFactory(name_fr="Collectif logement", description_fr="Aussi un atelier le samedi.")
    ActorFactory(name_fr="Atelier", description_fr="atelier atelier atelier")
    names = [a.name_fr for a in services.search("atelier")["actors"]]
    assert names.index("Collectif logement") == 2


def test_search_covers_events_and_projects():
    EventFactory(title_fr="Forum des inégalités sociales")
    ProjectFactory(title_fr="Inégalités et santé")
    results = services.search("inegalites")
    assert len(results["events"]) == 1 and len(results["projects"]) == 1


def test_punctuation_and_empty_queries_return_nothing_without_error():
    ActorFactory(name_fr="Café")
    assert services.search("")["actors"] == []
    assert services.search('" * ( ) :')["actors"] == []
    assert services.search("AND OR NOT")["actors"] == []


def test_search_page_shows_results_and_escapes_the_query(client):
    ActorFactory(name_fr="Observatoire des inégalités")
    page = client.get("/fr/search/", {"q": "inegalites <i>"}).content.decode()
    assert "<i>" not in page.split("<main")[1]
    client_page = client.get("/fr/search/?q=inegalites").content.decode()
    assert "Observatoire des inégalités" in client_page


def test_search_page_queries_do_not_grow(client):
    assert_queries_do_not_grow(client, "/fr/search/?q=atelier", lambda: ActorFactory(name_fr="Atelier"))
