"""Proposal forms, written for newcomers: plain-language help and an example in every field.

Their fields are built when a form is made, from the fields a proposal may set in the owner's
specification (``proposals.entries.fields_for``): a field the owner declares later appears in the
forms without being listed here. What each form adds is how a field reads for a newcomer
(``WORDING``: label, help, example) and, for the event, the inputs a person types a date, a
repetition and organisers in.

Each form turns what was typed into the plain values of ``proposals.entries`` (``to_data``) and
back (``initial_from``), so the same form serves a new entry, a suggested change, and the
moderator's "edit then approve".
"""

import datetime as dt
import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from directory import services as directory_services
from directory.models import Actor, Audience, Language, Place, Theme

from . import entries

LANG_NAMES = {"fr": _("in French"), "nl": _("in Dutch"), "en": _("in English")}

# The vocabularies the directory keeps in memory (``directory.services.vocabularies``).
CACHED_VOCABULARIES = {Theme: "themes", Audience: "audiences", Language: "languages"}
# The place's column behind each of the main place's pseudo fields (their length limits).
PLACE_COLUMNS = {"place_name": "name", "street": "street", "postcode": "postcode"}


def _column(model, field):
    """The model column behind a spec field (the place's for the place's pseudo fields), or None."""
    if not field.stored:
        model, name = Place, PLACE_COLUMNS.get(field.name)
    else:
        name = field.name
    try:
        return model._meta.get_field(name) if name else None
    except FieldDoesNotExist:
        return None


def _theme_choices(themes):
    """Sub-themes follow their top theme, marked with a dash (``directory.services.theme_tree``)."""
    choices = []
    for top, children in directory_services.theme_tree(themes):
        choices.append((top.slug, f"{top.pictogram} {top.name}".strip()))
        choices.extend((child.slug, f"— {child.name}") for child in children)
    return choices


def _link_choices(model):
    """(stored key, name) of each object a link may name: the cached vocabularies, the theme tree."""
    vocab_name = CACHED_VOCABULARIES.get(model)
    objects = directory_services.vocabularies()[vocab_name] if vocab_name else model._default_manager.all()
    if model is Theme:
        return _theme_choices(objects)
    key = entries._vocab_key(model)
    return [(getattr(o, key), str(o)) for o in objects]


def _form_field(model, field, wording):
    """A form field for one field of the owner's spec, read as ``wording`` says (label, help_text,
    example, attrs, rows, initial)."""
    column = _column(model, field)
    label = wording.get("label")
    if label is not None and field.translated:
        label = f"{label} ({LANG_NAMES[field.lang]})"
    options = {"label": label or field.label, "help_text": wording.get("help_text", field.help)}
    if "initial" in wording:
        options["initial"] = wording["initial"]
    elif column is not None and column.has_default() and not callable(column.default):
        options["initial"] = column.default
    required = (
        not field.translated and field.type not in ("bool", "slugs", "file") and column is not None and not column.blank
    )
    attrs = dict(wording.get("attrs", {}))
    if wording.get("example"):
        attrs["placeholder"] = wording["example"]
    if field.type in ("text", "rich"):
        long = field.type == "rich" or isinstance(column, models.TextField) or "rows" in wording
        widget = forms.Textarea(attrs={"rows": wording.get("rows", 4), **attrs}) if long else forms.TextInput(attrs)
        max_length = getattr(column, "max_length", None)
        return forms.CharField(required=required, max_length=max_length, widget=widget, **options)
    if field.type == "url":
        return forms.URLField(required=required, assume_scheme="https", widget=forms.URLInput(attrs), **options)
    if field.type == "email":
        return forms.EmailField(required=required, widget=forms.EmailInput(attrs), **options)
    if field.type == "bool":
        return forms.BooleanField(required=False, **options)
    if field.type == "choice":
        return forms.ChoiceField(required=required, choices=field.choices.choices, **options)
    if field.type == "date":
        return forms.DateField(required=required, widget=forms.DateInput(attrs={"type": "date", **attrs}), **options)
    if field.type == "datetime":
        widget = forms.DateTimeInput(attrs={"type": "datetime-local", **attrs})
        return forms.DateTimeField(required=required, widget=widget, **options)
    if field.type == "slugs":
        widget = forms.CheckboxSelectMultiple(attrs)
        return forms.MultipleChoiceField(
            required=False, choices=_link_choices(field.vocabulary), widget=widget, **options
        )
    if field.type == "file":
        kind = forms.ImageField if isinstance(column, models.ImageField) else forms.FileField
        return kind(required=False, widget=forms.ClearableFileInput(attrs), **options)
    raise ValueError(f"No form field for the type {field.type!r} of {field.name}.")


