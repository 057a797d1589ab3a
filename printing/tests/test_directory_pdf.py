"""The printed directory, read back: entries and their fields, grouping, languages, indexes, QR
codes, page layout, large print, filters and the number of queries."""

import datetime as dt
import json
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, translation
from django.utils.translation import gettext as _

from directory.models import Actor, Language, Theme
from directory.tests.factories import ActorFactory, PlaceFactory
from printing import booklet
from printing.booklet import count_entries, directory_pdf
from printing.query import DirectoryQuery
from printing.typesetting import render_apart
from territory.models import Commune

from . import pdfcheck

pytestmark = pytest.mark.django_db

VERIFIED = dt.date(2025, 3, 14)


@pytest.fixture
def data(territory, taxonomy):
    schaerbeek = Commune.objects.get(slug="schaerbeek")
    ixelles = Commune.objects.get(slug="ixelles")
    food, housing = Theme.objects.get(slug="food"), Theme.objects.get(slug="housing")
    french, dutch = Language.objects.get(code="fr"), Language.objects.get(code="nl")
    actors = {
        "pantry": ActorFactory(
            slug="epicerie-solidaire",
            name_fr="Épicerie solidaire",
            name_nl="Solidaire kruidenier",
            acronym="ESOL",
            kind=Actor.Kind.ASSOCIATION,
            phone="02 555 12 34",
            email="info@esol.example",
            website="https://esol.example",
            opening_hours_fr="Lundi au vendredi 9h–17h",
            opening_hours_nl="Maandag tot vrijdag 9u–17u",
            last_verified=VERIFIED,
            contact_name="Jeanne Secret",
            contact_consent=False,
            commune=schaerbeek,
            themes=[food, housing],
            languages=[french, dutch],
            places=[
                PlaceFactory(
                    street="Rue Royale Sainte-Marie 12", postcode="1030", commune=schaerbeek, lat=50.86, lon=4.37
                )
            ],
        ),
        "roof": ActorFactory(
            slug="toit-pour-tous",
            name_fr="Un toit pour tous",
            kind=Actor.Kind.CITIZEN_INITIATIVE,
            contact_name="Paul Public",
            contact_consent=True,
            commune=ixelles,
            themes=[housing],
            places=[
                PlaceFactory(street="Chaussée d'Ixelles 200", postcode="1050", commune=ixelles, lat=50.83, lon=4.37)
            ],
        ),
        "region": ActorFactory(slug="reseau-regional", name_fr="Réseau régional", commune=None, themes=[food]),
    }
    return actors


def directory_params(query, **layout):
    """The printout's parameters of the directory's filters ``query`` and a layout (grouping, lang, large)."""
    return DirectoryQuery.from_params(query).changed(**layout).to_params()


def _pdf(query=None, **options):
    return directory_pdf(directory_params(query or {}, **options))


def _body(pdf):
    """Texts of the pages between the contents (page 2) and the indexes."""
    pages = pdfcheck.page_texts(pdf)
    end = next(i for i, text in enumerate(pages) if text.startswith(_("Index of names")))
    return pages[2:end]


def _group_of(pdf):
    """{entry name: [group headings it is printed under]}: every group starts a page with its title."""
    found = {}
    heading = None
    for text in _body(pdf):
        first = text.split("\n", 1)[0]
        heading = first if not first[:1].isdigit() or heading is None else heading
        for name in ("Épicerie solidaire", "Un toit pour tous", "Réseau régional"):
            if name in text:
                found.setdefault(name, []).append(heading)
    return found


def test_entries_are_printed_with_their_public_fields(data):
    pdf = _pdf()
    text = "".join(pdfcheck.text(pdf).split())  # without spaces: a line may break inside a field
    for expected in (
        "Épicerie solidaire",
        "(ESOL)",
        str(Actor.Kind.ASSOCIATION.label),
        Theme.objects.get(slug="food").name_fr,
        "Rue Royale Sainte-Marie 12, 1030 Schaerbeek",
        "Lundi au vendredi 9h–17h",
        "02 555 12 34",
        "info@esol.example",
        "https://esol.example",
        "français, néerlandais",
        formats.date_format(VERIFIED, "DATE_FORMAT"),
        _("Not verified yet"),
        "Paul Public",  # agreed to be shown
    ):
        assert "".join(expected.split()) in text, expected
    assert "JeanneSecret" not in text  # no consent: never printed
    assert _("Directory of associations and initiatives") in pdfcheck.page_texts(pdf)[0]


