"""The values of an API write checked through the owner's field specification
(``directory.fields.ACTOR``, ``agenda.fields.EVENT``): no list of fields of the API's own, so a field
the owner declares is written through the API as soon as it is declared.

Each value sent is checked for its field's type, its choices or vocabulary (slugs, or codes for
languages), the field's own ``validate`` (which also cleans it: sanitised HTML, a company number's
digits, a recurrence rule), then the entry as it would be is checked by the model's ``full_clean``
(lengths, emails, links, what must not be empty). The messages are Django's and the owners', in the
language of the request.

The result is plain values, as a proposal stores them (``proposals.entries``): texts, booleans,
ISO dates, local ISO datetimes to the minute, sorted slugs.
"""

import copy
import datetime as dt

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Place
from maillage.fields import API
from maillage.params import FIRST_YEAR, LAST_YEAR

# JSON has no files: a logo is sent on the website.
NOT_IN_JSON = frozenset({"file"})

# The cleaning of a text in the form people type it: a link without its scheme is a https one.
_URL = forms.URLField(assume_scheme="https", required=False)
_EMAIL = forms.EmailField(required=False)


def api_fields(spec):
    """The fields of ``spec`` the API writes, in the spec's order (read at call time)."""
    return [f for f in spec.settable_by(API) if f.type not in NOT_IN_JSON]


def empty(field, model):
    """The value of ``field`` for a new entry: the model's default, else nothing."""
    if field.stored and not field.many:
        default = model._meta.get_field(field.name).get_default()
        if default is not None:
            return default
    if field.type == "bool":
        return False
    return [] if field.many else ""


def clean(spec, values, instance, *, rules=None):
    """``values`` (field name -> value, as sent) checked through ``spec``: the plain values of the
    fields the API writes (others are left out). ``instance``: the entry they change (a new,
    unsaved one for a creation); it is not changed. ``rules``: a function of the plain values that
    returns the errors of the entry's own rules across fields ({name: messages}).

    Raises ``ValidationError`` with a message dict (field name -> translated messages, ``__all__``
    for the entry as a whole): a value's own error first, then the entry's rules, then the model's."""
    fields = {f.name: f for f in api_fields(spec)}
    cleaned, errors = {}, {}
    for name, value in values.items():
        field = fields.get(name)
        if field is None:
            continue
        try:
            cleaned[name] = clean_value(field, value)
        except ValidationError as error:
            errors[name] = [str(m) for m in error.messages]
    for found in (rules(cleaned) if rules else {}, model_errors(spec, instance, cleaned)):
        for name, messages in found.items():
            errors.setdefault(name, messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_value(field, value):
    """One value as sent -> its plain value (``ValidationError`` with a translated message)."""
    if value is None:
        return False if field.type == "bool" else [] if field.many else ""
    if field.many:
        value = _slugs(field, value)
    elif field.type == "bool":
        if not isinstance(value, bool):
            raise ValidationError(_("Enter a valid value."))
    elif field.type == "datetime":
        value = _local_iso(value)
    elif field.type == "date":
        value = _day_iso(value)
    else:
        if not isinstance(value, str):
            raise ValidationError(_("Enter a valid value."))
        value = value.strip()
        if field.type == "url":
            value = _URL.clean(value)
        elif field.type == "email":
            value = _EMAIL.clean(value)
        elif field.type == "choice" and value:
            _check_choice(field, value)
        if not field.stored:
            _check_place_length(field, value)
    if field.validate is not None and value not in ("", []):
        value = field.validate(value)
    return value


def _check_choice(field, value):
    """One of the field's choices, or the slug of an entry of its vocabulary."""
    if field.choices is not None:
        known = value in field.choices.values
    else:
        known = field.vocabulary.objects.filter(**{_vocabulary_key(field.vocabulary): value}).exists()
    if not known:
        raise ValidationError(_unknown(field.vocabulary, value[:60]))


def _slugs(field, value):
    """Slugs (codes for languages) of existing entries of the field's vocabulary, sorted."""
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("Enter a valid value."))
    model = field.vocabulary
    key = _vocabulary_key(model)
    wanted = list(dict.fromkeys(v.strip() for v in value))
    known = set(model.objects.filter(**{f"{key}__in": wanted}).values_list(key, flat=True))
    unknown = [v for v in wanted if v not in known]
    if unknown:
        raise ValidationError([_unknown(model, v[:60]) for v in unknown])
    return sorted(wanted)


def _vocabulary_key(model):
    """How a linked entry is named in a write: its slug, else its code (languages)."""
    names = {f.name for f in model._meta.concrete_fields}
    return "slug" if "slug" in names else "code"


def _unknown(model, value):
    if model is not None and model._meta.model_name == "actor":
        return _("No actor has the address “%(slug)s”.") % {"slug": value}
    return forms.ChoiceField.default_error_messages["invalid_choice"] % {"value": value}


def _years_message():
    return _("Give a date from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}


def _local_iso(value):
    """A datetime (aware, or naive local) or its ISO text -> local ISO text, to the minute, in the
    years the site shows (year 1 at +14:00 is no local time at all)."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError as error:
            raise ValidationError(_("Enter a valid date/time.")) from error
    if not isinstance(value, dt.datetime):
        raise ValidationError(_("Enter a valid date/time."))
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(_years_message())
    if timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)
    return value.replace(second=0, microsecond=0).isoformat(timespec="minutes")


def _day_iso(value):
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError as error:
            raise ValidationError(_("Enter a valid date.")) from error
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationError(_("Enter a valid date."))
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(_years_message())
    return value.isoformat()


def _check_place_length(field, value):
    """A pseudo field (``stored=False``) is one of the place's columns: its name, street or postcode."""
    column = field.name.removeprefix("place_")
    try:
        limit = Place._meta.get_field(column).max_length
    except FieldDoesNotExist:  # a pseudo field that is no column of a place: nothing to measure
        return
    if limit:
        MaxLengthValidator(limit)(value)


# --- the entry as a whole -----------------------------------------------------------------------


def model_errors(spec, instance, cleaned):
    """The model's ``full_clean`` of ``instance`` with ``cleaned`` set, on the columns the spec
    declares: {name: messages}. A translated field that must not be empty is reported on its first
    language, as the forms do."""
    entry = copy.copy(instance)
    checked = set()
    for field in spec.plain():
        checked.add(field.name)
        if field.base:
            checked.add(field.base)
        if field.name in cleaned:
            setattr(entry, field.name, _stored(field, cleaned[field.name]))
    exclude = [f.name for f in type(instance)._meta.fields if f.name not in checked]
    try:
        entry.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as error:
        return _by_field(spec, error.message_dict)
    return {}


def _stored(field, value):
    if field.type == "datetime":
        return timezone.make_aware(dt.datetime.fromisoformat(value)) if value else None
    if field.type == "date":
        return dt.date.fromisoformat(value) if value else None
    return value


def _by_field(spec, message_dict):
    found = {}
    for name, messages in message_dict.items():
        languages = spec.languages_of(name)
        if languages:  # the translated field's base: empty in every language
            found.setdefault(languages[0].name, []).append(_("Please fill in at least one language."))
        else:
            found.setdefault(name if name in spec or name == NON_FIELD_ERRORS else NON_FIELD_ERRORS, []).extend(
                messages
            )
    return found
