"""Words as people type them: folded, split, stemmed in French, Dutch and English.

The same functions make the stored form of a document and the forms a query word may take, so
both databases index and match the very same tokens (plain words of a-z and 0-9): the ranking
does not depend on a database's own language configuration.
"""

import re
from functools import lru_cache

import snowballstemmer

from maillage.text import fold

LANGS = ("fr", "nl", "en")
_STEMMERS = {"fr": "french", "nl": "dutch", "en": "english"}
_stemmers = {lang: snowballstemmer.stemmer(name) for lang, name in _STEMMERS.items()}

# Words that tell nothing of what is looked for ("cours de français", "hulp voor daklozen",
# "help for the homeless"; "St-Gilles": the rest of a name says which saint); dropped from queries
# and documents, unless a query has nothing else.
STOPWORDS = frozenset(
    """
    au aux avec ce ces cet cette chez dans de des du elle en est et il ils je la le les leur leurs
    ma mais me mes mon ne nos notre nous ou par pas pour qu que qui sa se ses son sur ta te tes ton
    tu un une vos votre vous y a ete etre sont aussi comme
    aan als bij dat de den der des die dit door een en er het hij hoe ik in is je met na naar niet
    of om onder op over te tot uit van voor wat we wij zij ze zijn
    an and are as at be by for from has have in into is it its of on or that the their this to was
    were with you your our we my
    st ste
    """.split()  # noqa: SIM905 (a list of words reads best as words)
)
MIN_FORM = 2  # shorter tokens are dropped (elided articles: "l'", "d'", "'s")
TOKEN = re.compile(r"[a-z0-9]+")


def words(text):
    """Folded surface words: "L'alphabétisation, sans-abri" -> ["l", "alphabetisation", "sans", "abri"]."""
    return TOKEN.findall(fold(text))


def is_content(word):
    return len(word) >= MIN_FORM and word not in STOPWORDS


def content_words(text):
    """The words that say something (no stop words, no one-letter words)."""
    return [w for w in words(text) if is_content(w)]


@lru_cache(maxsize=50_000)
def stem(word, lang):
    """The word's stem in ``lang`` (digits and short words stay as they are)."""
    if len(word) <= 3 or not word.isalpha():
        return word
    return _stemmers[lang].stemWord(word)


@lru_cache(maxsize=50_000)
def stems(word):
    """Every form a query word may take in a document: its stem in each language."""
    return frozenset(stem(word, lang) for lang in LANGS)


def index_words(text, lang):
    """The stored tokens of a text in ``lang`` (None: a text written alike in every language, such
    as a name or an acronym: each word under each language's stem)."""
    out = []
    for word in content_words(text):
        if lang is None:
            out.extend(dict.fromkeys(stem(word, code) for code in LANGS))
        else:
            out.append(stem(word, lang))
    return out


def index_text(text, lang=None):
    return " ".join(index_words(text, lang))


def edits(word):
    """Every string one edit away (deleted, swapped, replaced or inserted letter): the candidates of
    a typo's correction, looked up in the vocabulary of the index."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    swaps = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in letters if c != b[0]]
    inserts = [a + c + b for a, b in splits for c in letters]
    return set(deletes + swaps + replaces + inserts) - {word}
