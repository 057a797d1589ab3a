"""Open data: the HSDS 3.0 API (/api/hsds/), the "Open data" page and the dump's download."""

from functools import wraps

from django.conf import settings
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import hsds, services

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
    return hsds.index()


def _actor_list(request, build):
    paging = hsds.parse_paging(request.GET)
    full = hsds.flag(request.GET, "full") or hsds.flag(request.GET, "full_service")
    qs = hsds.filter_actors(hsds.actor_queryset(full=full), request.GET)
    total, actors = hsds.page_of(qs, paging)
    site = settings.SITE_URL
    return hsds.envelope(total, paging, [build(actor, site, full=full) for actor in actors])


@hsds_view
def hsds_organizations(request):
    return _actor_list(request, hsds.organization)


@hsds_view
def hsds_organization(request, id):
    actor = hsds.actor_by_uuid(hsds.ORGANIZATIONS, id)
    return hsds.organization(actor, full=True) if actor else None


@hsds_view
def hsds_services(request):
    return _actor_list(request, hsds.service)


@hsds_view
def hsds_service(request, id):
    actor = hsds.actor_by_uuid(hsds.SERVICES, id)
    return hsds.service(actor, full=True) if actor else None


@hsds_view
def hsds_service_at_locations(request):
    paging = hsds.parse_paging(request.GET)
    full = hsds.flag(request.GET, "full")
    total, links = hsds.page_of(hsds.filter_links(hsds.link_queryset(), request.GET), paging)
    site = settings.SITE_URL
    return hsds.envelope(total, paging, [hsds.service_at_location(x.actor, x.place, site, full=full) for x in links])


@hsds_view
def hsds_service_at_location(request, id):
    link = hsds.link_by_uuid(id)
    return hsds.service_at_location(link.actor, link.place, full=True) if link else None


@hsds_view
def hsds_taxonomies(request):
    paging = hsds.parse_paging(request.GET)
    search = request.GET.get("search", "").strip().lower()
    taxonomy = hsds.taxonomy()
    matches = not search or search in f"{taxonomy['name']} {taxonomy['description']}".lower()
    contents = [taxonomy] if matches and paging.page == 1 else []
    return hsds.envelope(1 if matches else 0, paging, contents)


@hsds_view
def hsds_taxonomy(request, id):
    return hsds.taxonomy() if id == hsds.TAXONOMY_ID else None


@hsds_view
def hsds_taxonomy_terms(request):
    paging = hsds.parse_paging(request.GET)
    total, themes = hsds.page_of(hsds.filter_themes(hsds.theme_queryset(), request.GET), paging)
    site = settings.SITE_URL
    return hsds.envelope(total, paging, [hsds.taxonomy_term(theme, site) for theme in themes])


@hsds_view
def hsds_taxonomy_term(request, id):
    theme = hsds.theme_by_uuid(id)
    return hsds.taxonomy_term(theme) if theme else None


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
        },
    )


@require_GET
def download(request):
    info = services.dump_info()
    if info is None:
        raise Http404(_("The open-data dump has not been built yet."))
    try:
        handle = open(info.path, "rb")  # noqa: SIM115 (FileResponse closes it)
    except FileNotFoundError:
        raise Http404(_("The open-data dump has not been built yet.")) from None
    response = FileResponse(handle, as_attachment=True, filename=services.DUMP_NAME)
    response["Last-Modified"] = info.http_date
    return response
