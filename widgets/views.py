from functools import wraps

from csp.decorators import csp_replace
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_safe

from directory.models import Actor
from directory.services import vocabularies

from . import services
from .forms import BuilderForm


def embeddable(view):
    """Read-only pages any site may frame: ``frame-ancestors *`` and no X-Frame-Options."""

    @require_safe
    @xframe_options_exempt
    @csp_replace({"frame-ancestors": ["*"]})
    @cache_control(public=True, max_age=300)
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    return wrapped


def _embed_context(request, kind, filters):
    appearance = services.parse_appearance(request.GET)
    return {
        "kind": kind,
        "filters": filters,
        "query": filters.query_items(),
        "appearance": appearance,
    }


@embeddable
def map_embed(request):
    filters, actors, total = services.map_embed(request.GET)
    context = _embed_context(request, "map", filters)
    context.update(actors=actors, total=total, more=total > len(actors), kinds=dict(Actor.Kind.choices))
    return render(request, "widgets/map.html", context)


@embeddable
def agenda_embed(request):
    limit = services.parse_limit(request.GET.get("limit"))
    filters, days = services.agenda_embed(request.GET, limit)
    context = _embed_context(request, "agenda", filters)
    context["days"] = days
    return render(request, "widgets/agenda.html", context)


@require_GET
@cache_control(public=True, max_age=86400)
def style(request):
    """The accent colour as a CSS custom property (an external stylesheet: the CSP forbids inline CSS)."""
    return HttpResponse(services.accent_css(request.GET.get("accent")), content_type="text/css; charset=utf-8")


@require_GET
def builder(request):
    form = BuilderForm(request.GET or None, vocab=vocabularies())
    choice = form.choice()
    origin = services.site_origin(request)
    args = (origin, choice.kind, choice.lang, choice.filters, choice.appearance)
    context = {
        "form": form,
        "choice": choice,
        "preview_url": services.embed_url(*args),
        "iframe_snippet": services.iframe_snippet(*args, height=choice.height),
        "script_snippet": services.script_snippet(*args, height=choice.height if choice.height_given else None),
    }
    return render(request, "widgets/builder.html", context)
