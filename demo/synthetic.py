"""Synthetic data for scale tests: plausible, searchable, and flagged as synthetic everywhere."""

import datetime as dt
import random

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import Point, shape
from tqdm import tqdm

from agenda import services as agenda_services
from agenda.models import Event
from directory import bulk
from directory.models import Actor, Audience, Language, Place, Theme
from maillage import changes
from territory.models import Boundary, Commune

from .services import load_taxonomy

BATCH = 2000
PREFIXES = [
    "Collectif",
    "Maison de quartier",
    "Repair café",
    "Épicerie solidaire",
    "Atelier",
    "Comité",
    "Buurthuis",
    "Vzw",
    "Asbl",
    "Réseau",
    "Centre",
    "Jardin partagé",
    "École des devoirs",
    "Potager",
]
TOPICS = [
    "des inégalités",
    "santé mentale",
    "logement",
    "alphabétisation",
    "jeunesse",
    "solidarité",
    "huisvesting",
    "buurtwerking",
    "précarité énergétique",
    "accueil des primo-arrivants",
    "économie circulaire",
    "vélo",
    "culture",
    "sport pour tous",
    "aide alimentaire",
    "emploi",
    "zorg",
    "kinderen",
    "seniors",
    "transition",
]
WORDS = [
    "accueil",
    "écoute",
    "quartier",
    "voisins",
    "habitants",
    "rencontre",
    "entraide",
    "participation",
    "citoyenneté",
    "formation",
    "permanence",
    "sociale",
    "juridique",
    "bénévoles",
    "ateliers",
    "français",
    "néerlandais",
    "buurt",
    "bewoners",
    "samenwerking",
]


HOURS_FR = [
    "Lundi–vendredi 9 h–17 h",
    "Mardi et jeudi 13 h–18 h",
    "Sur rendez-vous",
    "Mercredi 14 h–17 h, samedi 10 h–13 h",
]
HOURS_NL = [
    "Maandag–vrijdag 9–17 u",
    "Dinsdag en donderdag 13–18 u",
    "Op afspraak",
    "Woensdag 14–17 u, zaterdag 10–13 u",
]


def _random_point(rng, commune, shapes):
    geometry = shapes.get(commune.pk)
    if geometry is None:
        return commune.lat + rng.gauss(0, 0.006), commune.lon + rng.gauss(0, 0.009)
    minx, miny, maxx, maxy = geometry.bounds
    for _attempt in range(50):
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if geometry.contains(Point(lon, lat)):
            return lat, lon
    return commune.lat, commune.lon


