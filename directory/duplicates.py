"""Duplicate detection for actors: "does this new entry look like one we already have?"

Used by the moderation queue at each new-actor proposal (and for corrections, with ``exclude_id``)
and later by imports. Candidates come from exact keys (company number, website domain, email,
email domain, phone) looked up in dictionaries, from fuzzy name matching (rapidfuzz) and from
distance. Each candidate gets a score between 0 and 1 and the codes of the reasons that made it.

The dictionaries are built once from the database and kept while the actors' data version holds
(``maillage.data_version``), like the directory's in-memory index: at 20,000 actors, building
takes well under two seconds and one lookup a few milliseconds.

How names are compared: each name (every language, and each side of a bilingual "FR / NL"
name) is normalised (accents and case folded, legal forms such as "asbl"/"vzw" removed), then
turned into a *key*: its words without articles and prepositions, sorted. A plain ratio over the
sorted keys (one fast C pass over every actor) shortlists; the shortlist is then scored with
``token_set_ratio`` blended with that plain ratio, so a name contained in a longer one ("CPAS"
in "CPAS de Bruxelles") is not the same name, while "Ligue des familles ASBL" and "La Ligue des
Familles" are. Acronyms and short names ("... en abrégé FLCPF", "... afgekort VUB") count only
when identical; names whose numbers differ ("Ecole 12" / "Ecole 7") are never the same name.

Distance (< 150 m, approximate locations left out) only supports another reason, or makes a
loosely similar name count. Reasons combine as independent evidence: score = 1 - prod(1 - w).
"""

import math
import re
import unicodedata
from dataclasses import dataclass

import numpy
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz, process
from unidecode import unidecode

from maillage import data_version
from maillage.caches import VersionedCache

from .models import Actor
from .validators import normalise_company_number

REASONS = ("company_number", "website", "email", "phone", "name", "nearby")

REASON_LABELS = {
    "company_number": _("same company number"),
    "website": _("same website"),
    "email": _("same email"),
    "phone": _("same phone number"),
    "name": _("similar name"),
    "nearby": _("less than 150 m away"),
}

# --- tuning -------------------------------------------------------------------------------------

NAME_CUTOFF = 85  # similarity (0..100) from which two names are "similar"
NEARBY_NAME_CUTOFF = 70  # a looser similarity is enough for actors less than NEARBY_METRES apart
# name_similarity >= NAME_CUTOFF needs a plain ratio of the sorted keys >= this: the first pass.
SHORTLIST_CUTOFF = (NAME_CUTOFF - 40) / 0.6
NEARBY_METRES = 150
SHORTLIST = 50  # names kept from the fast first pass, per variant
# A key (domain, phone) held by more actors than this is shared (a federation's building, a
# university's domain): it still counts, with a lower weight.
SHARED_KEY = 3

WEIGHTS = {
    "company_number": 0.95,
    "company_number_shared": 0.6,  # several entries of one organisation (a university's centres)
    "website": 0.8,
    "website_shared": 0.4,  # the domain is shared by several actors
    "email": 0.8,
    "email_domain": 0.55,  # only the (non-webmail) domain of the email matches
    "email_domain_shared": 0.3,
    "phone": 0.75,
    "phone_shared": 0.4,
    "nearby": 0.15,
}
# Both sides have a company number and they differ: probably two distinct organisations.
OTHER_COMPANY_NUMBER_FACTOR = 0.6
# From this score a candidate is a probable duplicate; below, a possible one worth a look.
PROBABLE = 0.5


def name_weight(similarity):
    """Weight of a name similarity (0..100): 0.45 at the cutoff up to 0.8 for the same name."""
    if similarity >= 100:
        return 0.8
    if similarity >= NAME_CUTOFF:
        return 0.45 + (similarity - NAME_CUTOFF) / (100 - NAME_CUTOFF) * 0.3
    if similarity >= NEARBY_NAME_CUTOFF:  # counted only for nearby actors
        return 0.1 + (similarity - NEARBY_NAME_CUTOFF) / (NAME_CUTOFF - NEARBY_NAME_CUTOFF) * 0.3
    return 0.0


