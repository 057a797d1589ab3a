"""Widgets on a partner's site: a plain HTML page on another origin embeds Maillage's map and agenda."""

import json
import re
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from widgets import services

from .conftest import TIMEOUT_MS
from .test_csp import RECORD_VIOLATIONS

pytestmark = pytest.mark.browser

COMMUNE = "bruxelles"  # the commune with the most demo actors


def partner_page(origin):
    """A partner's page: the iframe snippet and the script snippet of a commune's map, and the agenda."""
    commune = [("commune", COMMUNE)]
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Commune partenaire</title></head>
<body>
<h1>Notre commune</h1>
<section id="with-iframe">{services.iframe_snippet(origin, "map", "fr", commune, height=400)}</section>
<section id="with-script">{services.script_snippet(origin, "map", "fr", commune)}</section>
<section id="agenda">{services.script_snippet(origin, "agenda", "nl")}</section>
</body></html>"""


@pytest.fixture
def partner(site):
    """A plain web server on 127.0.0.1 (another origin than the live server on localhost)."""
    body = partner_page(site.url).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def partner_context(browser, site, partner):
    """A browser context that may reach the partner's server and Maillage, nothing else."""
    allowed = {urlsplit(site.url).netloc, urlsplit(partner).netloc}
    outside = []

    def route(route):
        if urlsplit(route.request.url).netloc in allowed:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context = browser.new_context(locale="fr-BE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.route(lambda url: not url.startswith(("data:", "blob:", "about:")), route)
    context.add_init_script(RECORD_VIOLATIONS)  # in every frame
    yield context
    context.close()
    assert not outside, f"the pages requested other hosts: {outside}"


def points_of(site, query):
    with urllib.request.urlopen(f"{site.url}/fr/map/points.json?{query}") as response:
        return json.loads(response.read())["points"]


def violations(frame):
    return frame.evaluate("() => window.__cspViolations")


def test_partner_page_shows_the_map_and_agenda_widgets(partner_context, partner, site):
    expected = len(points_of(site, f"commune={COMMUNE}"))
    assert 0 < expected < len(points_of(site, ""))
    page = partner_context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(partner)

    # (a) The iframe snippet: the commune's actors on the map, as markers or clusters.
    frame = page.frame_locator("#with-iframe iframe")
    embedded_map = frame.locator("#map[data-map=full]")
    expect(embedded_map).to_have_attribute("data-loaded", str(expected))
    expect(frame.locator(".leaflet-marker-icon, .marker-cluster").first).to_be_visible()
    expect(frame.locator(".embed-fallback")).to_be_hidden()  # the list is for pages without JavaScript
    expect(frame.get_by_role("link", name="Maillage", exact=True)).to_have_attribute("target", "_blank")

    # (b) The script snippet made an iframe of the same map, titled, lazy, and fitted by the page's message.
    made = page.locator("#with-script iframe")
    expect(made).to_have_attribute("loading", "lazy")
    expect(made).to_have_attribute("src", f"{site.url}/fr/embed/map/?commune={COMMUNE}")
    made.scroll_into_view_if_needed()
    expect(page.frame_locator("#with-script iframe").locator("#map")).to_have_attribute("data-loaded", str(expected))
    expect(
        page.frame_locator("#with-script iframe").locator(".leaflet-marker-icon, .marker-cluster").first
    ).to_be_visible()
    expect(made).to_have_attribute("data-maillage-height", re.compile(r"^\d+$"))
    assert made.get_attribute("height") == made.get_attribute("data-maillage-height")
    expect(made).to_have_attribute("title", services.widget_title("map", "fr"))  # named before it loads

    # The agenda (in Dutch): its height fitted to its events, whose titles it shows.
    agenda = page.locator("#agenda iframe")
    agenda.scroll_into_view_if_needed()
    titles = page.frame_locator("#agenda iframe").locator(".embed-events a")
    expect(titles.first).to_be_visible()
    assert titles.count() > 3
    expect(titles.first).to_have_attribute("target", "_blank")
    expect(agenda).to_have_attribute("data-maillage-height", re.compile(r"^\d+$"))
    height = int(agenda.get_attribute("height"))
    assert height != 450 and height == int(agenda.get_attribute("data-maillage-height"))
    content = (
        agenda.element_handle()
        .content_frame()
        .evaluate("() => Math.ceil(document.documentElement.getBoundingClientRect().height)")
    )
    assert abs(content - height) <= 2
    assert "/nl/embed/agenda/" in agenda.get_attribute("src")
    expect(agenda).to_have_attribute("title", services.widget_title("agenda", "nl"))

    # No script error, no CSP violation in any frame (Leaflet styles through the CSSOM, which CSP allows).
    problems = [f"{frame.url}: {v}" for frame in page.frames for v in violations(frame)]
    assert not problems and not errors, problems + errors


def test_builder_preview_and_snippets_follow_the_choices(partner_context, site):
    page = partner_context.new_page()
    page.goto(f"{site.url}/en/embed/")
    page.get_by_label("Agenda: next events").check()
    page.get_by_label("Accent colour").fill("#c00")
    page.get_by_role("button", name="Update the snippets").click()
    page.wait_for_url(re.compile(r"widget=agenda"))
    expect(page.locator("#snippet-iframe")).to_have_value(re.compile(r"/en/embed/agenda/\?accent=%23c00"))
    expect(page.locator("#snippet-script")).to_have_value(re.compile(r'data-maillage-widget="agenda"'))
    preview = page.frame_locator("iframe.widget-preview")
    expect(preview.locator("html")).to_have_class(re.compile(r"\bhas-accent\b"))
    expect(preview.locator(".embed-events a").first).to_be_visible()
    # The copy buttons are a JavaScript enhancement.
    expect(page.get_by_role("button", name="Copy")).to_have_count(2)
