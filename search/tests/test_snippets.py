"""Search results show where the words were found: a short passage with the words marked, in the
page's language, else in another language marked as such; the passage is user data, escaped."""

import re

import pytest

from agenda.tests.factories import EventFactory
from directory.tests.factories import ActorFactory, ThemeFactory
from maillage.testing import assert_queries_do_not_grow, count_queries
from projects.tests.factories import ProjectFactory
from search import services

pytestmark = pytest.mark.django_db


def snippets(page):
    """The snippets of a results page, as HTML."""
    return re.findall(r'<span class="found-in">(.*?)</span>\s*</li>', page, re.S)


def text_of(snippet):
    return "".join(part for part, _marked in snippet.parts)


def marked(snippet):
    return [part for part, is_marked in snippet.parts if is_marked]


def test_the_words_are_marked_in_the_description_in_the_pages_language(client):
    ActorFactory(name_fr="Collectif logement", description_fr="Nous tenons aussi un atelier vélo le samedi.")
    page = client.get("/fr/search/", {"q": "velo atel"}).content.decode()
    assert "Nous tenons aussi un <mark>atelier</mark> <mark>vélo</mark> le samedi." in page
    assert 'lang="' not in snippets(page)[0]  # the page's own language


def test_a_passage_in_another_language_says_so(client):
    ActorFactory(name_fr="Maison de quartier", description_fr="Un lieu ouvert.", description_nl="Een buurthuis.")
    page = client.get("/fr/search/", {"q": "buurthuis"}).content.decode()
    snippet = snippets(page)[0]
    assert snippet.startswith('<span lang="nl">Een <mark>buurthuis</mark>.</span> <span class="meta">(')
    assert "Néerlandais" in snippet  # the label, in the page's language
    english = client.get("/en/search/", {"q": "buurthuis"}).content.decode()
    assert "(in Dutch)" in english


def test_a_name_in_another_language_is_a_snippet_too():
    ActorFactory(name_fr="Ligue des familles", name_nl="De Gezinsbond", description_fr="Pour les familles.")
    actor = services.search("gezinsbond")["actors"][0]
    assert (actor.snippet.lang, actor.snippet.other_language) == ("nl", True)
    assert marked(actor.snippet) == ["Gezinsbond"]


def test_the_pages_language_wins_when_both_hold_the_words(client):
    ActorFactory(name_fr="Atelier", description_fr="Réparer des vélos.", description_nl="Fietsen herstellen, vélo.")
    fr = services.search("velo")["actors"][0].snippet
    assert (fr.lang, fr.other_language, marked(fr)) == ("fr", False, ["vélos"])
    page = client.get("/nl/search/", {"q": "velo"}).content.decode()
    assert "Fietsen herstellen, <mark>vélo</mark>." in page and "(in het" not in page


def test_the_passage_holding_more_of_the_words_wins():
    ActorFactory(
        name_fr="Maison", description_fr="Un potager partagé.", description_nl="Een gedeelde moestuin, potager partagé."
    )
    snippet = services.search("potager moestuin")["actors"][0].snippet
    assert snippet.lang == "nl" and marked(snippet) == ["moestuin", "potager"]


def test_no_snippet_when_the_words_are_only_in_the_name_shown():
    ActorFactory(name_fr="Repair café", description_fr="Réparer ensemble.")
    assert services.search("repair")["actors"][0].snippet is None


def test_a_long_text_is_cut_around_the_first_word_found():
    words = " ".join(f"mot{n}" for n in range(200))
    ActorFactory(name_fr="Long", description_fr=f"{words} inégalités {words}")
    snippet = services.search("inegalites")["actors"][0].snippet
    text = text_of(snippet)
    assert text.startswith("…") and text.endswith("…")
    assert len(text) <= services.SNIPPET_CHARS + 4
    assert marked(snippet) == ["inégalités"] and " inégalités " in text
    assert re.match(r"…mot\d+ ", text)  # cut between words


def test_the_passage_is_escaped(client):
    ActorFactory(name_fr="Tom", description_fr='Tom & Jerry <3 atelier "x"')
    ActorFactory(name_fr="Balises", description_fr="<p><em>Atelier</em> &lt;script&gt;alert(1)&lt;/script&gt;</p>")
    page = client.get("/fr/search/", {"q": "atelier"}).content.decode()
    assert "Tom &amp; Jerry &lt;3 <mark>atelier</mark> &quot;x&quot;" in page
    assert "<mark>Atelier</mark> &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page and "<em>" not in page.split("<main")[1]


def test_events_and_projects_have_snippets(client):
    EventFactory(title_fr="Soirée", description_fr="Projection et débat sur les inégalités.")
    ProjectFactory(title_fr="Projet", summary_fr="Réduire les inégalités de santé.")
    page = client.get("/fr/search/", {"q": "inegalites"}).content.decode()
    assert "Projection et débat sur les <mark>inégalités</mark>." in page
    assert "Réduire les <mark>inégalités</mark> de santé." in page


def test_snippets_cost_no_query_per_result(client):
    def one_of_each():
        ActorFactory(name_fr="Atelier", description_nl="Een atelier.")
        EventFactory(title_fr="Rencontre", description_fr="Un atelier ouvert.")
        ProjectFactory(title_fr="Projet", summary_fr="Des ateliers.")

    queries = assert_queries_do_not_grow(client, "/fr/search/?q=atelier", one_of_each)
    assert count_queries(client, "/fr/search/?q=atelier") == queries
    assert client.get("/fr/search/?q=atelier").content.decode().count("<mark>") >= 9


# --- what the engine understood is marked: word forms, corrections, the word being typed, themes --


def test_other_forms_of_a_word_are_marked():
    ActorFactory(name_fr="Collectif", description_fr="Nous cherchons des logements pour les familles.")
    snippet = services.search("logement familial")["actors"][0].snippet
    assert marked(snippet)[:1] == ["logements"]


def test_a_corrected_word_is_marked_as_written_in_the_text():
    ActorFactory(name_fr="Collectif", description_fr="Trouver un logement décent.")
    assert marked(services.search("logment")["actors"][0].snippet) == ["logement"]


def test_the_word_being_typed_is_marked_where_it_begins_a_word():
    ActorFactory(name_fr="Collectif", description_fr="Une permanence sociale le mardi.")
    assert marked(services.search("perman")["actors"][0].snippet) == ["permanence"]
    assert marked(services.search("sociale perman")["actors"][0].snippet) == ["permanence", "sociale"]


def test_stop_words_are_not_marked():
    ActorFactory(name_fr="Collectif", description_fr="Des cours de français pour adultes.")
    assert marked(services.search("cours de francais")["actors"][0].snippet) == ["cours", "français"]


def test_a_theme_named_in_another_language_marks_its_words_in_the_text():
    food = ThemeFactory(slug="food-aid", name_fr="Aide alimentaire", name_nl="Voedselhulp", name_en="Food aid")
    ActorFactory(name_fr="Colis du cœur", description_fr="Une aide alimentaire chaque semaine.", themes=[food])
    snippet = services.search("voedselhulp")["actors"][0].snippet
    assert snippet is not None and "alimentaire" in marked(snippet)
