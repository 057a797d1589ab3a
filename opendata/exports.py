"""The rows of the exports (CSV, GeoJSON), built from the owners' field specifications when they
are written: ``directory.fields.ACTOR``, ``agenda.fields.EVENT``, ``projects.fields.PROJECT``.

Every public field of a spec is a column, read from the spec at call time (a field added to a spec
is a new column, with no change here):

- a translated field is ONE column named after its base (``name``, ``opening_hours``), in the
  export's language, else the first language filled in;
- a personal field (a contact person) is filled only when the person agreed to be shown
  (``contact_consent``), as on the actor's page and in the API;
- a link is the slugs (or codes) of what it links to ("|" between them in CSV); links to what has
  neither (an actor's places: the merge's) are left out, the places being in the address columns;
- the main place's pseudo fields (``place_name``, ``street``, ``postcode``) are read from the main
  place (``directory.services.main_place`` for an actor, the event's place);
- rich text is exported as plain text, a file as its address, a date in ISO 8601; a field's own
  ``show`` (the company number's dotted form) is used for single values.

Then come the columns the owner derives (an actor's commune and position, an event's commune and
position, a project's participants) and the entry's address on the site. Rows are read in chunks:
one query for the rows and one per link field, for each chunk, whatever the number of fields.
The HSDS files keep their own, explicit mapping (``opendata.hsds``): that is a standard's.
"""

import operator

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import translation

from agenda.fields import EVENT
from directory import services as directory_services
from directory.fields import ACTOR
from directory.models import Actor, Place
from maillage import richtext
from maillage.links import slug_url
from projects.fields import PROJECT
from projects.models import Participation
from territory.models import Commune

CHUNK = 2000
LANGS = ("fr", "nl", "en")
# Who agreed to be shown: the personal fields of a row are exported only when it is true.
CONSENT = "contact_consent"
# The pseudo fields of a main place (``stored=False`` in the specs) -> the place's attribute.
PLACE_ATTRIBUTES = {"place_name": "name", "street": "street", "postcode": "postcode"}

ACTOR_DERIVED = ("commune", "lat", "lon", "location_approximate", "url", "synthetic")
EVENT_DERIVED = ("commune", "lat", "lon", "url", "synthetic")
PROJECT_DERIVED = ("leads", "partners", "funders", "url", "synthetic")


# --- what a spec exports ---------------------------------------------------------------------------


def _natural_key(model):
    """The field that names a linked object in an export (a theme's slug, a language's code)."""
    names = {f.name for f in model._meta.fields}
    return next((name for name in ("slug", "code") if name in names), None)


def exported_fields(spec):
    """The spec's fields an export shows: the public ones, links only to what has a slug or code."""
    return [f for f in spec if f.public and not (f.many and _natural_key(f.vocabulary) is None)]


def spec_columns(spec):
    """The export's columns of a spec: one per field, one per translated field's base."""
    return list(dict.fromkeys(f.base or f.name for f in exported_fields(spec)))


def columns(spec, derived):
    return ["slug", *spec_columns(spec), *derived]


def stored_names(spec):
    """The model columns an export reads (``values()``), the consent among them when needed."""
    fields = exported_fields(spec)
    names = [f.name for f in fields if f.stored and not f.many]
    if any(f.personal for f in fields) and CONSENT in {f.name for f in spec.model._meta.fields}:
        names.append(CONSENT)
    return names


def read_links(spec, pks, *, include_synthetic=False, names=None):
    """{link field: {pk: [slugs or codes]}} of the objects ``pks`` (ids, or a query of them): one
    query per link field.

    Linked entries that are archived (or synthetic, unless asked) are left out. ``names``: a dict
    the caller keeps across its chunks (a whole dump): a vocabulary's slugs are then read once into
    it and its links read without a join."""
    links = {}
    for f in exported_fields(spec):
        if not f.many:
            continue
        relation = spec.model._meta.get_field(f.name)
        source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
        through = relation.remote_field.through.objects.filter(**{f"{source}_id__in": pks})
        target_fields = {field.name for field in f.vocabulary._meta.fields}
        if "archived_at" in target_fields:
            through = through.filter(**{f"{target}__archived_at__isnull": True})
        if "is_synthetic" in target_fields and not include_synthetic:
            through = through.filter(**{f"{target}__is_synthetic": False})
        found = links[f.name] = {}
        natural = _natural_key(f.vocabulary)
        if names is None or "archived_at" in target_fields or "is_synthetic" in target_fields:
            rows = through.order_by("pk").values_list(f"{source}_id", f"{target}__{natural}")
        else:
            if f.vocabulary not in names:
                names[f.vocabulary] = dict(f.vocabulary._default_manager.values_list("pk", natural))
            known = names[f.vocabulary]
            rows = (
                (pk, known[other]) for pk, other in through.order_by("pk").values_list(f"{source}_id", f"{target}_id")
            )
        for pk, value in rows:
            found.setdefault(pk, []).append(value)
    return links


