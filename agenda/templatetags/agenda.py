"""Rendering helpers for the agenda's busiest template, the month grid (up to 168 entries).

Built with f-strings and ``html.escape`` on every value: through the template language (or
format_html) the grid costs more than the rest of the page.
"""

from html import escape
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

register = template.Library()
TITLE_CHARS = 48


def _entry(entry):
    title = entry.title or ""
    title = title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1] + "…"
    time = f'<span class="time">{entry.start:%H:%M}</span> ' if entry.start else ""
    return f'<li><a href="{escape(entry.url)}">{time}{escape(title)}</a></li>'


@register.simple_tag
def month_cell(entries):
    """A day's entries (agenda.services.MonthEntry) as a list of links."""
    return mark_safe(f"<ul>{''.join(_entry(e) for e in entries)}</ul>" if entries else "")


@register.simple_tag
def month_body(weeks, today, query):
    """The rows of the month table: each day with its first entries and a link to all of them."""
    upcoming = reverse("agenda:upcoming")
    kept = [(name, value) for name, value in query if name not in ("from", "month")]
    rows = []
    for week in weeks:
        cells = []
        for day, in_month, entries, total in week:
            classes = " ".join(c for c in ("" if in_month else "other-month", "today" if day == today else "") if c)
            more = ""
            if total > len(entries):
                label = ngettext("%(counter)s event", "all %(counter)s events", total) % {"counter": total}
                href = upcoming + "?" + urlencode([*kept, ("from", day.isoformat())])
                more = f'<a class="more" href="{escape(href)}">{escape(label)}</a>'
            cells.append(
                f'<td class="{classes}"><span class="day-number">{day.day}</span>{month_cell(entries)}{more}</td>'
            )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return mark_safe("".join(rows))
