"""The open API (django-ninja): public reads for everyone, writes for editors with a personal token.

Every GET answer carries an ETag made from the data versions it reads, the query string and the
language (``If-None-Match`` gives a 304), ``Cache-Control: public, max-age=60`` and
``Access-Control-Allow-Origin: *`` (open data). Texts come in the language of ``lang``, else of
``Accept-Language``.
"""

import json
from typing import Annotated, Literal

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from ninja import NinjaAPI, Query
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from agenda import fields as event_fields
from agenda.models import Event
from directory import fields as actor_fields
from directory.models import Actor
from maillage import data_version
from projects.models import Project

from . import schemas, services, writes
from . import values as api_values
from .auth import TokenAuth

LANGS = services.LANGS

api = NinjaAPI(
    title="Maillage",
    version="1",
    description=N_(
        "Open data of the maillage associatif of Brussels: actors, places, events, projects, themes "
        "and communes. Reading is open to everyone; editors change their entries with a personal token."
    ),
    docs_url=None,
    urls_namespace="api",
)

Lang = Literal["fr", "nl", "en"]

# Parameter descriptions (translated on the documentation page).
D_LANG = N_("Language of the texts: fr, nl or en (default: the Accept-Language header).")
D_PAGE = N_("Page number, from 1 to 1000000.")
D_PER_PAGE = N_("Items per page: 50 by default, at most 200.")
D_Q = N_("Words to search for.")
D_THEME = N_(
    "Theme slug (see /api/themes) or name in any language, in any case, with or without accents. "
    "Repeat the parameter for any of several."
)
D_COMMUNE = N_(
    "Commune slug (see /api/communes), French or Dutch name or postcode (schaerbeek, Schaarbeek, 1030). "
    "Repeat the parameter for any of several."
)
D_KIND = N_("Kind of actor. Repeat the parameter for any of several.")
D_LANGUAGE = N_("Language spoken (code). Repeat the parameter for any of several.")
D_AUDIENCE = N_("Audience slug. Repeat the parameter for any of several.")
D_VENUE = N_("yes: has a venue open to the public; no: has none.")
D_STATUS = N_("Status. Repeat the parameter for any of several.")
D_ORGANISER = N_("Slug of an organising actor.")
D_FROM = N_("First day (YYYY-MM-DD, from 1900 to 2200); default today.")
D_TO = N_("Last day (YYYY-MM-DD, from 1900 to 2200), included.")

READ_ERRORS = {304: None, 400: schemas.Error}
WRITE_ERRORS = {401: schemas.Error, 403: schemas.Error, 404: schemas.Error, 422: schemas.Error, 429: schemas.Error}
CHANGE_ERRORS = {**WRITE_ERRORS, 412: schemas.Error}  # If-Match names a version that is gone


# --- answers ----------------------------------------------------------------------------------


def _json(data, status=200):
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


def _error(status, detail, *, messages=(), errors=None):
    response = _json({"detail": str(detail), "messages": [str(m) for m in messages], "errors": errors or {}}, status)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _cached_json(tag, build):
    """The answer for this ETag, kept in the cache for ``API_CACHE_SECONDS`` (300; 0: never): the
    tag holds the data versions, the origin, the query and the language, so a change of data
    misses it. Nothing else goes into an answer: reads never look at who asks (no session)."""
    seconds = settings.API_CACHE_SECONDS
    key = f"api:answer:{tag}"
    cache = caches["local"]  # the process's own: the tag holds the versions, no process serves stale data
    body = cache.get(key) if seconds else None
    if body is None:
        body = json.dumps(build(), ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)
        if seconds:
            cache.set(key, body, seconds)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def _language(request):
    lang = request.GET.get("lang")
    if lang in LANGS:
        return lang
    current = translation.get_language() or "fr"
    return current if current in LANGS else "fr"


