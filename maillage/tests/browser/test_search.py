"""Search as a newcomer types it, on the demo data: a typo, a word that finds nothing, a theme and
a commune named. The page works without JavaScript and keeps to WCAG AA (axe)."""

import json
import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from maillage.text import fold

from .support import count_in, demo_name, tr
from .test_accessibility import FAILING_IMPACTS, _axe, _report

pytestmark = pytest.mark.browser

TAXONOMY = settings.BASE_DIR / "demo" / "data" / "taxonomy.json"


def theme_names(lang="fr"):
    """slug -> name of every theme of the demo taxonomy."""
    names = {}
    for top in json.loads(TAXONOMY.read_text(encoding="utf-8"))["themes"]:
        for theme in (top, *top.get("children", ())):
            names[theme["slug"]] = theme["name"][lang]
    return names


def search_from_the_header(page, words):
    page.goto("/fr/")
    box = page.locator(".site-header").get_by_role("searchbox")
    box.fill(words)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/fr/search/\?q="))


def test_a_search_with_a_typo_finds_the_entry_and_marks_the_words(page):
    search_from_the_header(page, "logment")
    # The correction is said, and what was typed.
    corrected = page.locator(".search-corrected")
    expect(corrected.locator("strong")).to_have_text("logement")
    expect(corrected).to_contain_text("logment")
    # The entry is found, its words marked as written in its text, with its themes.
    name = demo_name("actors", "rizome-bxl")
    result = page.locator(".result-list > li").filter(has=page.get_by_role("link", name=name, exact=True))
    expect(result).to_have_count(1)
    expect(result.locator(".found-in mark").first).to_be_visible()
    marked = result.locator(".found-in mark").all_inner_texts()
    assert marked and all(fold(word).startswith("logement") for word in marked), marked
    expect(result.locator(".result-themes .tag").first).to_be_visible()
    # Every mark on the page is a form of the word meant.
    for word in page.locator(".found-in mark").all_inner_texts():
        assert fold(word).startswith("logement"), word


def test_an_empty_search_offers_the_closest_themes_the_communes_and_the_form(context_factory):
    page = context_factory(java_script_enabled=False).new_page()  # a plain form: no script needed
    page.goto("/fr/search/")
    page.get_by_label(tr("fr", "Search actors, events and projects")).fill("alimantasion")
    page.locator("main").get_by_role("button", name=tr("fr", "Search")).click()
    page.wait_for_url(re.compile(r"/fr/search/\?q=alimantasion$"))
    expect(page.locator(".search-nothing")).to_be_visible()
    expect(page.locator(".result-list")).to_have_count(0)

    help_section = page.locator(".search-help")
    themes = help_section.locator(".search-themes li")
    expect(themes.first).to_be_visible()
    names = theme_names()
    offered = [re.sub(r"^\W+", "", text).strip() for text in themes.locator("a").all_inner_texts()]
    assert offered[0] in {names["food"], names["right-to-food"], names["food-aid"]}, offered
    expect(help_section.locator(".search-communes a").first).to_be_visible()
    expect(help_section.get_by_role("link", name=tr("fr", "Propose an actor"))).to_have_attribute(
        "href", "/fr/contribute/new/actor/"
    )

    # A theme leads to the directory filtered by it, with as many actors as it said.
    first = themes.first
    shown = count_in(first.locator(".count").inner_text())
    first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/fr/directory/\?theme="))
    assert count_in(page.locator(".result-count").inner_text()) == shown


def test_a_theme_named_in_the_query_offers_its_filter(page):
    search_from_the_header(page, "sans-abrisme bruxelles")
    offer = page.locator(".search-offers a").first
    expect(offer).to_contain_text(theme_names()["homelessness"])
    expect(offer).to_contain_text("Bruxelles")
    expect(offer).to_have_attribute("href", "/fr/directory/?theme=homelessness&commune=bruxelles")
    text = offer.inner_text()
    shown = count_in(text) if re.search(r"\d", text) else 1  # "see the entry": one
    offer.click()
    page.wait_for_url(re.compile(r"/fr/directory/\?theme=homelessness&commune=bruxelles$"))
    assert count_in(page.locator(".result-count").inner_text()) == shown
    expect(page.locator("#facet-theme input[value=homelessness]")).to_be_checked()
    expect(page.locator("#facet-commune input[value=bruxelles]")).to_be_checked()


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_what_the_search_page_offers_keeps_to_wcag(context_factory, lang):
    """The page's new parts (the correction, the directory's filter offered, themes of the results,
    ways on when nothing is found), checked by axe like every page."""
    page = context_factory(locale=f"{lang}-BE").new_page()
    found = []
    for query in ("logment", "sans-abrisme+bruxelles", "alimantasion"):
        url = f"/{lang}/search/?q={query}"
        assert page.goto(url).ok
        found += [(url, v) for v in _axe(page) if v["impact"] in FAILING_IMPACTS]
    if found:
        pytest.fail("axe found serious or critical violations:\n" + _report(found), pytrace=False)
