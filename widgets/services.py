"""Embeddable widgets: what an embed page shows, how it looks, and the snippets that embed it.

The embed pages read the same filters as the directory and the agenda (the owners' parsers); the
appearance parameters (accent colour, light or dark scheme, compact) are validated here and become
CSS classes plus, for the colour, a tiny stylesheet (``widgets:style``): never inline CSS.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from agenda import services as agenda_services
from directory import services as directory_services
from maillage.params import InvalidParam, read_whole_number

LANGS = ("fr", "nl", "en")
SCHEMES = ("light", "dark")
ACCENT_RE = re.compile(r"#(?:[0-9a-f]{3}|[0-9a-f]{6})", re.IGNORECASE)
# The filters each widget passes on to its embed page: the directory's and the agenda's own (their
# parsers check the values), with the words typed and the agenda's organiser.
FILTER_NAMES = {
    "map": (*directory_services.FILTER_GROUPS, "q"),
    "agenda": (*agenda_services.FILTER_GROUPS, "organiser", "q"),
}
MAP_LIST_SIZE = 50
AGENDA_DEFAULT = 20
AGENDA_MAX = 50
HEIGHT_DEFAULT, HEIGHT_MIN, HEIGHT_MAX = 450, 200, 2000
LOADER_PATH = "widgets/maillage-embed.js"


def parse_accent(raw):
    """A hex colour (#rgb or #rrggbb, lower-cased) or None: anything else is ignored."""
    value = (raw or "").strip()
    return value.lower() if ACCENT_RE.fullmatch(value) else None


@dataclass(frozen=True)
class Appearance:
    accent: str | None = None
    scheme: str = "light"
    compact: bool = False

    @property
    def css_classes(self):
        classes = [f"scheme-{self.scheme}"]
        if self.compact:
            classes.append("compact")
        if self.accent:
            classes.append("has-accent")
        return " ".join(classes)

    def query_items(self):
        items = []
        if self.accent:
            items.append(("accent", self.accent))
        if self.scheme != "light":
            items.append(("scheme", self.scheme))
        if self.compact:
            items.append(("compact", "1"))
        return items


def parse_appearance(params):
    scheme = params.get("scheme", "").strip()
    return Appearance(
        accent=parse_accent(params.get("accent")),
        scheme=scheme if scheme in SCHEMES else "light",
        compact=params.get("compact", "").strip() in ("1", "true", "yes", "on"),
    )


def accent_css(accent):
    """The stylesheet of an accent colour (validated again: it is written into CSS)."""
    accent = parse_accent(accent)
    if not accent:
        return "/* no accent colour */\n"
    return f":root{{--accent:{accent}}}\n"


def parse_limit(raw, default=AGENDA_DEFAULT, maximum=AGENDA_MAX):
    """How many dates an embedded agenda lists: a number is brought within 1..``maximum``, anything
    else gives ``default`` (the embed has nowhere to show a notice)."""
    try:
        return read_whole_number(raw, name="limit", low=1, high=maximum, clamp=True) or default
    except InvalidParam:
        return default


# --- what the embed pages show ------------------------------------------------------------------


def map_embed(params):
    """(filters, actors of the no-JavaScript list (first ``MAP_LIST_SIZE``), total matching)."""
    from directory import bitsets

    index = bitsets.current()
    vocab = directory_services.vocabularies(index.version)
    filters = directory_services.parse_actor_filters(params, vocab)
    selection = directory_services.select(filters, vocab, index)
    actors, _number, _pages = directory_services.actor_page(selection, vocab, 1, MAP_LIST_SIZE)
    return filters, actors, selection.total


def agenda_embed(params, limit):
    """(filters, [(day, occurrences)]): the next ``limit`` occurrences, those still running first."""
    vocab = directory_services.vocabularies()
    filters = agenda_services.parse_event_filters(params, vocab)
    running, later, _has_next = agenda_services.upcoming(filters, limit=limit)
    occurrences = (running + later)[:limit]
    return filters, agenda_services.group_by_day(occurrences)


# --- snippets ----------------------------------------------------------------------------------


def site_origin(request):
    """The origin the snippets point at: the address the builder is visited on."""
    return request.build_absolute_uri("/").rstrip("/")


def embed_url(origin, kind, lang, filters=(), appearance=None):
    """The absolute address of an embed page; ``filters``: (name, value) pairs."""
    with translation.override(lang):
        path = reverse(f"widgets:{kind}")
    items = [(k, v) for k, v in filters if k in FILTER_NAMES[kind] and v not in (None, "")]
    items += (appearance or Appearance()).query_items()
    return origin + path + ("?" + urlencode(items) if items else "")


def widget_title(kind, lang):
    with translation.override(lang):
        return _("Maillage map of initiatives") if kind == "map" else _("Maillage agenda: next events")


def loader_url(origin):
    """The loader's unhashed address: partners paste it once, it must not change with each release."""
    return origin + settings.STATIC_URL + LOADER_PATH


def iframe_snippet(origin, kind, lang, filters=(), appearance=None, height=HEIGHT_DEFAULT):
    return format_html(
        '<iframe src="{}" title="{}" width="100%" height="{}" loading="lazy"></iframe>',
        embed_url(origin, kind, lang, filters, appearance),
        widget_title(kind, lang),
        height,
    )


def script_snippet(origin, kind, lang, filters=(), appearance=None, height=None):
    """A <div> with data- attributes (several values of a filter joined by commas) and the loader."""
    values = {}
    for name, value in filters:
        if name in FILTER_NAMES[kind] and value not in (None, ""):
            values.setdefault(name, []).append(str(value))
    attributes = [("maillage-widget", kind), ("lang", lang)]
    attributes += [(name, ",".join(chosen)) for name, chosen in values.items()]
    attributes += (appearance or Appearance()).query_items()
    if height:
        attributes.append(("height", str(height)))
    # The iframe's accessible name from the start (the loader would otherwise say only "Maillage"
    # until the frame, lazily loaded, reports its title).
    attributes.append(("title", widget_title(kind, lang)))
    div = "<div" + "".join(format_html(' data-{}="{}"', name, value) for name, value in attributes) + "></div>"
    return div + "\n" + format_html('<script src="{}" async></script>', loader_url(origin))
