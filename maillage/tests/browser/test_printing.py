"""A social worker prints, from the browser: the directory of Schaerbeek in French and Dutch (from
the directory's filters, through "Print this list" and the print page), then a handout for an
address with two needs (from the map). Asserts on the PDFs' text, as a reader would see them."""

import re

import pytest
from playwright.sync_api import expect

from printing.tests import pdfcheck

from .support import apply_filter, demo_name, tr
from .test_accessibility import _axe

pytestmark = pytest.mark.browser

COMMUNE = "schaerbeek"
ACTORS = ["cpas-schaerbeek", "cocof"]  # demo actors of Schaerbeek (both with a Dutch name)
ADDRESS = "Rue Royale 150, 1000 Bruxelles"


def _pdf_of(page, submit, path):
    """Submit (``submit()``) and return the PDF the server answers for ``path``.

    Chromium would show it in its PDF viewer (an extension, whose requests the suite refuses):
    the answer is caught on its way and the tab gets a plain page saying it arrived.
    """
    caught = []

    def keep(route):
        response = route.fetch()
        caught.append((route.request.url, response.headers, response.body()))
        route.fulfill(status=200, content_type="text/html", body="<!DOCTYPE html><title>PDF</title><p>PDF</p>")

    page.route(re.compile(re.escape(path)), keep)
    try:
        submit()
        page.wait_for_load_state()
        expect(page).to_have_title("PDF")
    finally:
        page.unroute(re.compile(re.escape(path)))
    (url, headers, body) = caught[-1]
    assert headers["content-type"] == "application/pdf", url
    assert headers["content-disposition"].startswith("inline; filename=")
    return body


def test_a_social_worker_prints_the_directory_of_schaerbeek_in_french_and_dutch(page):
    page.goto("/fr/directory/")
    commune = page.locator("#facet-commune").get_by_role("checkbox", name=re.compile(r"^Schaerbeek \("))
    apply_filter(page, commune, f"commune={COMMUNE}")

    # "Print this list": the PDF of the list as it is filtered, in the page's language.
    print_link = page.get_by_role("link", name=tr("fr", "Print this list"))
    expect(print_link).to_have_attribute("href", re.compile(rf"^/fr/print/directory/\?commune={COMMUNE}&lang=fr$"))
    french = page.request.get(print_link.get_attribute("href"))
    assert french.headers["content-type"] == "application/pdf"
    text = pdfcheck.text(french.body())
    for slug in ACTORS:
        assert demo_name("actors", slug) in text

    # The print page, prefilled with the filters: French and Dutch side by side.
    page.get_by_role("link", name=tr("fr", "choose the layout…")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("fr", "Print"))
    form = page.locator("form[action='/fr/print/directory/']")
    expect(form.get_by_role("checkbox", name="Schaerbeek", exact=True)).to_be_checked()
    form.get_by_role("radio", name=tr("fr", "French and Dutch side by side")).check()
    button = form.get_by_role("button", name=tr("fr", "Make the directory (PDF)"))
    pdf = _pdf_of(page, button.click, "/fr/print/directory/")

    text = pdfcheck.text(pdf)
    for slug in ACTORS:
        assert demo_name("actors", slug) in text
        assert demo_name("actors", slug, lang="nl") in text  # the Dutch names too
    assert "Schaarbeek" in text
    assert tr("nl", "Contents") in text and tr("fr", "Contents") in text
    assert demo_name("actors", "diogenes") not in text  # another commune's
    pdfcheck.check_pages(pdf)


def test_a_social_worker_prints_a_handout_for_an_address_with_two_needs(page):
    page.goto("/fr/map/?commune=bruxelles")
    page.get_by_role("link", name=tr("fr", "Print a handout for this area")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("fr", "A neighbourhood handout"))
    form = page.locator("form[action='/fr/print/handout/']")
    expect(form.get_by_label(tr("fr", "Or a commune"))).to_have_value("bruxelles")

    # Forgetting the needs: told beside them, the address kept.
    form.get_by_label(tr("fr", "Address")).fill(ADDRESS)
    form.get_by_role("button", name=tr("fr", "Make the handout (PDF)")).click()
    form = page.locator("form[action='/fr/print/handout/']")
    expect(form.locator("#handout-needs-errors")).to_have_text(tr("fr", "Tick at least one need."))
    expect(form.get_by_label(tr("fr", "Address"))).to_have_value(ADDRESS)
    serious = [v["id"] for v in _axe(page) if v["impact"] in ("serious", "critical")]
    assert not serious, serious

    form.get_by_role("checkbox", name=tr("fr", "Homelessness")).check()
    form.get_by_role("checkbox", name=tr("fr", "Rights and debts")).check()
    button = form.get_by_role("button", name=tr("fr", "Make the handout (PDF)"))
    pdf = _pdf_of(page, button.click, "/fr/print/handout/")

    text = pdfcheck.text(pdf)
    assert "Rue Royale 150" in text
    assert tr("fr", "Homelessness") in text and tr("fr", "Rights and debts") in text
    assert demo_name("actors", "diogenes") in text  # homelessness, a few hundred metres away
    assert len(pdfcheck.page_texts(pdf)) <= 2
    pdfcheck.check_pages(pdf)
