"""The printed directory: the directory's current selection as a PDF booklet, typeset by typst.

Its choices are a ``printing.query.DirectoryQuery`` (stored with the printout as ``to_params()``);
``count_entries`` says how many entries they select (from the in-memory index, no query);
``directory_pdf`` gathers the entries in a handful of queries whatever their number and
typesets ``printing/typst/directory.typ``: a cover, a table of contents, the entries grouped by
commune (each commune with its map), by theme or alphabetically, then the indexes of names and of
themes. It is typeset in parts joined into one PDF (see ``_typeset``): a large directory's parts
each in a child process, so that memory stays bounded whatever the number of entries.

Only public data is printed: a contact person only when they agreed to be shown (as on the
actor's page and in the API). Every label is translated here, in the document's language(s), and
handed to the template as data, like every text a user typed (never read as markup).
"""

import io
from concurrent.futures import ThreadPoolExecutor

import zxingcpp
from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from directory import bitsets, services
from directory.fields import ACTOR
from directory.models import Actor, Place
from maillage import richtext
from maillage.links import slug_url
from maillage.text import fold
from territory.models import Boundary, Region

from .languages import in_each, langs_of
from .maps import map_svg
from .query import DirectoryQuery
from .typesetting import TypesettingError, qr_svg, render, render_apart

# Progress is reported every this many entries while they are gathered.
PROGRESS_STEP = 100
# Ids per query: SQLite accepts at most 32,766 parameters in one statement.
CHUNK = 10_000
DESCRIPTION_CHARS = 240


def entry_qr_png(url):
    """A QR code of an entry's page as PNG bytes (one pixel a module, no quiet zone), as a list of
    integers for the JSON data (typst's ``qr-png``): thousands per directory.

    zxing-cpp writes a code in 0.2 ms where segno takes 1.3 to 4.6 ms, and typst reads a small PNG
    much faster than an SVG: 5,000 SVG codes alone took longer than the whole 20 s budget. Error
    correction level M, like segno's codes on the other documents.
    """
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    matrix = code.to_image(add_quiet_zones=False)
    height, width = matrix.shape[:2]
    image = Image.frombuffer("L", (width, height), bytes(memoryview(matrix)), "raw", "L", 0, 1).convert("1")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return list(buffer.getvalue())


# --- the selection -----------------------------------------------------------------------------


def _selection(params):
    """The index, the vocabularies, the query of a printout's ``params`` (``DirectoryQuery.to_params``)
    and the directory's selection: read from the in-memory index, no query once it is warm."""
    index = bitsets.current()
    vocab = services.vocabularies(index.version)
    query = DirectoryQuery.from_saved(params, vocab)
    return index, vocab, query, services.select(query, vocab, index)


def count_entries(params):
    """How many entries the directory of ``params`` (``DirectoryQuery.to_params``) holds."""
    return _selection(params)[3].total


# --- languages --------------------------------------------------------------------------------


def _translated(obj, field, lang):
    """A translated field in ``lang``, falling back to French, then any language filled in."""
    for code in (lang, "fr", "nl", "en"):
        value = getattr(obj, f"{field}_{code}", None)
        if value:
            return value
    return getattr(obj, field, "") or ""


def _each(obj, field, langs):
    """The distinct values of a translated field in each language (the other's when one is missing)."""
    values = []
    for lang in langs:
        value = _translated(obj, field, lang)
        if value and value not in values:
            values.append(value)
    return values


def _date(value, langs):
    return in_each(langs, lambda: formats.date_format(value, "DATE_FORMAT"))


# --- gathering the entries ----------------------------------------------------------------------


def _chunks(ids):
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


# What the entry's design places itself (names, kind, themes, address, description, hours...); the
# spec's other public fields are printed after them as "label: value" lines (``_more``), but for
# these, left out on purpose: the status (only active actors are meant to be reached), the logo,
# links to social networks and the company number (of no use on paper), the audiences (the themes
# say it), the places and the place's name (the address is the main place's street and commune).
PLACED = {
    "name", "acronym", "kind", "description", "themes", "languages", "street", "postcode",
    "email", "phone", "opening_hours", "website", "last_verified",
}  # fmt: skip
LEFT_OUT = {"status", "logo", "social_links", "company_number", "audiences", "places", "place_name"}
# What the entry reads besides the spec's fields: what the owner derives (its commune, position).
DERIVED = ["id", "slug", "commune_id", "lat", "lon", "location_approximate", "contact_consent"]


