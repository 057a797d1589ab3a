"""The sector's thesaurus: the words people use for the themes, the audiences and the kinds of
actor, so that search understands "voedselbank", "SDF" or "cours de français" and the handout
understands a need said in one's own words.

The themes' and audiences' everyday words are data: their ``keywords`` (FR/NL/EN, one term per line
or separated by commas), loaded with the taxonomy (``demo/data/taxonomy.json``), edited in the admin
and versioned with the theme. The kinds of actor are choices in the code (``Actor.Kind``): their
everyday words are here, beside their labels.

The search engine sits below the directory and reads the thesaurus through ``terms``, which
``DirectoryConfig.ready`` registers (``search.engine.register_terms``).
"""

from django.utils import translation

from maillage import data_version
from maillage.caches import VersionedCache
from search import engine

from .models import Actor, Audience, Theme

LANGS = ("fr", "nl", "en")

# What people call each kind of actor, besides its label ("Association (ASBL/VZW)"...).
KIND_WORDS = {
    Actor.Kind.CITIZEN_INITIATIVE: {
        "fr": ("initiative citoyenne", "collectif", "comité de quartier", "comité d'habitants", "groupe d'habitants"),
        "nl": ("burgerinitiatief", "collectief", "buurtcomité", "wijkcomité", "bewonersgroep"),
        "en": ("citizens' initiative", "grassroots", "collective", "residents' group", "neighbourhood committee"),
    },
    Actor.Kind.ASSOCIATION: {
        "fr": ("asbl", "association", "association sans but lucratif", "ONG"),
        "nl": ("vzw", "vereniging", "vereniging zonder winstoogmerk", "ngo"),
        "en": ("association", "non-profit", "nonprofit", "charity", "NGO"),
    },
    Actor.Kind.FEDERATION: {
        "fr": ("fédération", "coupole", "réseau d'associations", "plateforme", "coordination"),
        "nl": ("federatie", "koepel", "koepelorganisatie", "netwerk van organisaties", "platform"),
        "en": ("federation", "umbrella organisation", "umbrella body", "network of organisations", "platform"),
    },
    Actor.Kind.PUBLIC_SERVICE: {
        "fr": (
            "CPAS",
            "centre public d'action sociale",
            "service public",
            "administration communale",
            "maison communale",
        ),
        "nl": (
            "OCMW",
            "openbaar centrum voor maatschappelijk welzijn",
            "openbare dienst",
            "gemeentebestuur",
            "gemeentehuis",
        ),
        "en": ("public service", "public social welfare centre", "local authority", "council", "town hall"),
    },
    Actor.Kind.RESEARCH_CENTRE: {
        "fr": ("centre de recherche", "université", "laboratoire", "chercheurs", "haute école"),
        "nl": ("onderzoekscentrum", "universiteit", "onderzoeksgroep", "onderzoekers", "hogeschool"),
        "en": ("research centre", "university", "research group", "researchers", "lab"),
    },
    Actor.Kind.SOCIAL_ENTERPRISE: {
        "fr": ("entreprise sociale", "coopérative", "entreprise d'économie sociale", "entreprise d'insertion"),
        "nl": ("sociale onderneming", "coöperatie", "coöperatieve", "maatwerkbedrijf"),
        "en": ("social enterprise", "cooperative", "social business"),
    },
    Actor.Kind.FUNDER: {
        "fr": ("bailleur de fonds", "financeur", "fondation", "subsides", "subventions", "appel à projets"),
        "nl": ("financier", "subsidiegever", "stichting", "subsidies", "projectoproep"),
        "en": ("funder", "foundation", "grant-maker", "grants", "funding", "call for projects"),
    },
}


def terms():
    """``(version, [search.engine.Term, ...])``: each theme's names and everyday words, each
    audience's names and words, each kind's labels and words, in FR/NL/EN.

    Read again when the directory's data version changes (a theme saved in the admin bumps it); the
    version is the terms' own fingerprint, so the engine builds its vocabulary again only when the
    words changed, not after every actor saved."""
    return _terms.get()


def _build():
    found = []
    for theme in Theme.objects.only("pk", "parent_id", *_fields("name"), *_fields("keywords")):
        # A sub-theme named brings its own entries, then its top theme's (a sub-theme may have none).
        broader = engine.tag("theme", theme.parent_id) if theme.parent_id else None
        found += _terms_of(engine.tag("theme", theme.pk), theme, broader)
    for audience in Audience.objects.only("pk", *_fields("name"), *_fields("keywords")):
        found += _terms_of(engine.tag("audience", audience.pk), audience)
    for kind in Actor.Kind:
        token = engine.tag("kind", kind.value)
        for lang in LANGS:
            with translation.override(lang):
                found.append(engine.Term(token, lang, str(kind.label)))
            found += [engine.Term(token, lang, word) for word in KIND_WORDS.get(kind, {}).get(lang, ())]
    found = list(dict.fromkeys(found))
    return hash(tuple(found)), found


def _fields(name):
    return [f"{name}_{lang}" for lang in LANGS]


def _terms_of(token, obj, broader=None):
    """The Terms of a theme or an audience: its name and everyday words in each language."""
    found = []
    for lang in LANGS:
        for name in ("name", "keywords"):
            text = (getattr(obj, f"{name}_{lang}", "") or "").strip()
            if text:
                found.append(engine.Term(token, lang, text, broader))
    return found


_terms = VersionedCache("directory.thesaurus", (data_version.ACTORS,), _build)


def themes_for(text):
    """The themes that ``text`` names in full, through their names or everyday words ("colis
    alimentaire", "dakloos", "cours de français"), in the engine's order."""
    # A text said in full: its last word is not completed as a search box's would be ("huis" is
    # not "huisvesting"), hence the closing space.
    ids = engine.analyse(f"{text or ''} ").themes
    if not ids:
        return []
    found = Theme.objects.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]