@dataclass(frozen=True)
class Candidate:
    actor_id: int
    slug: str
    name: str
    score: float  # 0..1
    reasons: tuple[str, ...]  # codes, see REASON_LABELS

    @property
    def reason_labels(self):
        return [REASON_LABELS[code] for code in self.reasons]


# --- normalising --------------------------------------------------------------------------------


def _words(text):
    return frozenset(text.split())


# Legal forms, after folding (dots of "a.s.b.l." are joined first). Removed wherever they stand.
LEGAL_FORMS = _words("asbl vzw ivzw aisbl sprl sprlu scrl scrls srl bvba cvba cvoa vof snc scs fup ebvba")
# Short forms that are also ordinary words: removed only at the start or the end of a name.
LEGAL_FORMS_AT_EDGES = _words("sa nv bv cv sc sca scri fv")
# Words left out of the comparison keys (articles, prepositions) in French, Dutch and English.
STOP_WORDS = _words(
    "le la les l de du des d et a au aux en pour sur un une par dans "
    "het een van voor der den op in te met "
    "the of and for an"
)

# How names are written, the one rule for the names shown (``imports.names`` splits an official
# name into the French and Dutch names and the acronym) and for the names compared here.
# The words that introduce an organisation's short name: "X en abrégé Y", "X afgekort Y", "X in het
# kort Y", "X verkort Y"; accents optional, so it reads a name as written or folded.
SHORT_NAME_MARKER = r"(?:en\s+abr[eé]g[eé]|afgekort|in\s+het\s+kort|verkort)"
# A side of "A / B" is a name of its own with several words or one long word. A lone word shorter
# than this is half of a compound word ("Télé/Service", "Sainte/Ursule", "Europe/Afrique",
# "Bruxelles/Brussel" in the City of Brussels' list) or a tag ("Rizome/Bxl", "AR/ONE"): compared
# alone, it would make any "Service" or "Brussel" a similar name.
NAME_SIDE_MIN_LENGTH = 8


def is_name_side(side):
    """Whether one side of a name split at "/" is a name of its own (see NAME_SIDE_MIN_LENGTH)."""
    side = side.strip()
    return " " in side or len(side) >= NAME_SIDE_MIN_LENGTH


# Long names of public bodies written in full or by their acronym (after folding).
ACRONYMS = (
    (re.compile(r"\bcentre public d action sociale\b"), "cpas"),
    (re.compile(r"\bopenbaar centrum voor maatschappelijk welzijn\b"), "ocmw"),
    (re.compile(r"\bvlaamse gemeenschapscommissie\b"), "vgc"),
    (re.compile(r"\bcommission communautaire francaise\b"), "cocof"),
    (re.compile(r"\bcommission communautaire commune\b"), "cocom"),
    (re.compile(r"\buniversite libre de bruxelles\b"), "ulb"),
    (re.compile(r"\bvrije universiteit brussel\b"), "vub"),
)

_DOTTED = re.compile(r"(?<![a-z0-9])((?:[a-z]\.){1,}[a-z])\.?(?![a-z0-9])")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Separators only, the sides are folded after the split: a leading "\s*" would be retried from
# every position of a long run of spaces (quadratic on imported text).
_SPLIT = re.compile(r"/")
# "X en abrégé Y", "X afgekort Y" (after folding here; as written in imports.names): Y is a short name.
_ALIAS = re.compile(rf"(?:^|\s){SHORT_NAME_MARKER}(?:\s|$)")


