"""Proposal forms, written for newcomers: plain-language help and an example in every field.

Each form turns what was typed into the plain values of ``proposals.entries`` (``to_data``) and
back (``initial_from``), so the same form serves a new entry, a suggested change, and the
moderator's "edit then approve".
"""

import datetime as dt
import uuid

from django import forms
from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from agenda.models import Event
from directory import services as directory_services
from directory.models import Actor
from directory.validators import normalise_company_number, validate_company_number
from projects.models import Project, Update

from . import entries

LANG_NAMES = {"fr": _("in French"), "nl": _("in Dutch"), "en": _("in English")}


def _translated_fields(form, model, name, label, *, widget=None, help_text="", example=""):
    for lang in entries.LANGS:
        field = forms.CharField(
            label=f"{label} ({LANG_NAMES[lang]})",
            required=False,
            # The model's limit (names and titles): too long is a form error, not a failed save.
            max_length=model._meta.get_field(f"{name}_{lang}").max_length,
            widget=widget() if widget else forms.TextInput(),
            help_text=help_text if lang == "fr" else "",
        )
        if example and lang == "fr":
            field.widget.attrs["placeholder"] = example
        form.fields[f"{name}_{lang}"] = field


def _vocabulary_field(objects, label, help_text, key="slug"):
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.CheckboxSelectMultiple,
        choices=[(getattr(o, key), str(o)) for o in objects],
    )


def _theme_choices(themes):
    # Sub-themes follow their top theme, marked with a dash.
    tops = [t for t in themes if t.parent_id is None]
    children = {}
    for theme in themes:
        if theme.parent_id:
            children.setdefault(theme.parent_id, []).append(theme)
    choices = []
    for top in tops:
        label = f"{top.pictogram} {top.name}".strip()
        choices.append((top.slug, label))
        choices.extend((child.slug, f"— {child.name}") for child in children.get(top.pk, []))
    return choices


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


class EntryFormMixin:
    """Translated fields need at least one language; ``to_data`` gives the plain values."""

    kind_fields = ()
    required_translated = ()

    def clean(self):
        data = super().clean()
        for name in self.required_translated:
            if not any((data.get(f"{name}_{lang}") or "").strip() for lang in entries.LANGS):
                self.add_error(f"{name}_fr", _("Please fill in at least one language."))
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
            elif field.type == "date":
                value = value.isoformat() if value else ""
            elif value is None:
                value = ""
            elif isinstance(value, str):
                value = value.strip()
            data[field.name] = value
        return data


