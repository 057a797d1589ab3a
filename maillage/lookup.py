"""Finding one item of a short list (communes, themes) from what a person typed.

People type a commune or a theme as they say it: "Schaerbeek", "Schaarbeek", "1030", "sint-gillis",
"Saint Gilles", "SANTE MENTALE". ``resolve`` compares the typed text with each item's keys
folded (no accents, no case) and without spaces or hyphens: a key equal to the text wins, else
the one item that has a name starting with it. Codes (postcodes) only match whole.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .text import fold


def compact(text):
    """'Saint-Gilles' and 'saint gilles' -> 'saintgilles'."""
    return fold(text).replace(" ", "")


@dataclass
class Entry:
    """One item and what it may be typed as: names (matched whole or by their start) and codes
    (matched whole)."""

    item: object
    names: tuple = ()
    codes: tuple = ()
    keys: frozenset = field(init=False)
    prefixes: tuple = field(init=False)

    def __post_init__(self):
        names = {compact(name) for name in self.names} - {""}
        self.prefixes = tuple(names)
        self.keys = frozenset(names | {str(code).strip() for code in self.codes})


class LookupFailed(LookupError):
    """``candidates``: the items that matched (none when unknown, several when ambiguous)."""

    def __init__(self, message, text, candidates=()):
        super().__init__(message)
        self.text, self.candidates = text, list(candidates)


class Unknown(LookupFailed):
    pass


class Ambiguous(LookupFailed):
    pass


def resolve(text, entries, *, what, describe=str):
    """The item of ``entries`` that ``text`` names. Raises ``Unknown`` when none does and
    ``Ambiguous`` (its message lists the candidates, each by ``describe``) when several do.

    ``what``: the plural noun of the items, for the messages ("communes")."""
    typed = (text or "").strip()
    key = compact(typed) if not typed.isdigit() else typed
    entries = list(entries)
    if key:
        found = list(dict.fromkeys(e.item for e in entries if key in e.keys))
        if not found and not typed.isdigit():
            found = list(dict.fromkeys(e.item for e in entries if any(p.startswith(key) for p in e.prefixes)))
        if len(found) == 1:
            return found[0]
        if found:
            raise Ambiguous(
                _("“%(text)s” matches several %(what)s: %(candidates)s.")
                % {"text": typed[:60], "what": what, "candidates": ", ".join(describe(i) for i in found)},
                typed,
                found,
            )
    raise Unknown(_("“%(text)s” is not one of the %(what)s.") % {"text": typed[:60], "what": what}, typed)
