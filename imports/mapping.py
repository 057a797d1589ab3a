"""Which column of a file is which field: the fields an import fills, and a guess from column names.

A mapping is ``{field: column}`` (e.g. ``{"name": "Nom", "postcode": "Code postal"}``), saved per
source (``Source.mapping``) and editable in the import screen. Without one, ``guess_mapping``
recognises the usual column names in French, Dutch and English, folded (accents, case and
punctuation ignored): an exact synonym wins over a column that merely contains one.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.text import fold

from .readers import Row

ACTOR_FIELDS = {
    "external_id": gettext_lazy("Id in the source"),
    "name": gettext_lazy("Name"),
    "name_nl": gettext_lazy("Name in Dutch"),
    "name_en": gettext_lazy("Name in English"),
    "acronym": gettext_lazy("Acronym"),
    "kind": gettext_lazy("Kind"),
    "description": gettext_lazy("Description"),
    "email": gettext_lazy("Email"),
    "phone": gettext_lazy("Phone"),
    "opening_hours": gettext_lazy("Opening hours"),
    "website": gettext_lazy("Website"),
    "company_number": gettext_lazy("Company number (BCE/KBO)"),
    "street": gettext_lazy("Street"),
    "house_number": gettext_lazy("House number"),
    "postcode": gettext_lazy("Postcode"),
    "commune": gettext_lazy("Commune"),
    "lat": gettext_lazy("Latitude"),
    "lon": gettext_lazy("Longitude"),
    "themes": gettext_lazy("Themes"),
    "languages": gettext_lazy("Languages"),
    "contact_type": gettext_lazy("Contact type (EMAIL, TEL, WEB)"),
    "contact_value": gettext_lazy("Contact (of that type)"),
}

EVENT_FIELDS = {
    "external_id": gettext_lazy("Id in the source"),
    "title": gettext_lazy("Title"),
    "description": gettext_lazy("Description"),
    "start": gettext_lazy("Start"),
    "end": gettext_lazy("End"),
    "all_day": gettext_lazy("All day"),
    "rrule": gettext_lazy("Recurrence rule (RRULE)"),
    "location": gettext_lazy("Place"),
    "street": gettext_lazy("Street"),
    "postcode": gettext_lazy("Postcode"),
    "lat": gettext_lazy("Latitude"),
    "lon": gettext_lazy("Longitude"),
    "url": gettext_lazy("Link"),
    "organiser": gettext_lazy("Organiser"),
    "themes": gettext_lazy("Themes"),
    "status": gettext_lazy("Status"),
}

REQUIRED = {"actors": "name", "events": "title"}

# The actor's attribute each of the fields above fills (the others say where a place is, or are
# links): what the actor's specification (``directory.fields.ACTOR``) calls them.
ACTOR_ATTRS = {
    "name": "name_fr",
    "name_nl": "name_nl",
    "name_en": "name_en",
    "acronym": "acronym",
    "kind": "kind",
    "description": "description_fr",
    "email": "email",
    "phone": "phone",
    "opening_hours": "opening_hours_fr",
    "website": "website",
    "company_number": "company_number",
}
# Cleaned event fields -> Event attributes (location, organiser and themes are handled apart).
EVENT_ATTRS = {
    "title": "title_fr",
    "description": "description_fr",
    "start": "start",
    "end": "end",
    "all_day": "all_day",
    "rrule": "rrule",
    "url": "registration_url",
    "status": "status",
}
# What an import reads of the spec's other fields: values written as they are (checked by the model).
SPEC_TYPES = frozenset({"text", "rich", "email", "url", "choice"})

# Column names, folded (maillage.text.fold: "N° BCE" -> "n bce"), per field. Synonyms shorter than
# four characters only match a whole column name, never a part of one ("id" is not in "idée").
_COMMON = {
    "external_id": [
        "id",
        "uid",
        "identifiant",
        "identifier",
        "external id",
        "id externe",
        "ref",
        "reference",
        "code",
        "record id",
    ],
    "description": ["description", "beschrijving", "omschrijving", "presentation", "texte", "resume", "summary text"],
    "street": ["rue", "straat", "street", "adresse", "adres", "address", "address 1", "rue et numero", "voie"],
    "postcode": [
        "code postal",
        "cp",
        "postcode",
        "postal code",
        "post code",
        "zip",
        "zip code",
        "zipcode",
        "postnummer",
        "npa",
    ],
    "lat": ["latitude", "lat", "breedtegraad", "y", "geo lat", "wgs84 lat"],
    "lon": ["longitude", "lon", "lng", "long", "lengtegraad", "x", "geo lon", "geo lng", "wgs84 long", "wgs84 lon"],
    "themes": [
        "themes",
        "theme",
        "thema",
        "themas",
        "thematique",
        "thematiques",
        "categories",
        "categorie",
        "category",
        "categorieen",
        "tags",
        "sujets",
        "secteur",
        "sector",
        "domaine",
        "taxonomy terms",
    ],
}

_ACTOR_SYNONYMS = {
    **_COMMON,
    "name": [
        "nom",
        "naam",
        "name",
        "denomination",
        "benaming",
        "raison sociale",
        "nom de l association",
        "nom de l organisation",
        "organisation",
        "organization",
        "organisatie",
        "association",
        "vereniging",
        "beneficiaire",
        "nom du beneficiaire",
        "begunstigde",
    ],
    "name_nl": ["nom nl", "naam nl", "name nl", "nom neerlandais", "nederlandse naam", "dutch name"],
    "name_en": ["nom en", "naam en", "name en", "nom anglais", "engelse naam", "english name"],
    "acronym": ["acronyme", "acroniem", "acronym", "sigle", "abreviation", "afkorting", "alternate name"],
    "kind": [
        "type",
        "kind",
        "soort",
        "forme juridique",
        "rechtsvorm",
        "legal form",
        "type d acteur",
        "type d organisation",
    ],
    "email": ["email", "e mail", "courriel", "mail", "adresse email", "adresse e mail", "e mailadres", "emailadres"],
    "phone": ["telephone", "telefoon", "phone", "tel", "gsm", "numero de telephone", "telefoonnummer", "phone number"],
    "opening_hours": [
        "horaires",
        "horaire",
        "heures d ouverture",
        "horaires d ouverture",
        "heures",
        "openingsuren",
        "openingstijden",
        "uren",
        "opening hours",
        "opening times",
        "hours",
    ],
    "website": ["site web", "site internet", "site", "website", "webstek", "url", "web", "lien", "homepage"],
    "company_number": [
        "numero bce",
        "n bce",
        "no bce",
        "n o bce",
        "num bce",
        "bce",
        "numero d entreprise",
        "numero de bce",
        "kbo",
        "kbo nummer",
        "kbo nr",
        "ondernemingsnummer",
        "company number",
        "enterprise number",
        "vat",
        "vat number",
        "tva",
        "numero de tva",
        "btw",
        "btw nummer",
        "bce kbo",
    ],
    "house_number": [
        "numero de maison",
        "huisnummer",
        "house number",
        "n",
        "no",
        "n o",
        "nr",
        "num",
        "numero",
        "number",
        "nummer",
        "n de maison",
    ],
    "commune": ["commune", "gemeente", "municipality", "city", "localite", "ville", "stad", "plaats", "town"],
    "languages": ["langues", "langue", "talen", "taal", "languages", "language"],
    "contact_type": ["type de contact", "contact type", "soort contact", "type contact"],
    "contact_value": ["donnee de contact", "contact", "contactgegeven", "contact value", "valeur de contact"],
}

_EVENT_SYNONYMS = {
    **_COMMON,
    "external_id": [*_COMMON["external_id"], "uid"],
    "title": ["titre", "titel", "title", "summary", "nom", "naam", "name", "intitule", "evenement", "event"],
    "start": [
        "dtstart",
        "debut",
        "date de debut",
        "start",
        "start date",
        "begin",
        "begindatum",
        "startdatum",
        "date",
        "datum",
        "quand",
        "wanneer",
        "when",
    ],
    "end": ["dtend", "fin", "date de fin", "end", "end date", "einde", "einddatum"],
    "all_day": ["all day", "all_day", "toute la journee", "journee entiere", "hele dag"],
    "rrule": ["rrule", "recurrence", "herhaling", "repetition"],
    "location": ["location", "lieu", "plaats", "locatie", "venue", "salle", "endroit"],
    "url": ["url", "lien", "link", "site", "site web", "website", "inscription", "registration"],
    "organiser": [
        "organizer",
        "organiser",
        "organisateur",
        "organisatrice",
        "organisateurs",
        "organisator",
        "organisatie",
        "organisation",
    ],
    "status": ["status", "statut", "etat"],
}

_SYNONYMS = {"actors": _ACTOR_SYNONYMS, "events": _EVENT_SYNONYMS}


def _import_fields(target):
    """(the noun's spec, the import's own fields, the attributes they fill) of a target."""
    if target == "events":
        from agenda.fields import EVENT

        return EVENT, EVENT_FIELDS, EVENT_ATTRS
    from directory.fields import ACTOR

    return ACTOR, ACTOR_FIELDS, ACTOR_ATTRS


def spec_fields(target: str) -> dict:
    """{name: spec field} of the fields an import may set (``directory.fields.ACTOR``,
    ``agenda.fields.EVENT``, read at call time) that the fields above do not already fill: a field
    added to the spec is offered at once, by its spec's label, and written as it is given."""
    from maillage.fields import IMPORT

    spec, own, attrs = _import_fields(target)
    covered = {*own, *attrs.values()}
    return {
        f.name: f
        for f in spec.settable_by(IMPORT)
        if f.stored and not f.many and f.type in SPEC_TYPES and f.name not in covered
    }


