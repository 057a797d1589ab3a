"""Accessibility: axe-core on every kind of page in French and Dutch, and keyboard use."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from .support import tr, wait_for_maps

pytestmark = pytest.mark.browser

PAGES = [
    "/{lang}/",
    "/{lang}/directory/",
    "/{lang}/map/",
    "/{lang}/agenda/",
    "/{lang}/agenda/month/",
    "/{lang}/directory/le-forum/",  # no venue
    "/{lang}/directory/bruxelles-laique/",  # a venue, with its small map
    "/{lang}/agenda/forum-journee-annuelle-2024/",  # the Forum's annual day: programme and map
    "/{lang}/projects/",
    "/{lang}/projects/mutualisons/",  # phases and updates
    "/{lang}/search/?q=inegalites",
    # Contribution: forms written for newcomers, accounts, the charter and the freshness dashboard.
    "/{lang}/contribute/",
    "/{lang}/contribute/how-to-publish/",
    "/{lang}/contribute/new/actor/",
    "/{lang}/contribute/new/event/",
    "/{lang}/contribute/change/actor/le-forum/",
    "/{lang}/contribute/report/event/forum-journee-annuelle-2024/",
    "/{lang}/charter/",
    "/{lang}/account/privacy/",
    "/{lang}/account/login/",
    "/{lang}/account/signup/",
    "/{lang}/account/password/reset/",
    "/{lang}/freshness/",
    # Open data and widgets: the open-data page, the widget builder, the embeddable map and agenda.
    "/{lang}/open-data/",
    "/{lang}/embed/",
    "/{lang}/embed/map/?commune=schaerbeek",
    "/{lang}/embed/agenda/",
    "/api/docs",  # outside the language prefix: in the browser's language
    # Every other public page of the urls.py files: the agenda's archive, a filtered directory, a search
    # without result, the other contribution forms.
    "/{lang}/agenda/archive/",
    "/{lang}/directory/?commune=schaerbeek&kind=association",
    "/{lang}/search/?q=zzzzzz",
    "/{lang}/contribute/change/event/forum-journee-annuelle-2024/",
    "/{lang}/contribute/report/actor/bruxelles-laique/",
    "/{lang}/contribute/news/mutualisons/",
]
# The printing pages (issue 5), checked as soon as they are routed (printing:directory answers a PDF).
PRINT_PAGES = ["printing:index", "printing:handout", "printing:poster"]
FAILING_IMPACTS = ("serious", "critical")


def _axe(page):
    """axe-core's violations on the page (the rules of WCAG 2.x A and AA and best practices)."""
    page.evaluate(Axe().axe_script)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return results["violations"]


def _print_pages():
    pages = []
    for name in PRINT_PAGES:
        try:
            pages.append(reverse(name).replace("/fr/", "/{lang}/", 1))
        except NoReverseMatch:
            continue
    return pages


def _report(found):
    lines = []
    for url, violation in found:
        lines.append(f"{url}: {violation['id']} ({violation['impact']}) {violation['help']} — {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:200]}")
    return "\n".join(lines)


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_no_serious_axe_violation(context_factory, lang):
    page = context_factory(locale={"fr": "fr-BE", "nl": "nl-BE"}[lang]).new_page()
    found = []
    for pattern in PAGES + _print_pages():
        url = pattern.format(lang=lang)
        response = page.goto(url)
        assert response.ok, f"{url}: {response.status}"
        expect(page.locator("html")).to_have_attribute("lang", lang)
        wait_for_maps(page)
        found += [(url, v) for v in _axe(page) if v["impact"] in FAILING_IMPACTS]
    if found:
        pytest.fail("axe found serious or critical violations:\n" + _report(found), pytrace=False)