def printed_fields():
    """The actor's public fields a printed entry shows, from ``directory.fields.ACTOR`` now."""
    return [f for f in ACTOR if f.public and f.type != "file" and (f.base or f.name) not in LEFT_OUT]


def _more_fields():
    return [f for f in printed_fields() if (f.base or f.name) not in PLACED and not f.personal and not f.many]


def _shown(f, value, langs):
    """A value of one of the spec's other fields, as printed in the document's language(s)."""
    if f.type == "bool":
        return in_each(langs, lambda: _("Yes") if value else _("No"))
    if f.type == "choice" and f.choices is not None:
        return in_each(langs, lambda: f.choices(value).label)
    if f.type in ("date", "datetime"):
        return in_each(langs, lambda: formats.date_format(value, "DATE_FORMAT"))
    if f.type == "rich":
        return " ".join(richtext.plain(value).split())
    return f.shown(value)


def _more(actor, labels):
    """[[label, value]] of the spec's public fields the entry's design does not place (see PLACED)."""
    lines = []
    for base, fields, label in labels.more:
        if fields[0].translated:
            value = " / ".join(_each(actor, base, labels.langs))
        else:
            raw = getattr(actor, base)
            value = "" if raw in (None, "") else _shown(fields[0], raw, labels.langs)
        if value:
            lines.append([label, value])
    return lines


def _load(ids):
    """Actors (the spec's printed columns), their theme and language ids and their places: five
    queries per 10,000 entries."""
    fields = [*DERIVED, *(f.name for f in printed_fields() if f.stored and not f.many)]
    actors, themes, languages, places = {}, {}, {}, {}
    place_fields = ("street", "postcode", "commune_id", "approximate", "lat", "lon")
    for chunk in _chunks(ids):
        for actor in Actor.objects.filter(pk__in=chunk).only(*dict.fromkeys(fields)):
            actors[actor.pk] = actor
        through = Actor.themes.through.objects.filter(actor_id__in=chunk)
        for actor_id, theme_id in through.values_list("actor_id", "theme_id"):
            themes.setdefault(actor_id, set()).add(theme_id)
        through = Actor.languages.through.objects.filter(actor_id__in=chunk)
        for actor_id, language_id in through.values_list("actor_id", "language_id"):
            languages.setdefault(actor_id, set()).add(language_id)
        links = list(
            Actor.places.through.objects.filter(actor_id__in=chunk)
            .order_by("place_id")
            .values_list("actor_id", "place")
        )
        by_pk = Place.objects.only(*place_fields).in_bulk({place_id for _actor, place_id in links})
        for actor_id, place_id in links:
            places.setdefault(actor_id, []).append(by_pk[place_id])
    return actors, themes, languages, places


class _Labels:
    """Every printed label, in the document's language(s), built once."""

    def __init__(self, langs, vocab):
        self.langs = langs
        both = lambda make: in_each(langs, make)  # noqa: E731
        self.text = {
            "hours": both(lambda: _("Opening hours")),
            "phone": both(lambda: _("Phone")),
            "email": both(lambda: _("E-mail")),
            "website": both(lambda: _("Website")),
            "languages": both(lambda: _("Languages spoken")),
            "contact": both(lambda: _("Contact person")),
            "not_verified": both(lambda: _("Not verified yet")),
            "contents": both(lambda: _("Contents")),
            "index_names": both(lambda: _("Index of names")),
            "index_themes": both(lambda: _("Index of themes")),
            "other_region": both(lambda: _("Whole region / other")),
            "other_theme": both(lambda: _("Other themes")),
            "map_note": both(lambda: _("The numbers on the map are those of the entries.")),
        }
        self.kinds = {kind: both(lambda kind=kind: Actor.Kind(kind).label) for kind in Actor.Kind.values}
        self.themes = {t.pk: t for t in vocab["top_themes"]}
        self.theme_names = {t.pk: " / ".join(_each(t, "name", langs)) for t in vocab["top_themes"]}
        self.language_names = {
            language.pk: " / ".join(_each(language, "name", langs)) for language in vocab["languages"]
        }
        self.communes = {c.pk: c for c in vocab["communes"]}
        printed = printed_fields()
        self.shown = {f.base or f.name for f in printed}
        self.personal = [f.name for f in printed if f.personal and f.stored and not f.many]
        more = {}
        for f in _more_fields():
            more.setdefault(f.base or f.name, []).append(f)
        # A translated field's label without its language: "Opening hours (FR)" -> "Opening hours".
        self.more = [
            (
                base,
                fields,
                in_each(langs, lambda f=fields[0]: str(f.label).rsplit(" (", 1)[0] if f.translated else f.label),
            )
            for base, fields in more.items()
        ]
        self.commune_names = {c.pk: " / ".join(_each(c, "name", langs)) for c in vocab["communes"]}
        self.verified = {}

    def verified_on(self, day):
        if day not in self.verified:
            self.verified[day] = in_each(
                self.langs, lambda: _("Verified on %(date)s") % {"date": formats.date_format(day, "DATE_FORMAT")}
            )
        return self.verified[day]


