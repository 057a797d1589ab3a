"""What a printed directory holds and how it looks: ONE value object, ``DirectoryQuery``.

The print page's form, the print views, ``manage.py print_directory`` and the PDF builder
(``printing.booklet``) all read and check a directory's choices here, and nowhere else:

- ``DirectoryQuery.from_params(params)``: a query string (the directory page's filters, passed on by
  its "Print this list" link) or a dict of lists, read as the directory page reads it: values the
  directory does not know are dropped (``strict=False``), or refused with a translated message per
  field (``strict=True``: the form, the command), ``QueryError``;
- ``query.to_params()``: the plain JSON stored with the printout (its cache key), read back by
  ``DirectoryQuery.from_saved`` when the document is typeset;
- ``query.initial()``, ``query.hidden_items()``: what the print page's form shows.

The filters themselves are the directory's (``directory.services.parse_actor_filters``: its groups,
its vocabularies, a commune given by its name or postcode); this module adds the layout (grouping,
language, large print). ``slug_of`` is the strict reading of one commune or theme typed by name,
shared with the poster and the handout's form.
"""

from dataclasses import dataclass, field, replace

from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory import services as directory_services
from maillage.lookup import LookupFailed
from territory.services import resolve_commune

from .languages import DOCUMENT_LANGS, default_lang

# The layouts of a printed directory, in the form's order.
GROUPINGS = {
    "commune": gettext_lazy("By commune"),
    "theme": gettext_lazy("By theme"),
    "alpha": gettext_lazy("Alphabetical"),
}
TRUE = frozenset({"1", "on", "true", "yes"})
# The form's own fields; the directory's other filters travel with it as hidden fields.
FORM_FILTERS = ("commune", "theme", "kind")


def filter_keys():
    """The directory's filter groups and its words ("q"), as the directory declares them now."""
    return (*directory_services.FILTER_GROUPS, "q")


