"""Cleaning one mapped row: raw text in, typed and normalised values out, with what was wrong.

``clean_actor(values)`` and ``clean_event(values)`` take ``{field: raw text}`` (from
``imports.mapping.apply_mapping``) and return a ``Cleaned``: ``fields`` ready for the models,
``errors`` (any error rejects the row: importing it changes nothing), ``warnings`` (the row is
imported, the value in question is ignored) and a stable ``external_id``.

Territory checks go through ``territory.services`` (the commune holding a point, with its
tolerance; the commune of a postcode or a name), which reads the territory once per process (until
``territory.services.clear_caches()``). So cleaning 10,000 rows costs a handful of queries, not one
per row.
"""

import datetime as dt
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

from maillage.text import fold
from territory import services as territory

from .mapping import spec_fields
from .names import parse_name, unshout

BRUSSELS = ZoneInfo("Europe/Brussels")

KIND_VALUES = (
    "citizen_initiative",
    "association",
    "federation",
    "public_service",
    "research_centre",
    "social_enterprise",
    "funder",
)

# Folded words or phrases that tell an actor's kind from its name. Public bodies are recognised by
# words that only they use anywhere in the name (CPAS), or by a name that starts with a
# public body ("Ville de Bruxelles", but not "Les Amis des Bibliothèques de la Ville de Bruxelles").
_PUBLIC_ANYWHERE = [
    "cpas",
    "ocmw",
    "zone de police",
    "politiezone",
    "ministere",
    "ministerie",
    "service public",
    "federale overheidsdienst",
    "spf",
    "fod",
    "administration communale",
    "gemeentebestuur",
    "actiris",
    "bruxelles environnement",
    "leefmilieu brussel",
    "cocof",
    "cocom",
]
_PUBLIC_START = [
    "ville de",
    "ville d",
    "stad",
    "commune de",
    "commune d",
    "gemeente",
    "region",
    "gewest",
    "brussels hoofdstedelijk",
    "communaute francaise",
    "vlaamse gemeenschap",
    "federation wallonie bruxelles",
    "parlement",
    "ministere",
    "police",
    "politie",
]
_KIND_HINTS = [
    (
        "research_centre",
        [
            "universite",
            "universiteit",
            "university",
            "centre de recherche",
            "centre de recherches",
            "onderzoekscentrum",
            "research centre",
            "research center",
            "hogeschool",
            "haute ecole",
            "ulb",
            "vub",
            "uclouvain",
            "kuleuven",
        ],
    ),
    ("federation", ["federation", "federatie", "reseau", "netwerk", "network", "koepel", "plateforme"]),
    ("association", ["asbl", "vzw", "aisbl", "ivzw", "association", "vereniging", "fondation", "stichting"]),
]

_TRUE = {"1", "true", "yes", "y", "oui", "o", "ja", "j", "vrai", "waar", "x"}
# Separators only: the items are stripped after the split. "\s*[|;,]\s*" would retry its leading
# spaces from every position of a long run of spaces (quadratic: 40,000 spaces took 8.7 s).
_SPLIT_LIST = re.compile(r"[|;,\n]")
_EMAIL_SPLIT = re.compile(r"[\s;,]+")
_POSTCODE = re.compile(r"^(?:B|BE)?[\s-]*(\d{4})\b")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
_url_validator = URLValidator(schemes=["http", "https"])


@dataclass
class Cleaned:
    fields: dict
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    external_id: str = ""


# --- small parsers --------------------------------------------------------------------------------


def _clean_text(value):
    return " ".join(str(value or "").split())


def _long_text(value):
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return text.replace("\x00", "")


def _number(text):
    """A float from "50.83", "50,83" or " 4.38 "; None when it is not a finite number."""
    text = str(text or "").strip().replace("\u00a0", "").replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _split_list(text):
    return [item for item in (_clean_text(p) for p in _SPLIT_LIST.split(str(text or ""))) if item]


def _website(text, result, label):
    """A URL with its scheme, or "" with a warning when it is not one."""
    text = _clean_text(text)
    if not text:
        return ""
    url = text if _SCHEME.match(text) else f"https://{text.removeprefix('//')}"
    try:
        _url_validator(url)
    except ValidationError:
        result.warnings.append(
            _("The %(what)s “%(value)s” is not a valid web address: ignored.") % {"what": label, "value": text}
        )
        return ""
    if len(url) > 200:
        result.warnings.append(_("The %(what)s is longer than 200 characters: ignored.") % {"what": label})
        return ""
    return url


def _email(text, result):
    text = _clean_text(text).removeprefix("mailto:")
    if not text:
        return ""
    for candidate in _EMAIL_SPLIT.split(text):
        candidate = candidate.strip("<>()[]\"'")
        try:
            validate_email(candidate)
        except ValidationError:
            continue
        if len(candidate) <= 254:
            return candidate
    result.warnings.append(_("The email address “%(value)s” is not valid: ignored.") % {"value": text})
    return ""