class ContributorForm(forms.Form):
    """What every proposal asks of its author, plus the anti-spam honeypot."""

    # Hidden: identifies this submission so a double click or a retry stores one proposal.
    submission = forms.UUIDField(widget=forms.HiddenInput)
    # Honeypot: hidden from people (CSS), filled in by spam robots.
    nickname = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    message = forms.CharField(
        label=_("A note for the moderators (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where does this information come from? Anything they should know?"),
    )
    proposer_name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=200)
    proposer_email = forms.EmailField(
        label=_("Your email"),
        required=False,
        help_text=_("We send you a link to confirm, then tell you when it is published. It is never shown."),
    )
    accept_charter = forms.BooleanField(label=_("I have read and accept the charter"), required=False)

    def __init__(self, *args, user=None, needs_charter=False, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.user = user
        self.needs_charter = needs_charter
        if user is not None and user.is_authenticated:
            del self.fields["proposer_name"]
            del self.fields["proposer_email"]
        else:
            self.fields["proposer_email"].required = True
        if needs_charter:
            self.fields["accept_charter"].required = True
        else:
            del self.fields["accept_charter"]
        if not self.is_bound and not self.initial.get("submission"):
            self.initial["submission"] = uuid.uuid4()

    def is_spam(self):
        return bool(self.data.get("nickname"))

    def to_data(self):
        """The proposed values (a report has none)."""
        return {}

    def store_files(self, data):
        """``data`` with the files sent in the form saved to storage: called once the proposal is
        really sent (never for a preview, spam or a refused request)."""
        return data

    def discard_files(self):
        """Remove what ``store_files`` saved, when the proposal could not be stored after all."""

    def contributor(self):
        data = self.cleaned_data
        return {
            "message": data.get("message", ""),
            "proposer_name": data.get("proposer_name", ""),
            "proposer_email": data.get("proposer_email", ""),
            "submission": data["submission"],
        }


CONTRIBUTOR_FIELDS = ["message", "proposer_name", "proposer_email", "accept_charter"]


class EntryFormMixin:
    """The fields of the owner's spec that a proposal may set, built when the form is made, read
    as ``wording`` says; translated fields need at least one language (``required_translated``);
    ``to_data`` gives the plain values.

    ``inputs``: spec fields a person does not type as such, with the form's own fields that stand
    for them, shown at their place (the event's start: a day and times). ``first``: fields shown
    before the spec's order."""

    noun = ""  # proposals.entries.SPECS
    required_translated = ()
    wording = {}  # field name, or a translated field's base name -> label, help_text, example...
    inputs = {}
    first = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        spec = entries.SPECS[self.noun]
        self.kind_fields = entries.proposable(spec)
        order = []
        for field in self.kind_fields:
            if field.name in self.inputs:
                order.extend(self.inputs[field.name])
                continue
            self.fields[field.name] = _form_field(spec.model, field, self._wording(field))
            order.append(field.name)
        order = [*self.first, *(name for name in order if name not in self.first)]
        own = [name for name in self.fields if name not in order and name not in ContributorForm.base_fields]
        self.order_fields(order + own + CONTRIBUTOR_FIELDS)

    def _wording(self, field):
        wording = dict(self.wording.get(field.name) or self.wording.get(field.base) or {})
        if field.translated and field.lang != entries.LANGS[0]:
            # Help and example once, on the first language.
            wording.pop("example", None)
            wording["help_text"] = ""
        return wording

    def clean(self):
        data = super().clean()
        for name in self.required_translated:
            if not any((data.get(f"{name}_{lang}") or "").strip() for lang in entries.LANGS):
                self.add_error(f"{name}_fr", _("Please fill in at least one language."))
        for field in self.kind_fields:
            # The owner's check of the value (and its written form: a company number's digits).
            value = data.get(field.name)
            if field.validate is None or field.name not in self.fields or value in (None, ""):
                continue
            try:
                data[field.name] = field.validate(value.strip() if isinstance(value, str) else value)
            except ValidationError as error:
                self.add_error(field.name, error)
        return data

    def to_data(self):
        data = {}
        for field in self.kind_fields:
            if field.name not in self.fields:
                continue
            value = self.cleaned_data.get(field.name)
            if field.type == "slugs":
                value = sorted(value or [])
            elif field.type == "bool":
                value = bool(value)
            elif field.type in ("date", "datetime"):
                value = entries.iso(value)
            elif value is None:
                value = ""
            elif isinstance(value, str):
                value = value.strip()
            data[field.name] = value
        return data


class ActorForm(EntryFormMixin, ContributorForm):
    noun = "actor"
    required_translated = ("name",)
    first = ("kind",)
    wording = {
        "kind": {
            "label": _("What is it?"),
            "help_text": _("A group of neighbours is a citizen initiative; a registered non-profit is an association."),
        },
        "name": {
            "label": _("Name"),
            "help_text": _("The name people know you by. One language is enough; add others if you have them."),
            "example": _("Repair Café Saint-Gilles"),
        },
        "acronym": {"label": _("Acronym (optional)")},
        "description": {
            "label": _("What you do"),
            "help_text": _("Two or three short sentences: what you do, for whom, when. Simple words."),
            "example": _("Every first Saturday, volunteers repair your small appliances for free."),
        },
        "themes": {"help_text": _("Tick one to three themes.")},
        "audiences": {"help_text": _("Leave empty if it is for everyone.")},
        "place_name": {
            "label": _("Name of the place (optional)"),
            "example": _("Maison de quartier Bonnevie"),
        },
        "street": {
            "help_text": _("Where people can meet you. Leave empty if you have no place open to the public."),
            "example": "Rue Bonnevie 40",
        },
        "postcode": {"example": "1080", "attrs": {"inputmode": "numeric"}},
        "website": {"example": "https://www.example.be"},
        "email": {
            "help_text": _("Shown on the page, for the public to write to you."),
            "example": "contact@example.be",
        },
        "phone": {"example": "02 123 45 67", "attrs": {"type": "tel"}},
        "opening_hours": {
            "label": _("Opening hours (optional)"),
            "help_text": _("Days and hours when people can come or call. One language is enough."),
            "example": _("Monday to Friday 9:00–17:00"),
        },
        "company_number": {"label": _("Company number (BCE/KBO), if any"), "example": "0203.071.973"},
        "contact_name": {"label": _("Contact person (optional)")},
        "contact_consent": {
            "label": _("The contact person agrees to be shown on the public page"),
            "help_text": _("Without this agreement, only the moderators see the contact person."),
        },
        "logo": {
            "label": _("Logo (optional)"),
            "help_text": _("PNG, JPEG or WebP, at most 1 MB."),
            "attrs": {"accept": "image/png,image/jpeg,image/webp"},
        },
    }

    is_member = forms.BooleanField(
        label=_("I am part of this initiative and will keep its page up to date"),
        required=False,
        help_text=_("With an account, you can then edit the page yourself."),
    )

    def __init__(self, *args, change=False, **kwargs):
        super().__init__(*args, **kwargs)
        if change:
            del self.fields["is_member"]

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo:
            return logo
        if logo.size > settings.LOGO_MAX_BYTES:
            raise forms.ValidationError(_("The logo is too large (at most 1 MB)."))
        try:
            logo.seek(0)
            with Image.open(logo) as image:
                image_format = image.format
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError) as error:
            raise forms.ValidationError(_("This file is not an image we can read.")) from error
        if image_format not in ("PNG", "JPEG", "WEBP"):
            raise forms.ValidationError(_("Please send a PNG, JPEG or WebP image."))
        logo.seek(0)
        logo.image_format = image_format
        return logo

    def to_data(self):
        """A new logo is not in the values yet: ``store_files`` saves it when the proposal is sent."""
        logo = self.cleaned_data.get("logo")
        data = super().to_data()
        if logo is False:  # "clear" ticked
            data["logo"] = ""
        else:
            data["logo"] = logo if isinstance(logo, str) else str(self.initial.get("logo") or "")
        return data

    def store_files(self, data):
        logo = self.cleaned_data.get("logo")
        if not hasattr(logo, "image_format"):
            return data
        extension = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}[logo.image_format]
        name = default_storage.save(f"logos/proposed/{uuid.uuid4().hex}.{extension}", logo)
        self.stored_files = [name]
        return {**data, "logo": name}

    def discard_files(self):
        for name in getattr(self, "stored_files", []):
            default_storage.delete(name)
        self.stored_files = []


