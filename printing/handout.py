"""The neighbourhood handout: for an address or a commune and a few needs, the nearest places
that help, on one or two A4 pages, for a social worker to print and hand to a person.

There is no geocoding service: ``locate`` finds the commune from a postcode or a commune name
(French or Dutch) and the street among the streets of the places Maillage already knows; when the
street is unknown the handout stands at the centre of the commune and says so.

Distances are great-circle distances (``directory.duplicates.distance_metres``, the one formula of
the project) from the location to the nearest real venue of each actor; actors without a venue
(no address to go to) are left out. Walking time is counted at 4.5 km/h.
"""

import math
import re
from dataclasses import dataclass
from io import BytesIO
from typing import NamedTuple

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from pypdf import PdfReader
from rapidfuzz import fuzz, process

from directory.duplicates import distance_metres
from directory.models import Actor, Place, Theme
from directory.thesaurus import themes_for
from maillage.lookup import Ambiguous, Unknown
from maillage.text import fold
from territory.models import Boundary, Commune, Postcode
from territory.services import commune_at, resolve_commune

from .languages import document_lang, in_each, langs_of
from .typesetting import qr_svg, render


class Need(NamedTuple):
    """(key, theme slugs, label): the themes that answer a need a person says in a few words."""

    key: str
    themes: tuple
    label: object  # lazy translation


# The needs offered on the form: a few words a person says, each covering the themes that answer it.
NEEDS = (
    Need("food", ("food", "food-aid", "community-kitchens"), gettext_lazy("Food")),
    Need("french", ("french-as-foreign-language", "literacy"), gettext_lazy("French classes")),
    Need("housing", ("housing", "housing-access", "energy-poverty"), gettext_lazy("Housing help")),
    Need("health", ("health-social", "primary-care", "mental-health"), gettext_lazy("Health care")),
    Need("rights", ("access-to-rights", "debt"), gettext_lazy("Rights and debts")),
    Need("homelessness", ("homelessness",), gettext_lazy("Homelessness")),
    Need("newcomers", ("newcomers-reception", "asylum"), gettext_lazy("Newcomers")),
    Need(
        "jobs",
        ("employment-training", "job-integration", "professional-training"),
        gettext_lazy("Jobs and training"),
    ),
    Need("children", ("homework-support", "youth-work"), gettext_lazy("Children and youth")),
)
NEEDS_BY_KEY = {need.key: need for need in NEEDS}

WALKING_METRES_PER_MINUTE = 4500 / 60
# Farther than this is not "near you": the need says nothing was found nearby.
MAX_DISTANCE_M = 5000
# Entries printed over the whole handout (normal, large print) and per need at most; fewer per
# need when many needs are asked, so the handout stays within two pages.
ENTRY_BUDGET = {False: 13, True: 7}
PER_NEED_MAX = {False: 4, True: 3}
MAX_PAGES = 2
# A street "matches well" from this rapidfuzz score (0-100) on folded names without numbers.
STREET_MATCH = 86
COMMUNE_MATCH = 88

_POSTCODE = re.compile(r"\b(\d{4})\b")
_NUMBER = re.compile(r"\b\d+[a-z]?\b")
# Four digits followed by a town's name: a postcode, not a house number ("1300 Wavre").
_OUTSIDE_POSTCODE = re.compile(r"\b(\d{4}) (?!(?:bte|bt|bus|boite|box)\b)[a-z]{2,}")


class LocateError(ValueError):
    """The location could not be understood; the message is translated, for the form."""


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float
    commune: Commune | None
    label: str
    approximate: bool
    address: str = ""


# --- locating ---------------------------------------------------------------------------------


def _commune_names():
    """[(folded name, commune)] in every language, longest names first."""
    names = []
    for commune in Commune.objects.all():
        for lang in ("fr", "nl", "en"):
            name = fold(getattr(commune, f"name_{lang}", "") or "")
            if name:
                names.append((name, commune))
    names.sort(key=lambda item: -len(item[0]))
    return names