def test_grouped_by_commune_each_entry_stands_under_its_commune_and_the_others_last(data):
    pdf = _pdf()
    groups = _group_of(pdf)
    assert groups == {
        "Épicerie solidaire": ["Schaerbeek"],
        "Un toit pour tous": ["Ixelles"],
        "Réseau régional": [_("Whole region / other")],
    }
    headings = [text.split("\n", 1)[0] for text in _body(pdf)]
    assert headings.index("Ixelles") < headings.index("Schaerbeek") < headings.index(_("Whole region / other"))


def test_grouped_by_theme_an_actor_with_two_themes_is_under_both(data):
    pdf = _pdf(grouping="theme")
    food, housing = (Theme.objects.get(slug=s) for s in ("food", "housing"))
    groups = {name: [h.split(" ", 1)[1] for h in headings] for name, headings in _group_of(pdf).items()}
    assert sorted(groups["Épicerie solidaire"]) == sorted([food.name_fr, housing.name_fr])
    assert groups["Un toit pour tous"] == [housing.name_fr]
    assert groups["Réseau régional"] == [food.name_fr]


def test_alphabetical_grouping_has_letter_headings_in_order(data):
    pdf = _pdf(grouping="alpha")
    body = "\n".join(_body(pdf))
    lines = body.split("\n")
    assert [line for line in lines if re.fullmatch(r"[A-Z#]", line)] == ["E", "R", "U"]
    assert body.index("Épicerie solidaire") < body.index("Réseau régional") < body.index("Un toit pour tous")


def test_french_and_dutch_side_by_side(data):
    pdf = _pdf(lang="fr+nl")
    text = pdfcheck.text(pdf)
    with translation.override("nl"):
        dutch_kind = str(Actor.Kind.ASSOCIATION.label)
        dutch_hours = _("Opening hours")
    with translation.override("fr"):
        french_kind = str(Actor.Kind.ASSOCIATION.label)
    assert dutch_kind != french_kind
    assert dutch_kind in text and french_kind in text
    assert dutch_hours in text
    assert "Solidaire kruidenier" in text and "Épicerie solidaire" in text
    assert "Maandag tot vrijdag 9u–17u" in text and "Lundi au vendredi 9h–17h" in text
    assert "Schaerbeek / Schaarbeek" in text


def test_dutch_alone(data):
    pdf = _pdf(lang="nl")
    text = pdfcheck.text(pdf)
    assert "Solidaire kruidenier" in text
    assert "Un toit pour tous" in text  # no Dutch name: the French one stands in
    with translation.override("nl"):
        assert str(Actor.Kind.ASSOCIATION.label) in text
    assert "Lundi au vendredi" not in text


def _index(pdf, title):
    pages = pdfcheck.page_texts(pdf)
    start = next(i for i, text in enumerate(pages) if text.startswith(title))
    return pages, "\n".join(pages[start:])


def test_the_index_of_names_gives_the_pages_where_the_names_are(data):
    # Enough entries for several pages, so a wrong page number shows.
    schaerbeek = Commune.objects.get(slug="schaerbeek")
    for i in range(25):
        ActorFactory(name_fr=f"Collectif numéro {i:02d}", commune=schaerbeek)
    pdf = _pdf(grouping="alpha")
    pages, index = _index(pdf, _("Index of names"))
    lines = re.findall(r"^(.+?) (\d+(?:, \d+)*)$", index.split(_("Index of themes"))[0], re.MULTILINE)
    footer = _("Directory of associations and initiatives")
    entries = [(name.strip(), numbers) for name, numbers in lines if not name.startswith(footer)]
    assert len(entries) == 28
    assert {name for name, _ in entries} >= {"Épicerie solidaire", "Collectif numéro 24"}
    used = set()
    for name, numbers in entries:
        for number in numbers.split(", "):
            used.add(int(number))
            assert name in pages[int(number) - 1], (name, number)
    assert len(used) > 1