def _batches(items, size=BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def generate(actors=1000, events=2000, seed=1, progress=True):
    """Create ``actors`` synthetic actors and ``events`` events (2% of them recurring)."""
    rng = random.Random(seed)
    if not Theme.objects.exists():
        load_taxonomy()
    communes = list(Commune.objects.all())
    if not communes:
        raise ValueError("Load the territory first (manage.py load_territory).")
    shapes = {pk: shape(geometry) for pk, geometry in Boundary.objects.values_list("commune_id", "geometry")}
    sub_themes = list(Theme.objects.filter(parent__isnull=False).values_list("pk", "parent_id"))
    top_themes = list(Theme.objects.filter(parent=None).values_list("pk", flat=True))
    audiences = list(Audience.objects.values_list("pk", flat=True))
    languages = list(Language.objects.values_list("pk", flat=True))
    kinds = Actor.Kind.values
    today = timezone.localdate()
    start_index = Actor.objects.filter(is_synthetic=True).count()
    bar = tqdm(total=actors + events, desc="synthetic data", unit="rows", disable=not progress)

    actor_rows, place_rows = [], []
    for i in range(start_index, start_index + actors):
        commune = rng.choice(communes)
        name = f"{rng.choice(PREFIXES)} {rng.choice(TOPICS)} {commune.name_fr} {i}"
        description = " ".join(rng.choices(WORDS, k=18)).capitalize() + "."
        has_venue = rng.random() < 0.8
        lat, lon = _random_point(rng, commune, shapes) if has_venue else (commune.lat, commune.lon)
        place_rows.append(
            Place(
                name_fr="",
                street=f"Rue synthétique {i}" if has_venue else "",
                postcode="",
                commune=commune,
                lat=lat,
                lon=lon,
                approximate=not has_venue,
            )
        )
        actor_rows.append(
            Actor(
                slug=f"synthetic-{i}",
                name_fr=name,
                description_fr=description,
                kind=rng.choice(kinds),
                status=rng.choices(Actor.Status.values, weights=[90, 7, 3])[0],
                last_verified=today - dt.timedelta(days=rng.randint(0, 900)),
                is_synthetic=True,
                # Venues have a phone and opening hours, as real ones do (printed directories show them).
                phone=f"02 {rng.randint(200, 799)} {rng.randint(10, 99)} {rng.randint(10, 99)}" if has_venue else "",
                opening_hours_fr=rng.choice(HOURS_FR) if has_venue else "",
                opening_hours_nl=rng.choice(HOURS_NL) if has_venue else "",
                commune=commune,  # position, commune and venue: derived from the place when written
            )
        )

    def links(actor, place):
        chosen = rng.sample(sub_themes, k=rng.randint(1, 3)) if sub_themes else []
        theme_ids = {pk for pk, _ in chosen} | {parent for _, parent in chosen}
        if not theme_ids and top_themes:
            theme_ids = {rng.choice(top_themes)}
        return bulk.ActorItem(
            actor,
            themes=sorted(theme_ids),
            languages=rng.sample(languages, k=min(len(languages), rng.randint(1, 3))),
            audiences=rng.sample(audiences, k=min(len(audiences), rng.randint(0, 2))),
            places=[place],
        )

    # The directory's bulk write path derives, indexes and records them (one change set, source demo).
    bulk.save_actors(
        (links(actor, place) for actor, place in zip(actor_rows, place_rows, strict=True)),
        reason=_("Synthetic data"),
        source=changes.Source.DEMO,
        batch_size=BATCH,
        saved=lambda batch: bar.update(len(batch)),
    )
    if not events:
        _refresh_planner_statistics()
        bar.close()
        return actors, 0
    organisers = list(Actor.objects.filter(is_synthetic=True).values_list("pk", "commune_id"))
    actor_places = dict(
        Actor.places.through.objects.filter(actor__is_synthetic=True).values_list("actor_id", "place_id")
    )
    places = Place.objects.select_related("commune").in_bulk(set(actor_places.values()))  # for the iCal texts
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    event_rows, event_links = [], []
    for i in range(events):
        organiser, commune_id = rng.choice(organisers)
        title = f"{rng.choice(['Rencontre', 'Atelier', 'Permanence', 'Fête', 'Formation', 'Buurtfeest'])} {rng.choice(TOPICS)} {i}"
        start = now + dt.timedelta(days=rng.randint(-365, 730), hours=rng.randint(-8, 8))
        recurring = rng.random() < 0.02
        event_rows.append(
            Event(
                slug=f"synthetic-event-{start_index}-{i}",
                title=title,
                title_fr=title,
                description_fr=title,
                start=start,
                end=start + dt.timedelta(hours=2),
                rrule="FREQ=MONTHLY" if recurring else "",
                place=places.get(actor_places.get(organiser)),
                commune_id=commune_id,
                is_synthetic=True,
            )
        )
        event_links.append(organiser)
    writes = []
    for event, organiser in zip(event_rows, event_links, strict=True):
        themes = list(rng.choice(sub_themes)) if sub_themes else []
        writes.append(agenda_services.EventWrite(event, organisers=[organiser], themes=themes))
    # The agenda's write path, a batch per change set (each keeps its history records in memory
    # until it ends): iCal texts, search documents, occurrences, links, history.
    for batch in _batches(writes):
        agenda_services.save_events(batch, reason=_("Synthetic data"), source=changes.Source.DEMO)
        bar.update(len(batch))
    _refresh_planner_statistics()
    bar.close()
    return actors, events


def _refresh_planner_statistics():
    """After a bulk load, give the query planner fresh statistics (SQLite and PostgreSQL alike)."""
    if connection.vendor in ("sqlite", "postgresql"):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
