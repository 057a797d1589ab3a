"""The "Print" pages: documents served from the directory's filters, the forms, the live status,
the files, and the links that reach them from the directory, the map and the agenda."""

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import ModeratorFactory
from directory.models import Theme
from directory.tests.factories import ActorFactory, PlaceFactory
from maillage.testing import assert_queries_do_not_grow
from printing import services
from printing.models import Printout
from territory.models import Commune

from . import pdfcheck

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _print_dir(settings, tmp_path):
    settings.PRINT_DIR = tmp_path / "printouts"


@pytest.fixture
def schaerbeek(territory, taxonomy):
    return Commune.objects.get(slug="schaerbeek")


def actor_in(commune, lat=50.867, lon=4.378, **kwargs):
    place = PlaceFactory(commune=commune, lat=lat, lon=lon, street="Rue Royale 150", postcode="1030")
    return ActorFactory(commune=commune, places=[place], **kwargs)


def tr(message, lang="fr"):
    with translation.override(lang):
        return translation.gettext(message)


def is_pdf(response):
    return response.status_code == 200 and response["Content-Type"] == "application/pdf"


def body(response):
    return b"".join(response.streaming_content)


# --- the directory -----------------------------------------------------------------------------


def test_the_directory_of_the_filters_is_served_as_a_pdf_in_both_languages(client, schaerbeek):
    food = Theme.objects.get(slug="food")
    actor_in(schaerbeek, name_fr="Épicerie solidaire du Nord", name_nl="Solidaire kruidenier", themes=[food])
    actor_in(Commune.objects.get(slug="ixelles"), name_fr="Resto d’Ixelles")
    response = client.get("/fr/print/directory/", {"commune": "schaerbeek", "lang": "fr+nl"})
    assert is_pdf(response)
    assert response["Content-Disposition"] == 'inline; filename="maillage-directory-schaerbeek-fr-nl.pdf"'
    text = pdfcheck.text(body(response))
    assert "Épicerie solidaire du Nord" in text and "Solidaire kruidenier" in text
    assert "Resto d’Ixelles" not in text
    assert "Schaarbeek" in text  # the commune's Dutch name: both languages are printed
    # Asked again: the same file, not a second document.
    assert is_pdf(client.get("/fr/print/directory/", {"commune": "schaerbeek", "lang": "fr+nl"}))
    assert Printout.objects.count() == 1


def test_the_directory_pages_filters_reach_the_parameters(client, schaerbeek, monkeypatch):
    food = Theme.objects.get(slug="food")
    actor_in(schaerbeek, themes=[food])
    asked = []

    def printout_for(kind, params, user=None, *, request=None):
        asked.append((kind, params))
        raise services.RateLimited

    monkeypatch.setattr(services, "printout_for", printout_for)
    query = (
        "commune=schaerbeek&commune=ixelles&commune=nowhere&theme=food&kind=association&venue=yes&status=active"
        "&q=épicerie&group=theme&lang=nl&large=on"
    )
    assert client.get(f"/fr/print/directory/?{query}").status_code == 429
    kind, params = asked[0]
    assert kind == "directory"
    assert params["filters"]["commune"] == ["ixelles", "schaerbeek"]  # unknown values dropped
    assert params["filters"]["theme"] == ["food"] and params["filters"]["kind"] == ["association"]
    assert params["filters"]["venue"] == ["yes"] and params["filters"]["status"] == ["active"]
    assert params["filters"]["q"] == ["épicerie"]
    assert (params["grouping"], params["lang"], params["large"]) == ("theme", "nl", True)
    # Without choices: grouped by commune, in the page's language.
    client.get("/nl/print/directory/?commune=schaerbeek")
    assert (asked[1][1]["grouping"], asked[1][1]["lang"], asked[1][1]["large"]) == ("commune", "nl", False)


