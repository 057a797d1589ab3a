"""Rich text typed by contributors: plain text, or a few tags (nh3 removes everything else).

Plain text is stored as typed ("Tom & Jerry" stays so); only text with tags is sanitised. Pages
render with ``render``; feeds, JSON-LD and the search index read ``plain``.
"""

import html
import re

import nh3
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

TAGS = {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a"}
ATTRIBUTES = {"a": {"href"}}
_TAG = re.compile(r"<[A-Za-z/!]")
_BLOCK = re.compile(r"<(p|br|ul|ol|li)\b", re.IGNORECASE)


def has_markup(text):
    return bool(_TAG.search(text or ""))


def clean(text):
    """Sanitised HTML for text with tags (links get rel="noopener noreferrer nofollow", only
    http(s)/mailto/tel); plain text is returned unchanged."""
    text = text or ""
    if not has_markup(text):
        return text
    return nh3.clean(
        text,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )


def render(text):
    """Safe HTML for a page: plain text as escaped paragraphs; markup sanitised again (defence in
    depth), with paragraphs from blank lines when it has no block tags of its own."""
    text = text or ""
    if not has_markup(text):
        return mark_safe(linebreaks(text, autoescape=True))  # linebreaks escapes the text itself
    cleaned = clean(text)
    if not _BLOCK.search(cleaned):
        cleaned = linebreaks(cleaned, autoescape=False)  # already sanitised
    return mark_safe(cleaned)


def plain(text):
    """The text without tags or entities: for iCal, JSON-LD and search."""
    text = text or ""
    if not has_markup(text):
        return text
    return html.unescape(nh3.clean(text, tags=set()))
