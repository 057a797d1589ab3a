"""An actor's name as official lists write it, made into the names the directory shows.

The Crossroads Bank for Enterprises and the lists built from it give one legal string:
"ACCÈS ET MOBILITÉ POUR TOUS/TOEGANKELIJKHEID EN MOBILITEIT VOOR ALLEN en abrégé AMT CONCEPT".
``parse_name`` splits it into the French and Dutch names (the Brussels order is "FR / NL"; sides
that read the other way round are swapped), takes the short name after "en abrégé" / "afgekort"
as the acronym, and writes SHOUTING names in ordinary case. The duplicate detection reads the
same forms (``directory.duplicates``); this module decides what is shown.
"""

import re
from dataclasses import dataclass

from directory.duplicates import SHORT_NAME_MARKER, is_name_side


def _words_of(text):
    return frozenset(text.split())


# "en abrégé X", "afgekort X", "in het kort X", "verkort X": X is the short name (the markers are
# the duplicate detection's). No leading quantifier: a "\s+" before would be retried from every
# space of a long run (quadratic).
_ALIAS = re.compile(rf"(?<!\S){SHORT_NAME_MARKER}\b\s*:?", re.IGNORECASE)
# Words telling the language of a side; a side is split off only when it reads like a name.
_FRENCH = _words_of("de du des la le les et pour au aux en l d maison centre asbl aisbl association ville")
_DUTCH = _words_of("van het voor en de der op huis centrum vzw ivzw vereniging stad werking vrienden")
_DUTCH_ENDINGS = ("huis", "heid", "schap", "werking", "centrum", "ij", "ijk", "raad", "dienst")
# Words kept in capitals when a SHOUTING name is written in ordinary case.
_KEEP_UPPER = _words_of(
    "asbl aisbl vzw ivzw sprl bvba scrl cvba srl bv sa nv scs cpas ocmw ulb vub cocof cocom vgc sos "
    "bxl bru ue eu onu vn ong ngo tv it ii iii iv"
)
# Short words written in lower case inside a name (not at its start).
_SMALL = _words_of("de du des la le les et pour au aux à en sur sous par d l van het voor der op in of te")


@dataclass
class ParsedName:
    french: str
    dutch: str = ""
    acronym: str = ""


def parse_name(name, *, split_languages=True):
    """The French name, Dutch name and acronym held by one source string.

    ``split_languages``: split "FR / NL" (only when the source has no column of Dutch names)."""
    name = " ".join(str(name or "").split())
    sides = _sides(name) if split_languages else [name]
    names, acronyms = [], []
    for side in sides:
        main, alias = _alias(side)
        names.append(main)
        if alias:
            acronyms.append(alias)
    names = [unshout(n) for n in names if n]
    if not names:  # the whole string was a short name
        return ParsedName(french=unshout(acronyms[0]) if acronyms else "")
    french, dutch = names[0], names[1] if len(names) > 1 else ""
    if dutch and _language(french) == "nl" and _language(dutch) == "fr":
        french, dutch = dutch, french
    acronym = next((a for a in acronyms if len(a) <= 40), "")
    return ParsedName(french=french, dutch=dutch, acronym=acronym)


def _sides(name):
    """The two sides of "FR / NL", or the name whole when it is not such a name: one slash only,
    each side a name of its own (``directory.duplicates.is_name_side``: not "Rizome/Bxl"), one of
    them reading as Dutch and the other not."""
    parts = name.split("/")
    if len(parts) != 2:
        return [name]
    sides = [part.strip() for part in parts]
    if not all(is_name_side(side) for side in sides):
        return [name]
    languages = {_language(side) for side in sides}
    if languages not in ({"fr", "nl"}, {None, "nl"}):  # "SOS Jeunes / Quartier Libre": one name
        return [name]
    return sides


def _alias(side):
    """(the name without its "en abrégé X", X)."""
    match = _ALIAS.search(side)
    if not match:
        return side.strip(), ""
    return side[: match.start()].strip(" ,-–("), side[match.end() :].strip(" ,-–)")


def _words(text):
    return re.findall(r"[^\W\d_]+", text.casefold())


def _language(side):
    """ "fr", "nl" or None (cannot tell) from the little words of a name."""
    words = _words(side)
    french = sum(word in _FRENCH and word not in _DUTCH for word in words)
    dutch = sum((word in _DUTCH and word not in _FRENCH) or word.endswith(_DUTCH_ENDINGS) for word in words)
    if french > dutch:
        return "fr"
    if dutch > french:
        return "nl"
    return None


def is_shouting(text):
    """Written in capitals throughout (at least two words or five letters): not a short acronym."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 5 and all(c.isupper() for c in letters) and (" " in text.strip() or len(letters) > 6)


def unshout(text):
    """A SHOUTING name in ordinary case: words capitalised, little words in lower case (not the
    first), legal forms and known acronyms kept in capitals. Other names are left as they are."""
    if not is_shouting(text):
        return text
    words = text.split(" ")
    return " ".join(_word_case(word, first=index == 0) for index, word in enumerate(words))


def _word_case(word, *, first):
    bare = re.sub(r"[^\w]", "", word.casefold())
    if bare in _KEEP_UPPER or "." in word.strip(".") or (word.startswith("(") and len(bare) <= 5):
        return word  # "ASBL", "A.S.B.L.", "(LDF)"
    if bare in _SMALL and not first:
        return word.lower()
    # Each part of "SAINT-GILLES" and of "L'ÉTOILE" gets its capital; an elided "d'"/"l'" inside
    # a name stays small.
    parts = re.split(r"([-'’])", word.lower())
    out = []
    for index, part in enumerate(parts):
        elided = len(part) == 1 and parts[index + 1 : index + 2] in (["'"], ["’"]) and not (first and index == 0)
        out.append(part if elided else _capital(part))
    return "".join(out)


def _capital(part):
    letter = next((i for i, c in enumerate(part) if c.isalpha()), None)
    return part if letter is None else part[:letter] + part[letter].upper() + part[letter + 1 :]
