import datetime as dt
import html
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from agenda.tests.factories import EventFactory
from directory.tests.factories import ActorFactory, PlaceFactory, ThemeFactory
from maillage.testing import assert_queries_do_not_grow
from territory.models import Commune
from widgets import services

pytestmark = pytest.mark.django_db

INJECTIONS = [
    "red",
    "#12345",
    "#ggg",
    "#fff;}body{display:none",
    "#fff</style><script>alert(1)</script>",
    "expression(alert(1))",
    "#fff\n}body{color:red}",
    "url(javascript:alert(1))",
]


@pytest.fixture
def schaerbeek(territory):
    return Commune.objects.get(slug="schaerbeek")


@pytest.fixture
def ixelles(territory):
    return Commune.objects.get(slug="ixelles")


def actor_in(commune, **kwargs):
    return ActorFactory(commune=commune, places=[PlaceFactory(commune=commune, lat=50.867, lon=4.38)], **kwargs)


def event_in(commune, days=3, **kwargs):
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=days)
    return EventFactory(commune=commune, start=start, end=start + dt.timedelta(hours=2), **kwargs)


def tr(lang, message):
    with translation.override(lang):
        return translation.gettext(message)


# --- embed pages: content -------------------------------------------------------------------


def test_map_embed_lists_the_actors_of_the_filters_and_points_its_map_at_them(client, schaerbeek, ixelles):
    food = ThemeFactory(slug="food", name_fr="Alimentation")
    actor_in(schaerbeek, name_fr="Épicerie solidaire", themes=[food])
    actor_in(schaerbeek, name_fr="Club de lecture")
    actor_in(ixelles, name_fr="Resto du cœur", themes=[food])
    response = client.get("/fr/embed/map/?commune=schaerbeek&theme=food")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Épicerie solidaire" in page
    assert "Club de lecture" not in page and "Resto du cœur" not in page
    assert 'data-points="/fr/map/points.json?theme=food&amp;commune=schaerbeek"' in page
    # The same filters on Maillage, opened in a new tab; the credit link is there.
    assert 'href="/fr/map/?theme=food&amp;commune=schaerbeek" target="_blank" rel="noopener"' in page
    assert 'class="embed-brand" href="/fr/"' in page
    # Its own light layout, not the site's.
    assert "site-header" not in page and "site-footer" not in page
    assert '<base target="_blank">' in page


def test_map_embed_is_in_the_language_of_its_address(client, schaerbeek):
    actor_in(schaerbeek, name_fr="Maison de quartier", name_nl="Buurthuis")
    page = client.get("/nl/embed/map/?commune=schaerbeek").content.decode()
    assert '<html lang="nl"' in page
    assert "Buurthuis" in page and 'href="/nl/directory/' in page


def test_map_embed_lists_the_first_50_and_says_there_are_more(client, schaerbeek, monkeypatch):
    monkeypatch.setattr(services, "MAP_LIST_SIZE", 2)
    for name in ("Alpha", "Bravo", "Charlie"):
        actor_in(schaerbeek, name_fr=name)
    page = client.get("/fr/embed/map/").content.decode()
    assert "Alpha" in page and "Bravo" in page and "Charlie" not in page
    assert "3 " in page  # the count of all matching actors


def test_agenda_embed_lists_the_next_events_of_the_filters_by_day(client, schaerbeek, ixelles):
    food = ThemeFactory(slug="food", name_fr="Alimentation")
    soon = event_in(schaerbeek, days=2, title_fr="Repas de quartier", themes=[food])
    event_in(schaerbeek, days=5, title_fr="Atelier vélo", themes=[food])
    event_in(ixelles, days=2, title_fr="Ailleurs", themes=[food])
    event_in(schaerbeek, days=-3, title_fr="Passé", themes=[food])
    response = client.get("/fr/embed/agenda/?commune=schaerbeek&theme=food")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("Repas de quartier") < page.index("Atelier vélo")
    assert "Ailleurs" not in page and "Passé" not in page
    assert page.count('class="embed-day"') == 2
    link = f'<a href="{soon.get_absolute_url()}" target="_blank" rel="noopener">Repas de quartier</a>'
    assert link in page
    start = timezone.localtime(soon.start)
    assert f'<time datetime="{start.isoformat()}">{start:%H:%M}</time>' in page
    assert 'href="/fr/agenda/?theme=food&amp;commune=schaerbeek" target="_blank" rel="noopener"' in page


