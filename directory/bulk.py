"""The directory's bulk write path: many actors at once (imports, synthetic data).

``save_actors`` does for thousands of actors what ``directory.services.save_actor`` does for one,
with a few queries per batch rather than a dozen per actor: it validates the plain values, locates
the places (``locate_place``), derives each actor's position, commune and venue from its places
(``derive``, the main place rule), adds the top theme of each sub-theme, writes the rows and the
links that changed, the search documents, exactly one history record per actor and per place that
changed, all tagged with one change set (the caller's, or its own: an import run, the demo), and
bumps the directory's data version once.

Items are read one batch at a time, so a generator of items keeps memory flat however many there
are; ``saved`` is called after each batch with its items (their actors have their ids and slugs).
"""

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.text import slugify
from unidecode import unidecode

from maillage import changes, data_version
from search import engine as search_engine
from search.models import Document

from . import services
from .models import Actor, Place

BATCH = 500
# The links an actor's search document reads.
SEARCHED_LINKS = ("themes", "audiences", "places")
# What an actor derives from its places (``services.derive``): written whenever its places are given.
# An actor's versioned links, with the column of the other side in its link table.
LINKS = {"themes": "theme_id", "audiences": "audience_id", "languages": "language_id", "places": "place_id"}
# A place's columns that its actors derive (their position, their search documents): when they
# change, the place's other actors derive them again.
POSITION = services.POSITION | services.PLACE_WORDS
# Never validated here: the slug is made unique below, the derived columns are derived, the
# timestamps are the database's.
NOT_VALIDATED = ("slug", "commune", "has_venue", "lat", "lon", "location_approximate", "created", "updated")


@dataclass
class ActorItem:
    """One actor to write, new (no pk) or stored (read from the database, changed in memory).

    ``themes``, ``audiences``, ``languages``: objects or ids; ``places``: the actor's places (new
    ``Place`` objects are created, stored ones written if they changed). ``None``: that link stays as
    it is. ``fields``: the columns of a stored actor the caller changed (``None``: every column).
    """

    actor: Actor
    themes: Iterable | None = None
    audiences: Iterable | None = None
    languages: Iterable | None = None
    places: Iterable | None = None
    fields: Iterable[str] | None = None


def save_actors(
    items,
    *,
    user=None,
    reason="",
    source=changes.Source.IMPORT,
    source_id=None,
    batch_size=BATCH,
    saved=None,
):
    """Write ``items`` (``ActorItem``s, any iterable) in batches, in one change set. Returns how
    many actors were written. Raises ``ValidationError`` (nothing written: the change set rolls
    back) when a value is invalid."""
    count = 0
    source = source or changes.Source.IMPORT
    with changes.recording(user=user, reason=reason, source=source, source_id=source_id) as state:
        writer = _Writer(state)
        iterator = iter(items)
        while batch := list(itertools.islice(iterator, batch_size)):
            # The untranslated columns (``name``, ...) mirror the default language, whatever the
            # language of the request or command that writes.
            with translation.override(settings.LANGUAGE_CODE):
                writer.write(batch, offset=count)
            count += len(batch)
            if saved is not None:
                saved(batch)
        if count:
            changes.bump(data_version.ACTORS)
    return count


