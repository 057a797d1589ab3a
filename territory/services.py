"""Placing things on the territory: communes by polygon, or by postcode without boundaries."""

import json
from functools import lru_cache
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from shapely import prepare
from shapely.geometry import Point, shape

from maillage.lookup import Entry, resolve
from maillage.text import fold

from .models import Boundary, Commune, Postcode, Region

DEFAULT_TERRITORY_FILE = Path(__file__).parent / "data" / "brussels.json"
LANGS = ("fr", "nl", "en")


def _translations(field, values):
    """{'fr': 'x', 'nl': 'y'} -> {'field_fr': 'x', 'field_nl': 'y', 'field_en': fallback}."""
    fallback = values.get("fr") or next(iter(values.values()), "")
    return {
        f"{field}_{lang}": values.get(lang) or (fallback if lang == "en" else values.get(lang, "")) for lang in LANGS
    }


@transaction.atomic
def load_territory(territory_file=None, boundaries_file=None):
    """Create or update the region, its communes and postcodes; attach boundaries if given.

    The boundaries file is a GeoJSON FeatureCollection whose features carry a ``nis`` property.
    Returns the number of communes that received a boundary.
    """
    data = json.loads(Path(territory_file or DEFAULT_TERRITORY_FILE).read_text(encoding="utf-8"))
    region, _ = Region.objects.update_or_create(
        slug=data["region"]["slug"], defaults=_translations("name", data["region"]["name"])
    )
    for item in data["communes"]:
        lat, lon = item.get("centre") or (None, None)
        commune, _ = Commune.objects.update_or_create(
            nis_code=item["nis"],
            defaults={
                "region": region,
                "slug": slugify(item["name"]["fr"]),
                "lat": lat,
                "lon": lon,
                **_translations("name", item["name"]),
            },
        )
        for code in item.get("postcodes", []):
            Postcode.objects.update_or_create(code=code, defaults={"commune": commune})
    with_boundary = 0
    if boundaries_file:
        with_boundary = load_boundaries(boundaries_file)
    clear_caches()
    return with_boundary


def load_boundaries(boundaries_file):
    collection = json.loads(Path(boundaries_file).read_text(encoding="utf-8"))
    communes = {c.nis_code: c for c in Commune.objects.all()}
    count = 0
    for feature in collection.get("features", []):
        commune = communes.get(str(feature["properties"].get("nis", "")))
        if commune is None:
            continue
        geometry = shape(feature["geometry"])
        Boundary.objects.update_or_create(commune=commune, defaults={"geometry": feature["geometry"]})
        commune.population = feature["properties"].get("population_2020") or commune.population
        centre = geometry.representative_point()
        commune.lat, commune.lon = round(centre.y, 5), round(centre.x, 5)
        commune.save(update_fields=["population", "lat", "lon"])
        count += 1
    _commune_shapes.cache_clear()
    return count


# Commune outlines are simplified: a point this close (degrees, about 200 m) outside them still
# counts as inside (addresses at the edge of Anderlecht fall 40 m outside).
EDGE_TOLERANCE = 0.003
# Without boundaries (tests, a fresh install), a point belongs to the territory when it lies this
# close (degrees: about 3.5 km east-west, 5.5 km north-south) to the box around the communes'
# centres; it then goes to the nearest centre. With boundaries, the polygons decide.
BOX_MARGIN = 0.05


@lru_cache(maxsize=1)
def _commune_shapes():
    shapes = []
    for commune_id, boundary in Boundary.objects.values_list("commune_id", "geometry"):
        try:
            geometry = shape(boundary)
        except (ValueError, TypeError, KeyError, AttributeError):
            continue
        prepare(geometry)
        shapes.append((commune_id, geometry))
    return tuple(shapes)


@lru_cache(maxsize=1)
def _postcode_map():
    return dict(Postcode.objects.values_list("code", "commune_id"))


