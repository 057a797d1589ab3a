"""The easy-reading switch: a POST (no CSRF token: a display choice), a safe way back, a cookie; what pages show with it."""

import pytest
from django.test import Client
from django.utils import translation

from directory.tests.factories import ActorFactory

pytestmark = pytest.mark.django_db


def tr(lang, message):
    with translation.override(lang):
        return translation.gettext(message)


def test_switching_on_sets_the_cookie_and_goes_back_to_the_page(client):
    response = client.post("/fr/easy-reading/", {"easy": "1", "next": "/fr/directory/?theme=housing"})
    assert response.status_code == 302 and response["Location"] == "/fr/directory/?theme=housing"
    cookie = response.cookies["easy"]
    assert cookie.value == "1" and cookie["max-age"] and cookie["httponly"] and cookie["samesite"] == "Lax"


def test_switching_off_deletes_the_cookie(client):
    client.cookies["easy"] = "1"
    response = client.post("/fr/easy-reading/", {"easy": "0", "next": "/fr/"})
    assert response.status_code == 302 and response["Location"] == "/fr/"
    assert response.cookies["easy"].value == "" and response.cookies["easy"]["max-age"] == 0


def test_without_a_choice_the_switch_toggles(client):
    assert client.post("/fr/easy-reading/", {"next": "/fr/"}).cookies["easy"].value == "1"
    assert client.post("/fr/easy-reading/", {"next": "/fr/"}).cookies["easy"].value == ""


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "http://evil.example", "javascript:alert(1)", ""]
)
def test_an_unsafe_or_missing_next_goes_home_instead(client, target):
    response = client.post("/fr/easy-reading/", {"easy": "1", "next": target})
    assert response.status_code == 302 and response["Location"] == "/fr/"
    assert response.cookies["easy"].value == "1"


def test_the_switch_is_a_post_and_pages_set_no_csrf_cookie(territory):
    strict = Client(enforce_csrf_checks=True)
    assert strict.get("/fr/easy-reading/").status_code == 405
    # Public pages stay cookie-free (cacheable): the switch needs no token, only a display choice.
    page = strict.get("/fr/directory/?q=velo&page=1")
    html = page.content.decode()
    assert "csrftoken" not in page.cookies and "csrfmiddlewaretoken" not in html
    assert 'action="/fr/easy-reading/"' in html
    assert 'name="next" value="/fr/directory/?q=velo&amp;page=1"' in html
    assert 'name="easy" value="1" aria-pressed="false"' in html
    response = strict.post("/fr/easy-reading/", {"easy": "1", "next": "/fr/"})
    assert response.status_code == 302 and response.cookies["easy"].value == "1"


def test_easy_pages_are_marked_and_say_short_sentences(client, territory):
    ActorFactory()
    long_intro = "citizen initiative"
    with translation.override("en"):
        normal = client.get("/en/").content.decode()
        assert '<html lang="en">' in normal and 'class="pictogram" aria-hidden="true">📇' not in normal
        assert long_intro in normal and "Find groups and help near you in Brussels." not in normal
        assert "the open platform of the Brussels associative network." in normal
        client.cookies["easy"] = "1"
        easy = client.get("/en/").content.decode()
    assert '<html lang="en" class="easy">' in easy
    assert "Find groups and help near you in Brussels." in easy and long_intro not in easy
    assert "groups and help in Brussels, all in one place." in easy
    assert "the open platform of the Brussels associative network." not in easy
    assert '<span class="pictogram" aria-hidden="true">📇</span> Directory' in easy
    assert 'name="easy" value="0" aria-pressed="true"' in easy


def test_the_directory_says_shortly_when_nothing_matches(client, territory):
    client.cookies["easy"] = "1"
    page = client.get("/fr/directory/", {"q": "zzzzzzzz"}).content.decode()
    assert tr("fr", "Nothing found. Remove a filter.") in page
    assert tr("fr", "No actor matches these filters.") not in page


def test_the_read_aloud_button_is_rendered_hidden_for_scripts_to_show(client, territory):
    page = client.get("/fr/").content.decode()
    assert '<button type="button" class="read-aloud" hidden data-start=' in page


def test_every_page_footer_links_to_printing_a_directory(client, territory):
    page = client.get("/nl/directory/").content.decode()
    assert f'<a href="/nl/print/">{tr("nl", "Print a directory")}</a>' in page


@pytest.mark.parametrize(
    ("path", "short", "long"),
    [
        ("/en/agenda/?q=zzzzzzzz", "Nothing found. Remove a filter.", "No event matches these filters."),
        ("/en/print/", "Print pages for people without internet.", "Paper documents for people without internet"),
        ("/en/print/", "A list of groups, with maps.", "with a table of contents, an index"),
        ("/en/print/", "The nearest help, for one person.", "the nearest places for a few needs"),
        ("/en/print/", "A big list takes a few minutes.", "is made in the background"),
    ],
)
def test_easy_reading_shortens_the_help_sentences_of_the_most_used_pages(client, territory, path, short, long):
    with translation.override("en"):
        normal = client.get(path).content.decode()
        client.cookies["easy"] = "1"
        easy = client.get(path).content.decode()
    assert long in normal and short not in normal
    assert short in easy and long not in easy