def _get(obj, name):
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)


def _value(f, obj, place):
    if not f.stored:
        attribute = PLACE_ATTRIBUTES.get(f.name)
        return (getattr(place, attribute, "") or "") if place is not None and attribute else ""
    value = _get(obj, f.name)
    if f.type == "rich":
        return richtext.plain(value or "")
    if f.type == "file":
        name = getattr(value, "name", value)
        return settings.SITE_URL.rstrip("/") + default_storage.url(name) if name else ""
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if f.show is not None and value not in (None, ""):
        return f.show(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return "" if value is None else value


class Plan:
    """What an export does with each column of a spec, worked out once per export (at call time:
    a field added to the spec since is in the next export). ``lang``: the export's language."""

    def __init__(self, spec, lang=None):
        lang = lang or translation.get_language() or "fr"
        order = [lang, *(code for code in LANGS if code != lang)]
        self.columns = []  # (column, kind, fields)
        grouped = {}
        for f in exported_fields(spec):
            grouped.setdefault(f.base or f.name, []).append(f)
        for column, fields in grouped.items():
            first = fields[0]
            if first.many:
                kind = "link"
            elif first.translated:
                kind = "translated"
                rank = {code: n for n, code in enumerate(order)}
                fields = sorted(fields, key=lambda f: rank.get(f.lang, len(rank)))
            else:
                kind = "plain"
            self.columns.append((column, kind, fields, first.personal))
        # The same columns with a reader per field, chosen once: for rows read as values (dicts)
        # and for model instances.
        self.readers, self.attribute_readers = (
            [
                (column, kind, [_reader(f, get) for f in fields], personal, fields[0].name)
                for column, kind, fields, personal in self.columns
            ]
            for get in (operator.itemgetter, operator.attrgetter)
        )


def _reader(f, get):
    """A function (row, place) -> what ``_value`` gives for the field ``f``, with the decisions on
    the field's kind taken once rather than per row. ``get``: ``operator.itemgetter`` for values
    rows, ``attrgetter`` for instances."""
    show, value_of = f.show, get(f.name)
    if not f.stored or f.type == "file":
        return lambda obj, place: _value(f, obj, place)
    if f.type == "rich":
        return lambda obj, place: richtext.plain(value_of(obj) or "")

    def read(obj, place):
        value = value_of(obj)
        if value is None:
            return ""
        if type(value) is str:
            return show(value) if show is not None and value else value
        return _value(f, obj, place)

    return read


def spec_values(plan, obj, links, *, place=None):
    """{column: value} of one object (a model instance or a ``values()`` dict) for the columns of a
    ``Plan``. ``links``: ``read_links``'s answer; ``place``: the main place of the pseudo fields."""
    if isinstance(obj, dict):
        return _read_values(plan.readers, obj, obj["pk"], bool(obj.get(CONSENT, False)), links, place)
    consent = bool(getattr(obj, CONSENT, False))
    return _read_values(plan.attribute_readers, obj, obj.pk, consent, links, place)


def _read_values(readers_of_columns, obj, pk, consent, links, place):
    row = {}
    for column, kind, readers, personal, name in readers_of_columns:
        if personal and not consent:
            row[column] = [] if kind == "link" else ""
        elif kind == "link":
            row[column] = links.get(name, {}).get(pk, [])
        elif kind == "translated":  # the export's language, else the first one filled in
            value = ""
            for read in readers:
                if value := read(obj, place):
                    break
            row[column] = value or ""
        else:
            row[column] = readers[0](obj, place)
    return row


def csv_row(row, names):
    """A row's cells for a CSV writer: lists joined by "|", booleans as true/false, None empty."""
    cells = []
    for name in names:
        value = row.get(name)
        if isinstance(value, list | tuple):
            value = "|".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        elif value is None:
            value = ""
        cells.append(value)
    return cells


def geojson_feature(row):
    """A GeoJSON feature of an exported row (its lat and lon as the geometry)."""
    properties = dict(row)
    lat, lon = properties.pop("lat", None), properties.pop("lon", None)
    geometry = {"type": "Point", "coordinates": [lon, lat]} if lat is not None else None
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def chunks(iterable, size=CHUNK):
    """Lists of ``size`` items of ``iterable`` (the last one shorter): an export reads by chunks."""
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- actors ----------------------------------------------------------------------------------------


def actor_columns():
    return columns(ACTOR, ACTOR_DERIVED)


class ActorRows:
    """The export rows of actors, read chunk by chunk; the places and vocabularies are given by the
    caller when it already has them (the dump, which also writes HSDS from them)."""

    def __init__(self, site_url=None, *, include_synthetic=False, many=False):
        self.site = (settings.SITE_URL if site_url is None else site_url).rstrip("/")
        self.include_synthetic = include_synthetic
        # ``many`` (a dump): vocabularies named once for all chunks rather than joined in each.
        self.vocabulary_names = {} if many else None
        self.communes = None
        self.plan = Plan(ACTOR)

    def commune_name(self, commune_id):
        if self.communes is None:
            self.communes = dict(Commune.objects.values_list("pk", "name"))
        return self.communes.get(commune_id, "") if commune_id else ""

    def places_of(self, actors):
        """{actor pk: [places]} oldest first: two queries."""
        pks = [a.pk for a in actors]
        links = list(
            Actor.places.through.objects.filter(actor_id__in=pks)
            .order_by("place_id")
            .values_list("actor_id", "place_id")
        )
        places = Place.objects.in_bulk({place_id for _actor, place_id in links})
        found = {}
        for actor_id, place_id in links:
            found.setdefault(actor_id, []).append(places[place_id])
        return found

    def rows(self, actors, places=None):
        """One dict per actor (model instances), in their order: its columns' values."""
        links = read_links(
            ACTOR, [a.pk for a in actors], include_synthetic=self.include_synthetic, names=self.vocabulary_names
        )
        places = self.places_of(actors) if places is None else places
        for actor in actors:
            main = directory_services.main_place(places.get(actor.pk, ()))
            row = {"slug": actor.slug, **spec_values(self.plan, actor, links, place=main)}
            row.update(
                commune=self.commune_name(actor.commune_id),
                lat=actor.lat,
                lon=actor.lon,
                location_approximate=actor.location_approximate,
                url=self.site + slug_url("directory:actor", actor.slug),
                synthetic=actor.is_synthetic,
            )
            yield row

    def all(self, qs):
        """The rows of a queryset of actors, chunk by chunk."""
        for batch in chunks(qs.iterator(chunk_size=CHUNK)):
            yield from self.rows(batch)


class _Place:
    """A place read as values, with what the rows read of it: ``main_place``'s fields and the
    address columns (its name in the export's language, else the first one filled in, as the
    model's translated attribute)."""

    __slots__ = ("pk", "street", "postcode", "lat", "lon", "approximate", "commune_id", "name")
    FIELDS = ("pk", "street", "postcode", "lat", "lon", "approximate", "commune_id")

    def __init__(self, values, names):
        for attribute, value in zip(self.FIELDS, values, strict=False):
            setattr(self, attribute, value)
        self.name = next((name for name in names if name), "")


def _places_by_actor(actors, order):
    """{actor pk: [places]} oldest first, in one query (the links joined to their places) for the
    actors of ``actors`` (ids, or a query of them)."""
    through = Actor.places.through.objects.filter(actor_id__in=actors).order_by("place_id")
    names = [f"place__name_{code}" for code in order]
    values = [f"place__{name}" if name != "pk" else "place_id" for name in _Place.FIELDS]
    found, seen = {}, {}
    for actor_id, *row in through.values_list("actor_id", *values, *names):
        place = seen.get(row[0])
        if place is None:
            place = seen[row[0]] = _Place(row[: len(values)], row[len(values) :])
        found.setdefault(actor_id, []).append(place)
    return found


def actor_rows(qs, site_url=None):
    """The export rows of the actors of ``qs`` (the directory's live CSV and GeoJSON), in its order.

    A fixed number of queries whatever the number of actors: the links and the places of all the
    actors, one query each (a subquery of ``qs``: no list of ids to send, a few megabytes at 20,000
    actors), then the actors themselves as values, streamed by chunks (no model instance: a
    modeltranslation instance costs more than its row)."""
    rows = ActorRows(site_url, include_synthetic=True, many=True)
    lang = translation.get_language() or "fr"
    order = [lang, *(code for code in LANGS if code != lang)]
    chosen = qs.order_by().values("pk")
    links = read_links(ACTOR, chosen, include_synthetic=True, names=rows.vocabulary_names)
    places = _places_by_actor(chosen, order)
    prefix, suffix = slug_url("directory:actor", "\x00").split("\x00")
    url = rows.site + prefix
    names = ["pk", "slug", "commune_id", "lat", "lon", "location_approximate", "is_synthetic"]
    names += stored_names(ACTOR)
    for actor in qs.values(*dict.fromkeys(names)).iterator(chunk_size=CHUNK):
        main = directory_services.main_place(places.get(actor["pk"], ()))
        row = {"slug": actor["slug"], **spec_values(rows.plan, actor, links, place=main)}
        row.update(
            commune=rows.commune_name(actor["commune_id"]),
            lat=actor["lat"],
            lon=actor["lon"],
            location_approximate=actor["location_approximate"],
            url=url + actor["slug"] + suffix,
            synthetic=actor["is_synthetic"],
        )
        yield row


# --- events ----------------------------------------------------------------------------------------


def event_columns():
    return columns(EVENT, EVENT_DERIVED)


def event_rows(qs, site_url=None, *, include_synthetic=False):
    """The export rows of the events of ``qs``, read as values (no model instances), by chunks."""
    site = (settings.SITE_URL if site_url is None else site_url).rstrip("/")
    communes = dict(Commune.objects.values_list("pk", "name"))
    plan = Plan(EVENT)
    names = ["pk", "slug", "place_id", "is_synthetic", *stored_names(EVENT)]
    place_fields = ["street", "postcode", "commune_id", "lat", "lon", "approximate", "name"]
    place_fields += [f"name_{code}" for code in LANGS]
    vocabulary_names = {}  # read once for the whole export
    for batch in chunks(qs.values(*dict.fromkeys(names)).iterator(chunk_size=CHUNK)):
        links = read_links(
            EVENT, [row["pk"] for row in batch], include_synthetic=include_synthetic, names=vocabulary_names
        )
        places = Place.objects.only(*place_fields).in_bulk({r["place_id"] for r in batch if r["place_id"]})
        for event in batch:
            place = places.get(event["place_id"])
            precise = place is not None and not place.approximate and place.lat is not None
            row = {"slug": event["slug"], **spec_values(plan, event, links, place=place)}
            row.update(
                commune=communes.get(place.commune_id, "") if place else "",
                lat=place.lat if precise else None,
                lon=place.lon if precise else None,
                url=site + slug_url("agenda:event", event["slug"]),
                synthetic=event["is_synthetic"],
            )
            yield row


# --- projects --------------------------------------------------------------------------------------


def project_columns():
    return columns(PROJECT, PROJECT_DERIVED)


ROLES = {"leads": Participation.Role.LEAD, "partners": Participation.Role.PARTNER, "funders": Participation.Role.FUNDER}


def project_rows(qs, site_url=None, *, include_synthetic=False):
    """The export rows of the projects of ``qs``, with the slugs of the actors who lead, join or
    fund them (archived or synthetic actors left out)."""
    site = (settings.SITE_URL if site_url is None else site_url).rstrip("/")
    plan = Plan(PROJECT)
    names = ["pk", "slug", "is_synthetic", *stored_names(PROJECT)]
    for batch in chunks(qs.values(*dict.fromkeys(names)).iterator(chunk_size=CHUNK)):
        pks = [row["pk"] for row in batch]
        links = read_links(PROJECT, pks, include_synthetic=include_synthetic)
        participations = Participation.objects.filter(project_id__in=pks, actor__archived_at__isnull=True)
        if not include_synthetic:
            participations = participations.filter(actor__is_synthetic=False)
        roles = {}
        for project_id, role, slug in participations.order_by("pk").values_list("project_id", "role", "actor__slug"):
            roles.setdefault((project_id, role), []).append(slug)
        for project in batch:
            row = {"slug": project["slug"], **spec_values(plan, project, links)}
            for column, role in ROLES.items():
                row[column] = roles.get((project["pk"], role), [])
            row.update(url=site + slug_url("projects:project", project["slug"]), synthetic=project["is_synthetic"])
            yield row