def _fold(text):
    """Accents and case folded, dotted abbreviations joined ("a.s.b.l." -> "asbl"), words only.

    Not maillage.text.fold: that one splits "a.s.b.l." into letters, and runs unidecode on every
    accented name (about twice slower on names with only accents)."""
    text = str(text or "").casefold()
    if not text.isascii():
        # Accents the fast way; unidecode (slower) only for what is still not ASCII ("œ", "ø").
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
        if not text.isascii():
            text = unidecode(text).lower()
    if "." in text:
        text = _DOTTED.sub(lambda m: m.group(1).replace(".", ""), text)
    text = _NON_ALNUM.sub(" ", text).strip()
    for long_form, acronym in ACRONYMS:
        if long_form.search(text):
            text = long_form.sub(acronym, text)
    return text


def _strip_legal_forms(words):
    kept = [w for w in words if w not in LEGAL_FORMS]
    while kept and kept[-1] in LEGAL_FORMS_AT_EDGES:
        kept.pop()
    while kept and kept[0] in LEGAL_FORMS_AT_EDGES:
        kept.pop(0)
    return kept


def _without_legal_forms(folded):
    words = folded.split()
    return " ".join(_strip_legal_forms(words) or words)


def _forms(name):
    """The sides of a bilingual "FR / NL" name, and the short names given after "en abrégé"."""
    sides, aliases = [], []
    for part in _SPLIT.split(str(name or "")):
        main, *short = _ALIAS.split(_fold(part), maxsplit=1)
        main = _without_legal_forms(main)
        short = _without_legal_forms(short[0]) if short else ""
        if main:
            sides.append(main)
            if short:
                aliases.append(short)
        elif short:
            sides.append(short)
    return sides, aliases


def _join(parts):
    whole = " ".join(parts).split()
    # Removing legal forms across the joined sides can still find one at the new edges.
    return " ".join(_strip_legal_forms(whole) or whole)


def normalise_name(name):
    """'Maison de Quartier ASBL / Buurthuis VZW' -> 'maison de quartier buurthuis'.

    Accents and case folded, punctuation removed, legal forms removed from each side of a
    bilingual "FR / NL" name (see ``name_variants`` for the sides on their own). Idempotent.
    """
    return _join(_forms(name)[0])


def _variants(name):
    """(variants compared fuzzily, short names compared exactly) of one name."""
    sides, aliases = _forms(name)
    whole = _join(sides)
    fuzzy = [whole] if whole else []
    if len(sides) > 1:
        fuzzy += [s for s in dict.fromkeys(sides) if s != whole and is_name_side(s)]
    exact = [a for a in dict.fromkeys(aliases) if a not in fuzzy]
    return fuzzy, exact


def name_variants(name):
    """The normalised name then, for a bilingual "FR / NL" name, each side on its own, then the
    short name given after "en abrégé" / "afgekort" if any.

    'Maison de quartier X / Buurthuis X' -> ['maison de quartier x buurthuis x',
    'maison de quartier x', 'buurthuis x'].
    """
    fuzzy, exact = _variants(name)
    return fuzzy + exact


def name_key(normalised):
    """A comparison key: the words without articles and prepositions, sorted."""
    words = normalised.split()
    meaningful = [w for w in words if w not in STOP_WORDS]
    return " ".join(sorted(meaningful or words))


def _keys(name):
    """(keys compared fuzzily, keys compared exactly) of one name."""
    fuzzy, exact = _variants(name)
    return [name_key(v) for v in fuzzy], [k for k in (name_key(v) for v in exact) if len(k) >= 2]


def _acronym_keys(acronym):
    key = name_key(normalise_name(acronym)) if acronym else ""
    return [key] if len(key) >= 2 else []


_DIGITS = re.compile(r"\d")


def _numbers(key):
    return frozenset(w for w in key.split() if w.isdigit()) if _DIGITS.search(key) else frozenset()