def fields_for(target: str) -> dict:
    """{field: label} of what an import of ``target`` ("actors" or "events") fills."""
    _spec, own, _attrs = _import_fields(target)
    return {**own, **{name: f.label for name, f in spec_fields(target).items()}}


def actor_attrs() -> dict:
    """{field: actor attribute} of every field an actors' import writes on the actor."""
    return {**ACTOR_ATTRS, **{name: name for name in spec_fields("actors")}}


def event_attrs() -> dict:
    """{field: event attribute} of every field an events' import writes on the event (its place,
    organiser and themes aside)."""
    return {**EVENT_ATTRS, **{name: name for name in spec_fields("events")}}


def _fold(column):
    """Folded column name; "N°"/"Nº" read as "no" (unidecode would make "°" a "deg")."""
    return fold(str(column).replace("°", "o ").replace("º", "o "))


def _score(column_words, synonym):
    """How well a folded column matches a synonym: exact > all words at the start > contained."""
    words = synonym.split()
    if column_words == words:
        return 1000 + len(synonym)
    if len(synonym) < 4 and len(words) == 1:
        return 0
    size = len(words)
    for start in range(len(column_words) - size + 1):
        if column_words[start : start + size] == words:
            # Longer synonyms and those nearer the start of the column name are better.
            return 100 + 10 * size - start
    return 0