def _entry(actor, theme_ids, language_ids, places, labels, url):
    """One entry: the fields its design places (those the spec declares public, see PLACED), the
    consenting contact person, the spec's other public fields (``more``), its page and position."""
    langs, shown = labels.langs, labels.shown

    def own(name):
        return (getattr(actor, name) or "") if name in shown else ""

    top = [pk for pk in labels.themes if pk in theme_ids] if "themes" in shown else []  # in the themes' order
    place = services.main_place(places)
    address = ""
    if place is not None and not place.approximate:
        commune = labels.commune_names.get(place.commune_id, "")
        street = place.street if "street" in shown else ""
        postcode = place.postcode if "postcode" in shown else ""
        address = ", ".join(part for part in (street, f"{postcode} {commune}".strip()) if part)
    elif actor.commune_id:
        address = labels.commune_names.get(actor.commune_id, "")
    descriptions = []
    for text in _each(actor, "description", langs) if "description" in shown else ():
        text = " ".join(richtext.plain(text).split())
        if len(text) > DESCRIPTION_CHARS:
            text = text[: DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0] + "…"
        descriptions.append(text)
    contact = ""
    personal = [getattr(actor, name) for name in labels.personal]
    if actor.contact_consent and personal and personal[0]:  # the person's name first
        contact = " · ".join(str(value) for value in personal if value)
    verified = labels.text["not_verified"]
    if "last_verified" not in shown:
        verified = ""
    elif actor.last_verified:
        verified = labels.verified_on(actor.last_verified)
    languages = language_ids if "languages" in shown else ()
    return {
        "id": actor.pk,
        "names": _each(actor, "name", langs),
        "acronym": own("acronym"),
        "kind": labels.kinds.get(actor.kind, "") if "kind" in shown else "",
        "themes": [[labels.themes[pk].pictogram, labels.theme_names[pk]] for pk in top],
        "theme_ids": top,
        "address": address,
        "hours": _each(actor, "opening_hours", langs) if "opening_hours" in shown else [],
        "descriptions": descriptions,
        "phone": own("phone"),
        "email": own("email"),
        "website": own("website"),
        "languages": ", ".join(labels.language_names[pk] for pk in labels.language_names if pk in languages),
        "contact": contact,
        "more": _more(actor, labels),
        "verified": verified,
        "url": url,  # its QR code is made when its part is typeset (see _typeset)
        # Where the entry stands on its commune's map (approximate places are left off the map).
        "point": None if actor.lat is None or actor.location_approximate else [actor.lat, actor.lon],
    }


def _groups(entries, order, grouping, labels, sort_key):
    """[(title, key, [entry ids])] in print order."""
    groups = {}
    if grouping == "commune":
        for actor_id in order:
            groups.setdefault(entries[actor_id]["commune_id"], []).append(actor_id)
        keys = sorted((k for k in groups if k is not None), key=lambda k: fold(labels.commune_names.get(k, "")))
        result = [(labels.commune_names.get(k, ""), k, groups[k]) for k in keys]
        if None in groups:
            result.append((labels.text["other_region"], None, groups[None]))
        return result
    if grouping == "theme":
        for actor_id in order:
            for theme_id in entries[actor_id]["theme_ids"] or [None]:
                groups.setdefault(theme_id, []).append(actor_id)
        result = [
            (f"{labels.themes[k].pictogram} {labels.theme_names[k]}".strip(), k, groups[k])
            for k in labels.themes
            if k in groups
        ]
        if None in groups:
            result.append((labels.text["other_theme"], None, groups[None]))
        return result
    for actor_id in order:
        letter = sort_key(entries[actor_id])[:1].upper()
        groups.setdefault(letter if letter.isalpha() else "#", []).append(actor_id)
    return [(letter, letter, ids) for letter, ids in sorted(groups.items(), key=lambda item: (item[0] == "#", item[0]))]


