"""Directory services: keeping actors' derived fields, filtering, facets and exports."""

import csv
import io

from django.db import transaction
from django.db.models import CharField, Count, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation
from django.utils.translation import gettext as _

from maillage.filters import ParsedFilters, pick
from maillage.text import fold_all
from territory.models import Commune
from territory.services import commune_id_for

from .models import Actor, Audience, Language, Theme
from .validators import format_company_number

LANGS = ("fr", "nl", "en")

# Filter groups of the directory, in the order they are shown.
FILTER_GROUPS = ("theme", "commune", "kind", "language", "audience", "venue", "status")


# --- keeping derived fields -------------------------------------------------------------------


def locate_place(place):
    """Fill a place's commune from its position (or postcode) and put approximate places at the
    centre of their commune."""
    if place.commune_id is None:
        place.commune_id = commune_id_for(place.lat, place.lon, place.postcode)
    if place.lat is None and place.commune_id:
        commune = Commune.objects.get(pk=place.commune_id)
        place.lat, place.lon, place.approximate = commune.lat, commune.lon, True
    return place


def search_fields(actor):
    names = [getattr(actor, f"name_{lang}") for lang in LANGS] + [actor.acronym]
    texts = [getattr(actor, f"description_{lang}") for lang in LANGS]
    return fold_all(*names), fold_all(*texts)


def refresh_actor(actor):
    """Recompute what an actor derives from its places and texts; call after any change."""
    places = list(actor.places.all())
    real = [p for p in places if not p.approximate and p.lat is not None]
    main = real[0] if real else next((p for p in places if p.lat is not None), None)
    actor.has_venue = bool(real)
    if main is not None:
        actor.lat, actor.lon, actor.location_approximate = main.lat, main.lon, main.approximate
        actor.commune_id = main.commune_id or actor.commune_id
    else:
        actor.lat = actor.lon = None
        actor.location_approximate = False
    actor.search_name, actor.search_text = search_fields(actor)
    Actor.objects.filter(pk=actor.pk).update(
        has_venue=actor.has_venue,
        lat=actor.lat,
        lon=actor.lon,
        location_approximate=actor.location_approximate,
        commune_id=actor.commune_id,
        search_name=actor.search_name,
        search_text=actor.search_text,
    )
    return actor


def add_parent_themes(actor_or_event, theme_ids):
    """A sub-theme implies its top theme, so filtering by a top theme is one lookup."""
    parents = set(Theme.objects.filter(pk__in=theme_ids, parent__isnull=False).values_list("parent_id", flat=True))
    missing = parents - set(theme_ids)
    if missing:
        actor_or_event.themes.add(*missing)


@transaction.atomic
def save_actor(actor, *, themes=None, audiences=None, languages=None, places=None):
    """Create or update an actor with its relations; the one entry point for forms and imports."""
    actor.full_clean(exclude=["slug"] if not actor.slug else None)
    actor.save()
    if themes is not None:
        actor.themes.set(themes)
    if audiences is not None:
        actor.audiences.set(audiences)
    if languages is not None:
        actor.languages.set(languages)
    if places is not None:
        saved = []
        for place in places:
            locate_place(place)
            place.save()
            saved.append(place)
        actor.places.set(saved)
    return refresh_actor(actor)


# --- vocabularies -----------------------------------------------------------------------------


def vocabularies():
    """Everything the filters offer, loaded in one query per table."""
    themes = list(Theme.objects.all())
    return {
        "themes": themes,
        "top_themes": [t for t in themes if t.parent_id is None],
        "communes": list(Commune.objects.order_by("name")),
        "languages": list(Language.objects.all()),
        "audiences": list(Audience.objects.all()),
    }