def _read(request, kind, build, *, entry=None):
    """A cached, open JSON answer: ETag from the data versions, 304 when the client has it.
    ``entry``: (model, slug) of the one entry answered; its version leads the ETag, for If-Match."""
    lang = _language(request)
    with translation.override(lang):
        version_values = data_version.current_many(*services.VERSIONS_OF[kind])
        tag = services.etag(
            version_values,
            request.build_absolute_uri("/"),
            request.path,
            request.META.get("QUERY_STRING", ""),
            lang,
        )
        version = services.entry_version(*entry, version_values) if entry else None
        if version is not None:
            tag = services.entry_etag(version, tag)
        headers = {
            "ETag": tag,
            "Cache-Control": "public, max-age=60",
            "Vary": "Accept-Language, Cookie",
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Expose-Headers": "ETag",
            "Content-Language": lang,
        }
        wanted = [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]
        if tag in wanted or f"W/{tag}" in wanted or "*" in wanted:
            response = HttpResponse(status=304)
        else:
            try:
                response = _cached_json(tag, lambda: build(request))
            except services.BadRequest as error:
                return _error(400, _("Some parameters are not valid."), messages=error.messages)
            except ObjectDoesNotExist:
                return _error(404, _("Nothing has this address."))
        for name, value in headers.items():
            response[name] = value
        return response


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    errors = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        # ("body", <parameter name>, field...) or ("query", field): keep the field's own name.
        location = location[2:] if location[:1] == ["body"] else location[1:]
        name = ".".join(location) or "__all__"
        message = _("This field is required.") if error.get("type") == "missing" else _("Enter a valid value.")
        errors.setdefault(name, []).append(str(message))
    if request.method == "GET":
        messages = [f"{name}: {' '.join(found)}" for name, found in errors.items()]
        return _error(400, _("Some parameters are not valid."), messages=messages, errors=errors)
    return _error(422, _("Some values are not valid."), errors=errors)


@api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    response = _error(401, _("A valid API token is needed: “Authorization: Bearer <token>”."))
    response["WWW-Authenticate"] = "Bearer"
    return response


# --- reads ------------------------------------------------------------------------------------


@api.get(
    "/actors",
    response={200: schemas.ActorPage, **READ_ERRORS},
    summary=N_("Actors"),
    description=N_(
        "Initiatives, associations, federations and services, in alphabetical order, with the "
        "directory's filters (AND across filters, OR within a repeated one). An unknown value is left out and named in “notices”."
    ),
    tags=["read"],
)
def list_actors(
    request,
    q: Annotated[str | None, Query(description=D_Q, max_length=200)] = None,
    theme: Annotated[list[str] | None, Query(description=D_THEME)] = None,
    commune: Annotated[list[str] | None, Query(description=D_COMMUNE)] = None,
    kind: Annotated[list[str] | None, Query(description=D_KIND)] = None,
    language: Annotated[list[str] | None, Query(description=D_LANGUAGE)] = None,
    audience: Annotated[list[str] | None, Query(description=D_AUDIENCE)] = None,
    venue: Annotated[list[str] | None, Query(description=D_VENUE)] = None,
    status: Annotated[list[str] | None, Query(description=D_STATUS)] = None,
    page: Annotated[int | None, Query(ge=1, description=D_PAGE)] = None,
    per_page: Annotated[int | None, Query(ge=1, le=services.MAX_PER_PAGE, description=D_PER_PAGE)] = None,
    lang: Annotated[Lang | None, Query(description=D_LANG)] = None,
):
    return _read(request, "actors", services.actor_list)


@api.get(
    "/actors/{slug}",
    response={200: schemas.Actor, **READ_ERRORS, 404: schemas.Error},
    summary=N_("One actor"),
    description=N_("Everything public about an actor; its contact person only if they agreed to be shown."),
    tags=["read"],
)
def get_actor(request, slug: str, lang: Annotated[Lang | None, Query(description=D_LANG)] = None):
    return _read(request, "actors", lambda r: services.actor_detail(r, slug), entry=(Actor, slug))


@api.get(
    "/places",
    response={200: schemas.PlacePage, **READ_ERRORS},
    summary=N_("Places"),
    description=N_("Addresses and venues of the actors and events."),
    tags=["read"],
)
def list_places(
    request,
    commune: Annotated[list[str] | None, Query(description=D_COMMUNE)] = None,
    page: Annotated[int | None, Query(ge=1, description=D_PAGE)] = None,
    per_page: Annotated[int | None, Query(ge=1, le=services.MAX_PER_PAGE, description=D_PER_PAGE)] = None,
    lang: Annotated[Lang | None, Query(description=D_LANG)] = None,
):
    return _read(request, "places", services.place_list)


