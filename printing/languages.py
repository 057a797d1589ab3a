"""The languages of a printed document: French, Dutch, or both side by side ("fr+nl").

Labels printed in a document are translated in Python (gettext inside ``translation.override``)
and handed to typst as plain text; in both languages, the two versions are joined.
"""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

# The languages a document may be printed in, with the forms' labels.
DOCUMENT_LANGS = {
    "fr": _("French"),
    "nl": _("Dutch"),
    "fr+nl": _("French and Dutch side by side"),
}


def document_lang(lang, default="fr"):
    """``lang`` when a document can be printed in it, else ``default``."""
    return lang if lang in DOCUMENT_LANGS else default


def default_lang():
    """The page's language when a document can be printed in it, else both side by side."""
    return document_lang(translation.get_language() or "fr", "fr+nl")


def langs_of(lang):
    """The languages a document is written in: ["fr", "nl"] for "fr+nl", else [lang] (French when unknown)."""
    return ["fr", "nl"] if lang == "fr+nl" else [lang if lang in ("fr", "nl", "en") else "fr"]


def in_each(langs, make, sep=" / "):
    """``make()`` in each language, the distinct results joined with ``sep`` (one language: itself)."""
    values = []
    for lang in langs:
        with translation.override(lang):
            value = str(make() or "")
        if value and value not in values:
            values.append(value)
    return sep.join(values)
