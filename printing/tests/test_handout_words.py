"""The handout's needs said in one's own words: read through the sector's thesaurus (the same words
as search), beside the ticked needs, with a clear message when nothing is recognised."""

import re

import pytest
from django.utils import translation

from directory.models import Theme
from directory.tests.factories import ActorFactory, PlaceFactory
from printing import handout
from printing.forms import HandoutForm
from printing.handout import handout_data, handout_params, needs_in_words
from territory.models import Commune

pytestmark = pytest.mark.django_db

HOME = (50.8601, 4.3677)


@pytest.fixture(autouse=True)
def _print_dir(settings, tmp_path):
    settings.PRINT_DIR = tmp_path / "printouts"
    settings.SITE_URL = "https://maillage.example"


@pytest.fixture
def schaerbeek(territory, taxonomy):
    return Commune.objects.get(slug="schaerbeek")


def _actor(commune, name, metres, *slugs):
    place = PlaceFactory(
        name_fr="",
        street="Rue du Test 1",
        postcode="1030",
        commune=commune,
        lat=HOME[0] + metres / 111_195,
        lon=HOME[1],
    )
    return ActorFactory(
        name_fr=name, commune=commune, places=[place], themes=[Theme.objects.get(slug=s) for s in slugs]
    )


def _form(**data):
    return HandoutForm({"commune": "schaerbeek", "lang": "fr", **data})


@pytest.mark.parametrize(
    ("words", "needs", "themes"),
    [
        ("colis alimentaire", ["food"], []),
        ("voedselbank", ["food"], []),
        ("food parcel", ["food"], []),
        ("dakloos", ["homelessness"], []),
        ("SDF", ["homelessness"], []),
        ("cours de français", ["french"], []),
        ("alphabétisation", ["french"], []),
        ("schulden", ["rights"], []),
        ("psy", ["health"], []),
        ("nieuwkomers", ["newcomers"], []),
        ("vélo", [], ["cycling"]),
        ("bénévolat", [], ["volunteering"]),
        ("xyzzy plugh", [], []),
        ("", [], []),
    ],
)
def test_words_name_the_needs_that_cover_their_themes_or_the_themes_themselves(taxonomy, words, needs, themes):
    assert needs_in_words(words) == (needs, themes)


def test_a_broad_theme_said_along_a_precise_one_is_not_a_need_of_its_own(taxonomy):
    assert needs_in_words("précarité énergétique") == (["housing"], [])  # not all of poverty
    assert needs_in_words("éducation sexuelle") == ([], ["family-planning"])  # not all of education
    assert needs_in_words("pauvreté") == ([], ["poverty"])
    assert needs_in_words("medisch huis") == (["health"], [])  # said in full: "huis" is not "huisvesting"


def test_several_things_said_at_once_give_each_need_once(taxonomy):
    keys, themes = needs_in_words("voedselpakket, dakloos en schuldbemiddeling, épicerie sociale")
    assert sorted(keys) == ["food", "homelessness", "rights"]
    assert themes == []


def test_the_form_reads_the_words_beside_the_ticked_needs(schaerbeek):
    form = _form(needs=["housing"], words="colis alimentaire")
    assert form.is_valid(), form.errors
    assert form.params["needs"] == ["housing", "food"]
    assert "themes" not in form.params
    form = _form(words="fietsers")
    assert form.is_valid(), form.errors
    assert form.params["needs"] == [] and form.params["themes"] == ["cycling"]


def test_the_ticked_needs_alone_still_work(schaerbeek):
    form = _form(needs=["food", "french"])
    assert form.is_valid(), form.errors
    assert form.params["needs"] == ["food", "french"] and "themes" not in form.params


def test_words_not_understood_are_said_beside_the_field_and_kept(schaerbeek):
    form = _form(words="xyzzy plugh")
    assert not form.is_valid()
    assert list(form.errors) == ["words"]
    assert "xyzzy plugh" in form.errors["words"][0]
    assert _form(needs=["food"], words="xyzzy plugh").errors.keys() == {"words"}  # not silently dropped
    empty = _form()
    assert not empty.is_valid() and list(empty.errors) == ["needs"]


def test_more_than_four_needs_said_in_words_is_refused(schaerbeek):
    form = _form(needs=["jobs", "children"], words="voedselbank, dakloos, schulden")
    assert not form.is_valid()
    assert list(form.errors) == ["words"]


def test_the_page_re_shows_the_words_with_their_error(client, schaerbeek):
    response = client.get("/fr/print/handout/", {"commune": "schaerbeek", "words": "xyzzy plugh"})
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r'<input[^>]*name="words"[^>]*value="xyzzy plugh"', page)
    assert re.search(r'<ul class="errorlist" id="handout-words-errors"><li>[^<]*xyzzy plugh', page)
    with translation.override("fr"):
        label = translation.gettext("Or say it in your own words")
    assert label in page


def test_the_form_page_offers_the_words_field(client, schaerbeek):
    page = client.get("/fr/print/handout/", {"commune": "schaerbeek"}).content.decode()
    assert 'name="words"' in page and "errorlist" not in page
    page = client.get("/fr/print/").content.decode()
    assert 'id="handout-words"' in page


def test_a_theme_said_in_words_is_a_need_of_its_own_named_in_each_language(schaerbeek):
    _actor(schaerbeek, "Atelier vélo du quartier", 200, "cycling")
    _actor(schaerbeek, "Épicerie voisine", 100, "food-aid")
    params = handout_params(lat=HOME[0], lon=HOME[1], needs=[], themes=["cycling", "nonsense"], lang="fr+nl")
    assert params["themes"] == ["cycling"]
    data = handout_data(params)
    (section,) = data["needs"]
    assert section["label"] == "Vélo / Fiets"
    assert section["pictogram"] == Theme.objects.get(slug="mobility").pictogram
    assert [entry["name"] for entry in section["entries"]] == ["Atelier vélo du quartier"]


def test_a_top_theme_said_in_words_covers_its_sub_themes(schaerbeek):
    _actor(schaerbeek, "Potager du parc", 300, "urban-agriculture")
    keys, themes = needs_in_words("environnement")
    assert (keys, themes) == ([], ["environment"])
    _actor(schaerbeek, "Repair café", 150, "repair-reuse")
    data = handout_data(handout_params(lat=HOME[0], lon=HOME[1], themes=themes, lang="fr"))
    assert [entry["name"] for entry in data["needs"][0]["entries"]] == ["Repair café"]


def test_handout_params_without_any_need_is_refused(schaerbeek):
    with pytest.raises(handout.LocateError):
        handout_params(lat=HOME[0], lon=HOME[1], needs=[], themes=["nonsense"])