def name_similarity(key_a, key_b):
    """Similarity (0..100) of two name keys (see ``name_key``)."""
    if key_a == key_b:
        return 100.0
    if len(key_a) < 5 or len(key_b) < 5:  # acronyms and very short names: only the same one counts
        return 0.0
    ratio = fuzz.ratio(key_a, key_b)
    if " " not in key_a or " " not in key_b:
        # One word against several: being contained says little ("Bruxelles" in "CPAS de Bruxelles").
        similarity = ratio
    else:
        # token_set_ratio alone would call a name contained in a longer one the same ("Ligue des
        # familles" in "Ligue des familles de Bruxelles": 100); the plain ratio of the sorted
        # words tempers it.
        similarity = 0.4 * fuzz.token_set_ratio(key_a, key_b) + 0.6 * ratio
    if similarity >= NEARBY_NAME_CUTOFF:
        numbers_a, numbers_b = _numbers(key_a), _numbers(key_b)
        if numbers_a and numbers_b and numbers_a != numbers_b:
            return 0.0  # "Ecole 12" and "Ecole 7"
    return similarity


# Hosts of many unrelated sites, and social networks: the same domain says nothing.
GENERIC_DOMAINS = _words("""
    facebook.com fb.com fb.me m.facebook.com instagram.com twitter.com x.com linkedin.com
    youtube.com youtu.be tiktok.com threads.net bsky.app mastodon.social pinterest.com flickr.com
    vimeo.com soundcloud.com linktr.ee bit.ly goo.gl tinyurl.com
    google.com google.be sites.google.com docs.google.com forms.gle drive.google.com
    wixsite.com wix.com wordpress.com blogspot.com blogspot.be over-blog.com overblog.com
    jimdo.com jimdofree.com jimdosite.com weebly.com squarespace.com webnode.be webnode.fr
    webnode.com tumblr.com canva.site my.canva.site business.site site123.me e-monsite.com
    strikingly.com carrd.co notion.site github.io gitlab.io netlify.app vercel.app
    helloasso.com eventbrite.com eventbrite.be eventbrite.fr meetup.com framasite.org
    padlet.com medium.com substack.com wikipedia.org
    """)
# Webmail providers and internet access providers: the email's domain says nothing.
WEBMAIL_DOMAINS = _words("""
    gmail.com googlemail.com skynet.be proximus.be belgacom.net telenet.be voo.be scarlet.be
    base.be tvcablenet.be brutele.be swing.be pandora.be chello.be online.be edpnet.be
    icloud.com me.com mac.com aol.com msn.com mail.com gmx.com gmx.net gmx.de gmx.fr
    protonmail.com protonmail.ch proton.me pm.me tutanota.com tuta.io yandex.com yandex.ru
    orange.fr free.fr laposte.net wanadoo.fr sfr.fr numericable.fr zoho.com mail.ru
    web.de t-online.de ziggo.nl kpnmail.nl hetnet.nl planet.nl
    """)
# Brands with a domain in many countries (yahoo.fr, hotmail.be, outlook.com, live.be...).
WEBMAIL_BRANDS = _words("yahoo hotmail outlook live windowslive ymail rocketmail gmx yandex")


def _is_under(domain, domains):
    labels = domain.split(".")
    return any(".".join(labels[i:]) in domains for i in range(len(labels) - 1))


_SCHEME = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//")
_HOST_END = re.compile(r"[/?#\\]")


def website_domain(url):
    """'https://www.example.be/fr/' -> 'example.be' ('' when there is no host)."""
    text = str(url or "").strip().lower()
    if not text:
        return ""
    host = _SCHEME.sub("", text)
    host = _HOST_END.split(host, 1)[0].rsplit("@", 1)[-1].split(":", 1)[0]
    host = host.strip(".")
    for prefix in ("www.", "www2.", "www3.", "m."):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    return host if "." in host else ""


def website_key(url):
    """The website's domain, or '' for the hosting and social sites many actors share."""
    domain = website_domain(url)
    return "" if not domain or _is_under(domain, GENERIC_DOMAINS) else domain


