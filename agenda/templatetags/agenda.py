"""Rendering helpers for the agenda's busiest template, the month grid (up to 168 entries)."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()
TITLE_CHARS = 48


@register.simple_tag
def month_cell(entries):
    """A day's entries (agenda.services.MonthEntry) as a list of links, rendered in Python: the
    template language costs more per entry than the rest of the page."""
    if not entries:
        return ""
    rows = [
        (
            entry.url,
            format_html('<span class="time">{}</span> ', f"{entry.start:%H:%M}") if entry.start else "",
            entry.title if len(entry.title) <= TITLE_CHARS else entry.title[: TITLE_CHARS - 1] + "…",
        )
        for entry in entries
    ]
    return format_html("<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}{}</a></li>', rows))
