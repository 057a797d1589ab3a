"""Rich text typed by contributors: a few tags kept, everything else removed (nh3)."""

import nh3
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

TAGS = {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a"}
ATTRIBUTES = {"a": {"href"}}


def clean(text):
    """Sanitised HTML. Links get rel="noopener noreferrer nofollow"; only http(s)/mailto/tel."""
    return nh3.clean(
        text or "",
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )


def render(text):
    """Plain text gets paragraphs; text with tags is sanitised again (defence in depth)."""
    text = text or ""
    if "<" not in text:
        return mark_safe(linebreaks(text, autoescape=True))  # linebreaks escaped the text itself
    return mark_safe(clean(text))
