"""The choices of the "Print" page: a directory, a neighbourhood handout, an agenda poster.

Every form is sent with GET (a document is read, nothing is written), so its address can be kept,
shared and given again. Fields with an error point to their message (aria-describedby). A
directory's choices are read and checked by ``printing.query.DirectoryQuery`` (the form shows them,
the query checks them); a commune or theme typed by name is read by ``printing.query.slug_of``.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Actor
from directory.services import vocabularies
from maillage.forms import NamedChoiceField

from . import handout, poster
from .languages import DOCUMENT_LANGS, default_lang
from .query import GROUPINGS, DirectoryQuery, QueryError, slug_of

LANG_CHOICES = list(DOCUMENT_LANGS.items())
GROUP_CHOICES = list(GROUPINGS.items())
PAPER_CHOICES = [("a4", _("A4")), ("a3", _("A3 (poster)"))]


def _commune_choices(vocab, blank=None):
    choices = [(c.slug, c.name) for c in vocab["communes"]]
    return [("", blank), *choices] if blank else choices


def _theme_choices(vocab, blank=None):
    choices = [(t.slug, t.name) for t in vocab["top_themes"]]
    return [("", blank), *choices] if blank else choices


class PrintForm(forms.Form):
    """Errors are tied to their field for assistive technologies.

    ``vocab``: the directory's vocabularies when the view already read them (the print page shows
    three forms: one read of the data version, not one per choice list).
    """

    def __init__(self, *args, vocab=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.vocab = vocabularies() if vocab is None else vocab
        # A commune or a theme may come typed in the address: "?commune=Schaerbeek", "1030".
        for name, resolve in (("commune", self._commune_slug), ("theme", self._theme_slug)):
            if hasattr(self.fields.get(name), "resolve"):
                self.fields[name].resolve = resolve

    def _commune_slug(self, text):
        return slug_of("commune", text, self.vocab)

    def _theme_slug(self, text):
        return slug_of("theme", text, self.vocab)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-describedby"] = f"{self[name].auto_id}-errors"
                attrs["aria-invalid"] = "true"


class DirectoryForm(PrintForm):
    """The scope and layout of a printed directory (sent to printing:directory).

    Its fields show the choices; ``DirectoryQuery.from_params(strict=True)`` reads and checks them
    (``self.query`` once valid), with the same rules as the command and the print view.
    """

    commune = forms.MultipleChoiceField(
        label=_("Communes"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the whole region."),
    )
    theme = forms.MultipleChoiceField(
        label=_("Themes"), required=False, widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: all themes.")
    )
    kind = forms.MultipleChoiceField(
        label=_("Kinds of actor"),
        required=False,
        choices=Actor.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every kind."),
    )
    group = forms.ChoiceField(label=_("Grouping"), choices=GROUP_CHOICES, initial="commune", widget=forms.RadioSelect)
    lang = forms.ChoiceField(label=_("Language"), choices=LANG_CHOICES, widget=forms.RadioSelect)
    large = forms.BooleanField(
        label=_("Large print"), required=False, help_text=_("Body text of at least 16 points, one column.")
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "directory-%s")
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = _commune_choices(self.vocab)
        self.fields["theme"].choices = _theme_choices(self.vocab)
        self.fields["lang"].initial = default_lang()
        self.query = None

    @classmethod
    def of(cls, query, **kwargs):
        """The form showing ``query`` (a DirectoryQuery)."""
        return cls(initial=query.initial(), **kwargs)

    def _clean_fields(self):
        """The query reads every field at once (its rules are the command's and the view's)."""
        try:
            self.query = DirectoryQuery.from_params(self.data, strict=True, vocab=self.vocab)
        except QueryError as error:
            for name, messages in error.errors.items():
                self.add_error(name if name in self.fields else None, ValidationError(messages))
        else:
            self.cleaned_data.update(self.query.initial())


class HandoutForm(PrintForm):
    """An address or a commune, and a few needs: ticked, or said in one's own words (read through
    the sector's thesaurus: ``handout.needs_in_words``)."""

    address = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=200,
        help_text=_("A street, a number and a postcode, for example “Rue Royale 150, 1000 Bruxelles”."),
    )
    commune = NamedChoiceField(label=_("Or a commune"), required=False, help_text=_("Used when no address is given."))
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    needs = forms.MultipleChoiceField(
        label=_("Needs"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick one to four needs, or say them in your own words below."),
    )
    words = forms.CharField(
        label=_("Or say it in your own words"),
        required=False,
        max_length=200,
        help_text=_("For example “food parcel”, “dakloos”, “cours de français”, “debts”."),
    )
    lang = forms.ChoiceField(label=_("Language"), choices=LANG_CHOICES, widget=forms.RadioSelect)
    large = forms.BooleanField(label=_("Large print"), required=False, help_text=_("Body text of at least 16 points."))

    MAX_NEEDS = 4

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "handout-%s")
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = _commune_choices(self.vocab, blank=_("— choose a commune —"))
        self.fields["needs"].choices = [(key, label) for key, _themes, label in handout.NEEDS]
        self.fields["lang"].initial = default_lang()
        self.params = None

    def need_options(self):
        """The needs' checkboxes with their pictograms (``handout.need_options``), ticked as sent."""
        chosen = set(self["needs"].value() or [])
        return [
            {"value": key, "label": label, "pictogram": pictogram, "checked": key in chosen}
            for key, label, pictogram in handout.need_options()
        ]

    def clean_needs(self):
        needs = self.cleaned_data["needs"]
        if len(needs) > self.MAX_NEEDS:
            raise forms.ValidationError(_("Tick at most four needs: the handout has one or two pages."))
        return needs

    def _read_needs(self, data):
        """(need keys, other theme slugs): the needs ticked and those said in words; errors said
        beside the field they come from."""
        keys, themes = list(data.get("needs") or []), []
        words = (data.get("words") or "").strip()
        if words:
            said, themes = handout.needs_in_words(words)
            if not said and not themes:
                self.add_error(
                    "words",
                    _(
                        "“%(words)s” was not understood: tick the needs above, or say it in other words "
                        "(for example “food parcel”, “homeless”, “French classes”)."
                    )
                    % {"words": words[:80]},
                )
                return None
            keys = list(dict.fromkeys(keys + said))
        if not keys and not themes:
            self.add_error("needs", _("Tick at least one need."))
            return None
        if len(keys) + len(themes) > self.MAX_NEEDS:
            self.add_error(
                "words" if words else "needs", _("Tick at most four needs: the handout has one or two pages.")
            )
            return None
        return keys, themes

    def clean(self):
        """The handout's parameters (``self.params``), or the reason the place cannot be found."""
        data = super().clean()
        if any(name in self.errors for name in ("address", "commune", "lat", "lon", "needs", "words", "lang")):
            return data
        needs = self._read_needs(data)
        if needs is None:
            return data
        address, commune = data.get("address", "").strip(), data.get("commune") or ""
        lat, lon = data.get("lat"), data.get("lon")
        if not address and not commune and (lat is None or lon is None):
            self.add_error("address", _("Give an address or choose a commune."))
            return data
        try:
            self.params = handout.handout_params(
                address=address,
                lat=lat,
                lon=lon,
                commune=commune,
                needs=needs[0],
                themes=needs[1],
                lang=data["lang"],
                large=data["large"],
            )
        except handout.LocateError as error:
            self.add_error("address" if address or not commune else "commune", str(error))
        return data