def test_agenda_embed_limit_is_bounded(client, schaerbeek):
    for i in range(3):
        event_in(schaerbeek, days=i + 1, title_fr=f"Rencontre numéro {i}")
    page = client.get("/fr/embed/agenda/?limit=2").content.decode()
    assert "Rencontre numéro 1" in page and "Rencontre numéro 2" not in page
    page = client.get("/fr/embed/agenda/?limit=x").content.decode()
    assert "Rencontre numéro 2" in page


def test_agenda_embed_without_events_says_so(client, territory):
    page = client.get("/en/embed/agenda/").content.decode()
    assert tr("en", "No upcoming event matches these filters.") in page


def test_unknown_filters_are_ignored_with_a_notice_and_never_echo_markup(client, schaerbeek):
    actor_in(schaerbeek, name_fr="Seul")
    page = client.get("/fr/embed/map/", {"commune": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert 'class="embed-notices"' in page and "Seul" in page


# --- embed pages: framing, cookies, methods ----------------------------------------------------


def directives(response):
    pairs = (d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";") if d.strip())
    return dict(pairs)


@pytest.mark.parametrize("url", ["/fr/embed/map/", "/nl/embed/agenda/?commune=schaerbeek"])
def test_embed_pages_may_be_framed_by_any_site_and_set_no_cookie(client, territory, url):
    response = client.get(url)
    policy = directives(response)
    assert policy.pop("frame-ancestors") == "*"
    # Nothing else is loosened: the rest of the policy is the site's.
    site = directives(client.get("/fr/"))
    assert site.pop("frame-ancestors") == "'self'"
    assert policy == site and policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert "X-Frame-Options" not in response
    assert not response.cookies
    assert "public" in response["Cache-Control"]


@pytest.mark.parametrize("url", ["/fr/embed/map/", "/fr/embed/agenda/"])
def test_embed_pages_ignore_a_signed_in_visitor(client, territory, url):
    """The builder's preview sends our session cookie: the shared, publicly cached page must not
    read the session (no Vary: Cookie, no CSRF token, nothing set)."""
    client.force_login(UserFactory())
    response = client.get(url)
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert "csrfmiddlewaretoken" not in response.content.decode()


@pytest.mark.parametrize("url", ["/fr/embed/", "/fr/map/", "/fr/agenda/", "/fr/"])
def test_other_pages_still_refuse_to_be_framed_by_other_sites(client, territory, url):
    response = client.get(url)
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] in ("DENY", "SAMEORIGIN")


@pytest.mark.parametrize("url", ["/fr/embed/map/", "/fr/embed/agenda/"])
def test_embed_pages_are_read_only(client, territory, url):
    assert client.post(url).status_code == 405
    head = client.head(url)  # link checkers of partner sites
    assert head.status_code == 200 and "frame-ancestors *" in head["Content-Security-Policy"]


# --- appearance --------------------------------------------------------------------------------


def test_appearance_becomes_classes_and_a_stylesheet_without_inline_css(client, territory):
    page = client.get("/fr/embed/agenda/?accent=%232A6F97&scheme=dark&compact=1").content.decode()
    assert '<html lang="fr" class="embed scheme-dark compact has-accent">' in page
    assert '<link rel="stylesheet" href="/fr/embed/style.css?accent=%232a6f97">' in page
    assert "style=" not in page and "<style" not in page
    css = client.get("/fr/embed/style.css?accent=%232a6f97")
    assert css["Content-Type"].startswith("text/css")
    assert "max-age=86400" in css["Cache-Control"]
    assert css.content.decode() == ":root{--accent:#2a6f97}\n"


def test_short_accent_colours_are_accepted(client, territory):
    page = client.get("/fr/embed/map/?accent=%23c00").content.decode()
    assert 'href="/fr/embed/style.css?accent=%23c00"' in page