def normalise_email(email):
    if not email:
        return ""
    text = str(email or "").strip().lower().removeprefix("mailto:")
    text = text.split("?")[0].strip("<> ")
    return text if re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z0-9-]+", text) else ""


def _email_domain_key(address):
    """The domain of a normalised email address, or '' for webmail and internet providers'."""
    if not address:
        return ""
    domain = address.rsplit("@", 1)[1]
    labels = domain.split(".")
    if _is_under(domain, WEBMAIL_DOMAINS) or _is_under(domain, GENERIC_DOMAINS):
        return ""
    if any(label in WEBMAIL_BRANDS for label in labels[:-1]):
        return ""
    return domain


def normalise_phone(phone):
    """Belgian numbers in any written form -> '+32' and the digits: '02/123.45.67' -> '+3221234567'.

    International numbers keep their country code ('0033 1 23 45 67 89' -> '+33123456789').
    Returns '' when this is not a phone number.
    """
    if not phone:
        return ""
    text = str(phone).strip().replace("(0)", "")
    international = text.startswith("+")
    digits = re.sub(r"\D", "", text)
    if international:
        number = digits
    elif digits.startswith("00"):
        number = digits[2:]
    elif digits.startswith("0"):
        number = "32" + digits[1:]
    elif digits.startswith("32") and len(digits) in (10, 11):
        number = digits
    else:
        return ""
    if number.startswith("320"):  # "+32 02 ..." written with the trunk zero
        number = "32" + number[3:]
    if number.startswith("32"):
        return "+" + number if len(number) in (10, 11) else ""
    return "+" + number if 8 <= len(number) <= 15 else ""


# Without spaces around (each part is normalised after): "\s*...\s*" is quadratic on long runs.
_PHONE_SEPARATORS = re.compile(r"[;,|\n]|\s/\s|\bou\b|\bof\b|\bor\b", re.IGNORECASE)


def phone_keys(text):
    """Every phone number written in a field ('02 123 45 67 ou 0475 12 34 56' gives two)."""
    if not text:
        return []
    whole = normalise_phone(text)
    if whole:
        return [whole]
    return [p for p in (normalise_phone(part) for part in _PHONE_SEPARATORS.split(str(text or ""))) if p]


