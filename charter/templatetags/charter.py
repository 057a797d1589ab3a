from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def charter_text(text):
    """The charter's plain text as HTML: blank lines separate paragraphs, "- " lines make a list,
    "## " starts a heading. Everything is escaped."""
    blocks = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("## ") and len(lines) == 1:
            blocks.append(format_html("<h2>{}</h2>", lines[0][3:].strip()))
        elif all(line.startswith("- ") for line in lines):
            items = format_html_join("", "<li>{}</li>", ((line[2:].strip(),) for line in lines))
            blocks.append(format_html("<ul>{}</ul>", items))
        else:
            paragraph = format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))
            blocks.append(format_html("<p>{}</p>", paragraph))
    return mark_safe("\n".join(blocks))  # every block was built by format_html, which escapes