def test_a_large_directory_shows_its_progress_then_the_download_link(client, schaerbeek, settings, monkeypatch):
    settings.PRINT_BACKGROUND_ABOVE = 2
    for _ in range(3):
        actor_in(schaerbeek)
    held = []
    monkeypatch.setattr(services, "enqueue", lambda printout: held.append(printout.key))
    response = client.get("/fr/print/directory/?commune=schaerbeek")
    key = held[0]
    status_url = reverse("printing:status", kwargs={"key": key})
    assert response.status_code == 302 and response["Location"] == status_url

    page = client.get(status_url).content.decode()
    assert tr("Waiting") in page and 'hx-trigger="every 1s"' in page
    assert f'href="{status_url}"' in page  # the Refresh link without JavaScript
    caches["progress"].set(services._progress_key(key), (2, 3))  # the worker is under way
    fragment = client.get(status_url, {"fragment": "status"}, headers={"HX-Request": "true"}).content.decode()
    assert fragment.startswith('<div id="print-status"') and "<html" not in fragment
    assert re.search(r'<progress id="print-progress" max="3" value="2">67 %</progress>', fragment)

    from printing import tasks

    tasks.produce_printout.call(key)  # the worker's turn
    page = client.get(status_url).content.decode()
    file_url = reverse("printing:file", kwargs={"key": key})
    assert f'href="{file_url}"' in page and tr("Download the PDF") in page
    assert "hx-trigger" not in page
    response = client.get(file_url)
    assert is_pdf(response) and "Schaerbeek" in pdfcheck.text(body(response))


def test_a_failed_document_says_so_and_can_be_asked_again(client, schaerbeek, monkeypatch):
    actor_in(schaerbeek)

    def broken(params, progress=None):
        raise RuntimeError("the typesetter is on strike")

    real = services.builder
    monkeypatch.setattr(services, "builder", lambda kind, name=None: broken if name is None else real(kind, name))
    response = client.get("/fr/print/directory/?commune=schaerbeek")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert tr("The document could not be made.") in page
    assert "on strike" not in page  # the typesetter's message is for the team, not for visitors
    moderator = ModeratorFactory()
    client.force_login(moderator)
    assert "on strike" in client.get(response["Location"]).content.decode()
    client.logout()
    monkeypatch.setattr(services, "builder", real)
    again = client.get(response["Location"], {"retry": "1"})
    assert again.status_code == 302
    page = client.get(again["Location"]).content.decode()
    assert tr("Download the PDF") in page


def test_a_job_that_stopped_is_not_polled_for_ever_and_can_be_started_again(client, schaerbeek, settings, monkeypatch):
    settings.PRINT_BACKGROUND_ABOVE = 0
    actor_in(schaerbeek)
    held = []
    monkeypatch.setattr(services, "enqueue", lambda printout: held.append(printout.key))
    status_url = client.get("/fr/print/directory/?commune=schaerbeek")["Location"]
    # The worker died with it: two hours later, still queued.
    Printout.objects.filter(key=held[0]).update(started=timezone.now() - dt.timedelta(hours=2))
    page = client.get(status_url).content.decode()
    assert "hx-trigger" not in page
    assert tr("The document is taking far longer than it should: its making has stopped.") in page
    assert f'href="{status_url}?retry=1"' in page
    assert client.get(status_url, {"retry": "1"})["Location"] == status_url
    assert held == [held[0], held[0]]  # enqueued again
    assert 'hx-trigger="every 1s"' in client.get(status_url).content.decode()


def test_the_directory_address_alone_leads_to_the_form(client, db):
    response = client.get("/fr/print/directory/")
    assert response.status_code == 302 and response["Location"] == "/fr/print/#print-directory-title"
    assert not Printout.objects.exists()


def test_unknown_keys_are_not_found(client, db):
    key = "0" * 64
    assert client.get(f"/fr/print/status/{key}/").status_code == 404
    assert client.get(f"/fr/print/file/{key}.pdf").status_code == 404
    assert client.get("/fr/print/file/../../etc/passwd.pdf").status_code == 404
    printout = Printout.objects.create(key="a" * 64, kind="directory", status=Printout.Status.RUNNING)
    assert client.get(f"/fr/print/file/{printout.key}.pdf").status_code == 404  # not finished