def _short_names(names):
    """{folded short name: commune} as people say them: "molenbeek", "saint josse", "st gilles",
    "sint joost" (the first words of one commune's name only; "woluwe" names two, so neither)."""
    found = {}
    for name, commune in names:
        words = name.split()
        variants = [words, [{"saint": "st", "sainte": "ste", "sint": "st"}.get(word, word) for word in words]]
        for variant in variants:
            for size in range(1, len(variant) + 1):
                short = " ".join(variant[:size])
                if short not in ("st", "ste", "saint", "sainte", "sint"):
                    found.setdefault(short, set()).add(commune)
    return {short: communes.pop() for short, communes in found.items() if len(communes) == 1}


def _find_commune(value):
    """A commune from a Commune or what was typed (``territory.services.resolve_commune``: a slug,
    a name, a postcode); None when unknown, ``LocateError`` listing them when several match."""
    if isinstance(value, Commune):
        return value
    value = (value or "").strip()
    if not value:
        return None
    try:
        return resolve_commune(value)
    except Unknown:
        return None
    except Ambiguous as error:
        raise LocateError(str(error)) from error


def _commune_in_address(folded):
    """(commune, the folded address without the commune's name) from a postcode or a name.

    Raises ``LocateError`` for an address whose only place is a postcode outside the territory
    ("Rue Haute 10, 1300 Wavre" is not looked for among the streets of Brussels).
    """
    names = _commune_names()
    numbers = list(_POSTCODE.finditer(folded))
    postcodes = dict(
        Postcode.objects.filter(code__in={m.group(1) for m in numbers})
        .select_related("commune")
        .values_list("code", "commune")
    )
    known = [m for m in numbers if m.group(1) in postcodes]
    if known:
        # A house number may look like a postcode: the one of a commune also named wins, else the last.
        named = {c for name, c in names if re.search(rf"\b{re.escape(name)}\b", folded)}
        match = next((m for m in known if postcodes[m.group(1)] in named), known[-1])
        commune = Commune.objects.get(pk=postcodes[match.group(1)])
        rest = folded[: match.start()] + " " + folded[match.end() :]
        for name, other in names:
            if other == commune:
                rest = re.sub(rf"\b{re.escape(name)}\b", " ", rest)
        return commune, rest
    padded = f" {folded} "
    found = None  # the name written last wins ("Rue de Forest 3 Saint-Gilles")
    for name, commune in names:
        position = padded.rfind(f" {name} ")
        if position >= 0 and (found is None or position > found[0]):
            found = (position, name, commune)
    if found:
        position, name, commune = found
        rest = (padded[:position] + " " + padded[position + len(name) + 2 :]).strip()
        return commune, rest
    words = folded.split()
    # A short name at the end: "Rue Ribaucourt 3 Molenbeek", "St-Josse".
    shorts = _short_names(names)
    for size in (3, 2, 1):
        tail = " ".join(words[-size:])
        if len(words) >= size and tail in shorts:
            return shorts[tail], " ".join(words[:-size])
    # A misspelt name: compare the last words with every name of as many words.
    best = None
    for name, commune in names:
        size = len(name.split())
        if len(words) < size:
            continue
        tail = " ".join(words[-size:])
        score = fuzz.ratio(tail, name)
        if score >= COMMUNE_MATCH and (best is None or score > best[0]):
            best = (score, commune, " ".join(words[:-size]))
    if best:
        return best[1], best[2]
    outside = _OUTSIDE_POSTCODE.search(folded)
    if outside:
        raise LocateError(
            _("%(postcode)s is not a postcode of the territory covered by Maillage.") % {"postcode": outside.group(1)}
        )
    return None, folded


def _split_number(folded):
    """('rue royale', 12) from 'rue royale 12'; the number is None when absent."""
    numbers = _NUMBER.findall(folded)
    name = " ".join(_NUMBER.sub(" ", folded).split())
    number = int(re.match(r"\d+", numbers[0]).group()) if numbers else None
    return name, number