class QueryError(ValueError):
    """Choices a directory cannot be printed with. ``errors``: {field: [translated messages]}."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(" ".join(message for messages in errors.values() for message in messages))


def _as_multivalue(params):
    """A QueryDict as it is, a dict of values or lists as a MultiValueDict of texts."""
    if hasattr(params, "getlist"):
        return params
    values = {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        values[key] = [str(v) for v in value] if isinstance(value, list | tuple | set) else [str(value)]
    return MultiValueDict(values)


def _resolvers(vocab):
    """{group: (known slugs, resolve(text) -> item)} of what may be typed by name."""
    return {
        "commune": ({c.slug for c in vocab["communes"]}, lambda text: resolve_commune(text, vocab["communes"])),
        "theme": (
            {t.slug for t in vocab["themes"]},
            lambda text: directory_services.resolve_theme(text, vocab["themes"]),
        ),
    }


def slug_of(group, text, vocab=None):
    """The slug of ONE commune or theme (``group``) typed by its slug, a name or a postcode, in any
    case, with or without accents; "" when nothing is typed. Raises ``maillage.lookup.Unknown`` or
    ``Ambiguous`` (translated, listing the candidates) when the directory has none or several."""
    text = (text or "").strip()
    if not text:
        return ""
    known, resolve = _resolvers(directory_services.vocabularies() if vocab is None else vocab)[group]
    return text if text in known else resolve(text).slug


def _checked_filters(params, vocab, errors):
    """The filters of ``params``; what the directory does not know goes to ``errors``."""
    values = {}
    for group in filter_keys():
        typed = [value.strip() for value in params.getlist(group) if value.strip()]
        if group in ("commune", "theme"):
            slugs = []
            for text in typed:
                try:
                    slugs.append(slug_of(group, text, vocab))
                except LookupFailed as error:
                    errors.setdefault(group, []).append(str(error))
            values[group] = list(dict.fromkeys(slugs))
        else:
            parsed = directory_services.parse_actor_filters(MultiValueDict({group: typed}), vocab)
            values[group] = parsed.get(group)
            if parsed.notices:
                errors[group] = list(parsed.notices)
    return values


def _layout_errors(grouping, lang):
    errors = {}
    if grouping not in GROUPINGS:
        errors["group"] = [
            _("“%(value)s” is not a way to group a directory: choose %(choices)s.")
            % {"value": str(grouping)[:20], "choices": ", ".join(GROUPINGS)}
        ]
    if lang not in DOCUMENT_LANGS:
        errors["lang"] = [
            _("“%(value)s” is not a language of printed documents: choose %(choices)s.")
            % {"value": str(lang)[:20], "choices": ", ".join(DOCUMENT_LANGS)}
        ]
    return errors


def _one(params, name):
    values = params.getlist(name)
    return values[-1].strip() if values else ""


@dataclass(frozen=True)
class DirectoryQuery:
    """A printed directory's scope (the directory's filters: group -> values, in the order given)
    and layout."""

    filters: dict = field(default_factory=dict)
    grouping: str = "commune"
    lang: str = "fr"
    large: bool = False

    def __post_init__(self):
        errors = _layout_errors(self.grouping, self.lang)
        if errors:
            raise QueryError(errors)
        keys = filter_keys()
        filters = {group: tuple(dict.fromkeys(self.filters.get(group) or ())) for group in keys}
        object.__setattr__(self, "filters", filters)
        object.__setattr__(self, "large", bool(self.large))

    # --- reading --------------------------------------------------------------------------------

    @classmethod
    def from_params(cls, params, *, strict=False, vocab=None):
        """The query of a query string or a dict of lists: the directory's filters (``commune``,
        ``theme``, ``kind``, ``language``, ``audience``, ``venue``, ``status``, ``q``) and the layout
        (``group``, ``lang``, ``large``). Not strict: what is unknown is dropped, the layout falls
        back to its defaults (grouped by commune, in the page's language). Strict: ``QueryError``."""
        params = _as_multivalue(params)
        vocab = directory_services.vocabularies() if vocab is None else vocab
        grouping, lang = _one(params, "group") or "commune", _one(params, "lang") or default_lang()
        if strict:
            errors = {}
            filters = _checked_filters(params, vocab, errors)
            errors.update(_layout_errors(grouping, lang))
            if errors:
                raise QueryError(errors)
        else:
            parsed = directory_services.parse_actor_filters(params, vocab)
            filters = {group: parsed.get(group) for group in filter_keys()}
            grouping = grouping if grouping in GROUPINGS else "commune"
            lang = lang if lang in DOCUMENT_LANGS else default_lang()
        return cls(filters=filters, grouping=grouping, lang=lang, large=_one(params, "large").lower() in TRUE)

    @classmethod
    def from_saved(cls, params, vocab=None):
        """The query of a printout's stored parameters (``to_params``), its filters checked again
        against today's vocabularies (a commune renamed since is dropped, as on the directory page)."""
        params = params or {}
        flat = {group: list(values) for group, values in (params.get("filters") or {}).items()}
        flat["group"] = params.get("grouping") or ""
        flat["lang"] = params.get("lang") or "fr"
        flat["large"] = "1" if params.get("large") else ""
        return cls.from_params(flat, vocab=vocab)

    # --- writing --------------------------------------------------------------------------------

    def to_params(self):
        """Plain, canonical JSON: the printout's parameters (the same choices, the same key)."""
        return {
            "filters": {group: sorted(values) for group, values in self.filters.items()},
            "grouping": self.grouping,
            "lang": self.lang,
            "large": self.large,
        }

    def changed(self, **changes):
        """A copy with other choices (checked again): ``query.changed(grouping="alpha")``."""
        return replace(self, **changes)

    def get(self, group):
        """The chosen values of one filter group (the directory's ``ParsedFilters.get``)."""
        return list(self.filters.get(group, ()))

    @property
    def communes(self):
        return self.get("commune")

    @property
    def themes(self):
        return self.get("theme")

    def initial(self):
        """The print form's values."""
        data = {group: self.get(group) for group in FORM_FILTERS}
        return {**data, "group": self.grouping, "lang": self.lang, "large": self.large}

    def hidden_items(self):
        """(name, value) of the filters the print form does not show: it carries them on."""
        return [(group, value) for group in filter_keys() if group not in FORM_FILTERS for value in self.get(group)]