def distance_metres(lat1, lon1, lat2, lon2):
    """Great-circle (haversine) distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(min(1.0, math.sqrt(a)))


# --- the index ----------------------------------------------------------------------------------

LANGS = ("fr", "nl", "en")
# Grid cells of about 220 m (latitude) x 210 m (longitude at Brussels): neighbours within 150 m
# are in the same cell or one of the eight around it.
CELL_LAT = 0.002
CELL_LON = 0.003


def _cell(lat, lon):
    return int(math.floor(lat / CELL_LAT)), int(math.floor(lon / CELL_LON))


def _valid_point(lat, lon):
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (abs(lat) < 1e-9 and abs(lon) < 1e-9):
        return None
    return lat, lon


@dataclass
class DuplicateIndex:
    version: int
    actors: dict  # id -> (slug, (name_fr, name_nl, name_en), company number, name keys, short name keys)
    company_numbers: dict  # normalised number -> [ids]
    domains: dict  # website domain -> [ids]
    email_domains: dict  # (non-webmail) email domain -> [ids]
    emails: dict  # address -> [ids]
    phones: dict  # +32... -> [ids]
    name_keys: list  # name keys, for rapidfuzz
    name_ids: list  # actor id of each name key
    cells: dict  # grid cell -> [(id, lat, lon)]


def _add(mapping, key, actor_id):
    if key:
        ids = mapping.setdefault(key, [])
        if actor_id not in ids:
            ids.append(actor_id)


def build(*, versions=None):
    """Read every (not archived) actor once and build the lookup dictionaries."""
    version = versions[0] if versions else data_version.current(data_version.ACTORS)
    rows = Actor.objects.values_list(
        "id",
        "slug",
        "name_fr",
        "name_nl",
        "name_en",
        "acronym",
        "company_number",
        "website",
        "email",
        "phone",
        "contact_email",
        "contact_phone",
        "lat",
        "lon",
        "location_approximate",
    ).order_by("id")
    actors, company_numbers, domains, email_domains, emails, phones, cells = {}, {}, {}, {}, {}, {}, {}
    name_keys, name_ids = [], []
    key_cache = {}
    for row in rows.iterator(chunk_size=5000):
        (actor_id, slug, fr, nl, en, acronym, number, website, email, phone, c_email, c_phone, lat, lon, approx) = row
        number = normalise_company_number(number) if number else None
        keys, short_keys = set(), set()
        for name in (fr, nl, en):
            if name:
                found = key_cache.get(name)
                if found is None:
                    found = key_cache[name] = _keys(name)
                keys.update(found[0])
                short_keys.update(found[1])
        short_keys.update(_acronym_keys(acronym))
        short_keys -= keys
        for key in keys | short_keys:
            name_keys.append(key)
            name_ids.append(actor_id)
        actors[actor_id] = (slug, (fr or "", nl or "", en or ""), number, frozenset(keys), frozenset(short_keys))
        _add(company_numbers, number, actor_id)
        _add(domains, website_key(website), actor_id)
        for text in (email, c_email):
            if text:
                address = normalise_email(text)
                _add(emails, address, actor_id)
                _add(email_domains, _email_domain_key(address), actor_id)
        for text in (phone, c_phone):
            for key in phone_keys(text):
                _add(phones, key, actor_id)
        if lat is not None and lon is not None and not approx:
            cells.setdefault(_cell(lat, lon), []).append((actor_id, lat, lon))
    return DuplicateIndex(
        version=version,
        actors=actors,
        company_numbers=company_numbers,
        domains=domains,
        email_domains=email_domains,
        emails=emails,
        phones=phones,
        name_keys=name_keys,
        name_ids=name_ids,
        cells=cells,
    )


_cache = VersionedCache("duplicates", (data_version.ACTORS,), build)


def get_index():
    """The index for the current actors' data; rebuilt when the data version moved on."""
    return _cache.get()


# --- finding ------------------------------------------------------------------------------------


def _proposed_names(fields):
    names = [fields.get("name"), *(fields.get(f"name_{lang}") for lang in LANGS)]
    seen = []
    for name in names:
        if name and str(name).strip() and name not in seen:
            seen.append(name)
    return seen


def _proposed_keys(fields):
    """(name keys, short name keys) of a proposed entry."""
    keys, short_keys = [], []
    for name in _proposed_names(fields):
        fuzzy, exact = _keys(name)
        keys += [k for k in fuzzy if k not in keys]
        short_keys += [k for k in exact if k not in short_keys]
    short_keys += [k for k in _acronym_keys(fields.get("acronym")) if k not in short_keys]
    return keys, [k for k in short_keys if k not in keys]


def _best_similarity(proposed, actor):
    """Best similarity between a proposal's keys and an actor's. Short names (acronyms, "en
    abrégé") count only when identical to a name or short name of the other side."""
    keys, short_keys = proposed
    actor_keys, actor_short_keys = actor
    for key in short_keys:
        if key in actor_keys or key in actor_short_keys:
            return 100.0
    for key in keys:
        if key in actor_short_keys:
            return 100.0
    return max((name_similarity(a, b) for a in keys for b in actor_keys), default=0.0)


class _Evidence:
    """What speaks for one actor being the proposed entry: reason -> weight."""

    __slots__ = ("weights",)

    def __init__(self):
        self.weights = {}

    def add(self, reason, weight):
        if weight > self.weights.get(reason, 0.0):
            self.weights[reason] = weight


def _lookup(evidence, mapping, key, reason, weight, shared_weight):
    ids = mapping.get(key) if key else None
    if ids:
        chosen = weight if len(ids) <= SHARED_KEY else shared_weight
        for actor_id in ids:
            evidence.setdefault(actor_id, _Evidence()).add(reason, chosen)


