"""Words as people type them: folding, splitting, stop words, stems in FR/NL/EN, one-edit typos."""

import pytest

from search import analysis


def test_folding_and_splitting_of_hyphens_and_apostrophes():
    assert analysis.words("L'Alphabétisation, SANS-ABRI") == ["l", "alphabetisation", "sans", "abri"]
    assert analysis.content_words("l'alphabétisation des sans-abri") == ["alphabetisation", "sans", "abri"]


def test_stop_words_of_each_language_are_dropped():
    assert analysis.content_words("cours de français pour les adultes") == ["cours", "francais", "adultes"]
    assert analysis.content_words("hulp voor daklozen") == ["hulp", "daklozen"]
    assert analysis.content_words("help for the homeless") == ["help", "homeless"]


@pytest.mark.parametrize(
    ("lang", "a", "b"),
    [
        ("fr", "logement", "logements"),
        ("fr", "bénévoles", "bénévole"),
        ("fr", "alphabétisation", "ALPHABETISATION"),
        ("nl", "fietsers", "fietser"),
        ("nl", "nieuwkomers", "nieuwkomer"),
        ("nl", "daklozen", "dakloos"),
        ("en", "volunteers", "volunteering"),
        ("en", "cyclists", "cyclist"),
    ],
)
def test_forms_of_a_word_share_its_stem(lang, a, b):
    (wa,) = analysis.content_words(a)
    (wb,) = analysis.content_words(b)
    assert analysis.stem(wa, lang) == analysis.stem(wb, lang)


def test_a_query_word_takes_its_stem_in_every_language():
    assert {"log", "logement"} <= analysis.stems("logement")
    assert analysis.stem("1050", "fr") == "1050"  # numbers stay whole


def test_index_text_is_the_stems_of_the_content_words():
    assert analysis.index_text("Les logements sociaux", "fr") == "log social"


def test_edits_are_one_change_away():
    found = analysis.edits("logment")
    assert "logement" in found  # a letter left out
    assert "logmnet" in found  # two letters swapped
    assert "lxgment" in found  # a letter replaced
    assert "ogment" in found  # a letter too many
    assert "logment" not in found
    assert all(abs(len(e) - len("logment")) <= 1 for e in found)