@pytest.mark.parametrize("accent", INJECTIONS)
def test_accent_injection_attempts_are_ignored(client, territory, accent):
    response = client.get("/fr/embed/map/", {"accent": accent, "scheme": "</html>", "compact": "<b>"})
    page = response.content.decode()
    assert "style.css" not in page and "has-accent" not in page
    assert '<html lang="fr" class="embed scheme-light">' in page
    assert "alert(1)" not in page and "display:none" not in page
    css = client.get("/fr/embed/style.css", {"accent": accent}).content.decode()
    assert "{" not in css.replace("/* no accent colour */", "")


def test_parse_accent():
    assert services.parse_accent(" #ABC ") == "#abc"
    assert services.parse_accent("#a1b2c3") == "#a1b2c3"
    for raw in [None, "", "abc", "#abcd", *INJECTIONS]:
        assert services.parse_accent(raw) is None, raw


# --- snippet builder ---------------------------------------------------------------------------


def textareas(page):
    return [html.unescape(t) for t in re.findall(r"<textarea[^>]*>(.*?)</textarea>", page, re.S)]


def test_builder_without_choices_offers_a_map_of_everything_in_the_page_language(client, territory):
    page = client.get("/nl/embed/").content.decode()
    iframe, script = textareas(page)
    assert iframe.startswith('<iframe src="http://testserver/nl/embed/map/" title="')
    assert 'height="450" loading="lazy"></iframe>' in iframe
    assert script == (
        f'<div data-maillage-widget="map" data-lang="nl" data-title="{tr("nl", "Maillage map of initiatives")}"></div>\n'
        '<script src="http://testserver/static/widgets/maillage-embed.js" async></script>'
    )
    assert 'class="widget-preview" src="http://testserver/nl/embed/map/"' in page
    assert "site-header" in page  # a page of the site


def test_builder_builds_both_snippets_from_the_chosen_filters(client, territory):
    ThemeFactory(slug="food", name_fr="Alimentation")
    params = {
        "widget": "map",
        "lang": "en",
        "commune": "schaerbeek",
        "theme": "food",
        "kind": "association",
        "accent": "#C00",
        "scheme": "dark",
        "compact": "on",
        "height": "600",
    }
    page = client.get("/fr/embed/", params).content.decode()
    iframe, script = textareas(page)
    src = re.search(r'src="([^"]+)"', iframe).group(1)
    parts = urlsplit(src)
    assert parts.path == "/en/embed/map/"
    assert parse_qsl(parts.query) == [
        ("commune", "schaerbeek"),
        ("theme", "food"),
        ("kind", "association"),
        ("accent", "#c00"),
        ("scheme", "dark"),
        ("compact", "1"),
    ]
    assert "accent=%23c00" in src and 'height="600"' in iframe
    assert f'title="{tr("en", "Maillage map of initiatives")}"' in iframe
    assert script.startswith(
        '<div data-maillage-widget="map" data-lang="en" data-commune="schaerbeek" data-theme="food" '
        'data-kind="association" data-accent="#c00" data-scheme="dark" data-compact="1" data-height="600" '
        f'data-title="{tr("en", "Maillage map of initiatives")}"></div>'
    )
    # The form shows what was chosen.
    assert 'value="#C00"' in page and '<option value="schaerbeek" selected>' in page


@pytest.mark.parametrize(("page_url", "kind"), [("/nl/map/", "map"), ("/nl/agenda/", "agenda")])
def test_builder_opened_from_a_filtered_page_keeps_its_filters_without_complaint(client, territory, page_url, kind):
    ThemeFactory(slug="food", name_fr="Alimentation")
    page = client.get(page_url, {"commune": "schaerbeek", "theme": "food", "q": "vélo"}).content.decode()
    link = html.unescape(re.search(r'href="(/nl/embed/\?[^"]+)"', page).group(1))
    assert f"widget={kind}" in link and "lang=" not in link
    page = client.get(link).content.decode()
    assert 'class="form-errors"' not in page
    # The choices the link did not make are shown with their defaults: the page's language.
    assert '<option value="nl" selected>' in page
    assert '<option value="schaerbeek" selected>' in page
    assert '<input type="hidden" name="q" value="vélo">' in page  # kept when the form is sent again
    iframe, script = textareas(page)
    src = re.search(r'src="([^"]+)"', iframe).group(1)
    assert urlsplit(src).path == f"/nl/embed/{kind}/"
    assert sorted(parse_qsl(urlsplit(src).query)) == [("commune", "schaerbeek"), ("q", "vélo"), ("theme", "food")]
    assert 'data-lang="nl"' in script and 'data-q="vélo"' in script


