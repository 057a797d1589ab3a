from django import forms
from django.utils.translation import gettext_lazy as _

from . import services


class MergeForm(forms.Form):
    """One radio per field ("kept" or "other"), and why. The page lays the radios out side by side."""

    reason = forms.CharField(
        label=_("Why (shown in both entries' history)"),
        max_length=300,
        required=False,
        widget=forms.TextInput,
    )

    def __init__(self, *args, kept, other, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept, self.other = kept, other
        for choice in services.choices_spec():
            self.fields[choice.key] = forms.ChoiceField(
                label=choice.label,
                choices=[(services.KEPT, _("kept entry")), (services.OTHER, _("merged entry"))],
                required=False,
                widget=forms.RadioSelect,
            )

    def choices(self):
        """The chosen values, defaults filled in (only after ``is_valid``)."""
        submitted = {choice.key: self.cleaned_data.get(choice.key) for choice in services.choices_spec()}
        return services.clean_choices(self.kept, self.other, submitted)

    def shown_choices(self):
        """What the radios show: what was submitted when valid, otherwise the defaults."""
        defaults = services.default_choices(self.kept, self.other)
        if not self.is_bound:
            return defaults
        for key in defaults:
            value = self.data.get(key)
            if value in (services.KEPT, services.OTHER):
                defaults[key] = value
        return defaults