def _match_street(rest, commune):
    """(lat, lon, commune_id) of a known place on the typed street, or None."""
    name, number = _split_number(rest)
    if len(name) < 3:
        return None
    places = Place.objects.filter(approximate=False, lat__isnull=False, lon__isnull=False).exclude(street="")
    if commune is not None:
        places = places.filter(commune=commune)
    choices = []
    for street, lat, lon, commune_id in places.values_list("street", "lat", "lon", "commune_id"):
        for variant in re.split(r"\s*/\s*", street):  # bilingual streets: "Rue Royale 12 / Koningsstraat 12"
            street_name, street_number = _split_number(fold(variant))
            if street_name:
                choices.append((street_name, street_number, lat, lon, commune_id))
    if not choices:
        return None
    names = sorted({choice[0] for choice in choices})
    best = process.extractOne(name, names, scorer=fuzz.token_sort_ratio, score_cutoff=STREET_MATCH)
    if best is None:
        return None
    on_street = [choice for choice in choices if choice[0] == best[0]]
    if number is not None:
        on_street.sort(key=lambda choice: abs((choice[1] if choice[1] is not None else 10_000) - number))
    _, _, lat, lon, commune_id = on_street[0]
    return lat, lon, commune_id


def _commune_of_point(lat, lon):
    """The commune holding the point (``territory.services.commune_at``: THE rule, with its
    tolerance at the outlines), or None outside the territory."""
    commune_id = commune_at(lat, lon)
    return Commune.objects.filter(pk=commune_id).first() if commune_id is not None else None


def _float(value):
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise LocateError(_("The position on the map is not valid.")) from None
    if not math.isfinite(number):
        raise LocateError(_("The position on the map is not valid."))
    return number


def locate(address=None, lat=None, lon=None, commune=None):
    """Where the handout stands: a point on the map, else an address, else a commune's centre.

    Raises ``LocateError`` (a translated message) when nothing can be understood.
    """
    address = " ".join((address or "").split())[:300]
    lat, lon = _float(lat), _float(lon)
    if lat is not None and lon is not None:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise LocateError(_("The position on the map is not valid."))
        found = _commune_of_point(lat, lon)
        if found is None:
            raise LocateError(_("This point is outside the territory covered by Maillage."))
        label = address or found.name
        return Location(lat, lon, found, label, False, address)
    chosen = _find_commune(commune) if commune else None
    if commune and chosen is None and not address:
        raise LocateError(_("“%(value)s” is not a known commune.") % {"value": str(commune)[:60]})
    if address:
        in_address, rest = _commune_in_address(fold(address))
        chosen = in_address or chosen
        point = _match_street(rest, chosen)
        if point is not None:
            lat, lon, commune_id = point
            if chosen is None or chosen.pk != commune_id:
                chosen = Commune.objects.filter(pk=commune_id).first() or chosen
            return Location(lat, lon, chosen, address, False, address)
    if chosen is not None and chosen.lat is not None:
        return Location(chosen.lat, chosen.lon, chosen, address or chosen.name, True, address)
    if address:
        raise LocateError(
            _("“%(address)s” could not be found: add the postcode or the commune, or choose the place on the map.")
            % {"address": address[:80]}
        )
    raise LocateError(_("Give an address, a commune or a place on the map."))


def needs_in_words(text):
    """(need keys, other theme slugs) that a need said in one's own words names, read through the
    sector's thesaurus (``directory.thesaurus.themes_for``: "colis alimentaire", "dakloos", "cours
    de français"): a theme that a need of the form covers gives that need, any other theme stands as
    a need of its own, except a top theme said along a sub-theme ("précarité énergétique" is not
    all of poverty). Both empty when nothing is recognised."""
    themes = themes_for(" ".join((text or "").split())[:200])
    precise = any(theme.parent_id is not None for theme in themes)
    keys, others = [], []
    for theme in themes:
        key = next((need.key for need in NEEDS if theme.slug in need.themes), None)
        if key is not None:
            keys.append(key)
        elif theme.parent_id is not None or not precise:
            others.append(theme.slug)
    return list(dict.fromkeys(keys)), list(dict.fromkeys(others))