@lru_cache(maxsize=1)
def _communes():
    """What placing needs of the communes, read once: their centres, the names they go by (folded)
    and the box around the centres."""
    centres, names = {}, {}
    for pk, lat, lon, *texts in Commune.objects.values_list(
        "pk", "lat", "lon", "name_fr", "name_nl", "name_en", "slug"
    ):
        if lat is not None and lon is not None:
            centres[pk] = (lat, lon)
        for text in texts:
            if text:
                names.setdefault(fold(text), pk)
    box = None
    if centres:
        lats = [lat for lat, _lon in centres.values()]
        lons = [lon for _lat, lon in centres.values()]
        box = (min(lats) - BOX_MARGIN, max(lats) + BOX_MARGIN, min(lons) - BOX_MARGIN, max(lons) + BOX_MARGIN)
    region = Region.objects.order_by("pk").first()
    return {"centres": centres, "names": names, "box": box, "region": region}


def clear_caches():
    _commune_shapes.cache_clear()
    _postcode_map.cache_clear()
    _communes.cache_clear()


def _in_outline(lat, lon):
    """The commune whose outline holds the point, or lies within EDGE_TOLERANCE of it (None
    without boundaries, or outside)."""
    shapes = _commune_shapes()
    if not shapes:
        return None
    point = Point(lon, lat)
    for commune_id, geometry in shapes:
        if geometry.contains(point):
            return commune_id
    distance, nearest = min((geometry.distance(point), commune_id) for commune_id, geometry in shapes)
    return nearest if distance <= EDGE_TOLERANCE else None


def commune_at(lat, lon):
    """THE rule for "which commune holds this point": the commune whose outline holds it, with
    EDGE_TOLERANCE for the simplified outlines; without boundaries, the nearest commune's centre
    when the point lies in the box around the centres. None when the point is outside the
    territory (an import refuses it)."""
    if _commune_shapes():
        return _in_outline(lat, lon)
    communes = _communes()
    box = communes["box"]
    if not box or not (box[0] <= lat <= box[1] and box[2] <= lon <= box[3]):
        return None
    return min(communes["centres"].items(), key=lambda c: (c[1][0] - lat) ** 2 + ((c[1][1] - lon) * 0.63) ** 2)[0]


def commune_id_for(lat=None, lon=None, postcode=None):
    """The commune of a place: the one holding its point when the boundaries tell it
    (``commune_at``), else its postcode's. Without boundaries a point does not decide: the box rule
    only says whether it lies in the territory, the postcode is nearer the truth."""
    if lat is not None and lon is not None:
        found = _in_outline(lat, lon)
        if found is not None:
            return found
    if postcode:
        return _postcode_map().get(str(postcode).strip())
    return None


def commune_centre(commune_id):
    """(lat, lon) of a commune's centre, where approximate places stand (None if unknown): no query
    once the communes are read."""
    return _communes()["centres"].get(commune_id)


def commune_named(text):
    """The id of the commune called ``text`` (a name in any language or its slug, folded), or None."""
    return _communes()["names"].get(fold(text or "")) if text else None


def region_name():
    """The territory's name in the active language ("Brussels-Capital Region"), or ""."""
    region = _communes()["region"]
    return str(region.name) if region else ""


def communes_geojson():
    """All communes with a boundary as a GeoJSON FeatureCollection (for the map)."""
    features = [
        {
            "type": "Feature",
            "properties": {"nis": b.commune.nis_code, "name": b.commune.name, "slug": b.commune.slug},
            "geometry": b.geometry,
        }
        for b in Boundary.objects.select_related("commune")
    ]
    return {"type": "FeatureCollection", "features": features}


def commune_entries(communes=None):
    """What a commune may be typed as: its slug, its names (FR, NL, EN) and its postcodes."""
    communes = list(Commune.objects.all()) if communes is None else communes
    codes = {}
    for code, commune_id in _postcode_map().items():
        codes.setdefault(commune_id, []).append(code)
    return [
        Entry(c, names=(c.slug, *(getattr(c, f"name_{lang}") or "" for lang in LANGS)), codes=codes.get(c.pk, ()))
        for c in communes
    ]


def resolve_commune(text, communes=None):
    """The commune named by ``text``: its French, Dutch or English name, slug or postcode, in any
    case, with or without accents or hyphens, or the start of one name ("Molenbeek"). Raises
    ``maillage.lookup.Unknown`` or ``Ambiguous`` (listing the candidates).

    ``communes``: the communes to choose from when the caller has them (the vocabularies)."""
    return resolve(text, commune_entries(communes), what=_("communes"), describe=_described)


def _described(commune):
    return f"{commune.name} ({commune.slug})"