def test_the_index_of_themes_gives_the_pages_of_their_entries(data):
    pdf = _pdf()
    pages, index = _index(pdf, _("Index of themes"))
    housing = Theme.objects.get(slug="housing").name_fr
    numbers = re.search(re.escape(housing) + r"\n([\d, ]+)", index).group(1)
    names = [pages[int(n) - 1] for n in numbers.split(",")]
    assert any("Épicerie solidaire" in text for text in names)
    assert any("Un toit pour tous" in text for text in names)


def test_a_qr_code_leads_to_the_actors_page(data):
    pdf = _pdf({"commune": ["ixelles"]})
    assert f"{settings.SITE_URL}/fr/" in pdfcheck.qr_codes(pdf, page=3)[0]
    assert pdfcheck.qr_codes(pdf, page=3) == [settings.SITE_URL + data["roof"].get_absolute_url()]
    nl = _pdf({"commune": ["ixelles"]}, lang="nl")
    with translation.override("nl"):
        assert pdfcheck.qr_codes(nl, page=3) == [settings.SITE_URL + data["roof"].get_absolute_url()]


@pytest.mark.parametrize(("lang", "large"), [("fr", False), ("nl", False), ("fr+nl", False), ("fr", True)])
def test_pages_are_well_laid_out(data, lang, large):
    pdfcheck.check_pages(_pdf(lang=lang, large=large))


def _body_font_size(pdf):
    """The most common font size of the entries' pages."""
    sizes = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes[size] = sizes.get(size, 0) + len(text)

    for page in pdfcheck.reader(pdf).pages[2:-2]:
        page.extract_text(visitor_text=visit)
    return max(sizes, key=sizes.get)


def test_large_print_sets_the_body_at_16_points_at_least(data):
    assert _body_font_size(_pdf(large=True)) >= 16
    assert _body_font_size(_pdf()) < 12


def test_filters_keep_only_the_chosen_communes_actors(data):
    params = directory_params({"commune": ["ixelles"]})
    assert count_entries(params) == 1
    text = pdfcheck.text(directory_pdf(params))
    assert "Un toit pour tous" in text
    assert "Épicerie solidaire" not in text and "Réseau régional" not in text
    assert count_entries(directory_params({"theme": ["food"]})) == 2
    assert count_entries(directory_params({"kind": [Actor.Kind.CITIZEN_INITIATIVE]})) == 1


def test_unknown_filter_values_are_dropped_and_options_normalised(data):
    query = {"commune": ["schaerbeek", "atlantis"], "theme": ["nope"], "page": ["3"], "group": "bogus", "lang": "de"}
    with translation.override("fr"):
        params = DirectoryQuery.from_params({**query, "large": "1"}).to_params()
    assert params["filters"]["commune"] == ["schaerbeek"]
    assert params["filters"]["theme"] == []
    assert "page" not in params["filters"]
    assert (params["grouping"], params["lang"], params["large"]) == ("commune", "fr", True)
    assert json.loads(json.dumps(params)) == params


def test_a_query_dict_is_read_like_the_directory_page(data, rf):
    request = rf.get("/fr/directory/", {"commune": ["ixelles", "schaerbeek"], "q": "toit"})
    params = directory_params(request.GET)
    assert params["filters"]["commune"] == ["ixelles", "schaerbeek"]
    assert params["filters"]["q"] == ["toit"]


def test_progress_is_reported_and_queries_do_not_grow_with_entries(territory, taxonomy, monkeypatch):
    monkeypatch.setattr(booklet, "_typeset", lambda data: b"%PDF")
    schaerbeek = Commune.objects.get(slug="schaerbeek")
    themes = list(Theme.objects.filter(parent=None)[:2])
    languages = list(Language.objects.all()[:2])

    def add():
        ActorFactory(commune=schaerbeek, themes=themes, languages=languages, places=[PlaceFactory(commune=schaerbeek)])

    def count():
        params = directory_params({})
        directory_pdf(params)  # warms the index and vocabularies
        calls = []
        with CaptureQueriesContext(connection) as context:
            directory_pdf(params, progress=lambda done, total: calls.append((done, total)))
        return len(context.captured_queries), calls

    add()
    few, calls = count()
    add()
    add()
    many, calls = count()
    assert few == many <= 8
    assert calls[-1] == (3, 3)


