"""Helpers for the browser tests: expected interface strings, demo data names, filter forms."""

import json
import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import translation
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

DEMO_FILE = Path(settings.BASE_DIR) / "demo" / "data" / "demo.json"


def tr(lang, message):
    """The interface string as the catalogue of ``lang`` gives it (the msgid when not translated)."""
    with translation.override(lang):
        return translation.gettext(message)


@cache
def _demo():
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


def demo_name(table, slug, field="name", lang="fr"):
    """The text of a demo item as written in demo/data/demo.json (French unless told)."""
    item = next(i for i in _demo()[table] if i["slug"] == slug)
    return item[field][lang]


def count_in(text):
    """The first whole number in a text ("12 acteurs" -> 12)."""
    match = re.search(r"\d[\d\u202f\u00a0 .]*", text)
    assert match, f"no number in {text!r}"
    return int(re.sub(r"\D", "", match.group()))


def apply_filter(page, control, param, *, select=None, lang="fr"):
    """Tick a checkbox (or choose ``select`` in a <select>) of a filter form and submit it.

    With JavaScript the form submits itself on change; without it (or if that is ever removed) the
    "Apply filters" button does. Waits until the new page, whose URL holds ``param``, is loaded.
    """
    if select is None:
        control.click()
    else:
        control.select_option(select)
    try:
        page.wait_for_url(lambda url: param in url, timeout=3_000)
    except PlaywrightTimeoutError:
        control.locator("xpath=ancestor::form").get_by_role("button", name=tr(lang, "Apply filters")).click()
        page.wait_for_url(lambda url: param in url)
    page.wait_for_load_state()


def wait_for_maps(page):
    """Wait until every Leaflet map of the page has drawn what it fetches."""
    if page.locator("[data-map=full]").count():
        expect(page.locator("[data-map=full]")).to_have_attribute("data-loaded", re.compile(r"^\d+$"))
    if page.locator("[data-map=communes]").count():
        # Outlines exist only when a boundaries file is configured; the count is there either way.
        expect(page.locator("[data-map=communes]")).to_have_attribute("data-loaded", re.compile(r"^\d+$"))
    for mini in page.locator("[data-map=mini]").all():
        expect(mini).to_have_class(re.compile(r"\bleaflet-container\b"))


def click_a_marker(page):
    """Click one actor's marker on the full map, zooming into clusters until a marker shows."""
    for _ in range(12):
        for marker in page.locator("#map .leaflet-marker-icon:not(.marker-cluster)").all():
            if marker.is_visible():
                try:
                    marker.click(timeout=2_000)
                    # A marker still moving (a zoom under load) may take the click without opening.
                    page.locator("#map .leaflet-popup-content").wait_for(timeout=2_000)
                    return
                except PlaywrightError:  # covered by a neighbour, or moved away: try another one
                    continue
        page.locator("#map .marker-cluster").first.click()
        page.wait_for_timeout(600)  # the zoom (or spiderfy) animation
    raise AssertionError("no marker could be clicked on the map")
