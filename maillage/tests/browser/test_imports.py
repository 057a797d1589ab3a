"""A moderator imports a federation's spreadsheet, as a newcomer would: from the moderation pages,
a semicolon CSV saved by Excel in Windows-1252, the live status, the preview row by row, a column
mapped again, the import, the new entry in the directory, and a second import that changes nothing."""

import re
import uuid

import pytest
from django.utils import translation
from playwright.sync_api import expect

from .support import demo_name, tr
from .test_contribution import PASSWORD, make_moderator

pytestmark = pytest.mark.browser

DUPLICATE = "diogenes"  # a demo actor with a company number (0460.376.648)
BAD_COMPANY_NUMBER = "0203.071.974"  # the mod-97 check fails (…973 would be right)


def _csv(suffix):
    """Five rows with accented names: two new, one with a wrong company number (imported without
    it, with a warning), a postcode outside Brussels and a demo actor under another spelling but
    with its company number. Rows 2 to 6 of the file."""
    new_one = f"Café Solidaire Élan {suffix}"
    new_two = f"Maison des Écoles de Devoirs Hérisson {suffix}"
    rows = [
        "Nom;Numéro BCE;Rue;Code postal;Description;Activités",
        f"{new_one};;Rue Gallait 80;1030;Café;Café à prix libre et repas partagés, ouvert à tous.",
        f"{new_two};;Rue Malibran 49;1050;École;Écoles de devoirs et ateliers créatifs pour les 6-12 ans.",
        f"Atelier Érable {suffix};{BAD_COMPANY_NUMBER};Rue Haute 10;1000;Menuiserie;Menuiserie partagée.",
        f"Crèche Les Mésanges {suffix};;Rue de Namur 5;1300;Crèche;Accueil de la petite enfance.",
        "Diogènes asbl;0460.376.648;Place de Ninove 10;1000;Rue;Travail de rue avec les personnes sans abri.",
    ]
    return new_one, ("\r\n".join(rows) + "\r\n").encode("cp1252")


@pytest.fixture
def held_first_run(monkeypatch):
    """The first import run waits, as it would for the worker, until the test runs it; later runs
    go through the task backend as usual (at once in tests)."""
    from imports import views

    held, real = [], views._enqueue

    def enqueue(run):
        if held:
            real(run)
        else:
            held.append(run.pk)

    monkeypatch.setattr(views, "_enqueue", enqueue)
    return held


def _counts(page):
    """{label: count} of the run's status box."""
    items = page.locator("#run-status .import-counts li")
    expect(items.first).to_be_visible()
    counts = {}
    for text in items.all_inner_texts():
        label, _, number = text.rpartition(":")
        counts[label.strip()] = int(number)
    return counts


def _label(outcome):
    """The counts' label (plural)."""
    from imports.services import OUTCOME_LABELS

    with translation.override("fr"):
        return str(OUTCOME_LABELS[outcome])


def _row_label(outcome):
    """One row's outcome in the report (singular)."""
    from imports.services import OUTCOME_ROW_LABELS

    with translation.override("fr"):
        return str(OUTCOME_ROW_LABELS[outcome])