def _cover(query, vocab, labels, total):
    langs = labels.langs
    vocab_themes = {t.slug: t for t in vocab["themes"]}
    vocab_communes = {c.slug: c for c in vocab["communes"]}
    region = Region.objects.first()
    scope = []
    communes = query.get("commune")
    if communes:
        names = ", ".join(" / ".join(_each(vocab_communes[s], "name", langs)) for s in communes)
        scope.append(names)
    else:
        scope.append(" / ".join(_each(region, "name", langs)) if region else in_each(langs, lambda: _("Whole region")))
    details = []
    if query.get("theme"):
        themes = ", ".join(" / ".join(_each(vocab_themes[s], "name", langs)) for s in query.get("theme"))
        details.append([in_each(langs, lambda: _("Themes")), themes])
    if query.get("kind"):
        details.append([in_each(langs, lambda: _("Kinds")), ", ".join(labels.kinds[k] for k in query.get("kind"))])
    if query.get("q"):
        details.append([in_each(langs, lambda: _("Words searched")), f"“{query.get('q')[0]}”"])
    today = timezone.localdate()
    language_names = {"fr": "Français", "nl": "Nederlands"}
    return {
        "titles": [in_each([lang], lambda: _("Directory of associations and initiatives")) for lang in langs],
        "scope": scope,
        "details": details,
        "count": in_each(
            langs, lambda: translation.ngettext("%(count)s entry", "%(count)s entries", total) % {"count": total}
        ),
        "printed": in_each(langs, lambda: _("Printed on %(date)s") % {"date": formats.date_format(today)}),
        "languages": " + ".join(language_names[lang] for lang in langs),
        "site": settings.SITE_URL,
        "site_qr": qr_svg(settings.SITE_URL),
        "how_title": [in_each([lang], lambda: _("How to use this directory")) for lang in langs],
        "how": [_how_to_use(lang) for lang in langs],
    }


def _how_to_use(lang):
    with translation.override(lang):
        return [
            _("The entries are grouped as the contents show; each has a number, also on its commune's map."),
            _("Scan an entry's QR code with a phone to open its page on the website, always up to date."),
            _("At the end, the index of names and the index of themes give the pages."),
            _("Information changes: call before going. The date of the last verification is given."),
        ]