# Keys compared at once by ``shortlists``: 16 x 20,000 scores of 4 bytes, 1.3 MB at a time.
SHORTLIST_BATCH = 16


def _shortlist(key, index):
    """Positions in ``index.name_keys`` of the names closest to ``key`` (the fast first pass)."""
    return [
        position
        for _choice, _score, position in process.extract(
            key, index.name_keys, scorer=fuzz.ratio, processor=None, score_cutoff=SHORTLIST_CUTOFF, limit=SHORTLIST
        )
    ]


def shortlists(many_fields, index):
    """The first pass of ``find_duplicates`` for many entries (an iterable) at once (an import): {name key:
    positions}, the same as one ``process.extract`` per key, computed on every core by rapidfuzz's
    ``cdist`` (a loop of ``extract`` holds one core). Scores come back as 32-bit floats: names just
    under the cutoff are kept by the matrix and scored again exactly, so nothing differs."""
    keys = list(dict.fromkeys(key for fields in many_fields for part in _proposed_keys(fields) for key in part))
    found = {}
    if not keys or not index.name_keys:
        return {key: [] for key in keys}
    for start in range(0, len(keys), SHORTLIST_BATCH):
        batch = keys[start : start + SHORTLIST_BATCH]
        scores = process.cdist(
            batch,
            index.name_keys,
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=SHORTLIST_CUTOFF - 0.01,
            dtype=numpy.float32,
            workers=-1,
        )
        for key, row in zip(batch, scores, strict=True):
            near = []
            for position in numpy.flatnonzero(row).tolist():
                score = fuzz.ratio(key, index.name_keys[position], score_cutoff=SHORTLIST_CUTOFF)
                if score:
                    near.append((-score, position))
            near.sort()
            found[key] = [position for _score, position in near[:SHORTLIST]]
    return found