@api.get(
    "/events",
    response={200: schemas.EventPage, **READ_ERRORS},
    summary=N_("Events"),
    description=N_(
        "The agenda: one item per date (a recurring event appears at each of its dates), from today "
        "on unless “from” says otherwise, with the agenda's filters."
    ),
    tags=["read"],
)
def list_events(
    request,
    q: Annotated[str | None, Query(description=D_Q, max_length=200)] = None,
    theme: Annotated[list[str] | None, Query(description=D_THEME)] = None,
    commune: Annotated[list[str] | None, Query(description=D_COMMUNE)] = None,
    audience: Annotated[list[str] | None, Query(description=D_AUDIENCE)] = None,
    language: Annotated[list[str] | None, Query(description=D_LANGUAGE)] = None,
    organiser: Annotated[str | None, Query(description=D_ORGANISER, max_length=120)] = None,
    from_: Annotated[str | None, Query(alias="from", description=D_FROM)] = None,
    to: Annotated[str | None, Query(description=D_TO)] = None,
    page: Annotated[int | None, Query(ge=1, description=D_PAGE)] = None,
    per_page: Annotated[int | None, Query(ge=1, le=services.MAX_PER_PAGE, description=D_PER_PAGE)] = None,
    lang: Annotated[Lang | None, Query(description=D_LANG)] = None,
):
    return _read(request, "events", services.event_list)


@api.get(
    "/events/{slug}",
    response={200: schemas.Event, **READ_ERRORS, 404: schemas.Error},
    summary=N_("One event"),
    description=N_("An event with its place, organisers, recurrence rule and next dates."),
    tags=["read"],
)
def get_event(request, slug: str, lang: Annotated[Lang | None, Query(description=D_LANG)] = None):
    return _read(request, "events", lambda r: services.event_detail(r, slug), entry=(Event, slug))


@api.get(
    "/projects",
    response={200: schemas.ProjectPage, **READ_ERRORS},
    summary=N_("Projects"),
    description=N_("Projects, newest first, with who leads, joins and funds them."),
    tags=["read"],
)
def list_projects(
    request,
    q: Annotated[str | None, Query(description=D_Q, max_length=200)] = None,
    status: Annotated[list[str] | None, Query(description=D_STATUS)] = None,
    theme: Annotated[list[str] | None, Query(description=D_THEME)] = None,
    page: Annotated[int | None, Query(ge=1, description=D_PAGE)] = None,
    per_page: Annotated[int | None, Query(ge=1, le=services.MAX_PER_PAGE, description=D_PER_PAGE)] = None,
    lang: Annotated[Lang | None, Query(description=D_LANG)] = None,
):
    return _read(request, "projects", services.project_list)


@api.get(
    "/projects/{slug}",
    response={200: schemas.Project, **READ_ERRORS, 404: schemas.Error},
    summary=N_("One project"),
    description=N_("A project with its phases and its news."),
    tags=["read"],
)
def get_project(request, slug: str, lang: Annotated[Lang | None, Query(description=D_LANG)] = None):
    return _read(request, "projects", lambda r: services.project_detail(r, slug), entry=(Project, slug))


@api.get(
    "/themes",
    response={200: schemas.ThemePage, **READ_ERRORS},
    summary=N_("Themes"),
    description=N_("The themes and their sub-themes (“parent”)."),
    tags=["read"],
)
def list_themes(
    request,
    page: Annotated[int | None, Query(ge=1, description=D_PAGE)] = None,
    per_page: Annotated[int | None, Query(ge=1, le=services.MAX_PER_PAGE, description=D_PER_PAGE)] = None,
    lang: Annotated[Lang | None, Query(description=D_LANG)] = None,
):
    return _read(request, "vocabularies", lambda r: services.static_list(r, services.themes()))


