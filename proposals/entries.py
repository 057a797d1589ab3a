"""What can be proposed for each kind of entry, read from its owner's field specification
(``directory.fields.ACTOR``, ``agenda.fields.EVENT``, ``projects.fields.PROJECT`` and ``UPDATE``):
the fields a proposal may set (``settable_by(PROPOSAL)``, read at call time, so a field the owner
declares later is proposable at once), their current values (a snapshot in plain JSON values), how
proposed values are applied through the owners' write functions, and how they read in a diff.

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
from agenda.fields import EVENT
from agenda.models import Event
from directory import services as directory_services
from directory.fields import ACTOR
from directory.models import Actor, Place
from maillage.fields import LANGS as LANGS  # read by the forms and the API
from maillage.fields import PROPOSAL
from maillage.slugs import unique_slug
from projects import services as project_services
from projects.fields import PROJECT, UPDATE
from projects.models import Project, Update

# The noun each kind of proposal writes, and its owner's specification.
SPECS = {"actor": ACTOR, "event": EVENT, "project": PROJECT, "update": UPDATE}
NOUNS = {
    "new_actor": "actor",
    "change_actor": "actor",
    "new_event": "event",
    "change_event": "event",
    "change_project": "project",
    "project_update": "update",
}


def proposable(spec):
    """The fields of ``spec`` a proposal may set, in the spec's order (read now, not at import)."""
    return spec.settable_by(PROPOSAL)


def fields_for(kind):
    """The fields a proposal of ``kind`` ("change_actor"...) may set; none for a problem report."""
    noun = NOUNS.get(kind)
    return proposable(SPECS[noun]) if noun else []


def personal_fields(spec=ACTOR):
    """Names of the personal fields of ``spec`` (a contact person's details): shown only to the
    entry's editors and the moderators, unless the person agreed to be shown publicly."""
    return tuple(f.name for f in spec if f.personal)


# As declared when this module was loaded (for the modules that import the name).
CONTACT_PERSON = personal_fields()

# The model of each kind of entry named in the URLs (change, report).
TARGET_MODELS = {
    "actor": Actor,
    "event": Event,
    "project": Project,
}


def spec_of(obj):
    for spec in SPECS.values():
        if isinstance(obj, spec.model):
            return spec
    raise TypeError(obj)


def _vocab_key(model):
    """What a proposal stores for a linked object: its slug, else its code (languages)."""
    names = {f.name for f in model._meta.concrete_fields}
    return "slug" if "slug" in names else "code" if "code" in names else "pk"


def _slugs(manager, key="slug"):
    return sorted(manager.values_list(key, flat=True))


def _actor_places(actor):
    """An actor's places, oldest first (the order ``directory.services.main_place`` reads)."""
    return list(actor.places.order_by("pk")) if actor.pk else []


def _place_values(place):
    return {
        "place_name": getattr(place, "name", "") or "",
        "street": getattr(place, "street", "") or "",
        "postcode": getattr(place, "postcode", "") or "",
    }


def _main_place(obj):
    """The place whose address a proposal shows and changes: an actor's main place (the
    directory's one rule), an event's place."""
    if isinstance(obj, Actor):
        return directory_services.main_place(_actor_places(obj))
    return obj.place if getattr(obj, "place_id", None) else None


def iso(value):
    """A date, or a datetime in local time to the minute, as ISO text ("" for none)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None).isoformat(timespec="minutes")
    return value.isoformat()


def _plain(field, value):
    """A stored value as the plain JSON value a proposal holds."""
    if field.type == "file":
        return getattr(value, "name", "") or ""
    if field.type in ("date", "datetime"):
        return iso(value)
    return value if value is not None else ""


def snapshot(obj):
    """The proposable values of an existing object, as plain JSON values."""
    if obj is None:
        return {}
    fields = proposable(spec_of(obj))
    values = {}
    place = None
    for field in fields:
        if field.many:
            values[field.name] = _slugs(getattr(obj, field.name).all(), _vocab_key(field.vocabulary))
        elif not field.stored:
            if place is None:
                place = _place_values(_main_place(obj))
            values[field.name] = place.get(field.name, "")
        else:
            values[field.name] = _plain(field, getattr(obj, field.name))
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


# --- applying (the caller opens the change set: ``proposals.services``) ---------------------------


def _vocabulary(model, keys):
    key = _vocab_key(model)
    manager = model.objects
    found = {getattr(o, key): o for o in manager.filter(**{f"{key}__in": keys or []})}
    return [found[k] for k in keys or [] if k in found]


def _from_plain(field, value):
    """A proposal's plain value as the model's, checked by the owner's spec (``validate``)."""
    if field.type == "date":
        value = date.fromisoformat(value) if value else None
    elif field.type == "datetime":
        value = _aware(value) if value else None
    elif field.type == "bool":
        value = bool(value)
    if field.validate is not None and value not in (None, ""):
        value = field.validate(value)
    return value