def _place(values, result):
    """Postcode, coordinates and commune of a row, with the territory rules. Updates result.fields."""
    fields = result.fields
    region = None

    def region_name():
        nonlocal region
        if region is None:
            region = territory.region_name() or _("the territory")
        return region

    postcode = _clean_text(values.get("postcode"))
    commune_id = None
    fields["postcode"] = ""
    if postcode and postcode.strip("0") != "":
        match = _POSTCODE.match(postcode.upper())
        if not match:
            result.errors.append(_("“%(value)s” is not a postcode.") % {"value": postcode})
        else:
            code = match.group(1)
            commune_id = territory.commune_id_for(postcode=code)
            if commune_id is None:
                result.errors.append(
                    _("The postcode %(code)s is outside the territory (%(region)s).")
                    % {"code": code, "region": region_name()}
                )
            else:
                fields["postcode"] = code

    lat_text, lon_text = _clean_text(values.get("lat")), _clean_text(values.get("lon"))
    lat = lon = None
    if lat_text or lon_text:
        lat, lon = _number(lat_text), _number(lon_text)
        bad = [text for text, number in ((lat_text, lat), (lon_text, lon)) if text and number is None]
        for text in bad:
            result.errors.append(_("“%(value)s” is not a number (coordinates).") % {"value": text})
        if bad:
            lat = lon = None
        elif (lat is None) != (lon is None):
            result.warnings.append(_("Only one of latitude and longitude is given: the position is ignored."))
            lat = lon = None
        elif lat == 0 and lon == 0:
            result.warnings.append(_("Coordinates 0,0 mean unknown: ignored."))
            lat = lon = None
        else:
            place_commune = territory.commune_at(lat, lon) if abs(lat) <= 90 and abs(lon) <= 180 else None
            if place_commune is None:
                if abs(lon) <= 90 and territory.commune_at(lon, lat) is not None:
                    result.errors.append(
                        _("Latitude and longitude look swapped (%(lat)s, %(lon)s).")
                        % {"lat": _short(lat), "lon": _short(lon)}
                    )
                else:
                    result.errors.append(
                        _("The coordinates (%(lat)s, %(lon)s) are outside the territory (%(region)s).")
                        % {"lat": _short(lat), "lon": _short(lon), "region": region_name()}
                    )
                lat = lon = None
            else:
                commune_id = place_commune
    if commune_id is None and not postcode:
        commune_id = territory.commune_named(values.get("commune"))
    fields["lat"], fields["lon"] = lat, lon
    fields["commune_id"] = commune_id
    fields["approximate"] = lat is None


def _shorten(text, size):
    """At most ``size`` characters, cut at a word and ended with "…"."""
    cut = text[: size - 1].rsplit(" ", 1)[0] if " " in text[: size - 1] else text[: size - 1]
    return cut.rstrip(" ,;/-") + "…"


def _short(number):
    return f"{number:.6f}".rstrip("0").rstrip(".")


# --- actors ---------------------------------------------------------------------------------------


def guess_kind(name: str, default="association") -> str:
    """An Actor.Kind value from words of the name ("CPAS d'Ixelles" -> "public_service")."""
    text = f" {fold(name)} "
    if any(f" {hint} " in text for hint in _PUBLIC_ANYWHERE) or any(
        text.startswith(f" {hint} ") for hint in _PUBLIC_START
    ):
        return "public_service"
    for kind, hints in _KIND_HINTS:
        if any(f" {hint} " in text for hint in hints):
            return kind
    return default


def _kind(value, name, default):
    text = fold(value)
    if text:
        compact = text.replace(" ", "_")
        if compact in KIND_VALUES:
            return compact
        from directory.models import Actor

        for choice, label in Actor.Kind.choices:
            if fold(str(label)) == text:
                return choice
        guessed = guess_kind(text, default="")
        if guessed:
            return guessed
    return guess_kind(name, default=default)


def _contact(values, result):
    """ "Type de contact" + "Donnée de contact" (EMAIL / TEL / WEB) fill the matching field."""
    kind, value = fold(values.get("contact_type")), _clean_text(values.get("contact_value"))
    if not value:
        return {}
    if kind in ("email", "e mail", "mail", "courriel") or (not kind and "@" in value):
        return {"email": value}
    if kind in ("tel", "telephone", "telefoon", "phone", "gsm", "mobile", "fax"):
        return {"phone": value}
    if kind in ("web", "www", "url", "site", "site web", "website", "internet"):
        return {"website": value}
    return {}