def test_each_commune_has_its_map_with_the_entries_numbered(data, monkeypatch):
    path = settings.SHARED_DIR / "data" / "brussels-communes.geojson"
    if not path.exists():
        pytest.skip("no ../shared boundaries")
    from territory.services import clear_caches, load_territory

    load_territory(boundaries_file=path)
    clear_caches()
    seen = {}
    monkeypatch.setattr(booklet, "_typeset", lambda data: seen.setdefault("data", data) and b"%PDF")
    directory_pdf(directory_params({"commune": ["schaerbeek", "ixelles"]}))
    groups = {group["title"]: group for group in seen["data"]["groups"]}
    schaerbeek = groups["Schaerbeek"]
    assert "<path" in schaerbeek["map"] and ">1</text>" in schaerbeek["map"]
    assert [entry["n"] for entry in schaerbeek["entries"]] == [1]


# --- large directories: typeset in parts ------------------------------------------------------


def _footer_number(text):
    """The page number at the end of a page's footer (None on the cover, which has no footer)."""
    found = re.search(r" — \S+ (\d+)\s*$", text)
    return int(found.group(1)) if found else None


def test_a_directory_in_parts_reads_exactly_like_one_in_a_piece(data, monkeypatch):
    whole = pdfcheck.page_texts(_pdf())
    calls = []
    monkeypatch.setattr(booklet, "PART_ENTRIES", 1)  # one body part a commune
    monkeypatch.setattr(booklet, "render_apart", lambda *a, **k: calls.append(a[1]["part"]) or render_apart(*a, **k))
    parts = pdfcheck.page_texts(_pdf())
    assert parts == whole
    # Each part in a process of its own: the front twice, three body parts, the indexes.
    assert sorted(calls) == ["body", "body", "body", "front", "front", "indexes"]


@pytest.fixture
def many(data):
    """Schaerbeek with 9 entries (cut in three parts of at most 4), Ixelles with 2, a region-wide."""
    schaerbeek, ixelles = Commune.objects.get(slug="schaerbeek"), Commune.objects.get(slug="ixelles")
    housing = Theme.objects.get(slug="housing")
    long = "Une description assez longue pour que chaque fiche prenne de la place sur la page. " * 3
    for i in range(8):
        ActorFactory(name_fr=f"Collectif numéro {i:02d}", description_fr=long, commune=schaerbeek, themes=[housing])
    ActorFactory(name_fr="Atelier vélo d'Ixelles", description_fr=long, commune=ixelles)
    return data


def test_parts_cut_a_large_group_and_every_number_is_right(many, monkeypatch):
    monkeypatch.setattr(booklet, "PART_ENTRIES", 4)
    pdf = _pdf()
    pages = pdfcheck.page_texts(pdf)
    pdfcheck.check_pages(pdf)
    # The footers run 1..N across the parts, without a gap or a repeat (the cover has none).
    assert [_footer_number(text) for text in pages] == [None, *range(2, len(pages) + 1)]
    # The group cut in parts shows its title again, "(continued)", on a new page, without its map.
    continued = f"Schaerbeek {_('(continued)')}"
    again = [i for i, text in enumerate(pages) if text.startswith(continued)]
    assert len(again) == 2
    assert all(_("The numbers on the map are those of the entries.") not in pages[i] for i in again)
    body = "\n".join(pages[2:])
    assert body.index("Collectif numéro 02") < body.index(continued) < body.index("Collectif numéro 07")
    # The contents give the page where each group starts (and where the indexes start).
    lines = re.findall(r"^(.+?)[ .]+(\d+)$", pages[1], re.MULTILINE)
    contents = {title.strip(): int(number) for title, number in lines}
    starts = {"Ixelles", "Schaerbeek", _("Whole region / other"), _("Index of names"), _("Index of themes")}
    assert starts <= set(contents)
    for title in starts:
        assert pages[contents[title] - 1].startswith(title), title
    # The index of names gives the pages where the names are, on several parts.
    index = "\n".join(pages[contents[_("Index of names")] - 1 : contents[_("Index of themes")] - 1])
    lines = dict(re.findall(r"^(.+?)\s+(\d+(?:, \d+)*)$", index, re.MULTILINE))
    names = [f"Collectif numéro {i:02d}" for i in range(8)] + ["Atelier vélo d'Ixelles", "Épicerie solidaire"]
    used = set()
    for name in names:
        for number in lines[name].split(", "):
            assert name in pages[int(number) - 1], (name, number)
            used.add(int(number))
    assert len(used) >= 4
    # The index of themes too.
    housing = Theme.objects.get(slug="housing").name_fr
    themes = "\n".join(pages[contents[_("Index of themes")] - 1 :])
    numbers = [int(n) for n in re.search(re.escape(housing) + r"\n([\d, \n]+)", themes).group(1).split(",")]
    assert all(
        any(name in pages[n - 1] for name in (*names[:8], "Un toit pour tous", "Épicerie solidaire")) for n in numbers
    )
    assert set(numbers) >= {contents["Ixelles"], contents["Schaerbeek"]}