def parse_actor_filters(params, vocab):
    notices = []
    values = {
        "q": [params.get("q", "").strip()[:200]] if params.get("q", "").strip() else [],
        "theme": pick(params, "theme", {t.slug for t in vocab["themes"]}, _("theme"), notices),
        "commune": pick(params, "commune", {c.slug for c in vocab["communes"]}, _("commune"), notices),
        "kind": pick(params, "kind", set(Actor.Kind.values), _("kind"), notices),
        "language": pick(params, "language", {lang.code for lang in vocab["languages"]}, _("language"), notices),
        "audience": pick(params, "audience", {a.slug for a in vocab["audiences"]}, _("audience"), notices),
        "venue": pick(params, "venue", {"yes", "no"}, _("venue"), notices),
        "status": pick(params, "status", set(Actor.Status.values), _("status"), notices),
    }
    return ParsedFilters(values=values, notices=notices)


def filter_actors(filters, *, skip_group=None, queryset=None):
    """Actors matching the filters: values within a group are alternatives (OR), groups combine
    (AND). ``skip_group`` leaves one group out, for that group's facet counts."""
    qs = Actor.objects.all() if queryset is None else queryset
    v = filters.values

    def active(name):
        return name != skip_group and v.get(name)

    if v.get("q"):
        for token in fold_all(v["q"][0]).split()[:8]:
            qs = qs.filter(Q(search_name__contains=token) | Q(search_text__contains=token))
    if active("theme"):
        qs = qs.filter(pk__in=Actor.themes.through.objects.filter(theme__slug__in=v["theme"]).values("actor_id"))
    if active("commune"):
        qs = qs.filter(commune__slug__in=v["commune"])
    if active("kind"):
        qs = qs.filter(kind__in=v["kind"])
    if active("language"):
        qs = qs.filter(
            pk__in=Actor.languages.through.objects.filter(language__code__in=v["language"]).values("actor_id")
        )
    if active("audience"):
        qs = qs.filter(
            pk__in=Actor.audiences.through.objects.filter(audience__slug__in=v["audience"]).values("actor_id")
        )
    if active("venue") and len(v["venue"]) == 1:
        qs = qs.filter(has_venue=v["venue"][0] == "yes")
    if active("status"):
        qs = qs.filter(status__in=v["status"])
    return qs


def sorted_by_name(qs):
    """Alphabetical in the page's language; French names stand in for missing translations."""
    lang = translation.get_language() or "fr"
    if lang not in LANGS or lang == "fr":
        return qs.order_by("name_fr", "pk")  # indexed: the common case stays fast
    field = f"name_{lang}"
    return qs.annotate(sort_name=Coalesce(NullIf(field, Value("")), "name_fr", output_field=CharField())).order_by(
        "sort_name", "pk"
    )


def facet_counts(filters):
    """{group: {value: count}} with each group counted as if it were not selected (disjunctive)."""

    def through_counts(through, key, group):
        rows = through.objects.all()
        if any(v for name, v in filters.values.items() if name != group):
            rows = rows.filter(actor_id__in=filter_actors(filters, skip_group=group).values("pk"))
        rows = rows.values(key).annotate(n=Count("pk")).order_by()
        return {row[key]: row["n"] for row in rows}

    def column_counts(column, group):
        rows = filter_actors(filters, skip_group=group).values(column).annotate(n=Count("pk")).order_by()
        return {row[column]: row["n"] for row in rows}

    return {
        "theme": through_counts(Actor.themes.through, "theme_id", "theme"),
        "commune": column_counts("commune_id", "commune"),
        "kind": column_counts("kind", "kind"),
        "language": through_counts(Actor.languages.through, "language_id", "language"),
        "audience": through_counts(Actor.audiences.through, "audience_id", "audience"),
        "venue": {"yes" if k else "no": n for k, n in column_counts("has_venue", "venue").items()},
        "status": column_counts("status", "status"),
    }


# --- actor page -------------------------------------------------------------------------------


def actor_for_page(slug):
    return (
        Actor.objects.select_related("commune")
        .prefetch_related("themes__parent", "audiences", "languages", "places__commune")
        .get(slug=slug)
    )


def relations_of(actor):
    """Both sides of every relation, grouped by a label that reads from this actor's side."""
    groups = {}
    outgoing = actor.relations_out.select_related("target").order_by("kind", "target__name_fr")
    for rel in outgoing:
        groups.setdefault(rel.get_kind_display(), []).append(rel.target)
    incoming = actor.relations_in.select_related("source").order_by("kind", "source__name_fr")
    for rel in incoming:
        label = rel.INVERSE_LABELS[rel.kind]
        groups.setdefault(label, []).append(rel.source)
    return [(str(label), actors) for label, actors in groups.items()]


