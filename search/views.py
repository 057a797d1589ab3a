from django.shortcuts import render
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from . import services


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()[:200]
    results = services.search(query)
    found = any(results[key] for key in services.KINDS)
    for key in services.KINDS:
        for obj in results[key]:
            obj.themes_html = themes_html(obj.shown_themes)
            obj.snippet_html = snippet_html(obj.snippet)
    return render(request, "search/results.html", {"query": query, "results": results, "found": found})


# A result's themes and snippet, written here rather than by an included template for each of
# the page's thirty results (the same markup, a tenth of the time). Translations are trusted as
# {% translate %} trusts them; names and texts are escaped.


def themes_html(themes):
    """The themes shown with a result (``services._attach_themes``)."""
    if not themes:
        return mark_safe("\n")
    tags = mark_safe(
        '<span class="visually-hidden">, </span>'.join(
            format_html('<span class="tag">{}</span>', theme.name) for theme in themes
        )
    )
    return format_html(
        ' <span class="result-themes"><span class="visually-hidden">{} </span>{}</span>\n',
        mark_safe(gettext("Themes:")),
        tags,
    )


def snippet_html(snippet):
    """Where the words were found (``services.Snippet``), marked; its language when it is not the page's."""
    if not snippet:
        return mark_safe("\n")
    parts = mark_safe(
        "".join(format_html("<mark>{}</mark>", text) if marked else escape(text) for text, marked in snippet.parts)
    )
    if not snippet.other_language:
        return format_html('<span class="found-in"><span>{}</span></span>\n', parts)
    language = translation.get_language_info(snippet.lang)["name_translated"]
    return format_html(
        '<span class="found-in"><span lang="{}">{}</span> <span class="meta">{}</span></span>\n',
        snippet.lang,
        parts,
        # As {% blocktranslate %} writes it: the translation as it is, the language's name escaped.
        mark_safe(gettext("(in %(language)s)") % {"language": escape(language)}),
    )