def test_the_joined_document_keeps_its_title_language_bookmarks_and_links(many, monkeypatch):
    monkeypatch.setattr(booklet, "PART_ENTRIES", 4)
    pdf = _pdf()
    reader = pdfcheck.reader(pdf)
    assert reader.metadata.title == _("Directory of associations and initiatives")
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    bookmarks = [(item.title, reader.get_destination_page_number(item) + 1) for item in reader.outline]
    pages = pdfcheck.page_texts(pdf)
    assert [title for title, _page in bookmarks] == [
        "Ixelles",
        "Schaerbeek",
        _("Whole region / other"),
        _("Index of names"),
        _("Index of themes"),
    ]
    assert all(pages[page - 1].startswith(title) for title, page in bookmarks)
    links = [annotation.get_object()["/A"].get("/URI") for annotation in reader.pages[0].get("/Annots", [])]
    assert links == [settings.SITE_URL]
    assert reader.named_destinations == {}  # the page-finding labels are not left in the document


def test_an_empty_directory_has_its_cover_contents_and_empty_indexes(territory, taxonomy):
    pages = pdfcheck.page_texts(_pdf({"commune": ["ixelles"]}))
    assert len(pages) == 4
    assert pages[2].startswith(_("Index of names")) and pages[3].startswith(_("Index of themes"))


def test_parts_keep_groups_whole_and_cut_a_larger_one_in_equal_pieces():
    def group(n):
        return {"title": f"g{n}", "map": "<svg/>", "entries": list(range(n))}

    parts = booklet._parts([group(3), group(1002), group(2), group(500)], 1000)
    assert [[(len(p["entries"]), p["index"], p["continued"], p["map"]) for p in part] for part in parts] == [
        [(3, 0, False, "<svg/>"), (501, 1, False, "<svg/>")],
        [(501, 1, True, None), (2, 2, False, "<svg/>")],
        [(500, 3, False, "<svg/>")],
    ]


def test_a_field_added_to_the_actors_spec_is_printed_in_its_entry(data, monkeypatch):
    from directory.fields import ACTOR
    from maillage.fields import Field

    seen, typeset = {}, booklet._typeset
    monkeypatch.setattr(booklet, "_typeset", lambda data: seen.update(data=data) or b"%PDF")
    ACTOR.add(Field("location_approximate", "Only the commune is known", "bool"), after="website")
    try:
        directory_pdf(directory_params({"commune": ["ixelles"]}))
    finally:
        ACTOR.remove("location_approximate")
    [entry] = seen["data"]["groups"][0]["entries"]
    assert entry["more"] == [["Only the commune is known", _("No")]]
    assert f"Only the commune is known: {_('No')}" in pdfcheck.text(typeset(seen["data"]))
    directory_pdf(directory_params({"commune": ["ixelles"]}))
    assert seen["data"]["groups"][0]["entries"][0]["more"] == []  # nothing more printed than the design's


def test_a_field_the_actors_spec_no_longer_declares_public_is_not_printed(data, monkeypatch):
    import dataclasses

    from directory.fields import ACTOR

    seen = {}
    monkeypatch.setattr(booklet, "_typeset", lambda data: seen.update(data=data) or b"%PDF")
    private = [dataclasses.replace(f, public=False) if f.name in ("phone", "email") else f for f in ACTOR.fields]
    monkeypatch.setattr(ACTOR, "fields", private)
    directory_pdf(directory_params({"commune": ["schaerbeek"]}))
    [entry] = seen["data"]["groups"][0]["entries"]
    assert entry["names"][0] == "Épicerie solidaire" and entry["website"] == "https://esol.example"
    assert (entry["phone"], entry["email"]) == ("", "")
