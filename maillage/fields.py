"""Field specifications: what a noun's owner declares once about each of its fields, and from which
the other apps build their forms, API schemas, merge choices, import targets, exports and printed
entries.

An owner (``directory.fields.ACTOR``, ``agenda.fields.EVENT``, ``projects.fields.PROJECT``...)
lists its fields as ``Field`` objects in a ``Spec``; a translated field is one ``Field`` per language
(``name_fr``, ``name_nl``, ``name_en``) made by ``translated``. A field that is not a model column
(``place_name``, ``street``, ``postcode``: the main place's) says so with ``stored=False``; its owner's
write function knows what to do with it.

Who may set a field is a set of writers: ``EDITOR`` (the entry's editors' forms and the admin),
``PROPOSAL`` (a contributor's proposal), ``IMPORT``, ``MERGE``, ``API``. Adding a field to a spec (and
its column to the model) is the one change that makes every screen, schema and export offer it.
"""

from dataclasses import dataclass, field, replace

LANGS = ("fr", "nl", "en")
LANG_LABELS = {"fr": "FR", "nl": "NL", "en": "EN"}

EDITOR, PROPOSAL, IMPORT, MERGE, API = "editor", "proposal", "import", "merge", "api"
ALL_WRITERS = frozenset({EDITOR, PROPOSAL, IMPORT, MERGE, API})

# Types: text, rich (sanitised HTML), bool, choice, date, datetime, slugs (links to a vocabulary or
# to other entries, given by slug or code), url, email, file.
TYPES = frozenset({"text", "rich", "bool", "choice", "date", "datetime", "slugs", "url", "email", "file"})


@dataclass(frozen=True)
class Field:
    name: str  # the model attribute (or the plain value's key when ``stored`` is False)
    label: object  # translatable
    type: str = "text"
    vocabulary: object = None  # slugs: the related model
    choices: object = None  # choice: the TextChoices
    base: str = ""  # a translated field's name without its language ("name" for "name_fr")
    lang: str = ""  # its language
    public: bool = True  # shown on public pages, the API's reads and the exports
    personal: bool = False  # personal data: shown only with consent, to editors and moderators
    set_by: frozenset = ALL_WRITERS
    stored: bool = True  # a column of the model (False: handled by the owner's write function)
    validate: object = None  # callable(value) -> cleaned value, raises ValidationError
    show: object = None  # callable(value) -> text for a diff (default: the value as text)
    help: object = ""

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"Unknown field type {self.type!r} for {self.name}.")

    @property
    def translated(self):
        return bool(self.lang)

    @property
    def many(self):
        return self.type == "slugs"

    def settable_by(self, writer):
        return writer in self.set_by

    def shown(self, value):
        if self.show is not None:
            return self.show(value)
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value)
        return "" if value is None else str(value)


def translated(name, label, type="text", **options):
    """One field per language: ``name_fr``, ``name_nl``, ``name_en``, labelled "Label (FR)"..."""
    from django.utils.text import format_lazy

    return [
        Field(f"{name}_{lang}", format_lazy("{} ({})", label, LANG_LABELS[lang]), type, base=name, lang=lang, **options)
        for lang in LANGS
    ]


@dataclass
class Spec:
    """The fields of one noun, in the order screens show them."""

    model: type
    fields: list = field(default_factory=list)

    def __post_init__(self):
        names = [f.name for f in self.fields]
        if len(names) != len(set(names)):
            raise ValueError(f"A field is declared twice in the spec of {self.model.__name__}.")

    def _by_name(self):
        """{name: field}, built again when the list of fields is replaced or grows or shrinks
        (exports look fields up for every cell)."""
        fields, cached = self.fields, self.__dict__.get("_index")
        if cached is None or cached[0] is not fields or cached[1] != len(fields):
            cached = self._index = (fields, len(fields), {f.name: f for f in fields})
        return cached[2]

    def __iter__(self):
        return iter(self.fields)

    def __len__(self):
        return len(self.fields)

    def __contains__(self, name):
        return name in self._by_name()

    def __getitem__(self, name):
        return self._by_name()[name]

    def names(self):
        return [f.name for f in self.fields]

    def settable_by(self, writer):
        return [f for f in self.fields if f.settable_by(writer)]

    def public(self):
        return [f for f in self.fields if f.public]

    def plain(self):
        """Fields stored on the model's row (not links, not the owner's pseudo fields)."""
        return [f for f in self.fields if f.stored and not f.many]

    def links(self):
        return [f for f in self.fields if f.many]

    def languages_of(self, base):
        return [f for f in self.fields if f.base == base]

    def add(self, new_field, after=None):
        """Declare one more field (a test, or an app that extends the noun), after ``after``."""
        if new_field.name in self:
            raise ValueError(f"{new_field.name} is already declared.")
        position = len(self.fields) if after is None else self.names().index(after) + 1
        self.fields.insert(position, new_field)

    def remove(self, name):
        self.fields.remove(self[name])

    def with_label(self, name, label):
        """A copy of the spec where one field reads differently (an event's "Languages")."""
        return Spec(self.model, [replace(f, label=label) if f.name == name else f for f in self.fields])
