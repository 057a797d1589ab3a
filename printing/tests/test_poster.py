"""The agenda poster: the month's events of a commune or theme, in order, always on one page."""

import datetime as dt

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agenda.models import BRUSSELS, Event
from agenda.tests.factories import EventFactory
from directory.models import Theme
from directory.tests.factories import ActorFactory, PlaceFactory
from printing.poster import PosterError, poster_data, poster_params, poster_pdf
from territory.models import Commune

from . import pdfcheck

SITE = "https://maillage.example"
MM_PER_POINT = 25.4 / 72


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def schaerbeek(territory, taxonomy):
    return Commune.objects.get(slug="schaerbeek")


def _event(commune, title, day, hour=18, **fields):
    start = dt.datetime.combine(day, dt.time(hour), tzinfo=BRUSSELS)
    place = PlaceFactory(name_fr="Salle des fêtes", street="Rue Royale 10", postcode="1030", commune=commune)
    event = EventFactory(title_fr=title, start=start, end=start + dt.timedelta(hours=2), place=place, **fields)
    return Event.objects.get(pk=event.pk)


def _flat(pdf):
    return " ".join(pdfcheck.text(pdf).split())


def _paper_mm(pdf):
    box = pdfcheck.reader(pdf).pages[0].mediabox
    return round(float(box.width) * MM_PER_POINT), round(float(box.height) * MM_PER_POINT)


