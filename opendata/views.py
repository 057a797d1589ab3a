"""Open data: the HSDS 3.0 API (/api/hsds/), the "Open data" page, the dump's download and the
directory's live CSV and GeoJSON (its filters, as on the directory page)."""

import json
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from agenda import services as agenda_services
from directory import services as directory_services
from maillage import csv as safe_csv
from maillage import data_version
from maillage import exports as stored_exports

from . import exports, hsds, services

# --- HSDS ----------------------------------------------------------------------------------------


def _language(request):
    asked = request.GET.get("lang", "").strip().lower()
    if asked in hsds.LANGS:
        return asked
    current = getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
    return current if current in hsds.LANGS else settings.LANGUAGE_CODE


def hsds_view(view):
    """JSON in the asked language (?lang= or Accept-Language), 400 for bad parameters, 404 for
    unknown ids, readable from any site (CORS)."""

    @require_GET
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        lang = _language(request)
        with translation.override(lang):
            try:
                data, status = view(request, *args, **kwargs), 200
            except hsds.BadRequest as error:
                data, status = {"error": str(error)}, 400
            if data is None:
                data, status = {"error": _("Nothing has this identifier.")}, 404
        response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
        response["Content-Language"] = lang
        response["Access-Control-Allow-Origin"] = "*"
        patch_vary_headers(response, ["Accept-Language"])
        return response

    return wrapper


@hsds_view
def hsds_index(request):
    return hsds.index(hsds.Context())


def _actor_list(request, build):
    """Organizations or services; with ``full`` (or ``full_service``) fully nested."""
    paging = hsds.parse_paging(request.GET)
    full = hsds.flag(request.GET, "full") or hsds.flag(request.GET, "full_service")
    total, actors = hsds.page_of(hsds.filter_actors(hsds.actor_queryset(), request.GET), paging)
    ctx = hsds.Context()
    related = ctx.related(actors) if full and actors else {}
    return hsds.envelope(total, paging, [build(actor, ctx, related.get(actor.pk)) for actor in actors])


def _actor_detail(reverse_map, id, build):
    actor = hsds.actor_by_uuid(reverse_map, id)
    if actor is None:
        return None
    ctx = hsds.Context()
    return build(actor, ctx, ctx.related([actor])[actor.pk])


@hsds_view
def hsds_organizations(request):
    return _actor_list(request, hsds.organization)


@hsds_view
def hsds_organization(request, id):
    return _actor_detail(hsds.ORGANIZATIONS, id, hsds.organization)


@hsds_view
def hsds_services(request):
    return _actor_list(request, hsds.service)


@hsds_view
def hsds_service(request, id):
    return _actor_detail(hsds.SERVICES, id, hsds.service)


@hsds_view
def hsds_service_at_locations(request):
    paging = hsds.parse_paging(request.GET)
    full = hsds.flag(request.GET, "full")
    total, links = hsds.page_of(hsds.filter_links(hsds.link_queryset(), request.GET), paging)
    ctx = hsds.Context()
    return hsds.envelope(total, paging, [hsds.service_at_location(x.actor, x.place, ctx, full=full) for x in links])


@hsds_view
def hsds_service_at_location(request, id):
    link = hsds.link_by_uuid(id)
    return hsds.service_at_location(link.actor, link.place, hsds.Context(), full=True) if link else None


@hsds_view
def hsds_taxonomies(request):
    paging = hsds.parse_paging(request.GET)
    search = request.GET.get("search", "").strip().lower()
    taxonomy = hsds.taxonomy(hsds.Context())
    matches = not search or search in f"{taxonomy['name']} {taxonomy['description']}".lower()
    contents = [taxonomy] if matches and paging.page == 1 else []
    return hsds.envelope(1 if matches else 0, paging, contents)


@hsds_view
def hsds_taxonomy(request, id):
    return hsds.taxonomy(hsds.Context()) if id == hsds.TAXONOMY_ID else None


