"""What can be proposed for each kind of entry: the fields, their current values (a snapshot in
plain JSON values), how proposed values are applied through the apps' services, and how they
read in a diff.

A proposal stores plain values: texts, ISO dates, booleans, and slugs (or language codes) for
related objects, so it survives changes of ids and reads well in the database and exports.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from icalendar.prop import vRecur

from agenda import services as agenda_services
from agenda.models import Event
from directory import services as directory_services
from directory.models import Actor, Audience, Language, Place, Theme
from maillage.richtext import clean as clean_rich_text
from maillage.slugs import unique_slug
from projects import services as project_services
from projects.models import Project, Update

LANGS = ("fr", "nl", "en")
LANG_LABELS = {"fr": "FR", "nl": "NL", "en": "EN"}


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str = "text"  # text, rich, bool, choice, date, datetime, slugs
    vocabulary: object = None  # for slugs: the related model
    choices: object = None  # for choice: the TextChoices


def translated(name, label, type="text"):
    return [Field(f"{name}_{lang}", f"{label} ({LANG_LABELS[lang]})", type) for lang in LANGS]


ACTOR_FIELDS = [
    *translated("name", _("Name")),
    Field("acronym", _("Acronym")),
    Field("kind", _("Kind"), "choice", choices=Actor.Kind),
    *translated("description", _("Description"), "rich"),
    Field("themes", _("Themes"), "slugs", Theme),
    Field("audiences", _("For whom"), "slugs", Audience),
    Field("languages", _("Languages spoken"), "slugs", Language),
    Field("place_name", _("Name of the place")),
    Field("street", _("Street and number")),
    Field("postcode", _("Postcode")),
    Field("email", _("Public email")),
    Field("phone", _("Public phone")),
    *translated("opening_hours", _("Opening hours")),
    Field("website", _("Website")),
    Field("company_number", _("Company number")),
    Field("contact_name", _("Contact person")),
    Field("contact_email", _("Contact person's email")),
    Field("contact_phone", _("Contact person's phone")),
    Field("contact_consent", _("Contact person shown publicly"), "bool"),
    Field("status", _("Status"), "choice", choices=Actor.Status),
    Field("logo", _("Logo")),
]

# A contact person's details: personal data, shown only to the entry's editors and the moderators,
# unless the person agreed to be shown publicly (``contact_consent``).
CONTACT_PERSON = ("contact_name", "contact_email", "contact_phone")

EVENT_FIELDS = [
    *translated("title", _("Title")),
    *translated("description", _("Description"), "rich"),
    Field("start", _("Start"), "datetime"),
    Field("end", _("End"), "datetime"),
    Field("all_day", _("All day"), "bool"),
    Field("rrule", _("Repeats")),
    Field("place_name", _("Name of the place")),
    Field("street", _("Street and number")),
    Field("postcode", _("Postcode")),
    Field("online_url", _("Online link")),
    Field("organisers", _("Organisers"), "slugs", Actor),
    Field("themes", _("Themes"), "slugs", Theme),
    Field("audiences", _("For whom"), "slugs", Audience),
    Field("languages", _("Languages"), "slugs", Language),
    Field("price", _("Price")),
    Field("registration_url", _("Registration link")),
    Field("status", _("Status"), "choice", choices=Event.Status),
]

PROJECT_FIELDS = [
    *translated("title", _("Title")),
    *translated("summary", _("Summary")),
    *translated("description", _("Description"), "rich"),
    Field("status", _("Status"), "choice", choices=Project.Status),
    Field("start_date", _("Start"), "date"),
    Field("end_date", _("End"), "date"),
    Field("themes", _("Themes"), "slugs", Theme),
]

UPDATE_FIELDS = [
    Field("date", _("Date"), "date"),
    *translated("title", _("Title")),
    *translated("body", _("Text"), "rich"),
]

FIELDS = {
    "new_actor": ACTOR_FIELDS,
    "change_actor": ACTOR_FIELDS,
    "new_event": EVENT_FIELDS,
    "change_event": EVENT_FIELDS,
    "change_project": PROJECT_FIELDS,
    "project_update": UPDATE_FIELDS,
    "problem": [],
}

# The model of each kind of entry named in the URLs (change, report).
TARGET_MODELS = {
    "actor": Actor,
    "event": Event,
    "project": Project,
}


def _slugs(manager, key="slug"):
    return sorted(manager.values_list(key, flat=True))


def _vocab_key(model):
    return "code" if model is Language else "slug"


def _actor_places(actor):
    """An actor's places in a fixed order: the first is the one the forms show and change."""
    return list(actor.places.order_by("pk")) if actor.pk else []


def _first_place(obj):
    places = _actor_places(obj) if isinstance(obj, Actor) else ([obj.place] if obj.place_id else [])
    place = places[0] if places else None
    return {
        "place_name": getattr(place, "name", "") or "",
        "street": getattr(place, "street", "") or "",
        "postcode": getattr(place, "postcode", "") or "",
    }


def _iso(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None).isoformat(timespec="minutes")
    return value.isoformat()


