"""The editors' write API: changes go through the website's forms (the same validation and
translated messages) and ``proposals.services.submit`` (the same permissions and moderation).

A token acts with its user's rights: editors of an entry (and moderators) publish at once, the
proposal being recorded as published; anybody else is refused (403): a token never queues
proposals for review.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from agenda.validators import validate_rrule
from charter import services as charter_services
from directory.models import Actor
from maillage import ratelimit
from maillage.params import FIRST_YEAR, LAST_YEAR
from proposals import entries, services
from proposals.forms import ActorForm, EventForm
from proposals.models import Proposal

from . import services as api_services

Kind = Proposal.Kind


class Refused(Exception):
    """403: the token's user may not do this; the message is translated."""


class Stale(Exception):
    """412: the entry changed since the version named in ``If-Match``; the message is translated."""


class Invalid(Exception):
    """422: ``errors`` maps each field to its translated messages (``__all__`` for the whole)."""

    def __init__(self, errors):
        super().__init__(str(errors))
        self.errors = errors


# --- limits -----------------------------------------------------------------------------------


def rate_limited(token):
    """Count one write for this token's user; True when over ``API_WRITE_RATE_LIMIT`` per minute.
    Counted per user, not per token: making more tokens gives no more writes."""
    limit = getattr(settings, "API_WRITE_RATE_LIMIT", 60)
    return ratelimit.hit("api-write", f"user:{token.user_id}", limit=limit, period=60)


def check_charter(user):
    if charter_services.needs_acceptance(user):
        raise Refused(_("Please accept the current charter on the website first, then try again."))


# --- forms ------------------------------------------------------------------------------------


def _form_data(values):
    data = MultiValueDict()
    for name, value in values.items():
        if isinstance(value, list):
            data.setlist(name, [str(v) for v in value])
        elif isinstance(value, bool):
            data[name] = "true" if value else "false"
        elif value is None:
            data[name] = ""
        else:
            data[name] = str(value)
    data["submission"] = str(uuid.uuid4())
    return data


def _errors(form):
    return {name: [str(m) for m in messages] for name, messages in form.errors.items()}


def _message(token):
    return _("Sent through the API with the token “%(name)s”.") % {"name": token.name}


def _submit(kind, data, token, *, target=None, base=None):
    try:
        return services.submit(kind, data, user=token.user, target=target, base=base, message=_message(token))
    except services.ProposalError as error:
        raise Invalid({"__all__": [str(error)]}) from error


def _check_version(obj, if_match):
    """With ``If-Match``, the entry must still be the version the client read (its ETag)."""
    if if_match is not None and not api_services.if_match_holds(if_match, entries.version_of(obj)):
        raise Stale(_("This entry changed since you read it: read it again, then send your change."))


def _submit_change(kind, obj, data, token, *, base, if_match):
    """Check the version and write as one step: the entry's row stays locked in between."""
    with transaction.atomic():
        locked = type(obj).objects.select_for_update().get(pk=obj.pk)
        _check_version(locked, if_match)
        return _submit(kind, data, token, target=locked, base=base)


# --- actors -----------------------------------------------------------------------------------


def change_actor(token, actor, changes, *, if_match=None):
    user = token.user
    if not services.may_publish(user, Kind.CHANGE_ACTOR, actor, {}):
        raise Refused(_("Your token may only change the entries you edit."))
    check_charter(user)
    current = entries.snapshot(actor)
    form = ActorForm(
        _form_data({**current, **changes}),
        user=user,
        initial=current,
        change=True,
    )
    if not form.is_valid():
        raise Invalid(_errors(form))
    return _submit_change(Kind.CHANGE_ACTOR, actor, form.to_data(), token, base=current, if_match=if_match)


# --- events -----------------------------------------------------------------------------------

EVENT_TEXT_FIELDS = (
    *(f"{name}_{lang}" for name in ("title", "description") for lang in entries.LANGS),
    "place_name",
    "street",
    "postcode",
    "online_url",
    "price",
    "registration_url",
    "status",
    "themes",
    "audiences",
    "languages",
)


def _local(value, name="start"):
    """A datetime (aware or naive local) or ISO text -> naive local datetime, to the minute.
    ``Invalid`` outside the years the site shows (year 1 at +14:00 is no local time at all)."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise Invalid({name: [_("Give a date from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}]})
    if timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)
    return value.replace(second=0, microsecond=0)


def _event_values(values):
    """Check what the event form does not see (dates, rule, organisers); the values to store."""
    errors = {}
    start, end = _local(values.get("start")), _local(values.get("end"), "end")
    all_day = bool(values.get("all_day"))
    if start is None:
        errors["start"] = [_("This field is required.")]
    elif end is not None and (end < start if all_day else end <= start):
        errors["end"] = [_("The end must come after the start.")]
    rrule = (values.get("rrule") or "").strip()
    if rrule:
        try:
            validate_rrule(rrule)
        except ValidationError as error:
            errors["rrule"] = [str(m) for m in error.messages]
    slugs = list(dict.fromkeys(values.get("organisers") or []))
    known = set(Actor.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    unknown = [s for s in slugs if s not in known]
    if unknown:
        errors["organisers"] = [_("No actor has the address “%(slug)s”.") % {"slug": s[:60]} for s in unknown]
    return errors, {
        "start": start.isoformat(timespec="minutes") if start else "",
        "end": end.isoformat(timespec="minutes") if end else "",
        "all_day": all_day,
        "rrule": rrule,
        "organisers": sorted(slugs),
    }


def _valid_event(user, values):
    """The event's values checked by the website's event form, plus dates, rule and organisers."""
    start = _local(values.get("start"))
    form_values = {name: values.get(name) for name in EVENT_TEXT_FIELDS if name in values}
    form_values["day"] = start.date().isoformat() if start else ""
    form = EventForm(_form_data(form_values), user=user)
    form_ok = form.is_valid()
    errors, extra = _event_values(values)
    if not form_ok:
        for name, messages in _errors(form).items():
            if name not in ("day", "start_time", "end_time", "organiser_names"):
                errors.setdefault(name, []).extend(messages)
            elif name == "day" and "start" not in errors:
                errors["start"] = messages
    if errors:
        raise Invalid(errors)
    data = form.to_data()
    data.update(extra)
    return data


def new_event(token, values):
    user = token.user
    check_charter(user)
    data = _valid_event(user, {"status": "scheduled", **values})
    if not services.may_publish(user, Kind.NEW_EVENT, None, data):
        raise Refused(_("Your token may only add events organised by an entry you edit."))
    return _submit(Kind.NEW_EVENT, data, token)


def change_event(token, event, changes, *, if_match=None):
    user = token.user
    if not services.may_publish(user, Kind.CHANGE_EVENT, event, {}):
        raise Refused(_("Your token may only change the events of the entries you edit."))
    check_charter(user)
    current = entries.snapshot(event)
    data = _valid_event(user, {**current, **changes})
    # Organisers follow the website's rule (proposals.services.submit): other actors named or
    # removed, or the event handed over, wait for approval.
    return _submit_change(Kind.CHANGE_EVENT, event, data, token, base=current, if_match=if_match)