def _directory_data(params, progress=None):
    """Everything printed in the directory of ``params``, but the page numbers (see ``_typeset``)."""
    index, vocab, query, selection = _selection(params)
    langs = langs_of(query.lang)
    main_lang = langs[0]
    total = selection.total
    order = index.page(selection.mask, 0, total, main_lang)
    labels = _Labels(langs, vocab)
    actors, themes, languages, places = _load(order)
    site = settings.SITE_URL.rstrip("/")
    entries = {}
    with translation.override(main_lang):
        for done, actor_id in enumerate(order, start=1):
            actor = actors.get(actor_id)
            if actor is None:  # archived since the index was read
                continue
            url = site + slug_url("directory:actor", actor.slug)
            entry = _entry(
                actor, themes.get(actor_id, ()), languages.get(actor_id, ()), places.get(actor_id, []), labels, url
            )
            entry["commune_id"] = actor.commune_id
            entries[actor_id] = entry
            if progress is not None and done % PROGRESS_STEP == 0:
                progress(done, total)
    order = [actor_id for actor_id in order if actor_id in entries]

    def sort_key(entry):
        return fold(entry["names"][0]) if entry["names"] else ""

    groups = _groups(entries, order, query.grouping, labels, sort_key)
    outlines = {}
    if query.grouping == "commune":
        commune_ids = [key for _, key, _ in groups if key is not None]
        outlines = dict(Boundary.objects.filter(commune_id__in=commune_ids).values_list("commune_id", "geometry"))
    large = query.large
    map_size = (170, 115) if large else (130, 80)
    printed_groups = []
    for title, key, ids in groups:
        group_entries = []
        for number, actor_id in enumerate(ids, start=1):
            entry = dict(entries[actor_id])
            entry["n"] = number
            group_entries.append(entry)
        svg = None
        if query.grouping == "commune":
            points = [entry["point"] for entry in group_entries]
            if key is not None and (key in outlines or any(points)):
                outline = [outlines[key]] if key in outlines else ()
                svg = map_svg(points, outlines=outline, width_mm=map_size[0], height_mm=map_size[1])
        for entry in group_entries:
            for field in ("point", "commune_id"):
                entry.pop(field, None)
        printed_groups.append({"title": title, "map": svg, "entries": group_entries})
    names = sorted(
        ((name, actor_id) for actor_id in order for name in entries[actor_id]["names"]),
        key=lambda item: (fold(item[0]), item[1]),
    )
    theme_index = [
        {"id": pk, "pictogram": labels.themes[pk].pictogram, "name": labels.theme_names[pk]}
        for pk in labels.themes
        if any(pk in entries[actor_id]["theme_ids"] for actor_id in order)
    ]
    cover = _cover(query, vocab, labels, len(order))
    text = dict(labels.text, continued=in_each(langs, lambda: _("(continued)")))
    data = {
        "title": " / ".join(cover["titles"]),
        "lang": main_lang,
        "langs": langs,
        "large": large,
        "paper": "a4",
        "footer": f"{cover['titles'][0]} — {site.split('://', 1)[-1]}",
        "grouping": query.grouping,
        "labels": text,
        "cover": cover,
        "groups": printed_groups,
        "names": [{"name": name, "id": actor_id} for name, actor_id in names],
        "themes": theme_index,
    }
    if progress is not None:
        progress(total, total)
    return data


def directory_pdf(params, progress=None):
    """The PDF (bytes) of the printed directory of ``params`` (``DirectoryQuery.to_params``)."""
    return _typeset(_directory_data(params, progress))


# --- typesetting in parts -----------------------------------------------------------------------
#
# The directory is typeset in parts joined into one PDF: the front (cover and contents), the body
# in parts of whole groups of at most PART_ENTRIES entries, then the indexes. Every group starts a
# page, so parts cut between groups print exactly as one document would. When there is more than
# one body part, each part is typeset in a child process of its own (``render_apart``): one typst
# compilation of 5,000 entries takes close to 1 GB, and typst keeps its memoised layouts for the
# next compilations of a process. Each body part starts at its page number; the pages of the
# entries and of the groups are read back from the part's PDF (named destinations, see
# directory.typ) for the contents and the indexes. A group larger than a part is cut, its title
# repeated with "(continued)".
#
# The parts are typeset one after the other, not two at a time: a part's first page number (printed
# in its footers) is known only once the part before it is typeset. This process works meanwhile
# (QR codes, joining). The joined PDF has the parts' bookmarks, title and language, but no
# structure tree (pypdf does not join them), so the parts are typeset untagged.

PART_ENTRIES = 1_000


