"""Text helpers shared by every app: folding for accent- and case-insensitive search."""

import re

from unidecode import unidecode

_SPACES = re.compile(r"[^a-z0-9]+")


def fold(text):
    """'Inégalités / Ongelijkheden' -> 'inegalites ongelijkheden'."""
    return _SPACES.sub(" ", unidecode(text or "").lower()).strip()


def fold_all(*texts):
    return " ".join(t for t in (fold(x) for x in texts) if t)
