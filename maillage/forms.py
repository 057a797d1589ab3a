"""Form fields shared by the apps."""

from django import forms

from .lookup import Ambiguous, Unknown


class _Named:
    """A choice also given by what it is called: ``resolve(text)`` returns the choice's value
    (a commune's slug for "Schaerbeek" or "1030") or raises ``maillage.lookup.LookupFailed``."""

    def __init__(self, *args, resolve=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.resolve = resolve

    def _resolved(self, value):
        if value in self.empty_values or self.resolve is None or self.valid_value(value):
            return value
        try:
            return self.resolve(value)
        except Ambiguous as error:
            raise forms.ValidationError(str(error), code="ambiguous") from error
        except Unknown:
            return value  # the field's own "not one of the available choices"


class NamedChoiceField(_Named, forms.ChoiceField):
    def to_python(self, value):
        return self._resolved(super().to_python(value))


class NamedMultipleChoiceField(_Named, forms.MultipleChoiceField):
    def to_python(self, value):
        return list(dict.fromkeys(self._resolved(v) for v in super().to_python(value)))
