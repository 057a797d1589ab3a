from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .mapping import fields_for
from .models import Format, Source
from .readers import max_import_bytes, too_large


class NewImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"), required=False)
    url = forms.URLField(
        label=gettext_lazy("or the address of the data"),
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("An http:// or https:// address."),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        required=False,
        choices=[("", gettext_lazy("Guess from the file"))] + list(Format.choices),
    )
    source = forms.ModelChoiceField(
        label=gettext_lazy("Source"),
        queryset=Source.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("A new source (name below)"),
    )
    new_source = forms.CharField(
        label=gettext_lazy("Name of the new source"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("E.g. the federation or the administration that publishes the list."),
    )
    target = forms.ChoiceField(label=gettext_lazy("What it lists"), choices=Source.Target.choices)

    def clean_url(self):
        url = self.cleaned_data.get("url", "")
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("Only http:// and https:// addresses can be imported."))
        return url

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        limit = max_import_bytes()
        if upload and limit and upload.size > limit:
            raise forms.ValidationError(too_large(limit, upload.size))
        return upload

    def clean(self):
        data = super().clean()
        if not self.errors:
            if bool(data.get("file")) == bool(data.get("url")):
                raise forms.ValidationError(_("Send a file or give an address (one of them)."))
            if not data.get("source") and not data.get("new_source", "").strip():
                self.add_error("new_source", _("Choose a source or name a new one."))
            elif not data.get("source"):
                existing = Source.objects.filter(name__iexact=data["new_source"].strip()).first()
                if existing is not None:
                    data["source"] = existing
        return data


class MappingForm(forms.Form):
    """One select per field, listing the file's columns."""

    def __init__(self, *args, target, columns, mapping, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("(not in the file)"))] + [(c, c) for c in columns]
        for name, label in fields_for(target).items():
            initial = mapping.get(name, "")
            if initial and initial not in columns:
                initial = ""
            self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=False, initial=initial)

    def mapping(self):
        return {name: column for name, column in self.cleaned_data.items() if column}


class SourceForm(forms.ModelForm):
    url = forms.URLField(
        label=gettext_lazy("address of the data"),
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("Leave empty for files sent by hand."),
    )

    class Meta:
        model = Source
        fields = ["url", "format", "target", "sync_hours", "licence"]
