"""Directory services: the actor's owner (its one write path, ``save_actor``, and the bulk one in
``directory.bulk.save_actors``, built on this module's rules; places, archiving), the rules the other apps ask it (the main place, the theme
tree), filtering, facets and exports.

The actor's fields are declared once in ``directory.fields``; what an actor derives (position,
commune, venue, parent themes, search document) is applied here, once per write, never by signals.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Case, CharField, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce, NullIf
from django.dispatch import Signal
from django.utils import translation
from django.utils.translation import gettext as _

from maillage import changes, data_version, richtext
from maillage.caches import VersionedCache
from maillage.filters import ParsedFilters, pick
from maillage.lookup import Entry, resolve
from search import engine as search_engine
from search.models import Document
from territory.models import Commune
from territory.services import commune_centre, commune_id_for, resolve_commune

from . import bitsets
from .fields import ACTOR
from .models import Actor, Audience, Language, Place, Theme

LANGS = ("fr", "nl", "en")

# Filter groups of the directory, in the order they are shown.
FILTER_GROUPS = ("theme", "commune", "kind", "language", "audience", "venue", "status")


# --- keeping derived fields -------------------------------------------------------------------


def locate_place(place):
    """Fill a place's commune from its position (or postcode) and put approximate places at the
    centre of their commune."""
    if place.lat is not None and not place.approximate:
        # A position decides the commune, also when a place moves.
        place.commune_id = commune_id_for(place.lat, place.lon, place.postcode) or place.commune_id
    elif place.commune_id is None:
        place.commune_id = commune_id_for(None, None, place.postcode)
    if place.lat is None and place.commune_id and (centre := commune_centre(place.commune_id)):
        (place.lat, place.lon), place.approximate = centre, True
    return place


def is_venue(place):
    """A place people can come to: its position is known, not only its commune."""
    return not place.approximate and place.lat is not None


def main_place(places):
    """THE rule for an actor's main place (its pin on the map and in the lists, its address in the
    exports, printouts and forms): among its places oldest first (``Place.Meta.ordering``), the first
    venue (a precise position), else the first place with a position (a commune's centre), else the
    first place; None without places. It is the rule the pages have always used (the actor's
    position and commune are derived from this place)."""
    places = list(places)
    return (
        next((p for p in places if is_venue(p)), None)
        or next((p for p in places if p.lat is not None), None)
        or (places[0] if places else None)
    )


def derive(actor, places):
    """Set what an actor derives from its places, in memory (no query): ``has_venue``, its position
    and, from its main place, its commune (kept when the place has none: its area of activity)."""
    places = list(places)
    main = main_place(places)
    actor.has_venue = any(is_venue(p) for p in places)
    if main is not None and main.lat is not None:
        actor.lat, actor.lon, actor.location_approximate = main.lat, main.lon, main.approximate
        actor.commune_id = main.commune_id or actor.commune_id
    else:
        actor.lat = actor.lon = None
        actor.location_approximate = False
    return actor


def theme_tree(themes):
    """The themes as [(top theme, [its sub-themes])], in the themes' order: the one rule for every
    list that shows sub-themes under their top theme (the directory's filters, the proposal forms)."""
    children = {}
    for theme in themes:
        if theme.parent_id:
            children.setdefault(theme.parent_id, []).append(theme)
    return [(top, children.get(top.pk, [])) for top in themes if top.parent_id is None]


def refresh_actor(actor):
    """Recompute what an actor derives from its places and texts, read from the database (a
    place deleted, an actor written by hand in a test). ``save_actor`` derives in memory instead."""
    derive(actor, actor.places.all())
    Actor.all_objects.filter(pk=actor.pk).update(**{name: getattr(actor, name) for name in DERIVED})
    index_actors([actor])
    changes.bump(data_version.ACTORS)
    return actor


# --- the actor's write path --------------------------------------------------------------------

# What an actor derives from its places (``derive``): written with the actor, never chosen.
DERIVED = ("has_venue", "lat", "lon", "location_approximate", "commune_id")
# Its versioned many-to-many links (``directory/translation.py``), in the order they are read.
LINKS = ("themes", "audiences", "languages", "places")
# What other nouns' search documents read of an actor (an event's organisers, a project's partners).
NAMES = ("name_fr", "name_nl", "name_en", "acronym")
# Sent by the actor's write paths, inside their change set, when stored actors' ``NAMES`` changed
# (``actor_ids``): the apps whose search documents hold actors' names (the agenda, projects) write
# them again; the directory cannot call them (they sit above it).
actor_renamed = Signal()
# A place's columns that decide where its actors stand.
POSITION = frozenset({"lat", "lon", "approximate", "commune_id"})
# A place's columns that its actors' search documents read (besides its commune).
PLACE_WORDS = frozenset({"postcode", *(f"name_{lang}" for lang in LANGS)})


def _ids(objects):
    return [getattr(o, "pk", o) for o in objects]


def with_parent_themes(themes, parents=None):
    """Theme ids with the top theme of each sub-theme. Theme objects say their parent (no query);
    for themes given as ids, ``parents`` says them ({id: parent id}, ``theme_parents``: a bulk
    writer reads it once per batch), else one query reads them."""
    themes = list(themes)
    ids = list(dict.fromkeys(_ids(themes)))
    bare = [t for t in themes if not hasattr(t, "parent_id")]
    if bare and parents is None:
        parents = theme_parents(bare)
    tops = [t.parent_id if hasattr(t, "parent_id") else parents.get(t) for t in themes]
    return ids + [pk for pk in dict.fromkeys(tops) if pk and pk not in ids]


def theme_parents(ids=None):
    """{theme id: its parent's id or None} of the themes ``ids`` (all when None): one query."""
    themes = Theme.objects.all() if ids is None else Theme.objects.filter(pk__in=set(ids))
    return dict(themes.values_list("pk", "parent_id").order_by())


def _current_links(actor, places=()):
    """{link: [ids]} of a stored actor's four links, {place id: other actor ids} for the given
    stored ``places`` (who else stands there, to refresh if a place moves), and whether the actor's
    names in memory differ from those stored (``actor_renamed``): one query."""
    same_names = Q()
    for field in NAMES:
        value = getattr(actor, field)
        same_names &= Q(**{field: value}) if value else Q(**{field: ""}) | Q(**{f"{field}__isnull": True})
    renamed = Case(When(same_names, then=Value(0)), default=Value(1), output_field=IntegerField())

    def row(query, link, other, at):
        # Every part of the UNION names its columns alike: their order is then the same in each.
        number = IntegerField()
        return (
            query.annotate(link=Value(link, output_field=number), other=other, at=at)
            .values_list("link", "other", "at")
            .order_by()
        )

    queries = []
    for position, name in enumerate(LINKS):
        m2m = Actor._meta.get_field(name)
        through = m2m.remote_field.through
        column = f"{m2m.m2m_reverse_field_name()}_id"
        queries.append(row(through.objects.filter(actor_id=actor.pk), position, F(column), Value(0)))
    place_ids = [p.pk for p in places if p.pk is not None]
    if place_ids:
        others = Actor.places.through.objects.filter(place_id__in=place_ids).exclude(actor_id=actor.pk)
        queries.append(row(others, len(LINKS), F("actor_id"), F("place_id")))
    # A plain QuerySet: modeltranslation's reorders the columns of values_list().
    queries.append(row(QuerySet(Actor).filter(pk=actor.pk), -1, renamed, Value(0)))
    links = {name: [] for name in LINKS}
    sharing, renamed = {}, False
    for position, pk, place_id in queries[0].union(*queries[1:], all=True):
        if position < 0:
            renamed = bool(pk)
        elif position < len(LINKS):
            links[LINKS[position]].append(pk)
        else:
            sharing.setdefault(place_id, []).append(pk)
    return links, sharing, renamed


def _write_links(actor, name, current, wanted):
    """Make the link table say ``wanted`` (ids), by adding and removing rows (no set(): it reads,
    sends signals and costs a query per step)."""
    m2m = Actor._meta.get_field(name)
    through = m2m.remote_field.through
    column = f"{m2m.m2m_reverse_field_name()}_id"
    gone = set(current) - set(wanted)
    new = [pk for pk in wanted if pk not in set(current)]
    if gone:
        through.objects.filter(actor_id=actor.pk, **{f"{column}__in": gone}).delete()
    if new:
        through.objects.bulk_create([through(actor_id=actor.pk, **{column: pk}) for pk in new])


def _save_places(places):
    """Locate and write the places that changed (each noted for one history record); returns the
    ids of the stored places whose position, commune, name or postcode changed (what the actors
    standing there derive). New places are inserted at once and without signals: nothing else
    stands at a place that did not exist."""
    moved, new = [], []
    for place in places:
        locate_place(place)
        changed = place.changed_fields()
        if not changed:
            continue
        place.clean_fields(exclude=["commune"])
        if place.pk is None:
            new.append(place)
            continue
        with changes.quietly(place):
            place.save()
        place.mark_stored()
        changes.record(place, "~")
        if changed & (POSITION | PLACE_WORDS):
            moved.append(place.pk)
    if new:
        Place.objects.bulk_create(new)
        for place in new:
            place.mark_stored()
            changes.record(place, "+")
    return moved


def refresh_sharing(place_ids, *, besides=(), sharing=None):
    """Derive again the actors standing at places that moved or were renamed (other than the ids
    ``besides``), and their search documents: one query to find them (none when the caller read
    them: ``sharing``, {place id: actor ids}), two to read them with their places, one to write
    them, one for their links and one per document."""
    if not place_ids:
        return []
    if sharing is None:
        through = Actor.places.through
        actor_ids = set(through.objects.filter(place_id__in=place_ids).values_list("actor_id", flat=True))
    else:
        actor_ids = {pk for place_id in place_ids for pk in sharing.get(place_id, ())}
    actor_ids -= set(besides)
    if not actor_ids:
        return []
    actors = list(Actor.all_objects.filter(pk__in=actor_ids).prefetch_related("places"))
    for actor in actors:
        derive(actor, actor.places.all())
    Actor.all_objects.bulk_update(actors, DERIVED)
    index_actors(actors)
    return actors


def clean_values(actor):
    """Apply the spec's own check of each plain value (``directory.fields.ACTOR``: rich text
    sanitised, a company number in its 10 digits); raises ValidationError by field."""
    errors = {}
    for f in ACTOR.plain():
        value = getattr(actor, f.name, None)
        if f.validate is None or value in (None, ""):
            continue
        try:
            setattr(actor, f.name, f.validate(value))
        except ValidationError as error:
            errors[f.name] = error.messages
    if errors:
        raise ValidationError(errors)
    return actor


def save_actor(actor, *, themes=None, audiences=None, languages=None, places=None):
    """Create or update an actor with its links: the one write path of the forms, the admin,
    proposals, the API, merges and reverts (imports and synthetic data: ``directory.bulk.save_actors``).

    In one change set (the caller's, or its own): validates the plain values, writes the places
    that changed, derives the actor's position, commune and venue from its places in memory, adds
    the top theme of each sub-theme, writes the links that changed, the search document (from the
    links in hand: no query to read them), one
    history record for the actor (links included) and one per place that changed, refreshes the
    other actors of a place that moved, and bumps the directory's data version once.
    ``None``: that link stays as it is; ``places``: the actor's places (new ones are created).
    """
    with changes.recording():
        creating = actor._state.adding
        # ``commune`` is derived from the places below (or an area of activity already checked);
        # the slug is checked when it is new (its uniqueness costs a query).
        slug_known = actor.slug and not creating and actor.slug == getattr(actor, "_stored_slug", None)
        clean_values(actor)
        actor.full_clean(exclude=["slug", "commune"] if not actor.slug or slug_known else ["commune"])
        if creating:
            current, sharing, renamed = {name: [] for name in LINKS}, None, False
        else:
            current, sharing, renamed = _current_links(actor, places or ())
        wanted = {
            "themes": None if themes is None else with_parent_themes(themes),
            "audiences": None if audiences is None else list(dict.fromkeys(_ids(audiences))),
            "languages": None if languages is None else list(dict.fromkeys(_ids(languages))),
        }
        moved = []
        if places is not None:
            places = list(places)
            moved = _save_places(places)
            wanted["places"] = list(dict.fromkeys(p.pk for p in places))
            derive(actor, sorted(places, key=lambda p: p.pk))  # oldest first: the main place rule
        elif creating:
            places = []
            derive(actor, places)
        else:
            places = list(Place.objects.filter(pk__in=current["places"]))
            derive(actor, places)
        with changes.quietly(actor):
            actor.save()
        actor._stored_slug = actor.slug
        for name in LINKS:
            if wanted.get(name) is not None:
                _write_links(actor, name, current[name], wanted[name])
        own = {name: current[name] if wanted[name] is None else wanted[name] for name in ("themes", "audiences")}
        _index_document(actor, created=creating, places=places, **own)
        if renamed:
            actor_renamed.send(sender=Actor, actor_ids=[actor.pk])
        changes.record(actor, "+" if creating else "~")
        refresh_sharing(moved, besides={actor.pk}, sharing=sharing)
        changes.bump(data_version.ACTORS)
    return actor


def save_place(place):
    """Write a place saved on its own (the admin, a revert): located, one history record if it
    changed, and every actor standing there derived again if it moved, in one change set."""
    with changes.recording():
        refresh_sharing(_save_places([place]))
        changes.bump(data_version.ACTORS)
    return place


def place_deleted(actor_ids):
    """After a place was deleted (the admin): its actors derive their position again."""
    with changes.recording():
        for actor in Actor.all_objects.filter(pk__in=actor_ids):
            refresh_actor(actor)


def _refresh_document(actor):
    index_actors([actor])  # out of search when archived, back when restored


def archive_actor(actor, user=None, reason=""):
    """Take an actor off every public page, search, the map and the feeds; nothing is deleted."""
    return changes.set_archived(
        actor, True, user=user, reason=reason, refresh=_refresh_document, version=data_version.ACTORS
    )


def restore_actor(actor, user=None, reason=""):
    """Put an archived actor back where it was."""
    return changes.set_archived(
        actor, False, user=user, reason=reason, refresh=_refresh_document, version=data_version.ACTORS
    )


def mark_verified(actor, day):
    """Note that the actor's details were checked on ``day`` (freshness): one history record, and
    no data-version bump (no index or cache reads the date; the search document, whose rank
    says whether the actor was ever verified, is written when that changes). Returns whether it
    changed."""
    if actor.last_verified == day:
        return False
    with changes.recording(reason=_("Marked verified")):
        rank = search_rank(actor)
        actor.last_verified = day
        with changes.quietly(actor):
            actor.save(update_fields=["last_verified", "updated"])
        if search_rank(actor) != rank:
            index_actors([actor])
        changes.record(actor, "~")
    return True


# --- the search document -----------------------------------------------------------------------

# How an actor ranks among the answers of a search (``search.engine.SearchDocument.rank``).
ACTIVE_VERIFIED, ACTIVE, INACTIVE = 2, 1, 0


def search_rank(actor):
    if actor.status != Actor.Status.ACTIVE:
        return INACTIVE
    return ACTIVE_VERIFIED if actor.last_verified else ACTIVE


def search_document(actor, *, themes, audiences, places):
    """What search reads of an actor (``search.engine.SearchDocument``), from what the caller has
    in hand (no query): ``themes``, theme ids with their parents (as its links hold them);
    ``audiences``, ids; ``places``, its places (objects with ``name_<lang>``, ``postcode`` and
    ``commune_id``: ``Place`` or ``PlaceWords``)."""
    places = sorted(places, key=lambda p: p.pk)
    communes = dict.fromkeys([actor.commune_id, *(p.commune_id for p in places)])
    tags = [
        *(search_engine.tag("theme", pk) for pk in sorted(set(themes))),
        *(search_engine.tag("audience", pk) for pk in sorted(set(audiences))),
        search_engine.tag("kind", actor.kind),
        *(search_engine.tag("commune", pk) for pk in communes if pk),
    ]
    return search_engine.SearchDocument(
        names=by_language(actor, "name"),
        acronym=actor.acronym or "",
        tags=tags,
        related=places_words(places),
        texts=by_language(actor, "description", richtext.plain),
        rank=search_rank(actor),
        commune_id=actor.commune_id,
    )


def by_language(obj, field, plain=str):
    """{lang: text} of a translated field, without the empty ones (``plain``: rich text made plain)."""
    values = {lang: plain(getattr(obj, f"{field}_{lang}") or "").strip() for lang in LANGS}
    return {lang: value for lang, value in values.items() if value}


def places_words(places, names=()):
    """The words of ``places`` (and of other ``names``: {lang: [texts]}) that search weighs like
    themes, as {lang: text}: names in their language; postcodes, alike in every language, with
    the French texts."""
    words = {lang: list(names.get(lang, ())) if names else [] for lang in LANGS}
    for place in places:
        for lang in LANGS:
            words[lang].append(getattr(place, f"name_{lang}") or "")
    words["fr"] += [p.postcode for p in places]
    joined = {
        lang: " ".join(dict.fromkeys(w.strip() for w in texts if w and w.strip())) for lang, texts in words.items()
    }
    return {lang: text for lang, text in joined.items() if text}


@dataclass(frozen=True)
class PlaceWords:
    """What search reads of a place (read in bulk with an actor's other links)."""

    pk: int
    name_fr: str
    name_nl: str
    name_en: str
    postcode: str
    commune_id: int | None


@dataclass
class ActorLinks:
    """A stored actor's links as its search document reads them."""

    themes: list
    audiences: list
    places: list  # PlaceWords


def stored_links(actor_ids):
    """{actor id: ActorLinks} of stored actors (every id given has one), in one query."""
    actor_ids = list(actor_ids)
    links = {pk: ActorLinks([], [], []) for pk in actor_ids}
    if not actor_ids:
        return links
    # A typed NULL: PostgreSQL does not guess a column's type from an untyped one in a UNION.
    text, number = Value("", output_field=CharField()), Cast(Value(None), output_field=IntegerField())
    columns = ("actor_id", "link", "other", "commune", "postcode", "n_fr", "n_nl", "n_en")
    vocabularies = [
        getattr(Actor, name)
        .through.objects.filter(actor_id__in=actor_ids)
        .annotate(
            link=Value(position, output_field=IntegerField()),
            other=F(column),
            commune=number,
            postcode=text,
            n_fr=text,
            n_nl=text,
            n_en=text,
        )
        .values_list(*columns)
        .order_by()
        for position, (name, column) in enumerate((("themes", "theme_id"), ("audiences", "audience_id")))
    ]
    places = (
        Actor.places.through.objects.filter(actor_id__in=actor_ids)
        .annotate(
            link=Value(2, output_field=IntegerField()),
            other=F("place_id"),
            commune=F("place__commune_id"),
            postcode=F("place__postcode"),
            n_fr=F("place__name_fr"),
            n_nl=F("place__name_nl"),
            n_en=F("place__name_en"),
        )
        .values_list(*columns)
        .order_by()
    )
    for actor_id, link, other, commune, postcode, *names in vocabularies[0].union(vocabularies[1], places, all=True):
        own = links[actor_id]
        if link == 0:
            own.themes.append(other)
        elif link == 1:
            own.audiences.append(other)
        else:
            own.places.append(PlaceWords(other, *(n or "" for n in names), postcode or "", commune))
    return links


def _index_document(actor, *, created, themes, audiences, places):
    """Write the actor's search document (none while it is archived): one query."""
    if actor.archived_at is not None:
        search_engine.remove(Document.Kind.ACTOR, actor.pk)
    elif created:
        document = search_document(actor, themes=themes, audiences=audiences, places=places)
        search_engine.index_many(Document.Kind.ACTOR, [(actor.pk, document)])
    else:
        document = search_document(actor, themes=themes, audiences=audiences, places=places)
        search_engine.index(Document.Kind.ACTOR, actor.pk, document)


def index_actors(actors):
    """Write the search documents of stored actors (archived ones leave search), their links read
    in one query: after what changed them from outside their write (a place shared, moved or
    renamed; a place deleted; a test's factory)."""
    actors = list(actors)
    links = stored_links([a.pk for a in actors if a.archived_at is None])
    rows = [(a.pk, search_document(a, **vars(links[a.pk]))) for a in actors if a.pk in links]
    search_engine.replace_many(Document.Kind.ACTOR, rows, gone=[a.pk for a in actors if a.pk not in links])


# What an actor's search document reads of its row.
SEARCHED = (
    "pk",
    "kind",
    "acronym",
    "status",
    "last_verified",
    "commune_id",
    "archived_at",
    *(f"{field}_{lang}" for field in ("name", "description") for lang in LANGS),
)


def reindex_search(*, progress=False, chunk_size=search_engine.REBUILD_CHUNK):
    """Write the search document of every public actor again (``search.engine.rebuild``: by chunks,
    a query for the actors and one for their links per chunk). Returns how many were written."""

    def documents(chunk):
        links = stored_links([a.pk for a in chunk])
        return [(a.pk, search_document(a, **vars(links[a.pk]))) for a in chunk]

    actors = Actor.objects.only(*SEARCHED).order_by("pk")
    return search_engine.rebuild(Document.Kind.ACTOR, actors, documents, progress=progress, chunk_size=chunk_size)


# --- vocabularies -----------------------------------------------------------------------------


def vocabularies(version=None):
    """Everything the filters offer: one query per table, kept while the data version holds.

    ``version``: the actors' data version when the caller already read it (``index.version``
    of the index just fetched), so a request reads it once."""
    return _vocabularies.get(versions=None if version is None else (version,))


def _load_vocabularies():
    themes = list(Theme.objects.all())
    return {
        "themes": themes,
        "top_themes": [t for t in themes if t.parent_id is None],
        "communes": list(Commune.objects.order_by("name")),
        "languages": list(Language.objects.all()),
        "audiences": list(Audience.objects.all()),
    }


_vocabularies = VersionedCache("directory.vocabularies", (data_version.ACTORS,), _load_vocabularies)


def resolve_theme(text, themes=None):
    """The theme named by ``text``: its slug or its French, Dutch or English name, in any case, with
    or without accents or hyphens, or the start of one name. Raises ``maillage.lookup.Unknown`` or
    ``Ambiguous`` (listing the candidates).

    ``themes``: the themes to choose from when the caller has them (the vocabularies)."""
    themes = list(Theme.objects.all()) if themes is None else themes
    entries = [Entry(t, names=(t.slug, *(getattr(t, f"name_{lang}") or "" for lang in LANGS))) for t in themes]
    return resolve(text, entries, what=_("themes"), describe=lambda t: f"{t.name} ({t.slug})")


def pick_communes(params, vocab, notices):
    """The slugs of the communes of a query string, each given by its slug, name or postcode."""
    slugs = {c.slug for c in vocab["communes"]}
    return pick(
        params, "commune", slugs, _("commune"), notices, lambda text: resolve_commune(text, vocab["communes"]).slug
    )


def pick_themes(params, vocab, notices):
    """The slugs of the themes of a query string, each given by its slug or name."""
    slugs = {t.slug for t in vocab["themes"]}
    return pick(params, "theme", slugs, _("theme"), notices, lambda text: resolve_theme(text, vocab["themes"]).slug)


def parse_actor_filters(params, vocab):
    notices = []
    q = params.get("q", "").strip()[:200]
    values = {
        "q": [q] if q else [],
        "theme": pick_themes(params, vocab, notices),
        "commune": pick_communes(params, vocab, notices),
        "kind": pick(params, "kind", set(Actor.Kind.values), _("kind"), notices),
        "language": pick(params, "language", {lang.code for lang in vocab["languages"]}, _("language"), notices),
        "audience": pick(params, "audience", {a.slug for a in vocab["audiences"]}, _("audience"), notices),
        "venue": pick(params, "venue", {"yes", "no"}, _("venue"), notices),
        "status": pick(params, "status", set(Actor.Status.values), _("status"), notices),
    }
    return ParsedFilters(values=values, notices=notices)


def filter_keys(filters, vocab):
    """The chosen values as the keys the index and the database use (ids or codes)."""
    by_slug = {
        "theme": {t.slug: t.pk for t in vocab["themes"]},
        "commune": {c.slug: c.pk for c in vocab["communes"]},
        "language": {lang.code: lang.pk for lang in vocab["languages"]},
        "audience": {a.slug: a.pk for a in vocab["audiences"]},
    }
    keys = {}
    for group in FILTER_GROUPS:
        values = filters.get(group)
        keys[group] = [by_slug[group][v] for v in values] if group in by_slug else list(values)
    return keys


def text_matches(filters):
    """Ids of the actors matching the words typed, or None when no words were typed."""
    if not filters.get("q"):
        return None
    return search_engine.match_ids(Document.Kind.ACTOR, filters.get("q")[0])


@dataclass
class Selection:
    """The actors matching a directory query, read from the index once per request."""

    index: bitsets.ActorBitsets
    keys: dict  # group -> chosen keys
    base: int  # actors matching the words typed (all when none)
    mask: int  # ... and every chosen filter

    @property
    def total(self):
        return self.mask.bit_count()


def select(filters, vocab, index=None):
    idx = bitsets.current() if index is None else index
    matches = text_matches(filters)
    base = idx.all if matches is None else idx.ids_mask(matches)
    keys = filter_keys(filters, vocab)
    return Selection(index=idx, keys=keys, base=base, mask=idx.select(keys, base=base))


def facet_counts(selection):
    """{group: {key: count}}, each group counted as if none of its values were chosen."""
    return selection.index.counts(selection.keys, base=selection.base)


def actor_page(selection, vocab, number, size):
    """One page of matching actors in alphabetical order: (actors, page number, pages)."""
    pages = max(1, -(-selection.total // size))
    number = min(max(1, number), pages)
    ids = selection.index.page(selection.mask, (number - 1) * size, size, translation.get_language() or "fr")
    by_id = Actor.objects.select_related("commune").in_bulk(ids)
    # Top themes from the vocabulary already loaded: a prefetch would build a queryset per actor.
    top_themes = {t.pk: t for t in vocab["top_themes"]}
    themes_of = {}
    for actor_id, theme_id in Actor.themes.through.objects.filter(actor_id__in=ids).values_list("actor_id", "theme_id"):
        if theme_id in top_themes:
            themes_of.setdefault(actor_id, []).append(top_themes[theme_id])
    actors = [by_id[i] for i in ids if i in by_id]
    for actor in actors:
        actor.top_themes = themes_of.get(actor.pk, [])
    return actors, number, pages


def map_json(selection):
    return bitsets.map_points_json(selection.index, selection.mask, translation.get_language() or "fr")


def filter_actors(filters, vocab):
    """The same selection as a queryset (for exports), by the same rules as the index."""
    qs = Actor.objects.all()
    keys = filter_keys(filters, vocab)
    matches = text_matches(filters)
    if matches is not None:
        qs = qs.filter(pk__in=matches)
    through = {"theme": Actor.themes.through, "language": Actor.languages.through, "audience": Actor.audiences.through}
    for group, values in keys.items():
        if not values:
            continue
        if group in through:
            column = f"{group}_id"
            qs = qs.filter(pk__in=through[group].objects.filter(**{f"{column}__in": values}).values("actor_id"))
        elif group == "commune":
            qs = qs.filter(commune_id__in=values)
        elif group == "venue":
            qs = qs.filter(has_venue__in=[v == "yes" for v in values])
        else:
            qs = qs.filter(**{f"{group}__in": values})
    return qs


def sorted_by_name(qs):
    """Alphabetical in the page's language; French names stand in for missing translations."""
    lang = translation.get_language() or "fr"
    if lang not in LANGS or lang == "fr":
        return qs.order_by("name_fr", "pk")  # indexed: the common case stays fast
    field = f"name_{lang}"
    sort_name = Coalesce(NullIf(field, Value("")), "name_fr", output_field=CharField())
    return qs.annotate(sort_name=sort_name).order_by("sort_name", "pk")


# --- actor page -------------------------------------------------------------------------------


def actor_for_page(slug, *, include_archived=False):
    """The actor of a page; archived ones only for moderators (``include_archived``)."""
    manager = Actor.all_objects if include_archived else Actor.objects
    return (
        manager.select_related("commune")
        .prefetch_related("themes__parent", "audiences", "languages", "places__commune")
        .get(slug=slug)
    )


def relations_of(actor):
    """Both sides of every relation, grouped by a label that reads from this actor's side."""
    groups = {}
    outgoing = (
        actor.relations_out.filter(target__archived_at__isnull=True)
        .select_related("target")
        .order_by("kind", "target__name_fr")
    )
    for rel in outgoing:
        groups.setdefault(rel.get_kind_display(), []).append(rel.target)
    incoming = (
        actor.relations_in.filter(source__archived_at__isnull=True)
        .select_related("source")
        .order_by("kind", "source__name_fr")
    )
    for rel in incoming:
        label = rel.INVERSE_LABELS[rel.kind]
        groups.setdefault(label, []).append(rel.source)
    return [(str(label), actors) for label, actors in groups.items()]


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
        data["description"] = richtext.plain(actor.description)
    same_as = [link for link in [actor.website, *actor.social_links] if link]
    if same_as:
        data["sameAs"] = same_as
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
