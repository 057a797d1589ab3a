from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import permissions
from maillage import data_version, exports, pagination
from maillage.params import page_number

from . import bitsets, services
from .models import Actor

PAGE_SIZE = 24


def _filters(request, index=None):
    """The vocabularies and the filters chosen; given the index just fetched, the vocabularies
    are checked against its version (the data version is read once per request)."""
    vocab = services.vocabularies(None if index is None else index.version)
    return vocab, services.parse_actor_filters(request.GET, vocab)


def facet_groups(vocab, filters, counts):
    """What the filter form shows: for each group, its options with counts and checked state."""
    chosen = filters.values

    def options(group, items):
        return [
            {
                "value": value,
                "label": label,
                "count": counts[group].get(key, 0),
                "checked": value in chosen.get(group, []),
                "pictogram": pictogram,
            }
            for value, key, label, pictogram in items
        ]

    top = vocab["top_themes"]
    children = {}
    for theme in vocab["themes"]:
        if theme.parent_id:
            children.setdefault(theme.parent_id, []).append(theme)
    theme_items = []
    for t in top:
        theme_items.append((t.slug, t.pk, t.name, t.pictogram))
        theme_items.extend((c.slug, c.pk, f"— {c.name}", "") for c in children.get(t.pk, []))
    return [
        {"name": "theme", "label": _("Themes"), "options": options("theme", theme_items)},
        {
            "name": "commune",
            "label": _("Commune"),
            "options": options("commune", [(c.slug, c.pk, c.name, "") for c in vocab["communes"]]),
        },
        {
            "name": "kind",
            "label": _("Kind"),
            "options": options("kind", [(k, k, lbl, "") for k, lbl in Actor.Kind.choices]),
        },
        {
            "name": "language",
            "label": _("Languages spoken"),
            "options": options("language", [(lang.code, lang.pk, lang.name, "") for lang in vocab["languages"]]),
        },
        {
            "name": "audience",
            "label": _("Audience"),
            "options": options("audience", [(a.slug, a.pk, a.name, "") for a in vocab["audiences"]]),
        },
        {
            "name": "venue",
            "label": _("Venue"),
            "options": options("venue", [("yes", "yes", _("Has a venue"), ""), ("no", "no", _("No venue"), "")]),
        },
        {
            "name": "status",
            "label": _("Status"),
            "options": options("status", [(k, k, lbl, "") for k, lbl in Actor.Status.choices]),
        },
    ]


@require_GET
def actor_list(request):
    index = bitsets.current()
    vocab, filters = _filters(request, index)
    number = page_number(request.GET, filters.notices)
    selection = services.select(filters, vocab, index)
    page = pagination.frame(selection.total, PAGE_SIZE, number, notices=filters.notices)
    actors, _number, _pages = services.actor_page(selection, vocab, page.number, PAGE_SIZE)
    groups = facet_groups(vocab, filters, services.facet_counts(selection))
    return render(
        request,
        "directory/actor_list.html",
        {
            "page": page,
            "actors": actors,
            "filters": filters,
            "groups": groups,
            "query": filters.query_items(),
        },
    )


@require_GET
def actor_detail(request, slug):
    try:
        actor = services.actor_for_page(slug, include_archived=permissions.can_moderate(request.user))
    except Actor.DoesNotExist:
        raise Http404(_("No actor has this address.")) from None
    places = list(actor.places.all())
    return render(
        request,
        "directory/actor_detail.html",
        {
            "actor": actor,
            "relations": services.relations_of(actor),
            "places": places,
            "jsonld": services.actor_jsonld(actor, places, settings.SITE_URL),
        },
    )


@require_GET
def map_page(request):
    index = bitsets.current()
    vocab, filters = _filters(request, index)
    groups = facet_groups(vocab, filters, services.facet_counts(services.select(filters, vocab, index)))
    return render(
        request,
        "directory/map.html",
        {"filters": filters, "groups": groups, "query": filters.query_items(), "kinds": dict(Actor.Kind.choices)},
    )


MAP_FIELDS = '{"fields":["lat","lon","slug","name","kind","approximate","synthetic"],"points":'


@require_GET
def map_data(request):
    """Every matching actor with a position, as compact rows (see ``fields``); stored once per state
    of the directory (``maillage.exports``)."""
    snapshot = data_version.snapshot(data_version.ACTORS)  # the data version, read once for a stored answer
    vocab = services.vocabularies(snapshot[0][0])
    filters = services.parse_actor_filters(request.GET, vocab)

    def body():
        yield MAP_FIELDS
        yield services.map_json(services.select(filters, vocab))
        yield "}"

    key = [urlencode(sorted(filters.query_items()))]
    return exports.serve(
        request,
        "directory.map",
        body,
        versions=(data_version.ACTORS,),
        key=key,
        content_type="application/json",
        snapshot=snapshot,
    )