def _ink_just_below_the_bottom_rule(pdf):
    """Dark pixels of the list's side (left three quarters) in the 8 rows under the grey rule that
    opens the bottom block: none when the event list stops above it."""
    (image,) = pdfcheck.pages(pdf, dpi=100)
    width, height = image.size
    pixels = image.load()
    rule = max(
        row
        for row in range(height // 2, height)
        if sum(1 for x in range(width) if 180 < pixels[x, row] < 245) > width * 0.6
    )
    return [(x, row) for row in range(rule + 1, rule + 9) for x in range(int(width * 0.75)) if pixels[x, row] < 128]


def test_params_are_checked(schaerbeek):
    assert poster_params(month="2026-11", commune="schaerbeek", paper="a3", lang="fr+nl") == {
        "month": "2026-11",
        "commune": "schaerbeek",
        "theme": "",
        "paper": "a3",
        "lang": "fr+nl",
    }
    assert poster_params(month="2026-11", paper="a0", lang="de")["paper"] == "a4"
    for bad in ({"month": "11/2026"}, {"month": "2026-13"}, {"commune": "atlantis"}, {"theme": "nothing"}):
        with pytest.raises(PosterError):
            poster_params(**bad)


def test_the_months_events_of_the_commune_only_in_order_with_a_recurring_events_dates(schaerbeek, time_machine):
    # A recurring event keeps its dates of the last year only: the test's November is this autumn.
    time_machine.move_to(dt.datetime(2026, 10, 15, 12, tzinfo=BRUSSELS), tick=False)
    ixelles = Commune.objects.get(slug="ixelles")
    organiser = ActorFactory(name_fr="Maison de quartier Palais", commune=schaerbeek)
    _event(schaerbeek, "Repair café", dt.date(2026, 11, 20), organisers=[organiser], price="Gratuit")
    _event(schaerbeek, "Soirée contes", dt.date(2026, 11, 3))
    _event(schaerbeek, "Table de conversation", dt.date(2026, 11, 5), hour=14, rrule="FREQ=WEEKLY;BYDAY=TH;COUNT=10")
    _event(ixelles, "Fête à Ixelles", dt.date(2026, 11, 10))
    _event(schaerbeek, "Le mois d'après", dt.date(2026, 12, 2))
    _event(schaerbeek, "Annulé", dt.date(2026, 11, 12), status=Event.Status.CANCELLED)

    params = poster_params(month="2026-11", commune="schaerbeek")
    data = poster_data(params)
    titles = [item["title"] for item in data["events"]]
    assert titles == [
        "Soirée contes",
        "Table de conversation",  # 5, 12, 19, 26 November: the weekly occurrences of the month
        "Table de conversation",
        "Table de conversation",
        "Repair café",
        "Table de conversation",
    ]
    assert [item["day"] for item in data["events"]][:2] == ["mar 3", "jeu 5"]
    text = _flat(poster_pdf(params))
    for title in ("Soirée contes", "Repair café", "Maison de quartier Palais", "Gratuit", "Salle des fêtes"):
        assert title in text
    for absent in ("Fête à Ixelles", "Le mois d'après", "Annulé"):
        assert absent not in text
    assert text.index("Soirée contes") < text.index("Table de conversation") < text.index("Repair café")
    assert text.count("Table de conversation") == 4


def test_a_theme_poster_keeps_the_themes_events(schaerbeek):
    food = Theme.objects.get(slug="food-aid")
    _event(schaerbeek, "Distribution de colis", dt.date(2026, 11, 4), themes=[food])
    _event(schaerbeek, "Concert", dt.date(2026, 11, 5))
    titles = [item["title"] for item in poster_data(poster_params(month="2026-11", theme="food-aid"))["events"]]
    assert titles == ["Distribution de colis"]


@pytest.mark.parametrize(("paper", "size_mm"), [("a4", (210, 297)), ("a3", (297, 420))])
def test_one_page_of_the_chosen_paper_and_well_laid_out(schaerbeek, paper, size_mm):
    for day in range(1, 8):
        _event(schaerbeek, f"Atelier {day}", dt.date(2026, 11, day))
    pdf = poster_pdf(poster_params(month="2026-11", commune="schaerbeek", paper=paper))
    assert len(pdfcheck.page_texts(pdf)) == 1
    assert _paper_mm(pdf) == size_mm
    pdfcheck.check_pages(pdf)


@pytest.mark.parametrize("paper", ["a4", "a3"])
def test_too_many_events_are_cut_with_how_many_more_and_stay_on_one_page(schaerbeek, paper):
    start = dt.datetime(2026, 11, 2, 9, tzinfo=BRUSSELS)
    place = PlaceFactory(name_fr="Centre culturel", street="Rue Royale 10", postcode="1030", commune=schaerbeek)
    long_title = "Atelier d'écriture et de conversation pour adultes débutants numéro {}"
    for index in range(260):
        EventFactory(
            title_fr=long_title.format(index),
            start=start + dt.timedelta(hours=index),
            end=start + dt.timedelta(hours=index, minutes=90),
            place=place,
            price="Prix libre",
        )
    params = poster_params(month="2026-11", commune="schaerbeek", paper=paper)
    pdf = poster_pdf(params)
    assert len(pdfcheck.page_texts(pdf)) == 1
    pdfcheck.check_pages(pdf)
    assert not _ink_just_below_the_bottom_rule(pdf)  # the list does not run into the QR code's block
    text = _flat(pdf)
    shown = sum(1 for index in range(260) if long_title.format(index) in text)
    assert 10 < shown < 260
    with translation.override("fr"):
        more = ngettext("and %(count)d more event: %(site)s", "and %(count)d more events: %(site)s", 260 - shown) % {
            "count": 260 - shown,
            "site": SITE,
        }
    # The line may wrap inside the address: compared without spaces. The site alone follows the
    # count (the month's address is under the QR code).
    squashed, more = text.replace(" ", ""), more.replace(" ", "")
    assert more in squashed
    assert more + "/" not in squashed


def test_qr_code_leads_to_the_agenda_of_that_month_and_commune(schaerbeek):
    _event(schaerbeek, "Repair café", dt.date(2026, 11, 20))
    pdf = poster_pdf(poster_params(month="2026-11", commune="schaerbeek", lang="nl"))
    assert pdfcheck.qr_codes(pdf, page=1) == [f"{SITE}/nl/agenda/month/?month=2026-11&commune=schaerbeek"]


def test_a_month_without_events_says_so_and_points_to_the_site(schaerbeek):
    pdf = poster_pdf(poster_params(month="2026-11", commune="schaerbeek"))
    pdfcheck.check_pages(pdf)
    with translation.override("fr"):
        expected = _("No event is announced for this month yet. See what is coming on %(site)s") % {"site": SITE}
    assert expected in _flat(pdf)


@pytest.mark.parametrize("lang", ["fr", "nl", "fr+nl"])
def test_month_and_commune_in_the_posters_languages(schaerbeek, lang):
    _event(schaerbeek, "Repair café", dt.date(2026, 11, 20))
    pdf = poster_pdf(poster_params(month="2026-11", commune="schaerbeek", lang=lang))
    pdfcheck.check_pages(pdf)
    text = _flat(pdf)
    names = {"fr": ("Novembre 2026", "Schaerbeek"), "nl": ("November 2026", "Schaarbeek")}
    for language in lang.split("+"):
        month, commune = names[language]
        assert month in text
        assert commune in text


def test_reads_the_database_a_fixed_number_of_times(schaerbeek, django_assert_max_num_queries):
    organiser = ActorFactory(commune=schaerbeek)
    for day in range(1, 4):
        _event(schaerbeek, f"Atelier {day}", dt.date(2026, 11, day), organisers=[organiser])
    params = poster_params(month="2026-11", commune="schaerbeek")
    with django_assert_max_num_queries(5):
        poster_data(params)