REPEAT_CHOICES = [
    ("", _("Does not repeat")),
    ("weekly", _("Every week")),
    ("biweekly", _("Every two weeks")),
    ("monthly", _("Every month")),
]


class EventForm(EntryFormMixin, ContributorForm):
    noun = "event"
    required_translated = ("title",)
    # A date and times, a simple repetition and organisers' names stand for these.
    inputs = {
        "start": ("day", "start_time", "end_time"),
        "end": (),
        "all_day": (),
        "rrule": ("repeat", "repeat_until"),
        "organisers": ("organiser_names",),
    }
    wording = {
        "title": {
            "label": _("Title"),
            "help_text": _("Short and clear: what happens."),
            "example": _("Neighbourhood soup and games"),
        },
        "description": {"label": _("Description"), "help_text": _("What happens, for whom, what to bring.")},
        "place_name": {"example": _("Salle communale")},
        "street": {"example": "Rue de la Victoire 96"},
        "postcode": {"example": "1060", "attrs": {"inputmode": "numeric"}},
        "online_url": {"help_text": _("For an online event: the link to join.")},
        "audiences": {"help_text": _("Leave empty if it is for everyone.")},
        "price": {"label": _("Price"), "example": _("Free, or 5 € (free for members)")},
        "registration_url": {"label": _("Registration link (optional)")},
    }

    day = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The (first) day of the event."),
    )
    start_time = forms.TimeField(
        label=_("Starts at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("Leave empty for an all-day event."),
    )
    end_time = forms.TimeField(label=_("Ends at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    repeat = forms.ChoiceField(label=_("Repeats"), required=False, choices=REPEAT_CHOICES)
    repeat_until = forms.DateField(
        label=_("Repeats until (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    organiser_names = forms.CharField(
        label=_("Who organises it?"),
        required=False,
        help_text=_("Names of the organisations as written in Maillage, separated by ';'."),
        widget=forms.TextInput(attrs={"placeholder": _("Maison de quartier Bonnevie; Repair Café")}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.initial.get("repeat") == entries.OTHER_REPEAT:
            # A rule the simple choices do not offer: shown as such, so "Does not repeat" stays a change.
            other = (entries.OTHER_REPEAT, _("Another rhythm, kept as it is"))
            self.fields["repeat"].choices = [*REPEAT_CHOICES, other]

    def _kept(self, name, inputs):
        """True when ``name`` keeps its initial value: none of the fields it is typed in changed.
        A rule or an end the form cannot show exactly (BYDAY, an end after midnight) stays as it is."""
        return name in self.initial and not set(inputs) & set(self.changed_data)

    def _start_end(self, data):
        """Start and end as ISO texts (local time, to the minute)."""
        day = data.get("day")
        if day is None:
            return "", ""
        start = dt.datetime.combine(day, data.get("start_time") or dt.time()).isoformat(timespec="minutes")
        if self._kept("end", ("day", "end_time")):
            end = self.initial["end"] or ""
        elif data.get("end_time"):
            end = dt.datetime.combine(day, data["end_time"]).isoformat(timespec="minutes")
        else:
            end = ""
        return start, end

    def _rrule(self, data):
        current = self.initial.get("rrule") or ""
        if self._kept("rrule", ("repeat", "repeat_until")):
            return current
        if current and "repeat" not in self.changed_data:  # only the last day changed
            return entries.rrule_for(data.get("repeat"), data.get("repeat_until"), current=current)
        return entries.rrule_for(data.get("repeat"), data.get("repeat_until"))

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if end and not start and not self._kept("end", ("day", "end_time")):
            self.add_error("start_time", _("Please give the start time too."))
        start_at, end_at = self._start_end(data)
        if start and end_at and dt.datetime.fromisoformat(end_at) <= dt.datetime.fromisoformat(start_at):
            self.add_error("end_time", _("The end must come after the start."))
        if data.get("repeat_until") and data.get("day") and data["repeat_until"] < data["day"]:
            self.add_error("repeat_until", _("The last date must come after the first."))
        organisers, unknown = resolve_organisers(data.get("organiser_names", ""))
        data["organisers"], self.unknown_organisers = organisers, unknown
        return data

    def to_data(self):
        data = super().to_data()
        c = self.cleaned_data
        data["all_day"] = c.get("start_time") is None
        data["start"], data["end"] = self._start_end(c)
        data["rrule"] = self._rrule(c)
        data["organisers"] = sorted(c.get("organisers") or [])
        return data

    def contributor(self):
        """Organiser names that match no actor reach the moderators in the proposal's message."""
        values = super().contributor()
        unknown = getattr(self, "unknown_organisers", [])
        if unknown:
            note = _("Organisers not found in Maillage: %(names)s") % {"names": "; ".join(unknown)}
            values["message"] = "\n\n".join(m for m in (values["message"], str(note)) if m)
        return values

    @staticmethod
    def initial_from(values):
        initial = dict(values)
        if values.get("start"):
            start = dt.datetime.fromisoformat(values["start"])
            initial["day"] = start.date()
            initial["start_time"] = None if values.get("all_day") else start.time()
        if values.get("end"):
            initial["end_time"] = dt.datetime.fromisoformat(values["end"]).time()
        initial["repeat"], initial["repeat_until"] = entries.repeat_of(values.get("rrule") or "")
        slugs = values.get("organisers") or []
        names = dict(Actor.objects.filter(slug__in=slugs).values_list("slug", "name_fr"))
        initial["organiser_names"] = "; ".join(names.get(s, s) for s in slugs)
        return initial


def resolve_organisers(text):
    """Organiser names typed by a person -> (slugs found, names not found). One query for all:
    a name matches an actor's name in any language or its acronym (any case), or its slug."""
    names = [name for name in (part.strip() for part in (text or "").split(";")) if name]
    if not names:
        return [], []
    query = Q()
    for name in names:
        for lookup in ("name_fr__iexact", "name_nl__iexact", "name_en__iexact", "acronym__iexact", "slug"):
            query |= Q(**{lookup: name})
    candidates = [
        (slug, {(value or "").casefold() for value in texts})
        for slug, *texts in Actor.objects.filter(query)
        .order_by("name", "pk")
        .values_list("slug", "name_fr", "name_nl", "name_en", "acronym")
    ]
    found, unknown = [], []
    for name in names:
        folded = name.casefold()
        match = next((slug for slug, texts in candidates if slug == name or folded in texts), None)
        (found.append(match) if match else unknown.append(name))
    return found, unknown


class ProjectForm(EntryFormMixin, ContributorForm):
    noun = "project"
    required_translated = ("title",)
    wording = {
        "title": {"label": _("Title")},
        "summary": {"label": _("Summary"), "rows": 2},
        "description": {"label": _("Description"), "rows": 5},
    }


class UpdateForm(EntryFormMixin, ContributorForm):
    noun = "update"
    required_translated = ("title",)
    wording = {
        "date": {"initial": lambda: timezone.localdate()},
        "title": {"label": _("Title"), "example": _("The second workshop took place")},
        "body": {"label": _("Text"), "rows": 5, "help_text": _("What happened, what comes next.")},
    }


class ProblemForm(ContributorForm):
    problem = forms.CharField(
        label=_("What is wrong?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: the address changed, the phone does not answer, the association has closed."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["message"]
        self.order_fields(["problem", "proposer_name", "proposer_email", "accept_charter"])

    def contributor(self):
        values = super().contributor()
        values["message"] = self.cleaned_data["problem"]
        return values


class ConflictForm(forms.Form):
    """The fields someone else changed while the person was changing them too: which value to keep,
    theirs or the current one. Nothing is written before they choose.

    ``seen`` carries (signed) the current values they were shown here: a choice holds only while
    those values do.
    """

    MINE, CURRENT = "mine", "current"

    seen = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, rows, **kwargs):
        """``rows``: (field name, label, their value, the current value), values as text."""
        kwargs.setdefault("prefix", "conflict")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        empty = _("(empty)")
        for name, label, mine, current in rows:
            self.fields[name] = forms.ChoiceField(
                label=label,
                widget=forms.RadioSelect,
                choices=[
                    (self.MINE, _("Keep mine: %(value)s") % {"value": mine or empty}),
                    (self.CURRENT, _("Take the current one: %(value)s") % {"value": current or empty}),
                ],
            )

    def kept_current(self):
        """The fields for which the person chose the current value."""
        return [name for name, choice in self.cleaned_data.items() if name != "seen" and choice == self.CURRENT]


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the person who proposed)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Internal comment"), widget=forms.Textarea(attrs={"rows": 2}))


FORMS = {"actor": ActorForm, "event": EventForm, "project": ProjectForm}
