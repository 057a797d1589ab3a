"""The directory as HSDS 3.0 (Open Referral Human Services Data Specification).

Mapping: each public actor is an ``organization`` offering one ``service`` (its activities, with
its themes as ``attributes``); its places are ``locations``; the service is offered at each of its
physical (not approximate) places (``service_at_location``). The themes are the taxonomy
"maillage-themes". Archived actors are left out; contact persons only appear with their consent.

Identifiers are UUIDs derived from our primary keys (uuid5 on a fixed namespace), so they never
change between requests or dumps. Looking an object up by its UUID goes through ``Reverse``, an
in-process map from UUIDs back to keys, extended with the rows added since it was last read.

Nested objects read their places, themes and languages from ``Context.related`` (four queries for
any number of actors), so a list, a detail or the whole dump cost a fixed number of queries.
"""

import functools
import hashlib
import math
import threading
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from directory.fields import ACTOR
from directory.models import Actor, Language, Place, Theme
from directory.validators import format_company_number
from maillage import richtext
from maillage.pagination import EMPTY, paginate
from maillage.params import MAX_PAGE, InvalidParam, read_moment, read_whole_number
from search import engine as search_engine
from search.models import Document
from territory.models import Commune

HSDS_VERSION = "3.0"
HSDS_PROFILE = "https://docs.openreferral.org/en/3.0/"
# Never change it: every published identifier is derived from it.
NAMESPACE = uuid.UUID("6f1c3d52-8a4e-5b7f-9c2d-3e4a5b6c7d8e")
_NAMESPACE_BYTES = NAMESPACE.bytes
TAXONOMY_NAME = "maillage-themes"
COMPANY_SCHEME = "BE-BCE_KBO"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
LANGS = ("fr", "nl", "en")

SERVICE_STATUS = {
    Actor.Status.ACTIVE: "active",
    Actor.Status.DORMANT: "inactive",
    Actor.Status.CLOSED: "defunct",
}


@functools.lru_cache(maxsize=8192)  # one object's ids are asked for several times in a row
def hsds_id(kind, key):
    """uuid.uuid5(NAMESPACE, f"{kind}:{key}") as a string, without the UUID object (faster)."""
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + f"{kind}:{key}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    x = digest.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def organization_id(actor_pk):
    return hsds_id("organization", actor_pk)


def service_id(actor_pk):
    return hsds_id("service", actor_pk)


def location_id(place_pk):
    return hsds_id("location", place_pk)


def service_at_location_id(actor_pk, place_pk):
    return hsds_id("service_at_location", f"{actor_pk}:{place_pk}")


def term_id(slug):
    return hsds_id("taxonomy_term", slug)


TAXONOMY_ID = hsds_id("taxonomy", TAXONOMY_NAME)


class BadRequest(ValueError):
    """A query parameter that cannot be understood; the message is translated."""


# --- from UUIDs back to keys ---------------------------------------------------------------------


class Reverse:
    """UUID -> key, for the rows of ``model`` (primary key order); new rows are read on demand."""

    def __init__(self, model, kind, fields=()):
        self.model, self.kind, self.fields = model, kind, fields
        self.upto = 0
        self.keys = {}
        self.lock = threading.Lock()

    def _manager(self):
        return getattr(self.model, "all_objects", self.model.objects)

    def lookup(self, value):
        try:
            value = str(uuid.UUID(str(value)))
        except ValueError:
            return None
        with self.lock:
            rows = self._manager().filter(pk__gt=self.upto).order_by("pk").values_list("pk", *self.fields)
            for pk, *fields in rows.iterator(chunk_size=5000):
                key = tuple(fields) if fields else pk  # a pair, or the primary key
                self.keys[hsds_id(self.kind, ":".join(map(str, fields)) if fields else pk)] = key
                self.upto = pk
            return self.keys.get(value)


ORGANIZATIONS = Reverse(Actor, "organization")
SERVICES = Reverse(Actor, "service")
LOCATIONS = Reverse(Place, "location")
SERVICE_AT_LOCATIONS = Reverse(Actor.places.through, "service_at_location", ("actor_id", "place_id"))