class PosterForm(PrintForm):
    """A month's events of a commune or a theme, on A4 or A3."""

    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-11"}),
        help_text=_("Year and month, for example 2026-11."),
    )
    commune = NamedChoiceField(label=_("Commune"), required=False)
    theme = NamedChoiceField(label=_("Theme"), required=False)
    paper = forms.ChoiceField(label=_("Paper"), choices=PAPER_CHOICES, initial="a4", widget=forms.RadioSelect)
    lang = forms.ChoiceField(label=_("Language"), choices=LANG_CHOICES, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "poster-%s")
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = _commune_choices(self.vocab, blank=_("— every commune —"))
        self.fields["theme"].choices = _theme_choices(self.vocab, blank=_("— every theme —"))
        self.fields["lang"].initial = default_lang()
        self.fields["month"].initial = timezone.localdate().strftime("%Y-%m")
        self.params = None

    def clean_month(self):
        value = (self.cleaned_data["month"] or "").strip()
        try:
            year, month = poster.month_of(value) if value else (None, None)
        except poster.PosterError:
            year = None
        if year is None:
            raise forms.ValidationError(_("Give a month as year and month, for example 2026-11."))
        return f"{year:04d}-{month:02d}"

    def clean(self):
        """The poster's parameters (``self.params``)."""
        data = super().clean()
        if self.errors:
            return data
        try:
            self.params = poster.poster_params(
                month=data["month"],
                commune=data["commune"],
                theme=data["theme"],
                paper=data["paper"],
                lang=data["lang"],
            )
        except poster.PosterError as error:
            raise forms.ValidationError(str(error)) from error
        return data
