"""Open data as a visitor finds it: the footer's "Open data" page, its HSDS and REST API links, and
the map's "Show it on your website" link to the widget builder."""

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from .support import tr

pytestmark = pytest.mark.browser

COMMUNE = "bruxelles"  # the commune with the most demo actors
OTHER_COMMUNE = "schaerbeek"


@pytest.fixture
def site_url(settings, site):
    """Absolute links (HSDS, the open-data page) point at the live server."""
    settings.SITE_URL = site.url
    return site.url


def _json(page):
    """The JSON document the browser shows (Chromium wraps it in a <pre>)."""
    return json.loads(page.locator("body").inner_text())


def test_open_data_page_leads_to_hsds_and_the_api_docs(page, site_url):
    page.goto("/fr/")
    footer = page.locator("footer")
    footer.get_by_role("link", name=tr("fr", "Open data"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/fr/open-data/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("fr", "Open data"))
    expect(page.get_by_role("heading", level=2, name=tr("fr", "Licence"))).to_be_visible()

    # HSDS 3.0: the index names its collections; the organisations come in HSDS pages.
    developers = page.locator("section[aria-labelledby=apis-title]")
    developers.locator('a[href$="/api/hsds/"]').click()
    expect(page).to_have_url(re.compile(r"/api/hsds/$"))
    index = _json(page)
    organisations = index["links"]["organizations"]
    assert organisations.startswith(site_url), organisations
    page.goto(organisations)
    listing = _json(page)
    assert listing["total_items"] > 20, {k: v for k, v in listing.items() if k != "contents"}
    assert listing["page_number"] == 1 and listing["first_page"] and listing["contents"]
    assert all(item.get("name") for item in listing["contents"])
    page.goto(organisations + "?per_page=5&page=2")
    second = _json(page)
    assert second["total_items"] == listing["total_items"]
    assert second["page_number"] == 2 and second["size"] == len(second["contents"]) == 5

    # The REST API's documentation page, from the same section, lists the actors endpoint.
    page.go_back()
    page.go_back()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/fr/open-data/$"))
    developers.get_by_role("link", name=re.compile(r"api.docs$")).click()
    expect(page).to_have_url(re.compile(r"/api/docs$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("fr", "Open API"))
    endpoint = page.locator("main").get_by_role("link", name=re.compile(r"^GET .api.actors$"))
    expect(endpoint.first).to_be_visible()
    # Its example answers JSON.
    section = page.locator("section").filter(has=page.get_by_role("heading", name=re.compile(r"^GET .api.actors\s")))
    example = section.first.locator("a").filter(has=page.locator("code")).last.get_attribute("href")
    response = page.request.get(example)
    assert response.ok and response.headers["content-type"].startswith("application/json"), example
    assert response.json()["count"] > 20


def _builder_query(page):
    return parse_qs(urlsplit(page.url).query)


def test_map_to_widget_builder_keeps_the_filters_and_follows_the_choices(page):
    page.goto(f"/fr/map/?commune={COMMUNE}")
    expect(page.locator("#map")).to_have_attribute("data-loaded", re.compile(r"^\d+$"))
    page.get_by_role("link", name=tr("fr", "Show it on your website")).click()

    expect(page).to_have_url(re.compile(r"/fr/embed/\?"))
    assert _builder_query(page).get("commune") == [COMMUNE]
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("fr", "Embed Maillage on your site"))
    expect(page.locator(".form-errors")).to_have_count(0)  # the map's filters are valid choices
    commune = page.get_by_role("combobox", name=re.compile(rf"^{tr('fr', 'Commune')}\b"))
    expect(commune).to_have_value(COMMUNE)
    expect(page.get_by_label(tr("fr", "Map of initiatives"))).to_be_checked()
    iframe_snippet = page.locator("#snippet-iframe")
    script_snippet = page.locator("#snippet-script")
    preview = page.locator("iframe.widget-preview")
    expect(iframe_snippet).to_have_value(re.compile(rf"/fr/embed/map/\?commune={COMMUNE}\b"))
    expect(script_snippet).to_have_value(re.compile(rf"{COMMUNE}"))
    expect(preview).to_have_attribute("src", re.compile(rf"/fr/embed/map/\?commune={COMMUNE}\b"))

    # Another commune, submitted by the form's button (the page works without JavaScript).
    commune.select_option(OTHER_COMMUNE)
    page.get_by_role("button", name=tr("fr", "Update the snippets")).click()
    page.wait_for_url(re.compile(rf"commune={OTHER_COMMUNE}"))
    expect(commune).to_have_value(OTHER_COMMUNE)
    expect(iframe_snippet).to_have_value(re.compile(rf"/fr/embed/map/\?commune={OTHER_COMMUNE}\b"))
    expect(iframe_snippet).not_to_have_value(re.compile(rf"commune={COMMUNE}\b"))
    expect(script_snippet).to_have_value(re.compile(rf"{OTHER_COMMUNE}"))
    expect(preview).to_have_attribute("src", re.compile(rf"/fr/embed/map/\?commune={OTHER_COMMUNE}\b"))
    # The preview shows that commune's actors.
    points = page.request.get(f"/fr/map/points.json?commune={OTHER_COMMUNE}").json()["points"]
    expect(page.frame_locator("iframe.widget-preview").locator("#map")).to_have_attribute(
        "data-loaded", str(len(points))
    )


def test_builder_without_javascript(context_factory):
    page = context_factory(java_script_enabled=False).new_page()
    page.goto(f"/fr/map/?commune={COMMUNE}")
    page.get_by_role("link", name=tr("fr", "Show it on your website")).click()
    commune = page.get_by_role("combobox", name=re.compile(rf"^{tr('fr', 'Commune')}\b"))
    expect(commune).to_have_value(COMMUNE)
    commune.select_option(OTHER_COMMUNE)
    page.get_by_role("button", name=tr("fr", "Update the snippets")).click()
    page.wait_for_url(re.compile(rf"commune={OTHER_COMMUNE}"))
    expect(page.locator("#snippet-iframe")).to_have_value(re.compile(rf"commune={OTHER_COMMUNE}\b"))
    expect(page.locator("iframe.widget-preview")).to_have_attribute(
        "src", re.compile(rf"/fr/embed/map/\?commune={OTHER_COMMUNE}\b")
    )
    # The embedded map's list (for pages without JavaScript) names that commune's actors.
    fallback = page.frame_locator("iframe.widget-preview").locator(".embed-fallback")
    expect(fallback).to_be_visible()