def _set_plain(obj, fields, values):
    """The proposed values of the model's own columns (links and the place's fields aside)."""
    for field in fields:
        if field.name not in values or field.many or not field.stored:
            continue
        value = values[field.name]
        if field.type == "file":
            # A file is proposed by its name in storage (saved with the proposal); an empty one
            # keeps the current file.
            if value:
                getattr(obj, field.name).name = value
            continue
        setattr(obj, field.name, _from_plain(field, value))


def _aware(text):
    value = datetime.fromisoformat(text)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _place_from(values, current):
    """A Place for the proposed address: the current one if unchanged, else a new one."""
    wanted = {k: (values.get(k) or "").strip() for k in ("place_name", "street", "postcode")}
    if wanted == _place_values(current):
        return current, False
    if not any(wanted.values()):
        return None, True
    return Place(name=wanted["place_name"], street=wanted["street"], postcode=wanted["postcode"]), True


def _proposes_place(fields, values):
    return any(not f.stored and f.name in values for f in fields)


def _links(fields, values):
    """{link: the objects proposed} for each link the proposal sets."""
    return {f.name: _vocabulary(f.vocabulary, values[f.name]) for f in fields if f.many and f.name in values}


def apply_actor(actor, values):
    """Create (``actor`` None) or change an actor with proposed values, through
    ``directory.services.save_actor``; returns the actor."""
    fields = proposable(ACTOR)
    if actor is None:
        actor = Actor(slug=unique_slug(Actor, values.get("name_fr") or values.get("name_nl") or values.get("name_en")))
    _set_plain(actor, fields, values)
    places = None
    if _proposes_place(fields, values):
        current = _actor_places(actor)
        main = directory_services.main_place(current)
        place, changed = _place_from(values, main)
        if changed:
            places = ([place] if place else []) + [p for p in current if p is not main]
    return directory_services.save_actor(actor, places=places, **_links(fields, values))


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


def apply_event(event, values):
    """Create (``event`` None) or change an event, through ``agenda.services.save_event``."""
    fields = proposable(EVENT)
    if event is None:
        title = values.get("title_fr") or values.get("title_nl") or values.get("title_en")
        event = Event(slug=unique_slug(Event, title))
    _set_plain(event, fields, values)
    if event.all_day and event.start:
        # All-day events start at local midnight.
        event.start = timezone.make_aware(datetime.combine(timezone.localtime(event.start).date(), time()))
    if _proposes_place(fields, values):
        place, changed = _place_from(values, _main_place(event))
        if changed:
            if place is not None:
                directory_services.save_place(place)
            event.place = place
    return agenda_services.save_event(event, **_links(fields, values))


def apply_project(project, values):
    """Change a project, through ``projects.services.save_project``."""
    fields = proposable(PROJECT)
    _set_plain(project, fields, values)
    return project_services.save_project(project, **_links(fields, values))


def apply_update(project, values):
    """Add news to ``project``, through ``projects.services.save_update``."""
    update = Update(project=project)
    _set_plain(update, proposable(UPDATE), values)
    return project_services.save_update(update)


# --- reading ----------------------------------------------------------------------------------


def _name_column(model):
    names = {f.name for f in model._meta.concrete_fields}
    return "name" if "name" in names else "title" if "title" in names else _vocab_key(model)


def display_values(fields, *value_dicts):
    """Readable values for a diff: names for links, labels for choices, yes/no for booleans, and
    otherwise as the owner's spec shows them (``Field.shown``).

    Related names are looked up once per vocabulary for all the dicts together.
    """
    names = {}
    for field in fields:
        if not field.many:
            continue
        keys = set()
        for values in value_dicts:
            keys.update(values.get(field.name) or [])
        key = _vocab_key(field.vocabulary)
        manager = getattr(field.vocabulary, "all_objects", field.vocabulary.objects)
        found = manager.filter(**{f"{key}__in": keys}).values_list(key, _name_column(field.vocabulary))
        names[field.name] = dict(found) if keys else {}

    def show(field, value):
        if field.many:
            return ", ".join(names[field.name].get(k, k) for k in value or [])
        if field.show is None:
            if field.type == "bool":
                return _("yes") if value else _("no")
            if field.type == "choice" and value:
                return dict(field.choices.choices).get(value, value)
            if field.type == "datetime" and value:
                return value.replace("T", " ")
        return field.shown(value) if value not in (None, "") else ""

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
    fields = fields_for(kind)
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