def test_builder_agenda_drops_the_map_only_filter(client, territory):
    page = client.get("/fr/embed/", {"widget": "agenda", "commune": "ixelles", "kind": "association"}).content.decode()
    iframe, script = textareas(page)
    assert 'src="http://testserver/fr/embed/agenda/?commune=ixelles"' in iframe
    assert 'data-maillage-widget="agenda"' in script and "data-kind" not in script


def test_builder_escapes_and_rejects_bad_input_with_a_message(client, territory):
    response = client.get(
        "/fr/embed/",
        {"widget": "map", "commune": '"><script>alert(1)</script>', "accent": '"><b>x', "height": "99999"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in page and '"><b>x' not in page
    assert 'class="form-errors"' in page
    iframe, script = textareas(page)
    assert iframe.startswith('<iframe src="http://testserver/fr/embed/map/" ')
    assert 'height="450"' in iframe and "accent" not in iframe and "commune" not in iframe


def test_builder_escapes_a_search_in_the_snippets():
    snippet = services.iframe_snippet("https://m.example", "map", "fr", [("q", 'a"b<c>&d')])
    assert 'src="https://m.example/fr/embed/map/?q=a%22b%3Cc%3E%26d"' in snippet
    script = services.script_snippet("https://m.example", "map", "fr", [("q", 'a"b<c>')])
    assert 'data-q="a&quot;b&lt;c&gt;"' in script


# --- weight and queries ------------------------------------------------------------------------

XSTATIC = ("/static/leaflet/", "/static/leaflet-markercluster/")


class AssetParser(HTMLParser):
    """Every script and stylesheet a page references, whatever the order of their attributes."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif (
            tag == "link"
            and attrs.get("href")
            and {"stylesheet", "preload", "modulepreload"} & set((attrs.get("rel") or "").split())
        ):
            self.urls.append(attrs["href"])


def own_assets(page):
    """Our own JS and CSS a page references (the XStatic Leaflet files excepted)."""
    parser = AssetParser()
    parser.feed(page)
    return [u for u in parser.urls if not u.startswith(XSTATIC)]


def asset_bytes(client, url):
    """The size of a referenced file; a file that is not there fails the test (it cannot weigh 0)."""
    if url.startswith("/static/"):
        path = finders.find(urlsplit(url).path.removeprefix("/static/"))
        assert path, f"{url} is referenced but not found"
        return Path(path).stat().st_size
    response = client.get(url)  # the accent stylesheet
    assert response.status_code == 200, url
    return len(response.content)


def test_the_weight_test_counts_every_script_and_stylesheet():
    page = (
        '<script defer src="/static/a.js"></script><script>inline</script>'
        '<link href="/static/b.css" rel="stylesheet"><link rel="icon" href="/static/c.png">'
        '<script src="/static/leaflet/leaflet.js"></script>'
    )
    assert own_assets(page) == ["/static/a.js", "/static/b.css"]


def test_an_embed_weighs_at_most_50_kb_of_our_own_code(client, territory):
    total = 0
    seen = set()
    for url in ["/fr/embed/map/?accent=%23abcdef", "/fr/embed/agenda/?accent=%23abcdef"]:
        for asset in own_assets(client.get(url).content.decode()):
            if asset not in seen:
                seen.add(asset)
                total += asset_bytes(client, asset)
    assert {"/static/widgets/embed.js", "/static/widgets/embed.css", "/static/maillage/js/map.js"} <= seen
    assert any(asset.startswith("/fr/embed/style.css") for asset in seen)
    total += asset_bytes(client, "/static/" + services.LOADER_PATH)  # the partner's page loads it
    print(f"embed weight: {total} bytes over {sorted(seen)} + loader")
    assert total <= 50 * 1024


def test_agenda_embed_queries_do_not_grow(client, schaerbeek):
    assert_queries_do_not_grow(client, "/fr/embed/agenda/", lambda: event_in(schaerbeek))


def test_map_embed_queries_do_not_grow(client, schaerbeek):
    theme = ThemeFactory()
    assert_queries_do_not_grow(
        client, "/fr/embed/map/?commune=schaerbeek", lambda: actor_in(schaerbeek, themes=[theme])
    )
