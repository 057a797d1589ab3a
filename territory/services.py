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


@lru_cache(maxsize=1)
def _commune_shapes():
    shapes = []
    for commune_id, boundary in Boundary.objects.values_list("commune_id", "geometry"):
        geometry = shape(boundary)
        prepare(geometry)
        shapes.append((commune_id, geometry))
    return tuple(shapes)


@lru_cache(maxsize=1)
def _postcode_map():
    return dict(Postcode.objects.values_list("code", "commune_id"))


def clear_caches():
    _commune_shapes.cache_clear()
    _postcode_map.cache_clear()


def commune_id_for(lat=None, lon=None, postcode=None):
    """The commune holding a point (by polygon when boundaries are loaded), else by postcode."""
    if lat is not None and lon is not None:
        point = Point(lon, lat)
        for commune_id, geometry in _commune_shapes():
            if geometry.contains(point):
                return commune_id
    if postcode:
        return _postcode_map().get(str(postcode).strip())
    return None


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