class _ThemeLabel:
    """A theme's name in the active language (modeltranslation), as a need's label."""

    def __init__(self, theme):
        self.theme = theme

    def __str__(self):
        return self.theme.name


def _theme_needs(slugs):
    """A need for each theme named outside the form's needs: the theme and its sub-themes."""
    if not slugs:
        return []
    themes = {t.slug: t for t in Theme.objects.filter(slug__in=slugs)}
    children = {}
    for parent_slug, slug in Theme.objects.filter(parent__slug__in=slugs).values_list("parent__slug", "slug"):
        children.setdefault(parent_slug, []).append(slug)
    return [
        Need(f"theme-{slug}", (slug, *children.get(slug, ())), _ThemeLabel(themes[slug]))
        for slug in slugs
        if slug in themes
    ]


def need_options():
    """[(key, label, pictogram)] for the form: the pictogram is the first theme's (or its parent's)."""
    themes = _themes()
    return [
        (need.key, need.label, next((themes[s][1] for s in need.themes if s in themes and themes[s][1]), ""))
        for need in NEEDS
    ]


# --- parameters -------------------------------------------------------------------------------


def handout_params(address="", lat=None, lon=None, commune="", needs=(), lang="fr", large=False, themes=()):
    """The handout's choices as plain JSON (the cache key of the printout), checked.

    ``needs``: keys of ``NEEDS``; ``themes``: slugs of other themes, each a need of its own (named
    in one's own words: ``needs_in_words``). Raises ``LocateError`` when the location cannot be
    found (the form shows the message).
    """
    location = locate(address=address, lat=lat, lon=lon, commune=commune)
    keys = [key for key in dict.fromkeys(needs or ()) if key in NEEDS_BY_KEY]
    slugs = list(dict.fromkeys(themes or ()))
    if slugs:
        known = set(Theme.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        slugs = [slug for slug in slugs if slug in known]
    if not keys and not slugs:
        raise LocateError(_("Choose at least one need."))
    params = {
        "address": " ".join((address or "").split())[:300],
        "lat": _float(lat),
        "lon": _float(lon),
        "commune": location.commune.slug if location.commune else "",
        "needs": keys,
        "lang": document_lang(lang),
        "large": bool(large),
    }
    if slugs:
        params["themes"] = slugs
    return params


# --- finding the nearest ----------------------------------------------------------------------


def _themes():
    """{slug: (id, pictogram)} with sub-themes taking their parent's pictogram."""
    rows = list(Theme.objects.values_list("id", "slug", "parent_id", "pictogram"))
    pictograms = {pk: pictogram for pk, _, _, pictogram in rows}
    return {slug: (pk, pictogram or pictograms.get(parent, "") or "") for pk, slug, parent, pictogram in rows}


def nearest(location, needs, per_need):
    """{need key: [(distance m, actor id, place id)]} nearest first, within MAX_DISTANCE_M.

    Three queries whatever the number of actors: themes, actor-theme links, venues.
    """
    themes = _themes()
    need_of_theme = {}
    for need in needs:
        for slug in need.themes:
            if slug in themes:
                need_of_theme.setdefault(themes[slug][0], set()).add(need.key)
    links = Actor.themes.through.objects.filter(
        theme_id__in=list(need_of_theme),
        actor__status=Actor.Status.ACTIVE,
        actor__archived_at__isnull=True,
    ).values_list("actor_id", "theme_id")
    needs_of_actor = {}
    for actor_id, theme_id in links:
        needs_of_actor.setdefault(actor_id, set()).update(need_of_theme[theme_id])
    venues = Place.actors.through.objects.filter(
        actor_id__in=Actor.themes.through.objects.filter(theme_id__in=list(need_of_theme)).values("actor_id"),
        place__approximate=False,
        place__lat__isnull=False,
        place__lon__isnull=False,
    ).values_list("actor_id", "place_id", "place__lat", "place__lon")
    closest = {}
    for actor_id, place_id, lat, lon in venues:
        if actor_id not in needs_of_actor:
            continue
        distance = distance_metres(location.lat, location.lon, lat, lon)
        if distance <= MAX_DISTANCE_M and (actor_id not in closest or distance < closest[actor_id][0]):
            closest[actor_id] = (distance, actor_id, place_id)
    by_need = {need.key: [] for need in needs}
    for actor_id, found in closest.items():
        for key in needs_of_actor[actor_id]:
            by_need[key].append(found)
    return {key: sorted(found)[:per_need] for key, found in by_need.items()}


# --- the document -----------------------------------------------------------------------------


def _site():
    return settings.SITE_URL.rstrip("/")


def distance_text(metres):
    """'650 m, about 9 minutes on foot' in the active language."""
    minutes = max(1, round(metres / WALKING_METRES_PER_MINUTE))
    rounded = max(10, round(metres, -1))
    distance = f"{rounded:.0f} m" if rounded < 1000 else f"{formats.number_format(round(rounded / 1000, 1), 1)} km"
    return ngettext(
        "%(distance)s, about %(minutes)d minute on foot",
        "%(distance)s, about %(minutes)d minutes on foot",
        minutes,
    ) % {"distance": distance, "minutes": minutes}


def _address(place, langs):
    """'Maison X, Rue Y 12, 1030 Schaerbeek / Schaarbeek': only the translated parts repeat."""
    if place is None:
        return ""
    name = in_each(langs, lambda: place.name)
    commune = in_each(langs, lambda: place.commune.name) if place.commune else ""
    town = " ".join(part for part in [place.postcode, commune] if part)
    return ", ".join(part for part in [name, place.street, town] if part)


def _entry(number, distance, actor, place, langs):
    with translation.override(langs[0]):
        url = _site() + actor.get_absolute_url()
        verified = formats.date_format(actor.last_verified, "SHORT_DATE_FORMAT") if actor.last_verified else ""
    languages = list(actor.languages.all())
    lines = []
    hours = in_each(langs, lambda: getattr(actor, "opening_hours", "") or "")
    if hours:
        lines.append([in_each(langs, lambda: _("Opening hours")), hours])
    if actor.phone:
        lines.append([in_each(langs, lambda: _("Phone")), actor.phone])
    if languages:
        lines.append(
            [in_each(langs, lambda: _("Languages")), in_each(langs, lambda: ", ".join(lang.name for lang in languages))]
        )
    if verified:
        lines.append([in_each(langs, lambda: _("Verified on")), verified])
    return {
        "number": number,
        "name": in_each(langs, lambda: actor.name),
        "address": _address(place, langs),
        "distance": in_each(langs, lambda: distance_text(distance), sep=" · "),
        "lines": lines,
        "url": url,
        "qr": qr_svg(url),
    }


@dataclass
class _Gathered:
    """Everything a handout reads from the database, read once (then trimmed without queries)."""

    params: dict
    langs: list
    large: bool
    location: Location
    needs: list
    found: dict
    actors: dict
    places: dict
    outlines: list
    themes: dict


def _gather(params):
    langs = langs_of(params.get("lang", "fr"))
    large = bool(params.get("large"))
    needs = [NEEDS_BY_KEY[key] for key in params.get("needs", []) if key in NEEDS_BY_KEY]
    needs += _theme_needs(params.get("themes", []))
    with translation.override(langs[0]):
        location = locate(params.get("address"), params.get("lat"), params.get("lon"), params.get("commune"))
    found = nearest(location, needs, PER_NEED_MAX[large])
    actor_ids = {actor_id for entries in found.values() for _, actor_id, _ in entries}
    place_ids = {place_id for entries in found.values() for _, _, place_id in entries}
    actors = {a.pk: a for a in Actor.objects.filter(pk__in=actor_ids).prefetch_related("languages")}
    places = {p.pk: p for p in Place.objects.filter(pk__in=place_ids).select_related("commune")}
    # Every commune's outline, as context around the places (the map frames the places, not them).
    outlines = list(Boundary.objects.order_by("commune_id").values_list("geometry", flat=True))
    return _Gathered(params, langs, large, location, needs, found, actors, places, outlines, _themes())


def _first_per_need(needs, large):
    """Entries per need to try first: the handout's budget shared among the needs asked."""
    return max(1, min(PER_NEED_MAX[large], math.ceil(ENTRY_BUDGET[large] / max(1, len(needs)))))


def _map(location, points, outlines):
    from .maps import map_svg

    return map_svg(
        points,
        outlines=outlines,
        width_mm=70,
        height_mm=70,
        numbered=True,
        highlight=(location.lat, location.lon),
        frame="points",
    )


def _document(g, per_need, today):
    """The template's data: at most ``per_need`` entries per need, numbered as on the map."""
    langs, location, site = g.langs, g.location, _site()
    numbers, points, sections = {}, [], []
    for need in g.needs:
        entries = []
        for distance, actor_id, place_id in g.found[need.key][:per_need]:
            place = g.places[place_id]
            if actor_id not in numbers:
                numbers[actor_id] = len(numbers) + 1
                points.append((place.lat, place.lon))
            entries.append(_entry(numbers[actor_id], distance, g.actors[actor_id], place, langs))
        pictogram = next((g.themes[slug][1] for slug in need.themes if slug in g.themes and g.themes[slug][1]), "")
        empty = ""
        if not entries:
            empty = in_each(
                langs,
                lambda: _("Nothing found nearby: ask at the CPAS/OCMW or look on %(site)s") % {"site": site},
                sep="\n",
            )
        sections.append(
            {
                "key": need.key,
                "label": in_each(langs, lambda need=need: need.label),
                "pictogram": pictogram,
                "entries": entries,
                "empty": empty,
            }
        )
    commune = location.commune
    note = ""
    if location.approximate and commune is not None:
        note = in_each(
            langs,
            lambda: _("Located at the centre of %(commune)s: distances are approximate.") % {"commune": commune.name},
            sep="\n",
        )
    with translation.override(langs[0]):
        printed = formats.date_format(today, "SHORT_DATE_FORMAT")
    return {
        "title": in_each(langs, lambda: _("Near you: help and activities")),
        "titles": [in_each([lang], lambda: _("Near you: help and activities")) for lang in langs],
        "lang": langs[0],
        "large": g.large,
        "paper": "a4",
        "where": g.params.get("address") or (in_each(langs, lambda: commune.name) if commune else ""),
        "date": in_each(langs, lambda: formats.date_format(today, "DATE_FORMAT")),
        "note": note,
        "map": _map(location, points, g.outlines) if points else "",
        "map_caption": in_each(langs, lambda: _("You are here (circle); the numbers are the places below.")),
        "needs": sections,
        "site_line": in_each(langs, lambda: _("All the initiatives: %(site)s") % {"site": site}, sep=" · "),
        "footer": "Maillage — " + in_each(langs, lambda: _("printed on %(date)s") % {"date": printed}, sep=" · "),
    }


def handout_data(params, per_need=None, today=None):
    """What the template prints, for ``params`` (from ``handout_params``)."""
    g = _gather(params)
    return _document(g, per_need or _first_per_need(g.needs, g.large), today or timezone.localdate())


def _pages(pdf):
    return len(PdfReader(BytesIO(pdf)).pages)


def handout_pdf(params, progress=None, today=None):
    """The handout as PDF bytes: one or two A4 pages, never more (fewer entries per need if needed)."""
    today = today or timezone.localdate()
    g = _gather(params)
    if progress:
        progress(1, 2)
    per_need = _first_per_need(g.needs, g.large)
    data = _document(g, per_need, today)
    pdf = render("handout", data)
    while _pages(pdf) > MAX_PAGES and per_need > 1:
        per_need -= 1
        data = _document(g, per_need, today)
        pdf = render("handout", data)
    if _pages(pdf) > MAX_PAGES:  # one entry per need is still too long: the map goes, then needs
        data["map"] = ""
        pdf = render("handout", data)
        while _pages(pdf) > MAX_PAGES and len(data["needs"]) > 1:
            data["needs"] = data["needs"][:-1]
            pdf = render("handout", data)
    if progress:
        progress(2, 2)
    return pdf