def guess_mapping(columns: list[str], target: str) -> dict[str, str]:
    """{field: column} guessed from column names; each column serves one field at most."""
    synonyms = _SYNONYMS.get(target, _ACTOR_SYNONYMS)
    order = list(fields_for(target))
    candidates = []
    for position, column in enumerate(columns):
        words = _fold(column).split()
        if not words:
            continue
        for field, names in synonyms.items():
            if field not in order:
                continue
            best = max((_score(words, name) for name in names), default=0)
            if best:
                candidates.append((-best, position, order.index(field), field, column))
    candidates.sort()
    mapping, used = {}, set()
    for *_rank, field, column in candidates:
        if field in mapping or column in used:
            continue
        mapping[field] = column
        used.add(column)
    return {field: mapping[field] for field in order if field in mapping}


def validate_mapping(mapping, columns, target) -> list[str]:
    """Translated problems of a mapping for a file with ``columns``; [] when it can be used."""
    fields = fields_for(target)
    problems = []
    if not isinstance(mapping, dict):
        return [_("The mapping must say, for each field, which column holds it.")]
    for field, column in mapping.items():
        if field not in fields:
            problems.append(_("Unknown field “%(field)s”.") % {"field": field})
        elif column and column not in columns:
            problems.append(
                _("The column “%(column)s” (for %(field)s) is not in the file.")
                % {"column": column, "field": fields[field]}
            )
    required = REQUIRED.get(target, "name")
    if not mapping.get(required):
        if required == "title":
            problems.append(_("Choose the column that holds the title."))
        else:
            problems.append(_("Choose the column that holds the name."))
    return problems


def apply_mapping(row: Row, mapping) -> dict[str, str]:
    """{field: raw text} of one row through a mapping; unmapped or missing columns give ""."""
    return {field: str(row.values.get(column, "") or "") for field, column in mapping.items() if column}