def find_duplicates(fields, *, exclude_id=None, limit=5, index=None, shortlisted_by=None):
    """Existing actors that probably are the entry described by ``fields``, best first.

    ``fields`` may hold: name (or name_fr, name_nl, name_en), acronym, company_number (any
    written form), website, email, phone, lat and lon; any subset. ``exclude_id`` leaves out the
    actor being corrected. Returns at most ``limit`` ``Candidate`` objects. ``index``: the one
    ``get_index()`` returned, when the caller compares many entries in a row (an import): reading
    the data version once per entry would cost a query each. ``shortlisted_by``: what
    ``shortlists`` gave for those entries.
    """
    if index is None:
        index = get_index()
    evidence = {}

    # Exact keys.
    number = normalise_company_number(fields.get("company_number")) if fields.get("company_number") else None
    _lookup(
        evidence,
        index.company_numbers,
        number,
        "company_number",
        WEIGHTS["company_number"],
        WEIGHTS["company_number_shared"],
    )
    site = website_key(fields.get("website"))
    _lookup(evidence, index.domains, site, "website", WEIGHTS["website"], WEIGHTS["website_shared"])
    # A website on the domain of an actor's email (www.x.be / info@x.be) is the same website.
    _lookup(evidence, index.email_domains, site, "website", WEIGHTS["email_domain"], WEIGHTS["email_domain_shared"])
    address = normalise_email(fields.get("email"))
    _lookup(evidence, index.emails, address, "email", WEIGHTS["email"], WEIGHTS["email_domain"])
    mail_domain = _email_domain_key(address)
    if mail_domain:
        for mapping in (index.email_domains, index.domains):
            _lookup(evidence, mapping, mail_domain, "email", WEIGHTS["email_domain"], WEIGHTS["email_domain_shared"])
    for phone in phone_keys(fields.get("phone")):
        _lookup(evidence, index.phones, phone, "phone", WEIGHTS["phone"], WEIGHTS["phone_shared"])

    # Names: a fast ratio over the sorted keys shortlists, ``name_similarity`` decides.
    proposed = _proposed_keys(fields)
    shortlisted = set()
    for key in proposed[0] + proposed[1]:
        positions = shortlisted_by.get(key) if shortlisted_by is not None else None
        for position in _shortlist(key, index) if positions is None else positions:
            shortlisted.add(index.name_ids[position])
    similarities = {}
    for actor_id in shortlisted:
        similarity = _best_similarity(proposed, index.actors[actor_id][3:5])
        similarities[actor_id] = similarity
        if similarity >= NAME_CUTOFF:
            evidence.setdefault(actor_id, _Evidence()).add("name", name_weight(similarity))

    # Distance: supports other reasons, or makes a loosely similar name count.
    point = _valid_point(fields.get("lat"), fields.get("lon")) if not fields.get("approximate") else None
    if point is not None:
        lat, lon = point
        row, col = _cell(lat, lon)
        for d_row in (-1, 0, 1):
            for d_col in (-1, 0, 1):
                for actor_id, a_lat, a_lon in index.cells.get((row + d_row, col + d_col), ()):
                    if distance_metres(lat, lon, a_lat, a_lon) >= NEARBY_METRES:
                        continue
                    found = evidence.get(actor_id)
                    if found is None:
                        similarity = similarities.get(actor_id)
                        if similarity is None:
                            similarity = _best_similarity(proposed, index.actors[actor_id][3:5])
                        if not similarity or similarity < NEARBY_NAME_CUTOFF:
                            continue
                        found = evidence[actor_id] = _Evidence()
                        found.add("name", name_weight(similarity))
                    found.add("nearby", WEIGHTS["nearby"])

    if exclude_id is not None:
        evidence.pop(int(exclude_id), None)
    lang = translation.get_language() or "fr"
    lang_index = LANGS.index(lang[:2]) if lang[:2] in LANGS else 0
    candidates = []
    for actor_id, found in evidence.items():
        slug, names, actor_number, *_keys = index.actors[actor_id]
        remaining = 1.0
        for weight in found.weights.values():
            remaining *= 1.0 - weight
        score = 1.0 - remaining
        if number and actor_number and number != actor_number:
            score *= OTHER_COMPANY_NUMBER_FACTOR
        name = names[lang_index] or names[0] or names[1] or names[2]
        reasons = tuple(code for code in REASONS if code in found.weights)
        candidates.append(Candidate(actor_id, slug, name, round(score, 3), reasons))
    candidates.sort(key=lambda c: (-c.score, c.name.casefold(), c.actor_id))
    return candidates[:limit]


# --- measuring ----------------------------------------------------------------------------------


def evaluate(pairs, *, threshold=PROBABLE):
    """Precision and recall over a labelled sample.

    ``pairs``: iterable of ``(fields, expected_actor_id)``, ``expected_actor_id`` being None when
    the entry has no duplicate. A prediction is the best candidate scoring at least ``threshold``.
    Returns a dict with precision, recall and the counts they come from.
    """
    true_positives = false_positives = false_negatives = true_negatives = 0
    index = get_index()
    for fields, expected in pairs:
        found = [c for c in find_duplicates(fields, limit=1, index=index) if c.score >= threshold]
        predicted = found[0].actor_id if found else None
        if predicted is not None and predicted == expected:
            true_positives += 1
        else:
            if predicted is not None:
                false_positives += 1
            if expected is not None:
                false_negatives += 1
            elif predicted is None:
                true_negatives += 1
    predicted_total = true_positives + false_positives
    actual_total = true_positives + false_negatives
    return {
        "precision": true_positives / predicted_total if predicted_total else 1.0,
        "recall": true_positives / actual_total if actual_total else 1.0,
        "true_positives": true_positives,
        "false_positives": false_positives,
        "false_negatives": false_negatives,
        "true_negatives": true_negatives,
    }