def test_keyboard_skip_link_then_filters(page):
    page.goto("/fr/directory/")
    page.keyboard.press("Tab")
    _assert_focus_visible(page)
    skip = page.locator(":focus")
    expect(skip).to_have_text(tr("fr", "Skip to content"))
    expect(skip).to_have_attribute("href", "#main")
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, f"the focused skip link is off screen: {box}"
    expect(skip).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # The filters come first in the main content: words, then the theme checkboxes.
    page.keyboard.press("Tab")
    expect(page.get_by_label(tr("fr", "Words"), exact=True)).to_be_focused()
    _assert_focus_visible(page)
    for _ in range(3):
        page.keyboard.press("Tab")
        _assert_focus_visible(page)
        if page.evaluate("() => document.activeElement.type === 'checkbox'"):
            break
    checkbox = page.locator("#facet-theme input[type=checkbox]:focus")
    expect(checkbox).to_have_count(1)
    theme = checkbox.get_attribute("value")
    page.keyboard.press("Space")  # ticks it; the form submits itself, or Enter on the button does
    try:
        page.wait_for_url(re.compile(rf"theme={theme}"), timeout=3_000)
    except PlaywrightTimeoutError:  # no script: Tab on to "Apply filters"
        for _ in range(200):
            page.keyboard.press("Tab")
            _assert_focus_visible(page)
            if page.evaluate("() => document.activeElement.type === 'submit'"):
                break
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(rf"theme={theme}"))
    expect(page.locator(f"#facet-theme input[value={theme}]")).to_be_checked()
    filtered_url = page.url

    # On to the results with Tab alone, every stop showing where the focus is; Enter opens an actor.
    for _ in range(400):
        page.keyboard.press("Tab")
        _assert_focus_visible(page)
        if page.evaluate("() => !!document.activeElement.closest('#directory-results .card-title')"):
            break
    else:
        pytest.fail("Tab never reached the results")
    actor = page.locator(":focus")
    name, href = actor.inner_text(), actor.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{href}")
    expect(page.locator("h1")).to_contain_text(name)
    page.keyboard.press("Tab")
    _assert_focus_visible(page)
    expect(page.locator(":focus")).to_have_text(tr("fr", "Skip to content"))

    # Back (the browser's own key, Alt+Left): the same filtered list, the filter still ticked.
    page.go_back()
    page.wait_for_url(filtered_url)
    expect(page.locator(f"#facet-theme input[value={theme}]")).to_be_checked()
    expect(page.locator("#directory-results .card-title a").first).to_be_visible()


def _assert_focus_visible(page):
    """The focused element shows it: an outline or a box shadow (WCAG 2.4.7)."""
    state = page.evaluate(
        """() => {
        const el = document.activeElement, style = getComputedStyle(el);
        return {
            html: el.outerHTML.slice(0, 120),
            outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
            shadow: style.boxShadow !== "none",
        };
    }"""
    )
    assert state["outline"] or state["shadow"], f"no visible focus on {state['html']}"


def test_page_not_found_has_no_serious_axe_violation(page):
    response = page.goto("/nl/no-such-page/")
    assert response.status == 404
    found = [("/nl/no-such-page/", v) for v in _axe(page) if v["impact"] in FAILING_IMPACTS]
    if found:
        pytest.fail("axe found serious or critical violations:\n" + _report(found), pytrace=False)


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_easy_reading_mode_keeps_contrast_and_aa(context_factory, site, lang):
    """Easy reading changes sizes, colours of the switch, underlines: axe again with it on."""
    context = context_factory(locale=f"{lang}-BE")
    context.add_cookies([{"name": "easy", "value": "1", "url": site.url}])
    page = context.new_page()
    found = []
    for url in (f"/{lang}/", f"/{lang}/directory/", f"/{lang}/directory/bruxelles-laique/"):
        page.goto(url)
        expect(page.locator("html")).to_have_class("easy")
        wait_for_maps(page)
        found += [(url, v) for v in _axe(page) if v["impact"] in FAILING_IMPACTS]
    if found:
        pytest.fail("axe found serious or critical violations in easy reading:\n" + _report(found), pytrace=False)


@pytest.mark.parametrize("easy", [False, True], ids=["normal", "easy-reading"])
def test_every_keyboard_stop_of_a_page_shows_the_focus(context_factory, site, easy):
    """Tab from the top of the page to its end, header (easy-reading switch, read aloud, languages),
    main content, maps and footer: every stop shows where the focus is, in both reading modes."""
    context = context_factory()
    if easy:
        context.add_cookies([{"name": "easy", "value": "1", "url": site.url}])
    page = context.new_page()
    for url in ("/fr/", "/fr/directory/bruxelles-laique/", "/fr/print/"):
        page.goto(url)
        wait_for_maps(page)
        seen = []
        for _ in range(600):
            page.keyboard.press("Tab")
            # Past the last stop the focus leaves the page (body) or wraps to the skip link.
            key = page.evaluate(
                "() => { const el = document.activeElement;"
                " return el === document.body || (el.classList.contains('skip-link') && window.scrollY > 0)"
                " ? null : el.outerHTML.slice(0, 200); }"
            )
            if key is None or (seen and key.startswith('<a class="skip-link"')):
                break
            seen.append(key)
            # Chromium's month field hands the focus to its own picker button, outside the page.
            if page.evaluate("() => document.activeElement.matches(':focus')"):
                _assert_focus_visible(page)
        last = page.locator(".site-footer a").last.get_attribute("href")
        assert any('name="easy"' in k for k in seen), f"{url}: Tab never reached the easy-reading switch"
        assert any(f'href="{last}"' in k for k in seen), f"{url}: Tab never reached the end of the footer"
