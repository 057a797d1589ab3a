"""A newcomer's journeys through the site, asserting on what the pages show."""

import re

import pytest
from playwright.sync_api import expect

from .support import apply_filter, click_a_marker, count_in, demo_name, tr, wait_for_maps

pytestmark = pytest.mark.browser

FORUM = "le-forum"  # "Le Forum – Bruxelles contre les inégalités": an accented name, and no venue
COMMUNE = "bruxelles"  # the commune with the most demo actors


def test_home_then_accent_insensitive_search(page):
    page.goto("/fr/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("fr", "Who does what, where and when in Brussels"))

    # Counts by commune: several communes have actors, and a count leads to as many in the directory.
    by_commune = page.locator("section[aria-labelledby=communes-title]")
    expect(by_commune.get_by_role("heading", level=2)).to_have_text(tr("fr", "By commune"))
    items = by_commune.locator(".count-list li")
    expect(items.first).to_be_visible()
    counts = [count_in(item.locator(".count").inner_text()) for item in items.all()]
    assert len([n for n in counts if n > 0]) >= 5, counts
    wait_for_maps(page)  # the preview map draws the commune outlines
    brussels = items.filter(has=page.locator(f'a[href$="?commune={COMMUNE}"]'))
    shown = count_in(brussels.locator(".count").inner_text())
    brussels.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/fr/directory/\?commune={COMMUNE}$"))
    assert count_in(page.locator(".result-count").inner_text()) == shown
    expect(page.locator(".cards > li.card")).to_have_count(shown)

    # The header search, typed without accents, finds the accented names.
    search = page.locator(".site-header").get_by_role("searchbox")
    search.fill("inegalites")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/fr/search/\?q=inegalites$"))
    forum = demo_name("actors", FORUM)
    assert "inégalités" in forum
    actor_link = page.get_by_role("link", name=forum, exact=True)
    expect(actor_link).to_be_visible()
    project = demo_name("projects", "crebis-inegalites-environnementales", "title")
    expect(page.get_by_role("link", name=project, exact=True)).to_be_visible()
    actor_link.click()
    expect(page).to_have_url(re.compile(rf"/fr/directory/{FORUM}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(forum)


def test_directory_filters_then_actor_page(page):
    page.goto("/fr/directory/")
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("fr", "Directory"))
    result_count = page.locator(".result-count")
    total = count_in(result_count.inner_text())
    assert total > 20

    commune = page.locator("#facet-commune").get_by_role("checkbox", name=re.compile(r"^Bruxelles \("))
    apply_filter(page, commune, f"commune={COMMUNE}")
    in_commune = count_in(result_count.inner_text())
    assert 0 < in_commune < total

    # A theme among the actors of that commune, fewer than all of them (the facet count says how many).
    themes = page.locator("#facet-theme li label").all()
    counted = [(count_in(label.locator(".count").inner_text()), label) for label in themes]
    expected, label = min(((n, label) for n, label in counted if 0 < n < in_commune), key=lambda pair: pair[0])
    theme = label.get_by_role("checkbox").get_attribute("value")
    apply_filter(page, label.get_by_role("checkbox"), f"theme={theme}")

    assert count_in(result_count.inner_text()) == expected
    assert f"commune={COMMUNE}" in page.url and f"theme={theme}" in page.url
    expect(page.locator(f"#facet-commune input[value={COMMUNE}]")).to_be_checked()
    expect(page.locator(f"#facet-theme input[value={theme}]")).to_be_checked()
    cards = page.locator(".cards > li.card")
    expect(cards).to_have_count(expected)
    for card in cards.all():
        expect(card.locator(".meta")).to_contain_text("Bruxelles")
    # The links to other views keep the filters.
    on_map = page.get_by_role("link", name=tr("fr", "Show these on the map"))
    expect(on_map).to_have_attribute("href", re.compile(rf"commune={COMMUNE}.*theme={theme}|theme={theme}.*commune="))

    title = cards.first.get_by_role("heading").get_by_role("link")
    name = title.inner_text()
    title.click()
    expect(page).to_have_url(re.compile(r"/fr/directory/[\w-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    verified = tr("fr", "verified on %(date)s").split("%(date)s")[0].strip()
    expect(page.locator(".page-header .status")).to_contain_text(re.compile(rf"{re.escape(verified)} \d"))


def test_map_markers_popups_and_filters(page):
    page.goto("/fr/map/")
    the_map = page.locator("#map")
    expect(the_map).to_have_attribute("data-loaded", re.compile(r"^[1-9]\d*$"))
    total = int(the_map.get_attribute("data-loaded"))
    expect(page.locator("#map-status")).to_contain_text(str(total))
    expect(page.locator("#map .leaflet-marker-icon").first).to_be_visible()
    expect(page.locator("#map path").first).to_be_attached()  # commune outlines, without tiles

    click_a_marker(page)
    link = page.locator("#map .leaflet-popup-content a.popup-title")
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", re.compile(r"^/fr/directory/[\w-]+/$"))
    name = link.inner_text()
    link.click()
    expect(page).to_have_url(re.compile(r"/fr/directory/[\w-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)

    page.goto(f"/fr/map/?commune={COMMUNE}")
    expect(the_map).to_have_attribute("data-loaded", re.compile(r"^\d+$"))
    filtered = int(the_map.get_attribute("data-loaded"))
    assert 0 < filtered < total
    expect(page.locator(f"#facet-commune input[value={COMMUNE}]")).to_be_checked()
    as_list = page.get_by_role("link", name=tr("fr", "Show these as a list"))
    expect(as_list).to_have_attribute("href", re.compile(rf"commune={COMMUNE}"))


def test_language_switch_keeps_the_page(page):
    page.goto(f"/fr/directory/{FORUM}/")
    forum = demo_name("actors", FORUM)
    expect(page.get_by_role("heading", level=1)).to_have_text(forum)
    switcher = page.get_by_role("navigation", name=tr("fr", "Language"))
    switcher.get_by_role("link", name=re.compile(r"^NL\b")).click()

    expect(page).to_have_url(re.compile(rf"/nl/directory/{FORUM}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text(forum)  # no Dutch name: the French one
    labels = ["Directory", "Map", "Agenda", "Projects"]
    dutch = [tr("nl", label) for label in labels]
    assert dutch[0] != "Directory" and dutch[1] != "Map", f"locale/nl does not translate the navigation: {dutch}"
    nav = page.get_by_role("navigation", name=tr("nl", "Main"))
    expect(nav.get_by_role("link")).to_have_text(dutch)
    switcher = page.get_by_role("navigation", name=tr("nl", "Language"))
    expect(switcher.locator("a[aria-current]")).to_have_attribute("hreflang", "nl")


def test_agenda_ical_feed_keeps_the_filters(page):
    page.goto("/fr/agenda/")
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("fr", "Agenda"))
    link = page.locator('main a[type="text/calendar"]')
    alternate = page.locator('head link[rel="alternate"][type="text/calendar"]')
    expect(link).to_have_count(1)
    expect(alternate).to_have_count(1)
    href = link.get_attribute("href")
    assert alternate.get_attribute("href") == href

    def events_in(url):
        response = page.request.get(url)
        assert response.ok, f"{url}: {response.status}"
        assert response.headers["content-type"].startswith("text/calendar")
        body = response.text()
        assert body.startswith("BEGIN:VCALENDAR"), body[:80]
        assert body.rstrip().endswith("END:VCALENDAR")
        return body.count("BEGIN:VEVENT")

    everything = events_in(href)
    assert everything >= 1

    # A theme with one recurring event (the C-For working group)
    apply_filter(page, page.locator("#agenda-theme"), "theme=pooling", select="pooling")
    expect(page.locator("#agenda-theme")).to_have_value("pooling")
    expect(page.locator(".event-item").first).to_be_visible()
    expect(link).to_have_attribute("href", re.compile(r"agenda\.ics\?(.*&)?theme=pooling"))
    expect(alternate).to_have_attribute("href", link.get_attribute("href"))
    filtered = events_in(link.get_attribute("href"))
    assert 1 <= filtered < everything