# --- exports ----------------------------------------------------------------------------------

EXPORT_FIELDS = (
    "slug",
    "name",
    "kind",
    "status",
    "commune",
    "street",
    "postcode",
    "lat",
    "lon",
    "location_approximate",
    "themes",
    "languages",
    "website",
    "email",
    "phone",
    "company_number",
    "last_verified",
    "url",
)


def export_rows(qs, site_url):
    """One dict per actor for CSV and GeoJSON; three queries whatever the list's length."""
    qs = qs.select_related("commune").prefetch_related("themes", "languages", "places")
    for actor in qs.iterator(chunk_size=2000):
        place = next((p for p in actor.places.all() if not p.approximate), None)
        yield {
            "slug": actor.slug,
            "name": actor.name,
            "kind": actor.kind,
            "status": actor.status,
            "commune": actor.commune.name if actor.commune else "",
            "street": place.street if place else "",
            "postcode": place.postcode if place else "",
            "lat": actor.lat,
            "lon": actor.lon,
            "location_approximate": actor.location_approximate,
            "themes": [t.slug for t in actor.themes.all()],
            "languages": [lang.code for lang in actor.languages.all()],
            "website": actor.website,
            "email": actor.email,
            "phone": actor.phone,
            "company_number": format_company_number(actor.company_number),
            "last_verified": actor.last_verified.isoformat() if actor.last_verified else "",
            "url": site_url + actor.get_absolute_url(),
            "synthetic": actor.is_synthetic,
        }


def actors_csv(qs, site_url):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*EXPORT_FIELDS, "synthetic"], extrasaction="ignore")
    writer.writeheader()
    for row in export_rows(qs, site_url):
        row["themes"] = "|".join(row["themes"])
        row["languages"] = "|".join(row["languages"])
        writer.writerow(row)
    return buffer.getvalue()


def actors_geojson(qs, site_url):
    features = []
    for row in export_rows(qs, site_url):
        lat, lon = row.pop("lat"), row.pop("lon")
        geometry = {"type": "Point", "coordinates": [lon, lat]} if lat is not None else None
        features.append({"type": "Feature", "geometry": geometry, "properties": row})
    return {"type": "FeatureCollection", "features": features}


def map_points(qs):
    """Compact rows for the map: [lat, lon, slug, name, kind, approximate]. One query."""
    lang = translation.get_language() or "fr"
    index = LANGS.index(lang) if lang in LANGS else 0
    rows = qs.exclude(lat=None).values_list(
        "lat", "lon", "slug", "name_fr", "name_nl", "name_en", "kind", "location_approximate"
    )
    points = []
    for lat, lon, slug, name_fr, name_nl, name_en, kind, approx in rows:
        names = (name_fr, name_nl, name_en)
        points.append([round(lat, 5), round(lon, 5), slug, names[index] or name_fr, kind, int(approx)])
    return points


def actor_jsonld(actor, places, site_url):
    """schema.org Organization for the actor page."""
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": actor.name,
        "url": site_url + actor.get_absolute_url(),
    }
    if actor.acronym:
        data["alternateName"] = actor.acronym
    if actor.description:
        data["description"] = actor.description
    if actor.website:
        data["sameAs"] = [actor.website, *actor.social_links]
    if actor.email:
        data["email"] = actor.email
    if actor.phone:
        data["telephone"] = actor.phone
    if actor.company_number:
        data["vatID"] = "BE" + actor.company_number
    addresses = [
        {
            "@type": "PostalAddress",
            "streetAddress": p.street,
            "postalCode": p.postcode,
            "addressLocality": p.commune.name if p.commune else "",
            "addressCountry": "BE",
        }
        for p in places
        if not p.approximate
    ]
    if addresses:
        data["address"] = addresses[0] if len(addresses) == 1 else addresses
    return data