def clean_actor(values: dict[str, str], *, default_kind="association", strict=False) -> Cleaned:
    """The actor fields of one mapped row, checked; see the module docstring (uses the database).

    ``strict``: a company number failing its check is an error (the row is refused), not a
    warning (the row is imported without it)."""
    values = {key: ("" if value is None else str(value)) for key, value in (values or {}).items()}
    result = Cleaned(fields={})
    fields = result.fields
    name = _clean_text(values.get("name"))
    _names(values, name, result)
    acronym = fields["acronym"]
    if len(acronym) > 40:
        result.warnings.append(_("The acronym is longer than 40 characters: ignored."))
        fields["acronym"] = ""
    fields["kind"] = _kind(values.get("kind"), name, default_kind)
    fields["description"] = _long_text(values.get("description"))

    contact = _contact(values, result)
    fields["email"] = _email(values.get("email") or contact.get("email", ""), result)
    phone = _clean_text(values.get("phone") or contact.get("phone", ""))
    if len(phone) > 40:
        result.warnings.append(_("The phone number is longer than 40 characters: ignored."))
        phone = ""
    fields["phone"] = phone
    opening_hours = _clean_text(values.get("opening_hours"))
    if len(opening_hours) > 300:
        result.warnings.append(_("The opening hours are longer than 300 characters: cut."))
    fields["opening_hours"] = opening_hours[:300]
    fields["website"] = _website(values.get("website") or contact.get("website", ""), result, _("website"))

    company = _clean_text(values.get("company_number"))
    fields["company_number"] = ""
    if company:
        from directory.validators import normalise_company_number

        digits = normalise_company_number(company)
        if digits is None and strict:
            result.errors.append(
                _("“%(value)s” is not a valid Belgian company number (10 digits with a mod-97 check).")
                % {"value": company}
            )
        elif digits is None:
            result.warnings.append(
                _(
                    "“%(value)s” is not a valid Belgian company number (10 digits with a mod-97 check): "
                    "imported without it."
                )
                % {"value": company}
            )
        else:
            fields["company_number"] = digits

    street, number = _clean_text(values.get("street")), _clean_text(values.get("house_number"))
    if number and not street.endswith(f" {number}") and street != number:
        street = f"{street} {number}".strip()
    if len(street) > 200:
        result.warnings.append(_("The street is longer than 200 characters: ignored."))
        street = ""
    fields["street"] = street
    fields["commune"] = _clean_text(values.get("commune"))
    _place(values, result)
    fields["themes"] = _split_list(values.get("themes"))
    fields["languages"] = _split_list(values.get("languages"))

    _spec_values("actors", values, fields)

    result.external_id = _clean_text(values.get("external_id"))[:200] or _fallback_id(
        fields["company_number"], name, fields["postcode"]
    )
    return result


def _names(values, name, result):
    """The French, Dutch and English names and the acronym, from a source's legal string: a
    single name column's "FR / NL" is split, "en abrégé X" gives the acronym, SHOUTING names are
    written in ordinary case (imports.names). The source's string, when it was changed, is kept
    as ``source_name``: it stays in the record of the source (its provenance), never shown."""
    fields = result.fields
    dutch_given = _clean_text(values.get("name_nl"))
    parsed = parse_name(name, split_languages=not dutch_given)
    if not parsed.french:
        result.errors.append(_("The name is empty."))
    elif len(parsed.french) > 250:
        result.warnings.append(_("The name is longer than 250 characters: shortened."))
        parsed.french = _shorten(parsed.french, 250)
    fields["name"] = parsed.french
    fields["name_nl"] = unshout(dutch_given or parsed.dutch)[:250]
    fields["name_en"] = unshout(_clean_text(values.get("name_en")))[:250]
    fields["acronym"] = _clean_text(values.get("acronym")) or parsed.acronym
    if name and name != parsed.french:
        fields["source_name"] = name


def _fallback_id(company_number, name, postcode):
    if company_number:
        return f"bce:{company_number}"
    digest = hashlib.sha256(f"{fold(name)}|{postcode}".encode()).hexdigest()[:20]
    return f"h:{digest}"


def fingerprint(fields: dict) -> str:
    """sha256 (hex) of the fields in a canonical JSON form: equal fields, equal fingerprints."""
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- events ---------------------------------------------------------------------------------------

_DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%Y/%m/%d"]
_TIME_FORMATS = ["%H:%M", "%H:%M:%S", "%Hh%M", "%Hh", "%H.%M", "%H%M"]