def test_anonymous_visitors_are_limited_to_new_documents_not_to_cached_ones(client, schaerbeek, settings):
    settings.PRINT_RATE_LIMIT = 1
    actor_in(schaerbeek)
    assert is_pdf(client.get("/fr/print/directory/?commune=schaerbeek"))
    response = client.get("/fr/print/directory/?commune=schaerbeek&lang=nl")
    assert response.status_code == 429 and tr("Too many new documents") in response.content.decode()
    assert is_pdf(client.get("/fr/print/directory/?commune=schaerbeek"))


# --- handouts and posters ----------------------------------------------------------------------


def test_a_handout_for_an_address_and_two_needs(client, schaerbeek):
    food, housing = Theme.objects.get(slug="food"), Theme.objects.get(slug="housing")
    actor_in(schaerbeek, name_fr="Épicerie du coin", themes=[food])
    actor_in(schaerbeek, name_fr="Logement pour tous", themes=[housing])
    response = client.get(
        "/fr/print/handout/", {"address": "Rue Royale 150, 1030 Schaerbeek", "needs": ["food", "housing"], "lang": "fr"}
    )
    assert is_pdf(response)
    assert response["Content-Disposition"] == 'inline; filename="maillage-handout-schaerbeek-fr.pdf"'
    text = pdfcheck.text(body(response))
    assert "Épicerie du coin" in text and "Logement pour tous" in text


def test_the_handout_form_re_shows_what_was_typed_with_the_error_beside_the_field(client, schaerbeek):
    response = client.get("/fr/print/handout/", {"address": "Xyzzy plugh 12", "needs": ["food"]})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Xyzzy plugh 12"' in page
    assert re.search(r'<ul class="errorlist" id="handout-address-errors"><li>[^<]*Xyzzy plugh 12', page)
    assert re.search(r'<input[^>]*aria-describedby="handout-address-errors"[^>]*name="address"', page) or re.search(
        r'<input[^>]*name="address"[^>]*aria-describedby="handout-address-errors"', page
    )
    assert re.search(r'<input type="checkbox" name="needs" value="food" id="handout-needs_0" checked', page)
    # No need ticked: said beside the needs.
    page = client.get("/fr/print/handout/", {"address": "Rue Royale 150, 1030"}).content.decode()
    assert 'id="handout-needs-errors"' in page and tr("Tick at least one need.") in page


def test_the_handout_form_from_the_map_is_prefilled_not_sent(client, schaerbeek):
    response = client.get("/fr/print/handout/", {"commune": "schaerbeek", "theme": "food"})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<option value="schaerbeek" selected>' in page and "errorlist" not in page
    assert "🍞" in page or "pictogram" in page  # the needs come with their pictograms


