"""Template helpers: translated fields with their fallback marked, query strings, JSON-LD."""

import json
from html import escape
from urllib.parse import urlencode

from django import template
from django.urls import translate_url
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from maillage import richtext

register = template.Library()

LANGS = ("fr", "nl", "en")
LANGUAGE_NAMES = {"fr": "français", "nl": "Nederlands", "en": "English"}


class Translated:
    """A field's text in the page language, or in the first language that has it."""

    def __init__(self, text, lang, fallback):
        self.text, self.lang, self.is_fallback = text, lang, fallback

    def __str__(self):
        return self.text


@register.simple_tag(takes_context=True)
def translated(context, obj, field):
    current = translation.get_language() or "fr"
    order = [current] + [lang for lang in LANGS if lang != current]
    for lang in order:
        text = getattr(obj, f"{field}_{lang}", "") or ""
        if text:
            return Translated(text, lang, lang != current)
    return Translated("", current, False)


@register.inclusion_tag("includes/fallback_note.html")
def fallback_note(value):
    return {"value": value, "language_name": LANGUAGE_NAMES.get(getattr(value, "lang", ""), "")}


@register.simple_tag
def query(items, **changes):
    """A query string from (name, value) pairs with some names replaced: {% query query page=2 %}."""
    pairs = [(k, v) for k, v in items if k not in changes]
    pairs += [(k, v) for k, v in changes.items() if v not in (None, "")]
    return "?" + urlencode(pairs) if pairs else ""


@register.simple_tag(takes_context=True)
def language_url(context, lang):
    """The current page in another language, keeping its query string."""
    request = context["request"]
    url = translate_url(request.path, lang)
    if request.META.get("QUERY_STRING"):
        url += "?" + request.META["QUERY_STRING"]
    return url


@register.filter
def jsonld(data):
    """A schema.org JSON-LD block; <, > and & are escaped so the text cannot close the tag."""
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.filter
def lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


_CHECKED = mark_safe(" checked")
_EMPTY = mark_safe("")


@register.simple_tag
def facet_options(group):
    """A filter group's checkboxes, rendered in Python: a directory page has about 150 of them."""
    items = []
    for option in group["options"]:
        if not (option["count"] or option["checked"]):
            continue
        pictogram = (
            format_html('<span aria-hidden="true">{}</span> ', option["pictogram"]) if option["pictogram"] else _EMPTY
        )
        items.append(
            format_html(
                '<li><label><input type="checkbox" name="{}" value="{}"{}> {}{} <span class="count">({})</span></label></li>',
                group["name"],
                option["value"],
                _CHECKED if option["checked"] else _EMPTY,
                pictogram,
                option["label"],
                option["count"],
            )
        )
    return mark_safe("\n".join(items))  # each item was built by format_html, which escapes


@register.simple_tag
def select_options(items, chosen, key="slug", indent_children=False):
    """<option>s for a vocabulary, built with ``html.escape`` (the agenda's filters list ~100)."""
    chosen = set(chosen or ())
    options = []
    for item in items:
        value = getattr(item, key)
        selected = " selected" if value in chosen else ""
        dash = "— " if indent_children and item.parent_id else ""
        options.append(f'<option value="{escape(value)}"{selected}>{dash}{escape(item.name)}</option>')
    return mark_safe("".join(options))  # every value escaped above


@register.filter
def rich(text):
    """A description as sanitised HTML (see maillage.richtext)."""
    return richtext.render(str(text or ""))


@register.filter
def plain(text):
    """A description without tags or entities, e.g. for a meta description."""
    return richtext.plain(str(text or ""))
