"""The directory's bitsets: an in-memory index of the actors (not the full-text search engine,
``search.engine``), so that filters, facet counts and the map cost microseconds whatever the
number of actors.

Each filter value (a commune, a theme, a kind...) is a bitset over the actors, as a Python int:
bit *p* is set when the actor at position *p* has that value. Positions follow the alphabetical
order of the French names, so a filtered list is already sorted. Combining filters is AND/OR on
ints and a count is ``int.bit_count()``. The index is rebuilt when the data version changes
(see maillage.data_version), at most once per change per process.
"""

import json
import threading
from dataclasses import dataclass, field

from maillage import data_version
from maillage.caches import VersionedCache
from maillage.text import fold

from .models import Actor

LANGS = ("fr", "nl", "en")
# The filter groups held as bitsets, with the column or relation each is read from.
GROUPS = ("theme", "commune", "kind", "language", "audience", "venue", "status")


def _mask(positions, size):
    """A bitset (int) with the given bit positions set."""
    data = bytearray((size + 8) // 8)
    for p in positions:
        data[p >> 3] |= 1 << (p & 7)
    return int.from_bytes(data, "little")


_BYTE_BITS = [tuple(i for i in range(8) if value >> i & 1) for value in range(256)]


def bit_positions(mask):
    """Positions of the set bits, in increasing order (a byte at a time: sparse masks are cheap)."""
    positions = []
    for i, byte in enumerate(mask.to_bytes((mask.bit_length() + 7) // 8, "little")):
        if byte:
            base = i << 3
            positions.extend(base + bit for bit in _BYTE_BITS[byte])
    return positions


@dataclass
class ActorBitsets:
    version: int
    ids: list  # position -> actor id
    positions: dict  # actor id -> position
    masks: dict  # (group, value) -> bitset; value is an id, a code, or "yes"/"no"
    all: int
    sort_keys: dict = field(default_factory=dict)  # lang -> folded names, by position
    points: dict = field(default_factory=dict)  # lang -> JSON fragment per position (or None)
    rows: list = field(default_factory=list)
    by_group: dict = field(default_factory=dict)  # group -> [(value, bitset)]

    def __post_init__(self):
        for (group, value), mask in self.masks.items():
            self.by_group.setdefault(group, []).append((value, mask))

    @property
    def size(self):
        return len(self.ids)

    # --- filtering -------------------------------------------------------------------------

    def group_mask(self, group, values):
        """Actors having any of ``values`` in ``group`` (OR within a group)."""
        mask = 0
        for value in values:
            mask |= self.masks.get((group, value), 0)
        return mask

    def select(self, chosen, *, skip_group=None, base=None):
        """Actors matching every group (AND across groups). ``chosen``: group -> values (keys)."""
        mask = self.all if base is None else base
        for group, values in chosen.items():
            if group != skip_group and values:
                mask &= self.group_mask(group, values)
        return mask

    def ids_mask(self, ids):
        return _mask((self.positions[i] for i in ids if i in self.positions), self.size)

    def counts(self, chosen, base=None):
        """{group: {value: count}}, each group counted as if none of its values were chosen."""
        result = {}
        for group in GROUPS:
            others = self.select(chosen, skip_group=group, base=base)
            counts = ((value, (others & mask).bit_count()) for value, mask in self.by_group.get(group, ()))
            result[group] = {value: n for value, n in counts if n}
        return result

    # --- reading ---------------------------------------------------------------------------

    def page(self, mask, offset, limit, lang="fr"):
        """Actor ids of one page of the selection, in alphabetical order for ``lang``."""
        positions = bit_positions(mask)
        if lang != "fr" and lang in self.sort_keys:
            keys = self.sort_keys[lang]
            positions.sort(key=keys.__getitem__)
        return [self.ids[p] for p in positions[offset : offset + limit]]

    def map_json(self, mask, lang="fr"):
        """The map's points for the selection, as a JSON array (built from cached fragments)."""
        # An empty list is a valid result (no located actor): fall back only when missing.
        fragments = self.points[lang] if lang in self.points else self.points["fr"]
        return "[" + ",".join(f for f in (fragments[p] for p in bit_positions(mask)) if f) + "]"


def build(versions=None):
    """Read the actors and their relations (four queries) into a fresh index."""
    version = data_version.current(data_version.ACTORS) if versions is None else versions[0]
    rows = list(
        Actor.objects.values_list(
            "id",
            "slug",
            "name_fr",
            "name_nl",
            "name_en",
            "kind",
            "status",
            "commune_id",
            "has_venue",
            "lat",
            "lon",
            "location_approximate",
            "is_synthetic",
        )
    )
    rows.sort(key=lambda r: (fold(r[2]), r[0]))
    ids = [r[0] for r in rows]
    positions = {actor_id: p for p, actor_id in enumerate(ids)}
    size = len(ids)
    members = {}

    def add(group, value, position):
        members.setdefault((group, value), []).append(position)

    for p, (_id, _slug, _fr, _nl, _en, kind, status, commune_id, has_venue, *_rest) in enumerate(rows):
        add("kind", kind, p)
        add("status", status, p)
        add("venue", "yes" if has_venue else "no", p)
        if commune_id:
            add("commune", commune_id, p)
    for group, relation, column in (
        ("theme", Actor.themes, "theme_id"),
        ("language", Actor.languages, "language_id"),
        ("audience", Actor.audiences, "audience_id"),
    ):
        for actor_id, value in relation.through.objects.values_list("actor_id", column).iterator(chunk_size=5000):
            position = positions.get(actor_id)
            if position is not None:  # archived actors keep their links but are not in the index
                add(group, value, position)
    masks = {key: _mask(found, size) for key, found in members.items()}
    index = ActorBitsets(version=version, ids=ids, positions=positions, masks=masks, all=(1 << size) - 1, rows=rows)
    for i, lang in enumerate(LANGS):
        if lang != "fr":
            index.sort_keys[lang] = [fold(r[2 + i] or r[2]) for r in rows]
    return index


def _points(rows, lang_index):
    """One JSON fragment per actor: [lat, lon, slug, name, kind, approximate, synthetic]."""
    dumps = json.dumps
    return [
        dumps(
            [round(lat, 5), round(lon, 5), slug, names[lang_index] or names[0], kind, int(approx), int(synthetic)],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        if lat is not None
        else None
        for _id, slug, *names, kind, _status, _commune, _venue, lat, lon, approx, synthetic in rows
    ]


_lock = threading.Lock()  # builds each language's map points once
_cache = VersionedCache("directory.bitsets", (data_version.ACTORS,), build)


def current():
    """The bitsets of the current data; built again when the actors' data version moved on."""
    return _cache.get()


def map_points_json(index, mask, lang):
    """Map points, building the per-language fragments on first use."""
    lang = lang if lang in LANGS else "fr"
    if lang not in index.points:
        with _lock:
            if lang not in index.points:
                index.points[lang] = _points(index.rows, LANGS.index(lang))
    return index.map_json(mask, lang)