def test_a_month_poster_and_its_form_errors(client, schaerbeek):
    response = client.get("/fr/print/poster/", {"month": "2026-11", "commune": "schaerbeek", "paper": "a3"})
    assert is_pdf(response)
    assert response["Content-Disposition"] == 'inline; filename="maillage-poster-2026-11-schaerbeek-a3-fr.pdf"'
    assert pdfcheck.text(body(response)).strip()
    response = client.get("/fr/print/poster/", {"month": "2026-13", "commune": "schaerbeek"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="2026-13"' in page and 'id="poster-month-errors"' in page
    assert '<option value="schaerbeek" selected>' in page


# --- the print page and the links to it --------------------------------------------------------


def test_robots_keep_out_of_the_print_pages(client, schaerbeek):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert {"Disallow: /fr/print/", "Disallow: /nl/print/", "Disallow: /en/print/"} <= set(lines[1:])
    # The documents and their status pages say it too, for robots that ignore robots.txt.
    actor_in(schaerbeek)
    document = client.get("/fr/print/directory/?commune=schaerbeek")
    assert is_pdf(document) and document["X-Robots-Tag"] == "noindex, nofollow"
    printout = Printout.objects.get()
    status = client.get(reverse("printing:status", kwargs={"key": printout.key}))
    assert status["X-Robots-Tag"] == "noindex, nofollow"
    assert client.get(reverse("printing:file", kwargs={"key": printout.key}))["X-Robots-Tag"] == "noindex, nofollow"
    assert "X-Robots-Tag" not in client.get("/fr/print/")  # the page of forms may be found


def test_the_print_page_is_prefilled_from_the_directory_filters(client, schaerbeek):
    page = client.get("/fr/print/", {"commune": "schaerbeek", "theme": "food", "q": "soupe", "lang": "fr+nl"})
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'<input type="checkbox" name="commune" value="schaerbeek"[^>]*checked', html)
    assert re.search(r'<input type="radio" name="lang" value="fr\+nl"[^>]*checked', html)
    assert '<input type="hidden" name="q" value="soupe">' in html
    for url in ("printing:directory", "printing:handout", "printing:poster"):
        assert f'action="{reverse(url)}"' in html


def test_the_print_page_makes_the_same_number_of_queries_for_1_and_3_actors(client, schaerbeek):
    queries = assert_queries_do_not_grow(client, "/fr/print/", lambda: actor_in(schaerbeek))
    # Three forms, one read of the vocabularies' version (not one per choice list) and the needs' pictograms.
    assert queries <= 2, queries


def test_the_directory_links_to_its_printed_version_with_the_filters(client, schaerbeek):
    actor_in(schaerbeek)
    page = client.get("/fr/directory/?commune=schaerbeek&theme=food").content.decode()
    link = re.search(
        r'<a href="([^"]+)" type="application/pdf" rel="nofollow">' + re.escape(tr("Print this list")), page
    )
    assert link, "no Print this list link"
    url = link.group(1).replace("&amp;", "&")
    assert urlsplit(url).path == reverse("printing:directory")
    assert parse_qs(urlsplit(url).query) == {"commune": ["schaerbeek"], "theme": ["food"], "lang": ["fr"]}
    assert (
        f'<link rel="alternate" type="application/pdf" title="{tr("Printable directory (PDF)")}" href="{link.group(1)}">'
        in page
    )
    layout = re.search(r'<a href="([^"]+)">' + re.escape(tr("choose the layout…")), page).group(1)
    assert layout.startswith(reverse("printing:index") + "?") and "commune=schaerbeek" in layout
    handout = re.search(r'<a href="([^"]+)">' + re.escape(tr("Print a handout for this area")), page).group(1)
    assert handout.startswith(reverse("printing:handout") + "?") and "commune=schaerbeek" in handout
    # The link works: the PDF of Schaerbeek's actors.
    assert is_pdf(client.get(url))


def test_the_map_and_the_agenda_month_link_to_print(client, schaerbeek):
    page = client.get("/fr/map/?commune=schaerbeek").content.decode()
    assert 'rel="alternate" type="application/pdf"' in page
    handout = re.search(r'<a id="print-handout-link" href="([^"]+)">', page).group(1)
    assert handout == reverse("printing:handout") + "?commune=schaerbeek"
    page = client.get("/fr/agenda/month/?month=2026-11&commune=schaerbeek").content.decode()
    poster = re.search(
        r'<a href="([^"]+)" type="application/pdf" rel="nofollow">' + re.escape(tr("Print this month as a poster")),
        page,
    )
    url = poster.group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(url).query) == {"commune": ["schaerbeek"], "month": ["2026-11"], "lang": ["fr"]}
    assert (
        f'<link rel="alternate" type="application/pdf" title="{tr("Poster of this month (PDF)")}" href="{poster.group(1)}">'
        in page
    )
    assert is_pdf(client.get(url))