def snapshot(obj):
    """The proposable values of an existing object, as plain JSON values."""
    if obj is None:
        return {}
    if isinstance(obj, Actor):
        fields = ACTOR_FIELDS
    elif isinstance(obj, Event):
        fields = EVENT_FIELDS
    elif isinstance(obj, Project):
        fields = PROJECT_FIELDS
    else:
        raise TypeError(obj)
    values = {}
    for field in fields:
        if field.name in ("place_name", "street", "postcode"):
            continue
        if field.type == "slugs":
            values[field.name] = _slugs(getattr(obj, field.name).all(), _vocab_key(field.vocabulary))
        elif field.name == "logo":
            values[field.name] = obj.logo.name or ""
        elif field.type in ("date", "datetime"):
            values[field.name] = _iso(getattr(obj, field.name))
        else:
            value = getattr(obj, field.name)
            values[field.name] = value if value is not None else ""
    if isinstance(obj, (Actor, Event)):
        values.update(_first_place(obj))
    return values


def version_of(obj):
    """A version of ``obj``'s proposable values: it changes exactly when one of them does (an
    HMAC, so it tells nothing of values withheld from the reader)."""
    values = json.dumps(snapshot(obj), sort_keys=True, default=str)
    return salted_hmac("proposals.version", values).hexdigest()[:24]


def same_value(a, b):
    """Two proposable values are the same (empty texts and lists are all "nothing")."""
    return _norm(a) == _norm(b)


def changed_fields(data, base):
    """The fields a proposer changed, compared to what they saw (``base``).

    A field they were not shown (absent from ``base``: a contact person withheld from them)
    changes only when filled in: left empty, it means "unchanged", never "erase".
    """
    return {
        name: value
        for name, value in data.items()
        if (not same_value(base[name], value) if name in base else _norm(value) != "")
    }


# --- applying ---------------------------------------------------------------------------------


def _vocabulary(model, keys):
    key = _vocab_key(model)
    manager = model.objects
    found = {getattr(o, key): o for o in manager.filter(**{f"{key}__in": keys or []})}
    return [found[k] for k in keys or [] if k in found]


def _set_plain(obj, fields, values):
    for field in fields:
        if field.name not in values or field.type == "slugs":
            continue
        if field.name in ("place_name", "street", "postcode", "logo"):
            continue
        value = values[field.name]
        if field.type == "rich":
            value = clean_rich_text(value)
        elif field.type == "date":
            value = date.fromisoformat(value) if value else None
        elif field.type == "datetime":
            value = _aware(value) if value else None
        elif field.type == "bool":
            value = bool(value)
        setattr(obj, field.name, value)


def _aware(text):
    value = datetime.fromisoformat(text)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _place_from(values, current):
    """A Place for the proposed address: the current one if unchanged, else a new one."""
    wanted = {k: (values.get(k) or "").strip() for k in ("place_name", "street", "postcode")}
    now = {
        "place_name": getattr(current, "name", "") or "",
        "street": getattr(current, "street", "") or "",
        "postcode": getattr(current, "postcode", "") or "",
    }
    if wanted == now:
        return current, False
    if not any(wanted.values()):
        return None, True
    return Place(name=wanted["place_name"], street=wanted["street"], postcode=wanted["postcode"]), True


def _vocab_args(fields, values, names):
    args = {}
    for field in fields:
        if field.type == "slugs" and field.name in values and field.name in names:
            args[field.name] = _vocabulary(field.vocabulary, values[field.name])
    return args


def apply_actor(actor, values, *, reason=""):
    """Create (``actor`` None) or change an actor with proposed values; returns the actor."""
    if actor is None:
        actor = Actor(slug=unique_slug(Actor, values.get("name_fr") or values.get("name_nl") or values.get("name_en")))
    _set_plain(actor, ACTOR_FIELDS, values)
    if "company_number" in values:
        from directory.validators import normalise_company_number

        actor.company_number = normalise_company_number(values["company_number"]) or values["company_number"]
    if values.get("logo"):
        actor.logo.name = values["logo"]
    actor._change_reason = reason
    places = None
    if any(k in values for k in ("place_name", "street", "postcode")):
        current = _actor_places(actor)
        place, changed = _place_from(values, current[0] if current else None)
        if changed:
            places = ([place] if place else []) + current[1:]
    args = _vocab_args(ACTOR_FIELDS, values, ("themes", "audiences", "languages"))
    return directory_services.save_actor(actor, places=places, **args)


REPEATS = {"weekly": ("WEEKLY", 1), "biweekly": ("WEEKLY", 2), "monthly": ("MONTHLY", 1)}
OTHER_REPEAT = "other"  # a rule the simple choices do not offer (daily, every 3 months, ...)


def _parse_rrule(rrule):
    try:
        rule = vRecur.from_ical(rrule.removeprefix("RRULE:"))
    except (ValueError, TypeError):
        return None
    return rule if "FREQ" in rule else None


