"""The search page as a newcomer meets it: each result's themes and commune, the directory's filter
for a theme or commune the query names, the query as corrected, and, when nothing is found, the
closest themes, the directory by commune and the form to propose what is missing."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agenda.tests.factories import EventFactory
from directory.tests.factories import ActorFactory, ThemeFactory
from maillage.testing import assert_queries_do_not_grow
from projects.tests.factories import ProjectFactory
from search import services
from territory.models import Commune

pytestmark = pytest.mark.django_db


def main(page):
    return page.split("<main", 1)[1]


def links(html):
    """(href, text) of every link, text without tags."""
    return [
        (unescape(href), " ".join(unescape(re.sub(r"<[^>]+>", "", text)).split()))
        for href, text in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', html, re.S)
    ]


def section(page, css_class):
    match = re.search(rf'<(\w+) class="[^"]*\b{css_class}\b[^"]*"[^>]*>(.*?)</\1>', page, re.S)
    return match.group(2) if match else ""


@pytest.fixture
def food(db):
    parent = ThemeFactory(slug="food", name_fr="Alimentation", name_nl="Voeding", name_en="Food", position=1)
    return ThemeFactory(
        slug="food-aid",
        parent=parent,
        name_fr="Aide alimentaire",
        name_nl="Voedselhulp",
        name_en="Food aid",
        keywords_fr="colis alimentaire, épicerie sociale",
        keywords_nl="voedselpakket, voedselbank",
        position=1,
    )


@pytest.fixture
def housing(db):
    return ThemeFactory(slug="housing", name_fr="Logement", name_nl="Huisvesting", name_en="Housing", position=2)


# --- each result: its themes and commune --------------------------------------------------------


def test_a_result_shows_its_themes_and_commune(client, territory, food, housing):
    schaerbeek = Commune.objects.get(slug="schaerbeek")
    ActorFactory(name_fr="Épicerie du Nord", commune=schaerbeek, themes=[housing, food])
    page = main(client.get("/fr/search/", {"q": "epicerie"}).content.decode())
    item = re.search(r"<li><a [^>]*>Épicerie du Nord</a>(.*?)</li>", page, re.S).group(1)
    assert "Schaerbeek" in item
    assert re.findall(r'<span class="tag">(.*?)</span>', item) == ["Aide alimentaire", "Logement"]
    nl = main(client.get("/nl/search/", {"q": "epicerie"}).content.decode())
    assert "Schaarbeek" in nl and '<span class="tag">Voedselhulp</span>' in nl


def test_the_themes_the_query_names_come_first_and_few_are_shown(food, housing):
    others = [ThemeFactory(name_fr=f"Autre {n}", position=0) for n in range(3)]
    ActorFactory(name_fr="Maison du quartier", themes=[*others, housing, food])
    actor = services.search("logement quartier")["actors"][0]
    assert len(actor.shown_themes) == services.THEMES_SHOWN
    assert actor.shown_themes[0] == housing


def test_events_and_projects_show_their_themes(client, food):
    EventFactory(title_fr="Atelier cuisine", themes=[food])
    project = ProjectFactory(title_fr="Cuisine partagée")
    project.themes.set([food])
    page = main(client.get("/fr/search/", {"q": "cuisine"}).content.decode())
    assert page.count('<span class="tag">Aide alimentaire</span>') == 2


def test_themes_and_snippets_cost_no_query_per_result(client, food, housing):
    def one_of_each():
        ActorFactory(name_fr="Atelier", description_fr="Un atelier.", themes=[food, housing])
        EventFactory(title_fr="Rencontre", description_fr="Un atelier ouvert.", themes=[food])
        project = ProjectFactory(title_fr="Projet", summary_fr="Des ateliers.")
        project.themes.set([housing, food])

    assert_queries_do_not_grow(client, "/fr/search/?q=atelier", one_of_each)
    page = client.get("/fr/search/?q=atelier").content.decode()
    assert page.count('<span class="tag">') >= 3 * 4


# --- a theme or commune named: the directory's filter ------------------------------------------


def test_a_theme_and_a_commune_named_offer_the_directorys_filter(client, territory, food):
    schaerbeek = Commune.objects.get(slug="schaerbeek")
    for n in range(4):
        ActorFactory(name_fr=f"Entraide {n}", commune=schaerbeek, themes=[food])
    ActorFactory(name_fr="Entraide à Ixelles", commune=Commune.objects.get(slug="ixelles"), themes=[food])
    page = main(client.get("/en/search/", {"q": "aide alimentaire schaerbeek"}).content.decode())
    offers = links(section(page, "search-offers"))
    assert offers == [
        (
            "/en/directory/?theme=food-aid&commune=schaerbeek",
            "Food aid in Schaerbeek: see the 4 entries in the directory",
        )
    ]
    # The directory shows as many.
    directory = client.get(offers[0][0]).content.decode()
    assert re.search(r'class="result-count"[^>]*>\s*4\b', directory)


def test_the_offers_count_is_the_directorys(client, territory, food):
    ActorFactory(name_fr="Colis du cœur", themes=[food])
    offer = services.search("voedselhulp")["offers"][0]
    assert offer.themes == [food] and offer.communes == [] and offer.count == 1
    assert offer.url == f"{reverse('directory:list')}?theme=food-aid"


def test_a_commune_alone_offers_its_directory_page(client, territory):
    ixelles = Commune.objects.get(slug="ixelles")
    ActorFactory(name_fr="Maison des jeunes", commune=ixelles)
    ActorFactory(name_fr="Bibliothèque", commune=ixelles)
    offers = services.search("ixelles")["offers"]
    assert [(o.communes, o.count) for o in offers] == [([ixelles], 2)]
    page = main(client.get("/en/search/", {"q": "Elsene"}).content.decode())
    assert [text for _href, text in links(section(page, "search-offers"))] == [
        "Ixelles: see the 2 entries in the directory"
    ]


def test_no_offer_when_the_query_names_nothing_or_the_directory_has_nothing(client, territory, food):
    ActorFactory(name_fr="Atelier vélo")
    assert services.search("atelier")["offers"] == []
    assert services.search("aide alimentaire")["offers"] == []  # no actor has the theme


def test_the_offers_cost_a_constant_number_of_queries(client, territory, food):
    schaerbeek = Commune.objects.get(slug="schaerbeek")
    assert_queries_do_not_grow(
        client,
        "/fr/search/?q=aide+alimentaire+schaerbeek",
        lambda: ActorFactory(name_fr="Entraide", commune=schaerbeek, themes=[food]),
    )
    analysis = services.engine.analyse("aide alimentaire schaerbeek")
    with CaptureQueriesContext(connection) as context:
        index, vocab = services._directory()  # kept in memory: the data version is read
        offers = services.directory_offers(analysis, index, vocab)
    assert offers[0].count == 3 and len(context) <= 2


# --- the query as corrected ---------------------------------------------------------------------


def test_results_for_a_corrected_word_say_what_was_typed(client):
    ActorFactory(name_fr="Collectif logement", description_fr="Trouver un logement.")
    results = services.search("logment")
    assert results["analysis"].did_you_mean == "logement"
    assert [a.name_fr for a in results["actors"]] == ["Collectif logement"]
    page = main(client.get("/en/search/", {"q": "logment"}).content.decode())
    corrected = section(page, "search-corrected")
    assert "<strong>logement</strong>" in corrected and "logment" in corrected
    assert "Results for" in corrected


def test_no_correction_shown_when_the_words_are_known(client):
    ActorFactory(name_fr="Collectif logement")
    page = main(client.get("/fr/search/", {"q": "logement"}).content.decode())
    assert "search-corrected" not in page


# --- nothing found: ways on ---------------------------------------------------------------------


def test_nothing_found_offers_the_closest_themes_the_communes_and_the_form(client, territory, food, housing):
    ixelles = Commune.objects.get(slug="ixelles")
    ActorFactory(name_fr="Colis du cœur", commune=ixelles, themes=[food])
    ActorFactory(name_fr="Maison du logement", commune=ixelles, themes=[housing])
    results = services.search("alimentationnnn")
    assert results["actors"] == [] and results["suggestions"] is not None
    themes = [theme for theme, _url, _count in results["suggestions"].themes]
    assert themes and themes[0].slug in {"food", "food-aid"} and housing not in themes

    page = main(client.get("/fr/search/", {"q": "alimentationnnn"}).content.decode())
    help_links = links(section(page, "search-help"))
    listing = reverse("directory:list")
    assert (f"{listing}?theme={themes[0].slug}", themes[0].name_fr) in [
        (href, re.sub(r"^\W+", "", text)) for href, text in help_links
    ]
    assert (f"{listing}?commune=ixelles", "Ixelles") in help_links
    assert f"{listing}?commune=schaerbeek" not in dict(help_links)  # no actor there
    assert reverse("proposals:new", kwargs={"kind": "actor"}) in dict(help_links)
    assert "No actor found." not in page  # one message for the whole page, not three


def test_the_closest_themes_come_from_the_pages_language_and_the_thesaurus(food, housing):
    def closest(query, lang="fr"):
        return services.closest_themes(services.engine.analyse(query), [food, housing], lang)

    assert closest("huisvestin", "nl")[:1] == [housing]
    assert closest("epicerie socialle")[:1] == [food]  # an everyday word of the theme
    assert closest("voedselpaket")[:1] == [food]  # in another language when the page's has none
    assert closest("zzzzzz") == []


def test_the_closest_themes_leave_the_communes_named_out(territory, food, housing):
    assert services.closest_themes(services.engine.analyse("logemant ixelles"), [food, housing], "fr") == [housing]


def test_a_did_you_mean_link_runs_the_corrected_query(client, monkeypatch):
    analysis = services.engine.analyse("logment")
    analysis.did_you_mean = "logement"
    monkeypatch.setattr(services.engine, "analyse", lambda query: analysis)
    page = main(client.get("/en/search/", {"q": "logment"}).content.decode())
    assert ("/en/search/?q=logement", "logement") in links(section(page, "search-corrected"))
    assert "Did you mean" in section(page, "search-corrected")


def test_nothing_found_costs_a_constant_number_of_queries(client, territory):
    assert_queries_do_not_grow(client, "/fr/search/?q=zzzzzz", lambda: ActorFactory(name_fr="Atelier"))


def test_an_empty_query_shows_only_the_form(client):
    page = main(client.get("/fr/search/").content.decode())
    assert "search-help" not in page and "search-results" not in page


def test_what_was_typed_is_escaped_wherever_it_is_repeated(client):
    ActorFactory(name_fr="Collectif logement")
    for query in ("<b>zzzz</b>", "logment <b>"):
        page = main(client.get("/fr/search/", {"q": query}).content.decode())
        assert "<b>" not in page and "&lt;b&gt;" in page


def test_a_query_of_symbols_only_finds_nothing_and_helps(client, territory):
    ActorFactory(name_fr="Collectif", commune=Commune.objects.get(slug="jette"))
    page = main(client.get("/fr/search/", {"q": '" * ( ) :'}).content.decode())
    assert "search-nothing" in page and "?commune=jette" in page


def test_several_themes_named_offer_one_filter_each(client, food, housing):
    ActorFactory(name_fr="Maison", themes=[food, housing])
    offers = services.search("aide alimentaire logement")["offers"]
    assert sorted(theme.slug for offer in offers for theme in offer.themes) == ["food-aid", "housing"]


def test_a_theme_with_no_actor_in_the_commune_named_is_offered_everywhere(client, territory, food):
    ActorFactory(name_fr="Colis du cœur", commune=Commune.objects.get(slug="ixelles"), themes=[food])
    offers = services.search("aide alimentaire schaerbeek")["offers"]
    assert [(o.themes, o.communes, o.count) for o in offers] == [([food], [], 1)]