@hsds_view
def hsds_taxonomy_terms(request):
    paging = hsds.parse_paging(request.GET)
    total, themes = hsds.page_of(hsds.filter_themes(hsds.theme_queryset(), request.GET), paging)
    ctx = hsds.Context()
    return hsds.envelope(total, paging, [hsds.taxonomy_term(theme, ctx) for theme in themes])


@hsds_view
def hsds_taxonomy_term(request, id):
    theme = hsds.theme_by_uuid(id)
    return hsds.taxonomy_term(theme, hsds.Context()) if theme else None


# --- the Open data page --------------------------------------------------------------------------


@require_GET
def index(request):
    return render(
        request,
        "opendata/index.html",
        {
            "dump": services.dump_info(),
            "licence": services.licence(),
            "site_url": settings.SITE_URL,
            "feed_max_events": agenda_services.MAX_FEED_EVENTS,
        },
    )


@require_GET
def download(request):
    """The published dump, revalidated by its date and size (304) like every stored export."""
    info = services.dump_info()
    if info is None:
        raise Http404(_("The open-data dump has not been built yet."))
    etag = f'"dump-{int(info.modified.timestamp())}-{info.size}"'
    modified = int(info.modified.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    if response is None:
        try:
            handle = open(info.path, "rb")  # noqa: SIM115 (FileResponse closes it)
        except FileNotFoundError:
            raise Http404(_("The open-data dump has not been built yet.")) from None
        response = FileResponse(handle, as_attachment=True, filename=services.DUMP_NAME)
    response["ETag"] = etag
    response["Last-Modified"] = info.http_date
    response["Cache-Control"] = "public, max-age=60, stale-while-revalidate=600"
    return response


# --- the directory's live exports ------------------------------------------------------------------
# Stored once per state of the directory (``maillage.exports``): the first request streams the
# export while it is written; the next ones are answered from the stored, compressed file.

ACTOR_VERSIONS = (data_version.ACTORS, data_version.DETAILS)  # DETAILS: the last_verified column


def _actor_export(request, name, produce, content_type, filename):
    """An export of the actors of the directory's filters in the address, by name (as the
    directory lists them); ``produce(actors)`` yields its text."""
    snapshot = data_version.snapshot(*ACTOR_VERSIONS)  # read once: a stored answer needs nothing else
    vocab = directory_services.vocabularies(snapshot[0][0])
    filters = directory_services.parse_actor_filters(request.GET, vocab)

    def chunks():
        return produce(directory_services.sorted_by_name(directory_services.filter_actors(filters, vocab)))

    key = [urlencode(sorted(filters.query_items()))]
    return stored_exports.serve(
        request,
        name,
        chunks,
        versions=ACTOR_VERSIONS,
        key=key,
        content_type=content_type,
        filename=filename,
        attachment=True,
        snapshot=snapshot,
    )


class _Lines(list):
    """What a csv writer writes, kept until read (a row at a time)."""

    write = list.append

    def take(self):
        text = "".join(self)
        self.clear()
        return text


def _csv_text(actors):
    lines = _Lines()
    writer = safe_csv.writer(lines)
    names = exports.actor_columns()
    writer.writerow(names)
    yield lines.take()
    for row in exports.actor_rows(actors):
        writer.writerow(exports.csv_row(row, names))
        yield lines.take()


def _geojson_text(actors):
    encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder for every feature
    yield '{"type": "FeatureCollection", "features": ['
    separator = "\n"
    for row in exports.actor_rows(actors):
        yield separator + encode(exports.geojson_feature(row))
        separator = ",\n"
    yield "\n]}\n"


@require_GET
def actors_csv(request):
    """The directory's actors as CSV, its columns from ``directory.fields.ACTOR`` (``opendata.exports``)."""
    return _actor_export(request, "opendata.actors.csv", _csv_text, "text/csv; charset=utf-8", "maillage-actors.csv")


@require_GET
def actors_geojson(request):
    """The same actors as GeoJSON points (no geometry when the place is unknown)."""
    return _actor_export(request, "opendata.actors.geojson", _geojson_text, "application/geo+json", None)