def reset():
    """Forget the reverse maps (tests: a new database reuses primary keys)."""
    for reverse_map in (ORGANIZATIONS, SERVICES, LOCATIONS, SERVICE_AT_LOCATIONS):
        reverse_map.upto, reverse_map.keys = 0, {}


# --- query parameters ----------------------------------------------------------------------------


@dataclass
class Paging:
    page: int
    per_page: int


def _int(params, name, default, high):
    try:
        return read_whole_number(params.get(name), name=name, low=1, high=high) or default
    except InvalidParam as error:
        raise BadRequest(str(error)) from None


def parse_paging(params):
    return Paging(
        page=_int(params, "page", 1, MAX_PAGE), per_page=_int(params, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    )


def flag(params, name):
    return params.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def parse_modified_after(raw):
    """An instant (UTC unless it names its offset), or None."""
    try:
        return read_moment(raw, name="modified_after")
    except InvalidParam as error:
        raise BadRequest(str(error)) from None


def envelope(total, paging, contents):
    """The HSDS paging object around a page of ``contents``."""
    total_pages = max(1, math.ceil(total / paging.per_page))
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": paging.page,
        "size": len(contents),
        "first_page": paging.page == 1,
        "last_page": paging.page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def page_of(qs, paging):
    """(total, the page's objects): two queries; a page past the last is empty, as HSDS wants."""
    page = paginate(qs, paging.per_page, paging.page, past_last=EMPTY)
    return page.count, page.object_list


# --- querysets -----------------------------------------------------------------------------------


def actor_queryset(*, include_synthetic=True):
    qs = Actor.objects.order_by("pk")
    return qs if include_synthetic else qs.filter(is_synthetic=False)


def filter_actors(qs, params, prefix=""):
    """The HSDS filters on organizations and services: search, taxonomy_term_id, taxonomy_id,
    organization_id, modified_after. ``prefix``: the path to the actor ("actor__" for links)."""
    search = params.get("search", "").strip()[:200]
    if search:
        qs = qs.filter(**{f"{prefix}pk__in": search_engine.match_ids(Document.Kind.ACTOR, search)})
    term = params.get("taxonomy_term_id", "").strip()
    if term:
        slug = term_slugs().get(term)
        qs = qs.filter(**{f"{prefix}themes__slug": slug}).distinct() if slug else qs.none()
    taxonomy = params.get("taxonomy_id", "").strip()
    if taxonomy and taxonomy != TAXONOMY_ID:
        qs = qs.none()
    organization = params.get("organization_id", "").strip()
    if organization:
        pk = ORGANIZATIONS.lookup(organization)
        qs = qs.filter(**{f"{prefix}pk": pk}) if pk else qs.none()
    modified_after = parse_modified_after(params.get("modified_after", "").strip())
    if modified_after:
        qs = qs.filter(**{f"{prefix}updated__gte": modified_after})
    return qs


def link_queryset():
    """Actor-place links at physical places: the services at locations."""
    return (
        Actor.places.through.objects.filter(actor__archived_at__isnull=True, place__approximate=False)
        .select_related("actor", "place")
        .order_by("pk")
    )


def filter_links(qs, params):
    """The actors' filters, and postcode."""
    qs = filter_actors(qs, params, prefix="actor__")
    postcode = params.get("postcode", "").strip()
    if postcode:
        qs = qs.filter(place__postcode=postcode)
    return qs


def term_slugs():
    """Taxonomy term UUID -> theme slug (the themes are few)."""
    return {term_id(slug): slug for slug in Theme.objects.values_list("slug", flat=True)}


def theme_queryset():
    return Theme.objects.select_related("parent").order_by("position", "pk")


def filter_themes(qs, params):
    search = params.get("search", "").strip()[:200]
    if search:
        lang = translation.get_language() if translation.get_language() in LANGS else "fr"
        qs = qs.filter(**{f"name_{lang}__icontains": search})
    taxonomy = params.get("taxonomy_id", "").strip()
    if taxonomy and taxonomy != TAXONOMY_ID:
        qs = qs.none()
    if flag(params, "top_only"):
        qs = qs.filter(parent__isnull=True)
    parent = params.get("parent_id", "").strip()
    if parent:
        slug = term_slugs().get(parent)
        qs = qs.filter(parent__slug=slug) if slug else qs.none()
    return qs


# --- objects -------------------------------------------------------------------------------------


def _lang():
    lang = translation.get_language()
    return lang if lang in LANGS else "fr"


class Context:
    """What every object of one response (or one dump) shares, computed once: the site's address,
    the language, translated labels, the taxonomy terms; and the themes, languages and communes
    by key, so that the links of many actors are read without instantiating them again."""

    def __init__(self, site_url=None):
        self.site = site_url if site_url is not None else settings.SITE_URL
        self.lang = _lang()
        self.region = _("Brussels-Capital Region")
        self.approximate = _("Only the commune is known.")
        self.directory_url = self.site + reverse("directory:list")
        self.identifier_type = _("Belgian enterprise number (BCE/KBO)")
        self.at_place = _("%(service)s at %(place)s")
        self.kinds = {value: str(label) for value, label in Actor.Kind.choices}
        self._terms = {}
        self._vocabulary = None
        self._language_names = {}
        self._places = {}
        self._basics = (None, None)

    def basics(self, actor):
        """What the organization and the service of an actor share (the last actor's, kept)."""
        if self._basics[0] != actor.pk:
            self._basics = (
                actor.pk,
                {
                    "name": actor.name,
                    "description": richtext.plain(actor.description),
                    "url": self.site + actor.get_absolute_url(),
                },
            )
        return self._basics[1]

    def place(self, place):
        """(label, address) of a place, read once per batch of actors."""
        if place.pk not in self._places:
            has_address = place.street or place.postcode
            self._places[place.pk] = (place_label(place, self), address(place, self) if has_address else None)
        return self._places[place.pk]

    def language_name(self, language):
        if language.pk not in self._language_names:
            self._language_names[language.pk] = language.name
        return self._language_names[language.pk]

    # -- vocabularies (three small queries, on first use)

    def vocabulary(self):
        if self._vocabulary is None:
            self._vocabulary = (
                {t.pk: t for t in Theme.objects.select_related("parent")},
                {lang.pk: lang for lang in Language.objects.order_by("position", "code")},
                {c.pk: c for c in Commune.objects.all()},
            )
        return self._vocabulary

    def commune_name(self, place):
        if not place.commune_id:
            return ""
        return self.vocabulary()[2][place.commune_id].name

    def term(self, theme, detail=False):
        key = (theme.pk, detail)
        if key not in self._terms:
            self._terms[key] = taxonomy_term(theme, self, detail=detail)
        return self._terms[key]

    def related(self, actors):
        """{actor pk: Related} for the actors, in four queries whatever their number."""
        themes, languages, _communes = self.vocabulary()
        self._places = {}
        pks = [a.pk for a in actors]
        out = {pk: Related([], [], []) for pk in pks}
        for actor_id, theme_id in Actor.themes.through.objects.filter(actor_id__in=pks).values_list(
            "actor_id", "theme_id"
        ):
            out[actor_id].themes.append(themes[theme_id])
        for actor_id, language_id in Actor.languages.through.objects.filter(actor_id__in=pks).values_list(
            "actor_id", "language_id"
        ):
            out[actor_id].languages.append(languages[language_id])
        links = list(
            Actor.places.through.objects.filter(actor_id__in=pks)
            .order_by("place_id")
            .values_list("actor_id", "place_id")
        )
        places = Place.objects.in_bulk({place_id for _a, place_id in links})
        for actor_id, place_id in links:  # oldest place first, as on the actor's page
            out[actor_id].places.append(places[place_id])
        position = {t.pk: n for n, t in enumerate(themes.values())}
        order = {lang.pk: n for n, lang in enumerate(languages.values())}
        for bundle in out.values():
            bundle.themes.sort(key=lambda t: position[t.pk])
            bundle.languages.sort(key=lambda lang: order[lang.pk])
        return out


@dataclass
class Related:
    places: list
    themes: list
    languages: list


def taxonomy(ctx):
    return {
        "id": TAXONOMY_ID,
        "name": TAXONOMY_NAME,
        "description": _("The themes of the Maillage directory of the associative network of Brussels."),
        "uri": ctx.site + reverse("hsds:taxonomy", args=[TAXONOMY_ID]),
        "version": "1",
    }


def taxonomy_term(theme, ctx, *, detail=True):
    parent = theme.parent if theme.parent_id else None
    data = {
        "id": term_id(theme.slug),
        "code": theme.slug,
        "name": theme.name,
        "description": _("%(parent)s: %(name)s") % {"parent": parent.name, "name": theme.name}
        if parent
        else theme.name,
        "taxonomy": TAXONOMY_NAME,
        "taxonomy_id": TAXONOMY_ID,
        "language": ctx.lang,
        "term_uri": f"{ctx.directory_url}?theme={theme.slug}",
    }
    if parent:
        data["parent_id"] = term_id(parent.slug)
    if detail:
        data["taxonomy_detail"] = taxonomy(ctx)
    return data


def address(place, ctx):
    return {
        "id": hsds_id("address", place.pk),
        "location_id": location_id(place.pk),
        "address_1": place.street,
        "city": ctx.commune_name(place),
        "state_province": ctx.region,
        "postal_code": place.postcode,
        "country": "BE",
        "address_type": "physical",
    }


def place_label(place, ctx):
    """The place's name, else its address (like Place.__str__, without reading its commune)."""
    if place.name:
        return place.name
    town = f"{place.postcode} {ctx.commune_name(place)}".strip()
    return ", ".join(part for part in (place.street, town) if part)


def location(place, ctx, actor_pk=None):
    label, place_address = ctx.place(place)
    data = {"id": location_id(place.pk), "location_type": "physical", "name": label}
    if actor_pk is not None:
        data["organization_id"] = organization_id(actor_pk)
    if place.approximate:
        data["description"] = ctx.approximate
    elif place.lat is not None:
        data["latitude"], data["longitude"] = place.lat, place.lon
    if place_address:
        data["addresses"] = [place_address]
    return data


# The standard's names of the actor's own fields (``directory.fields.ACTOR``), written out: this is
# HSDS's mapping. A field the actor's spec does not declare public (or declares personal) is left
# out, read at call time like every export.
ORGANIZATION_FIELDS = {"alternate_name": "acronym", "email": "email", "website": "website", "logo": "logo"}
SERVICE_FIELDS = {"alternate_name": "acronym", "email": "email", "assured_date": "last_verified"}


def _published(name):
    """The actor's field ``name`` is published as it is: public and not personal in its spec."""
    return name in ACTOR and ACTOR[name].public and not ACTOR[name].personal


def _own_fields(actor, mapping, ctx):
    """{HSDS name: value} of the actor's fields in ``mapping`` that are published and filled in."""
    data = {}
    for key, name in mapping.items():
        value = getattr(actor, name) if _published(name) else None
        if not value:
            continue
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif hasattr(value, "url"):  # a file: its address
            value = ctx.site + value.url
        data[key] = value
    return data


def _phones(actor):
    if not actor.phone or not _published("phone"):
        return []
    return [{"id": hsds_id("phone", actor.pk), "number": actor.phone, "type": "voice"}]


def _contacts(actor):
    """The contact person, only with their consent (personal fields of the actor's spec)."""
    if not (actor.contact_consent and actor.contact_name) or not all(
        name in ACTOR and ACTOR[name].public for name in ("contact_name", "contact_email", "contact_phone")
    ):
        return []
    contact = {"id": hsds_id("contact", actor.pk), "organization_id": organization_id(actor.pk)}
    contact["name"] = actor.contact_name
    if actor.contact_email:
        contact["email"] = actor.contact_email
    if actor.contact_phone:
        contact["phones"] = [{"id": hsds_id("contact_phone", actor.pk), "number": actor.contact_phone}]
    return [contact]


def organization(actor, ctx, related=None):
    """An organization: the list form (one-to-one fields), or, given its ``related`` places,
    themes and languages (Context.related), fully nested with its phones, locations,
    identifiers, contact and service."""
    basics = ctx.basics(actor)
    data = {
        "id": organization_id(actor.pk),
        "name": basics["name"],
        "description": basics["description"],
        "legal_status": ctx.kinds.get(actor.kind, actor.kind),
        "uri": basics["url"],
    }
    data.update(_own_fields(actor, ORGANIZATION_FIELDS, ctx))
    if related is None:
        return data
    data["phones"] = _phones(actor)
    data["contacts"] = _contacts(actor)
    data["locations"] = [location(place, ctx, actor.pk) for place in related.places]
    data["organization_identifiers"] = []
    if actor.company_number and _published("company_number"):
        data["organization_identifiers"].append(
            {
                "id": hsds_id("organization_identifier", actor.pk),
                "organization_id": organization_id(actor.pk),
                "identifier_scheme": COMPANY_SCHEME,
                "identifier_type": ctx.identifier_type,
                "identifier": format_company_number(actor.company_number),
            }
        )
    data["services"] = [service(actor, ctx)]
    return data


def service(actor, ctx, related=None):
    """The actor's activities as one service; given its ``related`` objects, fully nested with
    its themes (attributes), languages, phones, places and organization."""
    basics = ctx.basics(actor)
    data = {
        "id": service_id(actor.pk),
        "organization_id": organization_id(actor.pk),
        "name": basics["name"],
        "description": basics["description"],
        "url": basics["url"],
        "status": SERVICE_STATUS.get(actor.status, "active"),
        "last_modified": actor.updated.isoformat(),
    }
    data.update(_own_fields(actor, SERVICE_FIELDS, ctx))
    if related is None:
        return data
    data["organization"] = organization(actor, ctx)
    data["phones"] = _phones(actor)
    data["contacts"] = _contacts(actor)
    data["attributes"] = [
        {
            "id": hsds_id("attribute", f"{actor.pk}:{theme.slug}"),
            "link_id": data["id"],
            "link_type": "theme",
            "link_entity": "service",
            "taxonomy_term_id": term_id(theme.slug),
            "taxonomy_term": ctx.term(theme),
        }
        for theme in related.themes
    ]
    data["languages"] = [
        {
            "id": hsds_id("language", f"{actor.pk}:{language.code}"),
            "service_id": data["id"],
            "name": ctx.language_name(language),
            "code": language.code,
        }
        for language in related.languages
    ]
    data["service_at_locations"] = [
        service_at_location(actor, place, ctx) for place in related.places if not place.approximate
    ]
    return data


def service_at_location(actor, place, ctx, *, full=False):
    data = {
        "id": service_at_location_id(actor.pk, place.pk),
        "service_id": service_id(actor.pk),
        "location_id": location_id(place.pk),
        "description": ctx.at_place % {"service": ctx.basics(actor)["name"], "place": ctx.place(place)[0]},
        "location": location(place, ctx, actor.pk),
    }
    if full:
        data["phones"] = _phones(actor)
        data["contacts"] = _contacts(actor)
        data["service"] = service(actor, ctx)
    return data


# --- lookups by UUID -----------------------------------------------------------------------------


def actor_by_uuid(reverse_map, value):
    pk = reverse_map.lookup(value)
    if pk is None:
        return None
    return actor_queryset().filter(pk=pk).first()


def link_by_uuid(value):
    key = SERVICE_AT_LOCATIONS.lookup(value)
    if key is None:
        return None
    actor_pk, place_pk = key
    return link_queryset().filter(actor_id=actor_pk, place_id=place_pk).first()


def theme_by_uuid(value):
    slug = term_slugs().get(str(value))
    return theme_queryset().filter(slug=slug).first() if slug else None


def index(ctx):
    links = {
        name: ctx.site + reverse(f"hsds:{name}")
        for name in ("organizations", "services", "service_at_locations", "taxonomies", "taxonomy_terms")
    }
    return {
        "version": HSDS_VERSION,
        "profile": HSDS_PROFILE,
        "openapi_url": "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json",
        "name": "Maillage",
        "description": _("The actors of the associative network of Brussels, in HSDS 3.0 (Open Referral)."),
        "licence": settings.OPEN_DATA_LICENCE,
        "links": links,
    }