@api.get(
    "/communes",
    response={200: schemas.CommunePage, **READ_ERRORS},
    summary=N_("Communes"),
    description=N_("The communes of the territory."),
    tags=["read"],
)
def list_communes(
    request,
    page: Annotated[int | None, Query(ge=1, description=D_PAGE)] = None,
    per_page: Annotated[int | None, Query(ge=1, le=services.MAX_PER_PAGE, description=D_PER_PAGE)] = None,
    lang: Annotated[Lang | None, Query(description=D_LANG)] = None,
):
    return _read(request, "vocabularies", lambda r: services.static_list(r, services.communes()))


# --- writes -----------------------------------------------------------------------------------


def _write(request, action, status=200):
    token = request.auth
    if writes.rate_limited(token):
        response = _error(429, _("Too many changes: please wait a minute."))
        response["Retry-After"] = "60"
        return response
    try:
        proposal = action(token)
    except writes.Refused as error:
        return _error(403, str(error))
    except writes.Invalid as error:
        return _error(422, _("Some values are not valid."), errors=error.errors)
    except writes.Stale as error:
        return _error(412, str(error))
    target = proposal.target
    kind = "actors" if isinstance(target, Actor) else "events"
    waiting = getattr(proposal, "organisers_waiting", None)  # other actors named or removed as organisers
    return _json(
        {
            "slug": target.slug,
            "proposal": proposal.pk,
            "status": proposal.status,
            "api_url": services.api_url(request, kind, target.slug),
            "waiting": {"proposal": waiting.pk, "detail": waiting.message} if waiting else None,
        },
        status,
    )


def _sent(request, parsed, spec):
    """The values sent: those of the route's schema (built with the OpenAPI document), and those of
    the fields the spec declared since, read from the body as sent (``api.values`` checks them all)."""
    values = parsed.model_dump(exclude_unset=True)
    later = {f.name for f in api_values.api_fields(spec)} - set(type(parsed).model_fields)
    if later:
        body = json.loads(request.body)  # a JSON object: the schema read it
        values.update({name: body[name] for name in later if name in body})
    return values


def _get(model, slug):
    return model.objects.filter(slug=slug).first()


@api.patch(
    "/actors/{slug}",
    auth=TokenAuth(),
    response={200: schemas.WriteResult, **CHANGE_ERRORS},
    summary=N_("Change an actor"),
    description=N_(
        "Change the fields given (the others stay). Only the entries your token's user edits. With "
        "If-Match (the ETag of GET /api/actors/{slug}), a change to an entry changed since is refused (412)."
    ),
    tags=["write"],
)
def patch_actor(request, slug: str, changes: schemas.ActorChange):
    actor = _get(Actor, slug)
    if actor is None:
        return _error(404, _("Nothing has this address."))
    values = _sent(request, changes, actor_fields.ACTOR)
    if_match = request.headers.get("If-Match")
    return _write(request, lambda token: writes.change_actor(token, actor, values, if_match=if_match))


@api.post(
    "/events",
    auth=TokenAuth(),
    response={201: schemas.WriteResult, **WRITE_ERRORS},
    summary=N_("Add an event"),
    description=N_(
        "A new event organised by (at least) one entry your token's user edits; published at once. Other "
        "organisers named wait for a moderator's approval (see waiting in the answer)."
    ),
    tags=["write"],
)
def post_event(request, event: schemas.NewEvent):
    values = _sent(request, event, event_fields.EVENT)
    return _write(request, lambda token: writes.new_event(token, values), status=201)


@api.patch(
    "/events/{slug}",
    auth=TokenAuth(),
    response={200: schemas.WriteResult, **CHANGE_ERRORS},
    summary=N_("Change an event"),
    description=N_(
        "Change the fields given (the others stay). Only events of the entries your token's user edits. With "
        "If-Match (the ETag of GET /api/events/{slug}), a change to an event changed since is refused (412)."
    ),
    tags=["write"],
)
def patch_event(request, slug: str, changes: schemas.EventChange):
    event = _get(Event, slug)
    if event is None:
        return _error(404, _("Nothing has this address."))
    values = _sent(request, changes, event_fields.EVENT)
    if_match = request.headers.get("If-Match")
    return _write(request, lambda token: writes.change_event(token, event, values, if_match=if_match))
