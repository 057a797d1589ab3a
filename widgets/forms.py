from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from directory.models import Actor
from directory.services import resolve_theme
from maillage.forms import NamedChoiceField
from territory.services import resolve_commune

from . import services

# The embed pages' filters the form has no field for, passed on from the page the builder was opened from.
KEPT_FILTERS = tuple(
    dict.fromkeys(
        name for names in services.FILTER_NAMES.values() for name in names if name not in ("commune", "theme", "kind")
    )
)


@dataclass
class Choice:
    """What the snippets are built from: always complete (a wrong field falls back to its default)."""

    kind: str = "map"
    lang: str = "fr"
    filters: list = field(default_factory=list)
    appearance: services.Appearance = field(default_factory=services.Appearance)
    height: int = services.HEIGHT_DEFAULT

    @property
    def height_given(self):
        return self.height != services.HEIGHT_DEFAULT


class BuilderForm(forms.Form):
    widget = forms.ChoiceField(
        label=_("Widget"),
        choices=[("map", _("Map of initiatives")), ("agenda", _("Agenda: next events"))],
        initial="map",
        widget=forms.RadioSelect,
    )
    lang = forms.ChoiceField(label=_("Language of the widget"), choices=settings.LANGUAGES)
    commune = NamedChoiceField(label=_("Commune"), required=False)
    theme = NamedChoiceField(label=_("Theme"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind of actor (map only)"),
        required=False,
        choices=[("", _("All kinds"))] + list(Actor.Kind.choices),
    )
    accent = forms.CharField(
        label=_("Accent colour"),
        required=False,
        max_length=7,
        help_text=_("A hex colour such as #2a6f97 (links and markers of the widget)."),
    )
    scheme = forms.ChoiceField(
        label=_("Colours"), choices=[("light", _("Light")), ("dark", _("Dark"))], initial="light", required=False
    )
    compact = forms.BooleanField(label=_("Compact"), required=False)
    height = forms.IntegerField(
        label=_("Height (pixels)"),
        min_value=services.HEIGHT_MIN,
        max_value=services.HEIGHT_MAX,
        initial=services.HEIGHT_DEFAULT,
        required=False,
    )

    def __init__(self, *args, vocab, **kwargs):
        super().__init__(*args, **kwargs)
        lang = translation.get_language() or "fr"
        self.fields["lang"].initial = lang if lang in services.LANGS else "fr"
        self.kept = []
        if self.is_bound:
            # The map's and the agenda's "Show it on your website" link passes their filters and
            # the widget, nothing else: the missing choices take their defaults (shown as chosen).
            data = self.data.copy()
            for name in ("widget", "lang", "scheme"):
                if not data.get(name):
                    data[name] = self.fields[name].initial
            self.data = data
            # Their other filters (search, audience...) have no field here: kept as they are.
            self.kept = [
                (name, value.strip()[:200])
                for name in KEPT_FILTERS
                for value in data.getlist(name)[:20]
                if value.strip()
            ]
        self.fields["commune"].choices = [("", _("All communes"))] + [(c.slug, c.name) for c in vocab["communes"]]
        self.fields["theme"].choices = [("", _("All themes"))] + [
            (t.slug, f"— {t.name}" if t.parent_id else t.name) for t in vocab["themes"]
        ]
        # The page the builder is opened from may have them typed by name ("?commune=Schaerbeek").
        self.fields["commune"].resolve = lambda text: resolve_commune(text, vocab["communes"]).slug
        self.fields["theme"].resolve = lambda text: resolve_theme(text, vocab["themes"]).slug
        self.fields["accent"].widget.attrs.update(
            placeholder="#2a6f97", pattern="#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", size=8
        )

    def clean_accent(self):
        raw = self.cleaned_data["accent"].strip()
        if raw and not services.parse_accent(raw):
            raise forms.ValidationError(_("Write the colour as # followed by 3 or 6 hex digits, e.g. #2a6f97."))
        return services.parse_accent(raw)

    def choice(self):
        """The valid choices, defaults for the rest (an unbound form gives the defaults)."""
        data = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        kind = data.get("widget") or "map"
        filters = [(name, data.get(name)) for name in ("commune", "theme", "kind") if data.get(name)] + self.kept
        return Choice(
            kind=kind,
            lang=data.get("lang") or self.fields["lang"].initial,
            filters=[(k, v) for k, v in filters if k in services.FILTER_NAMES[kind]],
            appearance=services.Appearance(
                accent=data.get("accent"), scheme=data.get("scheme") or "light", compact=bool(data.get("compact"))
            ),
            height=data.get("height") or services.HEIGHT_DEFAULT,
        )
