"""The engine on hand-made documents: what matches and in which order, on either database."""

import pytest

from search import engine
from search.engine import SearchDocument, Term, tag
from search.models import Document
from territory.models import Commune, Postcode

ACTOR = Document.Kind.ACTOR
pytestmark = pytest.mark.django_db


@pytest.fixture
def terms(monkeypatch):
    """A tiny thesaurus in place of the directory's: two themes and a kind."""
    found = [
        Term(tag("theme", 1), "fr", "Aide alimentaire"),
        Term(tag("theme", 1), "nl", "Voedselhulp"),
        Term(tag("theme", 1), "fr", "colis alimentaire, épicerie sociale"),
        Term(tag("theme", 2), "fr", "Alphabétisation"),
        Term(tag("theme", 2), "nl", "Geletterdheid"),
        Term(tag("theme", 3), "fr", "Sans-abrisme"),
        Term(tag("theme", 3), "fr", "SDF; sans-abri"),
        Term(tag("theme", 3), "nl", "dakloos"),
        Term(tag("theme", 4), "fr", "Alimentation"),
        Term(tag("audience", 7), "fr", "Sans-abri"),
        Term(tag("theme", 5), "fr", "Épicerie solidaire", broader=tag("theme", 4)),
    ]
    monkeypatch.setattr(engine, "_providers", [lambda: ("v1", found)])
    engine._vocabulary.reset()
    yield found
    engine._vocabulary.reset()


@pytest.fixture
def communes(db):
    from territory.models import Region

    region = Region.objects.create(slug="bxl", name="Bruxelles")
    made = {}
    for nis, slug, fr, nl, lat, lon, code in [
        ("21009", "ixelles", "Ixelles", "Elsene", 50.83, 4.37, "1050"),
        ("21013", "saint-gilles", "Saint-Gilles", "Sint-Gillis", 50.83, 4.345, "1060"),
        ("21015", "schaerbeek", "Schaerbeek", "Schaarbeek", 50.867, 4.377, "1030"),
        ("21012", "molenbeek", "Molenbeek-Saint-Jean", "Sint-Jans-Molenbeek", 50.855, 4.32, "1080"),
        ("21014", "saint-josse", "Saint-Josse-ten-Noode", "Sint-Joost-ten-Node", 50.853, 4.373, "1210"),
    ]:
        made[slug] = Commune.objects.create(
            region=region, nis_code=nis, slug=slug, name_fr=fr, name_nl=nl, name_en=fr, lat=lat, lon=lon
        )
        Postcode.objects.create(code=code, commune=made[slug])
    engine._communes.reset()
    engine._vocabulary.reset()
    yield made
    engine._communes.reset()
    engine._vocabulary.reset()


def add(pk, *, name="", text="", lang="fr", tags=(), rank=1, commune=None, acronym="", related=""):
    engine.index(
        ACTOR,
        pk,
        SearchDocument(
            names={lang: name},
            acronym=acronym,
            tags=list(tags) + ([tag("commune", commune.pk)] if commune else []),
            related={lang: related},
            texts={lang: text},
            rank=rank,
            commune_id=commune.pk if commune else None,
        ),
    )


def ids(query, limit=10):
    return engine.match_ids(ACTOR, query, limit)


def test_word_forms_match(terms):
    add(1, name="Maison du logement", text="Aide aux locataires")
    add(2, name="Fietsersbond", text="De fietsers van Brussel", lang="nl")
    assert ids("logements") == [1]
    assert ids("fietser") == [2]


def test_theme_named_by_its_name_thesaurus_or_other_language_finds_its_entries(terms):
    add(1, name="Resto du coeur", tags=[tag("theme", 1)])
    add(2, name="Lire et écrire", tags=[tag("theme", 2)])
    add(3, name="Les tables du quartier", text="Une aide pour le loyer")
    for query in ("aide alimentaire", "voedselhulp", "colis alimentaire", "épicerie sociale"):
        assert ids(query)[0] == 1, query
        assert engine.analyse(query).themes == [1]
    assert ids("alphabétisation") == [2]
    assert ids("l'alphabétisation") == [2]


def test_hyphenated_and_short_thesaurus_words(terms):
    add(1, name="Nuit au chaud", tags=[tag("theme", 3)])
    assert ids("sans-abri") == [1]
    assert engine.analyse("sans-abri").themes == [3]
    assert ids("sdf") == [1]
    assert ids("dakloos") == [1]


def test_a_typo_of_five_letters_or_more_is_corrected_from_the_index(terms):
    add(1, name="Agence immobilière sociale", text="Un logement pour chacun")
    found = engine.analyse("logment")
    assert found.words[0].correction == "logement"
    assert found.did_you_mean == "logement"
    assert ids("logment") == [1]
    assert engine.analyse("logement").did_you_mean is None
    assert engine.analyse("lgmt").words[0].correction is None  # four letters: not corrected


def test_the_last_word_is_completed_as_typed(terms):
    add(1, name="Agence immobilière sociale", text="Un logement pour chacun")
    add(2, name="Logiciels libres")
    assert ids("logem") == [1]
    assert sorted(ids("log")) == [1, 2]
    assert engine.analyse("logem sociale").words[0].prefix is None  # only the last word is being typed
    assert engine.analyse("logem sociale").words[1].prefix == "sociale"