class ActorForm(EntryFormMixin, ContributorForm):
    kind_fields = entries.ACTOR_FIELDS
    required_translated = ("name",)

    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=Actor.Kind.choices,
        help_text=_("A group of neighbours is a citizen initiative; a registered non-profit is an association."),
    )
    acronym = forms.CharField(label=_("Acronym (optional)"), required=False, max_length=40)
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://www.example.be"}),
    )
    email = forms.EmailField(
        label=_("Public email"),
        required=False,
        help_text=_("Shown on the page, for the public to write to you."),
        widget=forms.EmailInput(attrs={"placeholder": "contact@example.be"}),
    )
    phone = forms.CharField(
        label=_("Public phone"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "02 123 45 67", "type": "tel"}),
    )
    place_name = forms.CharField(
        label=_("Name of the place (optional)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Maison de quartier Bonnevie")}),
    )
    street = forms.CharField(
        label=_("Street and number"),
        required=False,
        max_length=200,
        help_text=_("Where people can meet you. Leave empty if you have no place open to the public."),
        widget=forms.TextInput(attrs={"placeholder": "Rue Bonnevie 40"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"placeholder": "1080", "inputmode": "numeric"}),
    )
    company_number = forms.CharField(
        label=_("Company number (BCE/KBO), if any"),
        required=False,
        max_length=20,
        validators=[validate_company_number],
        widget=forms.TextInput(attrs={"placeholder": "0203.071.973"}),
    )
    contact_name = forms.CharField(label=_("Contact person (optional)"), required=False, max_length=200)
    contact_email = forms.EmailField(label=_("Contact person's email"), required=False)
    contact_phone = forms.CharField(label=_("Contact person's phone"), required=False, max_length=40)
    contact_consent = forms.BooleanField(
        label=_("The contact person agrees to be shown on the public page"),
        required=False,
        help_text=_("Without this agreement, only the moderators see the contact person."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=Actor.Status.choices, initial=Actor.Status.ACTIVE)
    logo = forms.ImageField(
        label=_("Logo (optional)"),
        required=False,
        help_text=_("PNG, JPEG or WebP, at most 1 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    is_member = forms.BooleanField(
        label=_("I am part of this initiative and will keep its page up to date"),
        required=False,
        help_text=_("With an account, you can then edit the page yourself."),
    )

    field_order = [
        "kind",
        "name_fr",
        "name_nl",
        "name_en",
        "acronym",
        "description_fr",
        "description_nl",
        "description_en",
        "themes",
        "audiences",
        "languages",
        "place_name",
        "street",
        "postcode",
        "website",
        "email",
        "phone",
        "opening_hours_fr",
        "opening_hours_nl",
        "opening_hours_en",
        "company_number",
        "contact_name",
        "contact_email",
        "contact_phone",
        "contact_consent",
        "status",
        "logo",
        "is_member",
    ]

    def __init__(self, *args, change=False, **kwargs):
        super().__init__(*args, **kwargs)
        _translated_fields(
            self,
            Actor,
            "name",
            _("Name"),
            help_text=_("The name people know you by. One language is enough; add others if you have them."),
            example=_("Repair Café Saint-Gilles"),
        )
        _translated_fields(
            self,
            Actor,
            "description",
            _("What you do"),
            widget=lambda: forms.Textarea(attrs={"rows": 4}),
            help_text=_("Two or three short sentences: what you do, for whom, when. Simple words."),
            example=_("Every first Saturday, volunteers repair your small appliances for free."),
        )
        _translated_fields(
            self,
            Actor,
            "opening_hours",
            _("Opening hours (optional)"),
            help_text=_("Days and hours when people can come or call. One language is enough."),
            example=_("Monday to Friday 9:00–17:00"),
        )
        vocab = directory_services.vocabularies()
        self.fields["themes"] = forms.MultipleChoiceField(
            label=_("Themes"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=_theme_choices(vocab["themes"]),
            help_text=_("Tick one to three themes."),
        )
        self.fields["audiences"] = _vocabulary_field(
            vocab["audiences"], _("For whom"), _("Leave empty if it is for everyone.")
        )
        self.fields["languages"] = _vocabulary_field(vocab["languages"], _("Languages spoken"), "", key="code")
        if change:
            del self.fields["is_member"]
        self.order_fields(self.field_order + ["message", "proposer_name", "proposer_email", "accept_charter"])

    def clean_company_number(self):
        value = self.cleaned_data.get("company_number", "")
        return normalise_company_number(value) or value

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
    kind_fields = entries.EVENT_FIELDS
    required_translated = ("title",)

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
    place_name = forms.CharField(
        label=_("Name of the place"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Salle communale")}),
    )
    street = forms.CharField(
        label=_("Street and number"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "Rue de la Victoire 96"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"placeholder": "1060", "inputmode": "numeric"}),
    )
    online_url = forms.URLField(
        label=_("Online link"),
        required=False,
        assume_scheme="https",
        help_text=_("For an online event: the link to join."),
    )
    organiser_names = forms.CharField(
        label=_("Who organises it?"),
        required=False,
        help_text=_("Names of the organisations as written in Maillage, separated by ';'."),
        widget=forms.TextInput(attrs={"placeholder": _("Maison de quartier Bonnevie; Repair Café")}),
    )
    price = forms.CharField(
        label=_("Price"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Free, or 5 € (free for members)")}),
    )
    registration_url = forms.URLField(label=_("Registration link (optional)"), required=False, assume_scheme="https")
    status = forms.ChoiceField(label=_("Status"), choices=Event.Status.choices, initial=Event.Status.SCHEDULED)

    field_order = [
        "title_fr",
        "title_nl",
        "title_en",
        "description_fr",
        "description_nl",
        "description_en",
        "day",
        "start_time",
        "end_time",
        "repeat",
        "repeat_until",
        "place_name",
        "street",
        "postcode",
        "online_url",
        "organiser_names",
        "themes",
        "audiences",
        "languages",
        "price",
        "registration_url",
        "status",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _translated_fields(
            self,
            Event,
            "title",
            _("Title"),
            help_text=_("Short and clear: what happens."),
            example=_("Neighbourhood soup and games"),
        )
        _translated_fields(
            self,
            Event,
            "description",
            _("Description"),
            widget=lambda: forms.Textarea(attrs={"rows": 4}),
            help_text=_("What happens, for whom, what to bring."),
        )
        vocab = directory_services.vocabularies()
        self.fields["themes"] = forms.MultipleChoiceField(
            label=_("Themes"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=_theme_choices(vocab["themes"]),
        )
        self.fields["audiences"] = _vocabulary_field(
            vocab["audiences"], _("For whom"), _("Leave empty if it is for everyone.")
        )
        self.fields["languages"] = _vocabulary_field(vocab["languages"], _("Languages"), "", key="code")
        if self.initial.get("repeat") == entries.OTHER_REPEAT:
            # A rule the simple choices do not offer: shown as such, so "Does not repeat" stays a change.
            other = (entries.OTHER_REPEAT, _("Another rhythm, kept as it is"))
            self.fields["repeat"].choices = [*REPEAT_CHOICES, other]
        self.order_fields(self.field_order + ["message", "proposer_name", "proposer_email", "accept_charter"])

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
    kind_fields = entries.PROJECT_FIELDS
    required_translated = ("title",)

    status = forms.ChoiceField(label=_("Status"), choices=Project.Status.choices)
    start_date = forms.DateField(label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("End"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _translated_fields(self, Project, "title", _("Title"))
        _translated_fields(self, Project, "summary", _("Summary"), widget=lambda: forms.Textarea(attrs={"rows": 2}))
        _translated_fields(
            self, Project, "description", _("Description"), widget=lambda: forms.Textarea(attrs={"rows": 5})
        )
        self.fields["themes"] = forms.MultipleChoiceField(
            label=_("Themes"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=_theme_choices(directory_services.vocabularies()["themes"]),
        )
        order = [f.name for f in entries.PROJECT_FIELDS]
        self.order_fields(order + ["message", "proposer_name", "proposer_email", "accept_charter"])


class UpdateForm(EntryFormMixin, ContributorForm):
    kind_fields = entries.UPDATE_FIELDS
    required_translated = ("title",)

    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}), initial=lambda: timezone.localdate()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _translated_fields(self, Update, "title", _("Title"), example=_("The second workshop took place"))
        _translated_fields(
            self,
            Update,
            "body",
            _("Text"),
            widget=lambda: forms.Textarea(attrs={"rows": 5}),
            help_text=_("What happened, what comes next."),
        )
        order = [f.name for f in entries.UPDATE_FIELDS]
        self.order_fields(order + ["message", "proposer_name", "proposer_email", "accept_charter"])


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