class _Writer:
    def __init__(self, state):
        self.state = state
        self.slugs = None  # read on the first new actor without a slug

    def write(self, items, *, offset=0):
        now = timezone.now()
        seen = set()
        for item in items:
            if item.actor.pk is not None and item.actor.pk in seen:
                raise ValueError(f"Actor {item.actor.pk} is given twice in one batch: give it once.")
            seen.add(item.actor.pk)
        places = [[*item.places] if item.places is not None else None for item in items]
        self._validate(items, places, offset)
        links = self._links(items, places)
        is_new = [item.actor.pk is None for item in items]
        new = [item.actor for item in items if item.actor.pk is None]
        for actor in new:
            if not actor.slug:
                actor.slug = self._slug(actor)
        written_places, moved = self._write_places(places)
        fields = set()
        for item, own, creating in zip(items, places, is_new, strict=True):
            if own is not None:
                services.derive(item.actor, sorted(own, key=lambda p: p.pk))  # oldest first
                fields |= set(services.DERIVED)
            elif creating:
                services.derive(item.actor, [])
            if not creating:
                fields |= set(item.fields) if item.fields is not None else _columns()
                item.actor.updated = now
        Actor.objects.bulk_create(new)
        stored = [item.actor for item, creating in zip(items, is_new, strict=True) if not creating]
        renamed = _renamed([item for item, creating in zip(items, is_new, strict=True) if not creating])
        if stored:
            Actor.all_objects.bulk_update(stored, sorted(fields | {"updated"}))
        self._write_links(items, links, new_ids={a.pk for a in new})
        self._write_documents(items, links, stored)
        if renamed:
            services.actor_renamed.send(sender=Actor, actor_ids=renamed)
        # Records batch by batch (not when the change set ends), so an import's memory stays flat.
        changes.record_now(
            [(item.actor, "+" if creating else "~") for item, creating in zip(items, is_new, strict=True)]
        )
        changes.record_now(written_places)
        services.refresh_sharing(moved, besides={item.actor.pk for item in items})

    # --- values ---------------------------------------------------------------------------------

    def _validate(self, items, places, offset):
        errors = {}
        for number, (item, own) in enumerate(zip(items, places, strict=True), start=offset):
            exclude = list(NOT_VALIDATED)
            if item.actor.pk is not None and item.fields is not None:
                chosen = {_field_name(name) for name in item.fields}
                exclude = [f.name for f in Actor._meta.concrete_fields if f.name not in chosen]
            try:
                item.actor.clean_fields(exclude=exclude)
                for place in own or ():
                    if place.pk is None or _changed(place):
                        place.clean_fields(exclude=["commune"])
            except ValidationError as exc:
                errors[number] = exc.messages
        if errors:
            raise ValidationError(
                [f"{number}: {' '.join(str(m) for m in messages)}" for number, messages in sorted(errors.items())]
            )

    def _slug(self, actor):
        if self.slugs is None:
            self.slugs = UniqueSlugs(Actor)
        return self.slugs(actor.name_fr or actor.name_nl or actor.name_en)

    # --- places ---------------------------------------------------------------------------------

    def _write_places(self, places):
        """Locate every place given, create the new ones, write the stored ones that changed.
        Returns ([(place, history type)], ids of stored places whose position moved)."""
        new, changed, fields, moved = [], [], set(), []
        for own in places:
            for place in own or ():
                services.locate_place(place)
                if place.pk is None:
                    new.append(place)
                    continue
                names = _changed(place)
                if names:
                    changed.append(place)
                    fields |= names
                    if names & POSITION:
                        moved.append(place.pk)
        new = list({id(p): p for p in new}.values())  # a place given to two actors is created once
        Place.objects.bulk_create(new)
        if changed:
            Place.objects.bulk_update(changed, sorted(fields - {"id"}))
        for place in (*new, *changed):
            if hasattr(place, "mark_stored"):
                place.mark_stored()
        return [(p, "+") for p in new] + [(p, "~") for p in changed], moved

    # --- links ----------------------------------------------------------------------------------

    def _links(self, items, places):
        """[{link: ids, or the Place objects for "places"}] of each item, the links it gives (None
        for the others); the parents of themes given as ids are read once for the batch."""
        given = []
        for item, own in zip(items, places, strict=True):
            links = {"places": own, "themes": None if item.themes is None else list(item.themes)}
            for name in ("audiences", "languages"):
                values = getattr(item, name)
                links[name] = None if values is None else [getattr(o, "pk", o) for o in values]
            given.append(links)
        bare = {t for links in given for t in links["themes"] or () if not hasattr(t, "parent_id")}
        parents = services.theme_parents(bare) if bare else {}
        for links in given:
            if links["themes"] is not None:
                links["themes"] = services.with_parent_themes(links["themes"], parents)
        return given

    def _write_links(self, items, links, *, new_ids):
        for name, column in LINKS.items():
            through = getattr(Actor, name).through
            wanted = {}
            for item, own in zip(items, links, strict=True):
                if own[name] is None:
                    continue
                wanted[item.actor.pk] = list(dict.fromkeys(getattr(o, "pk", o) for o in own[name]))
            if not wanted:
                continue
            current = {}
            stored = [pk for pk in wanted if pk not in new_ids]
            if stored:
                for link_id, actor_id, other_id in through.objects.filter(actor_id__in=stored).values_list(
                    "pk", "actor_id", column
                ):
                    current.setdefault(actor_id, {})[other_id] = link_id
            gone, rows = [], []
            for actor_id, ids in wanted.items():
                have = current.get(actor_id, {})
                gone += [link_id for other_id, link_id in have.items() if other_id not in ids]
                rows += [through(actor_id=actor_id, **{column: pk}) for pk in ids if pk not in have]
            if gone:
                through.objects.filter(pk__in=gone).delete()
            through.objects.bulk_create(rows)

    # --- search documents -----------------------------------------------------------------------

    def _write_documents(self, items, links, stored):
        """The search documents of the batch, from the links given; the links a stored actor was
        not given are read in one query."""
        if stored:
            Document.objects.filter(kind=Document.Kind.ACTOR, object_id__in=[a.pk for a in stored]).delete()
        live = [(item.actor, own) for item, own in zip(items, links, strict=True) if item.actor.archived_at is None]
        stored_ids = {a.pk for a in stored}
        missing = [actor.pk for actor, own in live if None in own.values() and actor.pk in stored_ids]
        read = services.stored_links(missing)
        documents = []
        for actor, own in live:
            have = vars(read[actor.pk]) if actor.pk in read else {}
            chosen = {name: have.get(name, []) if own[name] is None else own[name] for name in SEARCHED_LINKS}
            documents.append((actor.pk, services.search_document(actor, **chosen)))
        search_engine.index_many(Document.Kind.ACTOR, documents)

    # --- history --------------------------------------------------------------------------------