def test_all_words_before_some(terms):
    add(1, name="Repair café Schaerbeek")
    add(2, name="Repair café Ixelles")
    add(3, name="Café des langues")
    assert ids("repair cafe ixelles")[0] == 2
    assert ids("repair cafe ixelles")[1] == 1
    assert ids("atelier repair cafe") == [1, 2]  # no entry has all words: those with most still come
    assert ids("atelier repair jardin") == []  # one word of three is not most of them
    assert ids("repair ixelles", limit=None) == [2]  # a filter keeps to entries with every word


def test_field_weight_then_rank_then_id(terms):
    add(1, name="Un atelier", text="vélo")
    add(2, name="Vélo", rank=0)
    add(3, name="Vélo", rank=2)
    add(4, name="Le vélo partout", rank=2)
    assert ids("velo") == [3, 4, 2, 1]


def test_a_commune_named_along_a_need_ranks_by_nearness(terms, communes):
    add(1, name="Épicerie", tags=[tag("theme", 1)], commune=communes["schaerbeek"])
    add(2, name="Resto", tags=[tag("theme", 1)], commune=communes["ixelles"])
    add(3, name="Colis", tags=[tag("theme", 1)], commune=communes["saint-gilles"])
    add(4, name="Maison de quartier", commune=communes["ixelles"])
    # Entries of the commune that do not answer the need are not what is sought.
    assert ids("aide alimentaire ixelles") == [2, 3, 1]
    assert ids("voedselhulp elsene") == [2, 3, 1]
    assert ids("colis alimentaire 1060")[0] == 3
    found = engine.analyse("aide alimentaire sint-gillis")
    assert found.communes == [communes["saint-gilles"].pk] and found.themes == [1]


def test_a_commune_alone_finds_its_entries(terms, communes):
    add(1, name="Épicerie", commune=communes["schaerbeek"])
    add(2, name="Resto", commune=communes["ixelles"])
    assert ids("Ixelles") == [2]
    assert ids("Sint-Gillis") == []
    assert ids("schaerbek") == [1]  # a typo of a commune's name


def test_highlights_follow_the_forms(terms):
    add(1, name="Agence", text="Un logement pour chacun")
    found = engine.analyse("logment sociaux")
    assert found.highlights("Logements", "fr")
    assert found.highlights("sociale", "fr")
    assert not found.highlights("pour", "fr")


def test_archived_document_removed_and_rebuilt(terms):
    add(1, name="Vélo")
    engine.remove(ACTOR, 1)
    assert ids("velo") == []
    add(1, name="Vélo")
    engine.clear(ACTOR)
    assert ids("velo") == []


def test_query_of_stop_words_only_or_symbols(terms):
    add(1, name="Le Pont")
    assert engine.analyse("!!!").empty
    assert ids("le") == []  # a stop word alone is kept, and "le" is not a word of any document
    assert ids("pont") == [1]


def test_a_commune_by_part_of_its_name(terms, communes):
    add(1, name="Maison", commune=communes["molenbeek"])
    add(2, name="Atelier", commune=communes["saint-gilles"])
    add(3, name="Abri", tags=[tag("theme", 3)], commune=communes["saint-josse"])
    assert ids("Molenbeek") == [1]
    assert ids("St-Gilles") == [2]
    assert ids("sans-abri Saint-Josse") == [3]
    assert ids("Sint-Joost") == [3]
    assert engine.analyse("saint").communes == []  # a word of many communes' names names none


def test_a_sub_theme_named_brings_its_own_entries_then_its_top_themes(terms):
    add(1, name="Potager", tags=[tag("theme", 4)])
    add(2, name="Le Panier", tags=[tag("theme", 4), tag("theme", 5)])
    assert ids("épicerie solidaire") == [2, 1]
    assert engine.analyse("épicerie solidaire").themes == [5]


def test_a_word_being_typed_names_themes_once_it_says_enough(terms):
    assert engine.analyse("alphab").themes == [2]  # completed from the thesaurus
    assert engine.analyse("al").themes == []  # two letters name nothing
    assert engine.analyse("colis ali").themes == [1]  # a term's last word, half typed
    assert engine.analyse("sdf").words[0].completes is False


def test_the_most_precise_thing_named_first(terms):
    add(1, name="Accueil de jour", tags=[tag("audience", 7)])
    add(2, name="Abri de nuit", tags=[tag("theme", 3)])
    assert ids("sans-abri") == [2, 1]  # the theme before the audience named by the same words
    add(3, name="Potager", tags=[tag("theme", 4)])
    add(4, name="Le Panier", tags=[tag("theme", 4), tag("theme", 5)])
    assert ids("alimentation épicerie solidaire") == [4, 3]  # the sub-theme before its top theme


def test_among_entries_with_some_of_the_words_a_rare_word_says_more(terms):
    for pk in (1, 2, 3):
        add(pk, name=f"Atelier {pk}", text="réparation")
    add(4, name="Potager", text="jardin")
    assert ids("réparation jardin")[0] == 4  # no entry holds both: the rarer word first