def _open_imports(page):
    """Through the account menu and the moderation tabs."""
    page.get_by_role("navigation", name=tr("fr", "Account")).get_by_role("link", name=tr("fr", "Moderation")).click()
    tabs = page.get_by_role("navigation", name=tr("fr", "Moderation"))
    tabs.get_by_role("link", name=tr("fr", "Imports"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("fr", "Imports"))


def _press(locator, key="Enter"):
    locator.focus()
    expect(locator).to_be_focused()
    locator.press(key)


def test_a_moderator_previews_maps_and_imports_a_csv_then_imports_it_again(
    context_factory, site_db, settings, tmp_path, held_first_run
):
    from imports import services
    from imports.models import ImportRun

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    suffix = uuid.uuid4().hex[:4]
    new_name, data = _csv(suffix)
    upload = tmp_path / "membres-federation.csv"
    upload.write_bytes(data)
    source_name = f"Fédération des maisons de quartier {suffix}"
    duplicate_name = demo_name("actors", DUPLICATE)
    with site_db():
        email = make_moderator()

    # Sign in with the keyboard.
    page = context_factory().new_page()
    page.goto("/fr/")
    page.get_by_role("link", name=tr("fr", "Sign in")).click()
    page.locator("input[name=login]").fill(email)
    page.keyboard.press("Tab")
    expect(page.locator("input[name=password]")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("input[name=password]")).to_have_count(0)

    # Moderation → Imports → New import.
    _open_imports(page)
    page.get_by_role("link", name=tr("fr", "New import")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("fr", "New import"))
    page.get_by_label(tr("fr", "File"), exact=True).set_input_files(upload)
    page.get_by_label(tr("fr", "Name of the new source")).fill(source_name)
    page.get_by_label(tr("fr", "What it lists")).select_option("actors")
    _press(page.get_by_role("button", name=tr("fr", "Preview"), exact=True))

    # The live status while the run waits for the worker, then the preview once it has run.
    expect(page.get_by_role("heading", level=1)).to_contain_text(tr("fr", "Preview of an import"))
    status = page.locator("#run-status")
    expect(status).to_contain_text(tr("fr", "Waiting"))
    expect(status.locator("progress")).to_be_visible()
    assert len(held_first_run) == 1
    with site_db():
        run = services.run_import(ImportRun.objects.get(pk=held_first_run[0]))
    assert run.status == ImportRun.Status.PREVIEWED, run.error
    expect(status).to_contain_text(tr("fr", "Preview ready"))  # the page refreshed itself
    expect(status.locator("progress")).to_have_count(0)
    expected = {_label("error"): 1, _label("duplicate"): 1, _label("created"): 3}
    assert _counts(page) == expected

    # Row by row: the errors with their row numbers and reasons, the duplicate with its candidate.
    report = page.locator("table.imports-report tbody tr")
    expect(report).to_have_count(5)

    def row(number):
        found = report.filter(has=page.locator("td:first-child", has_text=re.compile(rf"^{number}$")))
        expect(found).to_have_count(1)
        return found

    bad_number = row(4)
    expect(bad_number).to_contain_text(_row_label("created"))
    expect(bad_number).to_contain_text(f"Atelier Érable {suffix}")
    expect(bad_number.locator(".import-warnings")).to_contain_text(
        tr(
            "fr",
            "“%(value)s” is not a valid Belgian company number (10 digits with a mod-97 check): imported without it.",
        )
        % {"value": BAD_COMPANY_NUMBER}
    )
    outside = row(5)
    expect(outside).to_contain_text(_row_label("error"))
    expect(outside).to_contain_text(
        tr("fr", "The postcode %(code)s is outside the territory (%(region)s).").split("(%(region)s)")[0]
        % {"code": "1300"}
    )
    duplicate = row(6)
    expect(duplicate).to_contain_text(_row_label("duplicate"))
    expect(duplicate).to_contain_text(tr("fr", "same company number"))
    candidate = duplicate.get_by_role("link", name=tr("fr", "See “%(name)s”") % {"name": duplicate_name})
    expect(candidate).to_have_attribute("href", f"/fr/directory/{DUPLICATE}/")
    for number in (2, 3):
        expect(row(number)).to_contain_text(_row_label("created"))
    expect(page.get_by_role("button", name=tr("fr", "Import these entries"), exact=True)).to_be_visible()

    # The guessed mapping took "Description"; the longer text is in "Activités": map it, preview again.
    description = page.locator("#mapping ~ form").get_by_label(tr("fr", "Description"), exact=True)
    expect(description).to_have_value("Description")
    description.focus()
    description.select_option("Activités")
    _press(page.get_by_role("button", name=tr("fr", "Preview again")))
    expect(status).to_contain_text(tr("fr", "Preview ready"))
    expect(page.locator("#mapping ~ form").get_by_label(tr("fr", "Description"), exact=True)).to_have_value("Activités")
    assert _counts(page) == expected

    # Import: all of it, and the source keeps the mapping.
    _press(page.get_by_role("button", name=tr("fr", "Import these entries"), exact=True))
    expect(page.locator(".messages")).to_contain_text(tr("fr", "The import has started."))
    expect(page.get_by_role("heading", level=1)).not_to_contain_text(tr("fr", "Preview of an import"))
    expect(status).to_contain_text(tr("fr", "Imported"))
    assert _counts(page) == expected
    expect(page.get_by_role("button", name=tr("fr", "Import these entries"), exact=True)).to_have_count(0)

    # The new association is in the directory, with the text of the column chosen.
    page.get_by_role("navigation", name=tr("fr", "Main")).get_by_role("link", name=tr("fr", "Directory")).click()
    words = page.get_by_label(tr("fr", "Words"), exact=True)
    words.fill(f"cafe solidaire elan {suffix}")
    words.press("Enter")
    result = page.get_by_role("link", name=new_name, exact=True)
    expect(result).to_be_visible()
    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(new_name)
    expect(page.locator(".description")).to_contain_text("Café à prix libre et repas partagés")
    expect(page.locator("main")).to_contain_text("Rue Gallait 80")

    # The same file again, for the same source: nothing new, nothing changed.
    _open_imports(page)
    source_link = page.locator('a[href*="/imports/sources/"]').filter(has_text=source_name)
    expect(source_link).to_have_count(1)  # the source, listed once, with its runs below
    page.get_by_role("link", name=tr("fr", "New import")).click()
    page.get_by_label(tr("fr", "File"), exact=True).set_input_files(upload)
    page.get_by_label(tr("fr", "Source"), exact=True).select_option(label=source_name)
    _press(page.get_by_role("button", name=tr("fr", "Preview"), exact=True))
    expect(status).to_contain_text(tr("fr", "Preview ready"))
    assert _counts(page) == {_label("error"): 1, _label("unchanged"): 4}
    expect(row(6)).to_contain_text(_row_label("unchanged"))


def test_moderation_pages_of_imports_and_merges_pass_axe(context_factory, site_db, settings, tmp_path):
    """The moderators' pages of this issue, checked as test_accessibility checks the public ones."""
    from imports import services
    from imports.models import ImportRun

    from .test_accessibility import FAILING_IMPACTS, _axe, _report
    from .test_contribution import sign_in

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    _name, data = _csv(uuid.uuid4().hex[:4])
    with site_db():
        email = make_moderator()
        run = services.start_run(
            data=data,
            filename="membres.csv",
            source=services.source_by_name("Fédération axe", format="csv", target="actors"),
            target="actors",
            dry_run=True,
        )
        run = services.run_import(run)
    assert run.status == ImportRun.Status.PREVIEWED, run.error
    found = []
    for lang, locale in (("fr", "fr-BE"), ("nl", "nl-BE")):
        page = context_factory(locale=locale).new_page()
        sign_in(page, email, lang=lang)
        for url in (
            f"/{lang}/imports/",
            f"/{lang}/imports/new/",
            f"/{lang}/imports/runs/{run.pk}/",  # the report row by row and the mapping form
            f"/{lang}/imports/sources/{run.source.slug}/",
            f"/{lang}/merges/",
        ):
            response = page.goto(url)
            assert response.ok, f"{url}: {response.status}"
            expect(page.locator("html")).to_have_attribute("lang", lang)
            found += [(url, v) for v in _axe(page) if v["impact"] in FAILING_IMPACTS]
    if found:
        pytest.fail("axe found serious or critical violations:\n" + _report(found), pytrace=False)
