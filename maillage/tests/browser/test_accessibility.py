"""Accessibility: axe-core on every kind of page in French and Dutch, and keyboard use."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
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
]
FAILING_IMPACTS = ("serious", "critical")


def _axe(page):
    """axe-core's violations on the page (the rules of WCAG 2.x A and AA and best practices)."""
    page.evaluate(Axe().axe_script)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return results["violations"]


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
    for pattern in PAGES:
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
    for _ in range(3):
        page.keyboard.press("Tab")
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
            if page.evaluate("() => document.activeElement.type === 'submit'"):
                break
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(rf"theme={theme}"))
    expect(page.locator(f"#facet-theme input[value={theme}]")).to_be_checked()