def repeat_of(rrule):
    """``rrule`` as the form's simple repetition: (repeat, last day or None). A rule the choices do
    not offer reads as ``OTHER_REPEAT``; its other parts (BYDAY, COUNT...) are not shown."""
    if not rrule:
        return "", None
    rule = _parse_rrule(rrule)
    if rule is None:
        return OTHER_REPEAT, None
    rhythm = (str(rule["FREQ"][0]).upper(), int((rule.get("INTERVAL") or [1])[0]))
    repeat = next((name for name, value in REPEATS.items() if value == rhythm), OTHER_REPEAT)
    until = (rule.get("UNTIL") or [None])[0]
    if isinstance(until, datetime):
        until = (timezone.localtime(until) if timezone.is_aware(until) else until).date()
    return repeat, until


def _until(until):
    return datetime.combine(until, time(23, 59))


def rrule_for(repeat, until, *, current=""):
    """The RRULE of the simple repetitions offered to newcomers.

    With ``current`` (the event's rule, whose rhythm was not changed), only its last day changes:
    BYDAY and the rest are kept, a COUNT gives way to the new last day.
    """
    if current:
        rule = _parse_rrule(current)
        if rule is None:
            return current
        rule.pop("COUNT", None)
        rule.pop("UNTIL", None)
        if until:
            rule["UNTIL"] = [_until(until)]
        return rule.to_ical().decode()
    if repeat not in REPEATS:
        return ""
    freq, interval = REPEATS[repeat]
    base = f"FREQ={freq}" + (f";INTERVAL={interval}" if interval != 1 else "")
    return f"{base};UNTIL={_until(until):%Y%m%dT%H%M%S}" if until else base


def apply_event(event, values, *, reason=""):
    if event is None:
        title = values.get("title_fr") or values.get("title_nl") or values.get("title_en")
        event = Event(slug=unique_slug(Event, title))
    _set_plain(event, EVENT_FIELDS, values)
    if event.all_day and event.start:
        # All-day events start at local midnight.
        event.start = timezone.make_aware(datetime.combine(timezone.localtime(event.start).date(), time()))
    event._change_reason = reason
    if any(k in values for k in ("place_name", "street", "postcode")):
        place, changed = _place_from(values, event.place if event.place_id else None)
        if changed:
            if place is not None:
                directory_services.locate_place(place)
                place.save()
            event.place = place
    args = _vocab_args(EVENT_FIELDS, values, ("organisers", "themes", "audiences", "languages"))
    return agenda_services.save_event(event, **args)


def apply_project(project, values, *, reason=""):
    _set_plain(project, PROJECT_FIELDS, values)
    project._change_reason = reason
    args = _vocab_args(PROJECT_FIELDS, values, ("themes",))
    return project_services.save_project(project, **args)


def apply_update(project, values, *, reason=""):
    update = Update(project=project)
    _set_plain(update, UPDATE_FIELDS, values)
    update._change_reason = reason
    update.full_clean()
    update.save()
    return update


# --- reading ----------------------------------------------------------------------------------


def display_values(fields, *value_dicts):
    """Readable values for a diff: names for slugs, labels for choices, yes/no for booleans.

    Related names are looked up once per vocabulary for all the dicts together.
    """
    names = {}
    for field in fields:
        if field.type != "slugs":
            continue
        keys = set()
        for values in value_dicts:
            keys.update(values.get(field.name) or [])
        key = _vocab_key(field.vocabulary)
        label = "name" if field.vocabulary is not Event else "title"
        manager = getattr(field.vocabulary, "all_objects", field.vocabulary.objects)
        names[field.name] = dict(manager.filter(**{f"{key}__in": keys}).values_list(key, label)) if keys else {}

    def show(field, value):
        if field.type == "slugs":
            return ", ".join(names[field.name].get(k, k) for k in value or [])
        if field.type == "bool":
            return _("yes") if value else _("no")
        if field.type == "choice" and value:
            return dict(field.choices.choices).get(value, value)
        if field.type == "datetime" and value:
            return value.replace("T", " ")
        return value if value is not None else ""

    return show


@dataclass
class DiffRow:
    label: str
    current: str
    proposed: str
    changed: bool
    conflict: bool  # the entry changed since the proposal was made


def diff(kind, data, base, current):
    """Field-by-field comparison of a proposal with the entry as it is now (all languages)."""
    fields = FIELDS[kind]
    show = display_values(fields, data, base, current)
    rows = []
    is_change = kind.startswith("change_")
    changes = changed_fields(data, base) if is_change else data
    for field in fields:
        if field.name not in data and not current.get(field.name):
            continue
        proposed = data.get(field.name, current.get(field.name))
        now = current.get(field.name, "" if field.type != "slugs" else [])
        if is_change and field.name not in changes:
            # Not touched by the proposer: shown as it is now.
            proposed = now
        changed = _norm(proposed) != _norm(now)
        conflict = is_change and field.name in base and _norm(base.get(field.name)) != _norm(now) and changed
        rows.append(DiffRow(str(field.label), show(field, now), show(field, proposed), changed, conflict))
    return rows


def _norm(value):
    if value in (None, "", []):
        return ""
    return value


def site_url(obj):
    return settings.SITE_URL.rstrip("/") + obj.get_absolute_url()