def _parts(groups, limit):
    """The body parts: lists of groups, or of pieces of a group larger than ``limit`` (cut in equal
    pieces), each list with ``limit`` entries at most. Groups get their ``index``; a piece after
    the first is ``continued`` and has no map."""
    parts, current, size = [], [], 0
    for index, group in enumerate(groups):
        entries = group["entries"]
        pieces = max(1, -(-len(entries) // limit))
        step = -(-len(entries) // pieces) if entries else 1
        for start in range(0, max(len(entries), 1), step):
            piece = {**group, "entries": entries[start : start + step], "index": index, "continued": start > 0}
            if start > 0:
                piece["map"] = None
            if current and size + len(piece["entries"]) > limit:
                parts.append(current)
                current, size = [], 0
            current.append(piece)
            size += len(piece["entries"])
    if current:
        parts.append(current)
    return parts


def _with_qr(groups):
    """The groups of a part with their entries' QR codes (made part by part: while the previous
    part is typeset, and never all held at once)."""
    return [{**group, "entries": [{**e, "qr": entry_qr_png(e["url"])} for e in group["entries"]]} for group in groups]


def _read(pdf, first_page):
    """A typeset part (a PdfReader) and its named destinations {name: printed page number}.

    The reader is left without them: they served to number the pages, the joined document does
    not need them, and pypdf joins thousands of them slowly.
    """
    reader = PdfReader(io.BytesIO(pdf))
    destinations = {
        name: first_page + reader.get_destination_page_number(destination)
        for name, destination in reader.named_destinations.items()
    }
    reader = PdfReader(io.BytesIO(pdf))  # a new one: the first keeps its destinations in a cache
    root = reader.trailer["/Root"]
    if "/Names" in root:
        del root["/Names"]
    return reader, destinations


def _typeset(data):
    """The PDF of the directory ``data`` (see ``_directory_data``), typeset in parts and joined.

    Each body part is typeset (in a child process when there are several) while this process makes
    the next part's QR codes and joins the previous part: on two cores the joining is nearly free.
    """
    common = {key: data[key] for key in ("title", "lang", "langs", "large", "paper", "footer", "grouping", "labels")}
    labels = data["labels"]
    parts = _parts(data["groups"], PART_ENTRIES)
    compile_part = render_apart if len(parts) > 1 else render

    def typeset(template, part_data):
        return compile_part(template, part_data, tags=False)  # the joining would drop the tags

    def front(group_pages, index_pages):
        contents = [[group["title"], group_pages.get(i, 0)] for i, group in enumerate(data["groups"])]
        contents += [[labels["index_names"], index_pages[0]], [labels["index_themes"], index_pages[1]]]
        return typeset("directory", {**common, "part": "front", "cover": data["cover"], "contents": contents})

    writer = PdfWriter()
    entry_pages, group_pages = {}, {}
    with ThreadPoolExecutor(max_workers=1) as pool:

        def body(groups, first_page):
            return pool.submit(
                typeset, "directory", {**common, "part": "body", "first_page": first_page, "groups": groups}
            )

        # The front once with provisional numbers (they take a fixed width): its pages come first.
        job = pool.submit(front, {}, (0, 0))
        groups = _with_qr(parts[0]) if parts else None
        front_pages = len(PdfReader(io.BytesIO(job.result())).pages)
        page = front_pages + 1
        # While part n is typeset, part n - 1's pages are read and it is joined, part n + 1's QR
        # codes are made. The last part is joined while the indexes are typeset.
        job = body(groups, page) if parts else None
        last = None
        for number in range(len(parts)):
            groups = _with_qr(parts[number + 1]) if number + 1 < len(parts) else None
            pdf, first_page = job.result(), page
            page += len(PdfReader(io.BytesIO(pdf)).pages)
            if groups is not None:
                job = body(groups, page)
            if last is not None:
                writer.append(last)
            last, destinations = _read(pdf, first_page)
            for name, printed in destinations.items():
                kind, key, *_rest = name.split("-")
                if kind == "entry":
                    entry_pages.setdefault(int(key), set()).add(printed)
                elif kind == "group":
                    group_pages[int(key)] = printed
        theme_pages = {}
        for group in data["groups"]:
            for entry in group["entries"]:
                for theme_id in entry["theme_ids"]:
                    theme_pages.setdefault(theme_id, set()).update(entry_pages.get(entry["id"], ()))
        names = [{"name": item["name"], "pages": sorted(entry_pages.get(item["id"], ()))} for item in data["names"]]
        themes = [{**theme, "pages": sorted(theme_pages.get(theme["id"], ()))} for theme in data["themes"]]
        job = pool.submit(
            typeset, "directory", {**common, "part": "indexes", "first_page": page, "names": names, "themes": themes}
        )
        if last is not None:
            writer.append(last)
        indexes, index_pages = _read(job.result(), page)
        job = pool.submit(front, group_pages, (index_pages["index-names"], index_pages["index-themes"]))
        writer.append(indexes)
        cover, _destinations = _read(job.result(), 1)
    if len(cover.pages) != front_pages:  # cannot happen: the numbers take a fixed width
        raise TypesettingError(f"the directory's front has {len(cover.pages)} pages, {front_pages} were counted")
    writer.merge(0, cover)
    # The document's title, language and display preferences, as typst wrote them on every part.
    writer.add_metadata({**(cover.metadata or {}), "/Title": data["title"]})
    root = cover.trailer["/Root"]
    for key in ("/Lang", "/ViewerPreferences", "/Metadata"):
        if key in root:
            writer._root_object[NameObject(key)] = root[key].clone(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