def parse_datetime(text):
    """(aware datetime, is_date_only) from ISO 8601 or "dd/mm/yyyy hh:mm"; None when not a date.

    Without an offset, the time is Brussels time; a date alone is midnight in Brussels.
    """
    text = _clean_text(text)
    if not text:
        return None
    candidates = [text, text.replace(" ", "T", 1)]
    if text.endswith(("Z", "z")):
        candidates.append(text[:-1] + "+00:00")
    for candidate in candidates:
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", candidate):
                return _aware(dt.datetime.combine(dt.date.fromisoformat(candidate), dt.time())), True
            if re.fullmatch(r"\d{8}", candidate):
                return _aware(dt.datetime.strptime(candidate, "%Y%m%d")), True
            value = dt.datetime.fromisoformat(candidate)
        except ValueError:
            continue
        return _aware(value), False
    date_part, _sep, time_part = text.partition(" ")
    time_part = time_part.strip().removeprefix("à ").removeprefix("om ").removeprefix("at ").strip()
    for date_format in _DATE_FORMATS:
        try:
            day = dt.datetime.strptime(date_part, date_format)
        except ValueError:
            continue
        if not time_part:
            return _aware(day), True
        for time_format in _TIME_FORMATS:
            try:
                moment = dt.datetime.strptime(time_part, time_format).time()
            except ValueError:
                continue
            return _aware(dt.datetime.combine(day.date(), moment)), False
        return None
    return None


def _aware(value):
    if value.tzinfo is None:
        return value.replace(tzinfo=BRUSSELS)
    return value


_STATUS = {
    "cancelled": ["cancelled", "canceled", "annule", "annulee", "geannuleerd", "afgelast"],
    "postponed": ["postponed", "reporte", "reportee", "uitgesteld"],
    "scheduled": ["scheduled", "confirmed", "tentative", "prevu", "confirme", "gepland", "bevestigd"],
}


def _spec_values(target, values, fields):
    """The spec's other fields (``imports.mapping.spec_fields``), only when the mapping gives them."""
    for key, spec_field in spec_fields(target).items():
        if key in values:
            fields[key] = _long_text(values[key]) if spec_field.type == "rich" else _clean_text(values[key])


def clean_event(values: dict[str, str]) -> Cleaned:
    """The event fields of one mapped row, checked (uses the database for places; cached)."""
    values = {key: ("" if value is None else str(value)) for key, value in (values or {}).items()}
    result = Cleaned(fields={})
    fields = result.fields
    title = _clean_text(values.get("title"))
    if not title:
        result.errors.append(_("The title is empty."))
    elif len(title) > 250:
        result.errors.append(_("The title is longer than 250 characters."))
    fields["title"] = title[:250]
    fields["description"] = _long_text(values.get("description"))

    start_text, end_text = _clean_text(values.get("start")), _clean_text(values.get("end"))
    start = parse_datetime(start_text) if start_text else None
    end = parse_datetime(end_text) if end_text else None
    all_day_text = fold(values.get("all_day"))
    all_day = all_day_text in _TRUE if all_day_text else bool(start and start[1])
    fields["start"] = fields["end"] = None
    if not start_text:
        result.errors.append(_("The start date is missing."))
    elif start is None:
        result.errors.append(_("“%(value)s” is not a date (start).") % {"value": start_text})
    else:
        fields["start"] = start[0]
    if end_text and end is None:
        result.errors.append(_("“%(value)s” is not a date (end).") % {"value": end_text})
    elif end is not None:
        fields["end"] = end[0]
        if fields["start"] and end[0] < fields["start"]:
            result.errors.append(_("The end is before the start."))
            fields["end"] = None
    fields["all_day"] = all_day

    rrule = _clean_text(values.get("rrule")).removeprefix("RRULE:")
    fields["rrule"] = ""
    if rrule:
        from agenda.validators import validate_rrule

        try:
            validate_rrule(rrule)
        except ValidationError as exc:
            result.errors.extend(str(m) for m in exc.messages)
        else:
            if len(rrule) > 250:
                result.errors.append(_("The recurrence rule is longer than 250 characters."))
            else:
                fields["rrule"] = rrule

    fields["location"] = _clean_text(values.get("location"))[:200]
    street = _clean_text(values.get("street"))
    fields["street"] = street if len(street) <= 200 else ""
    _place(values, result)
    fields["url"] = _website(values.get("url"), result, _("link"))
    fields["organiser"] = _clean_text(values.get("organiser"))
    fields["themes"] = _split_list(values.get("themes"))
    status_text = fold(values.get("status"))
    fields["status"] = next(
        (status for status, words in _STATUS.items() if status_text in words or status_text == status), "scheduled"
    )
    _spec_values("events", values, fields)
    start_key = fields["start"].isoformat() if fields["start"] else ""
    result.external_id = _clean_text(values.get("external_id"))[:200] or (
        "h:" + hashlib.sha256(f"{fold(title)}|{start_key}".encode()).hexdigest()[:20]
    )
    return result