def _renamed(items):
    """Ids of the stored actors of ``items`` whose names (``services.NAMES``) the batch changes: one
    query, when some item may change them."""
    maybe = {
        item.actor.pk: item.actor
        for item in items
        if item.fields is None or {_field_name(name) for name in item.fields} & set(services.NAMES)
    }
    if not maybe:
        return []
    stored = Actor.all_objects.filter(pk__in=maybe).values_list("pk", *services.NAMES).order_by()
    return sorted(
        pk
        for pk, *names in stored
        if [value or "" for value in names] != [getattr(maybe[pk], field) or "" for field in services.NAMES]
    )


def _changed(place):
    """The columns of a place that differ from what was read (every one for a place not read)."""
    if place.pk is None or not hasattr(place, "changed_fields"):
        return {f.attname for f in place._meta.concrete_fields}
    return place.changed_fields()


def _columns():
    return {f.attname for f in Actor._meta.concrete_fields if not f.primary_key and f.name != "created"}


def _field_name(name):
    """A column's field name ("commune_id" -> "commune")."""
    for field in Actor._meta.concrete_fields:
        if name in (field.name, field.attname):
            return field.name
    return name


class UniqueSlugs:
    """Unique slugs for many new objects (actors, events) with one query: call it with each name."""

    def __init__(self, model):
        self.model = model
        self.max_length = model._meta.get_field("slug").max_length
        self.taken = set(model.all_objects.values_list("slug", flat=True))

    def __call__(self, text):
        base = slugify(unidecode(text or ""))[: self.max_length - 6].strip("-") or self.model._meta.model_name
        slug, n = base, 2
        while slug in self.taken:
            slug, n = f"{base}-{n}", n + 1
        self.taken.add(slug)
        return slug
