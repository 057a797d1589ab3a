"""The editors' write API: the values sent are checked through the owners' field specifications
(``directory.fields.ACTOR``, ``agenda.fields.EVENT``; ``api.values``), then published through
``proposals.services.submit`` (the website's permissions and rules for organisers, the proposal
recorded as published), which writes through the owners (``directory.services.save_actor``,
``agenda.services.save_event``), in one change set of source API.

A token acts with its user's rights: editors of an entry (and moderators) publish at once, the
proposal being recorded as published; anybody else is refused (403): a token never queues
proposals for review.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from agenda import fields as event_fields
from agenda.models import Event
from charter import services as charter_services
from directory import fields as actor_fields
from maillage import changes, ratelimit
from maillage.fields import LANGS
from proposals import entries, services
from proposals.models import Proposal

from . import services as api_services
from . import values as api_values
from .schemas import FORMER_FIELDS

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
    limit = settings.API_WRITE_RATE_LIMIT
    return ratelimit.hit("api-write", f"user:{token.user_id}", limit=limit, period=60)


def check_charter(user):
    if charter_services.needs_acceptance(user):
        raise Refused(_("Please accept the current charter on the website first, then try again."))


# --- checking and publishing -----------------------------------------------------------------


def _message(token):
    return _("Sent through the API with the token “%(name)s”.") % {"name": token.name}


def _clean(spec, values, instance, rules=None):
    """``values`` checked through ``spec`` (``Invalid`` with each field's messages)."""
    try:
        return api_values.clean(spec, values, instance, rules=rules)
    except ValidationError as error:
        raise Invalid(error.message_dict) from error


def _with_former_fields(values):
    """A field the API took in one language (``FORMER_FIELDS``) is its column in the request's."""
    values = dict(values)
    lang = (get_language() or "fr")[:2]
    for name in FORMER_FIELDS:
        if name in values:
            value = values.pop(name)
            values.setdefault(f"{name}_{lang if lang in LANGS else LANGS[0]}", value)
    return values


def _check_version(obj, if_match):
    """With ``If-Match``, the entry must still be the version the client read (its ETag)."""
    if if_match is not None and not api_services.if_match_holds(if_match, entries.version_of(obj)):
        raise Stale(_("This entry changed since you read it: read it again, then send your change."))


def _publish(kind, data, token, *, target=None, base=None, if_match=None):
    """Publish ``data`` as the token's user: one change set of source API (its reason names the
    proposal); the entry's row stays locked from the version check to the write."""
    with changes.recording(user=token.user, source=changes.Source.API, source_id=token.pk):
        if target is not None:
            target = type(target).objects.select_for_update().get(pk=target.pk)
            _check_version(target, if_match)
        try:
            return services.submit(kind, data, user=token.user, target=target, base=base, message=_message(token))
        except services.ProposalError as error:
            raise Invalid({"__all__": [str(error)]}) from error


# --- actors -----------------------------------------------------------------------------------


def change_actor(token, actor, values, *, if_match=None):
    user = token.user
    if not services.may_publish(user, Kind.CHANGE_ACTOR, actor, {}):
        raise Refused(_("Your token may only change the entries you edit."))
    check_charter(user)
    cleaned = _clean(actor_fields.ACTOR, values, actor)
    current = entries.snapshot(actor)
    return _publish(Kind.CHANGE_ACTOR, {**current, **cleaned}, token, target=actor, base=current, if_match=if_match)


# --- events -----------------------------------------------------------------------------------


def _event_rules(data):
    """What concerns an event's values together: a start, an end after it (the same day at the
    earliest for an all-day event)."""
    start, end = data.get("start"), data.get("end")
    if not start:
        return {"start": [_("This field is required.")]}
    if end and (end < start if data.get("all_day") else end <= start):
        return {"end": [_("The end must come after the start.")]}
    return {}


def _event_data(values, event, current):
    """The event's plain values after the change, checked: ``current`` (its snapshot; for a new
    event, its fields' defaults) with ``values`` sent."""

    def rules(cleaned):
        return _event_rules({**current, **cleaned})

    cleaned = _clean(event_fields.EVENT, _with_former_fields(values), event or Event(), rules=rules)
    return {**current, **cleaned}


def new_event(token, values):
    user = token.user
    check_charter(user)
    defaults = {f.name: api_values.empty(f, Event) for f in api_values.api_fields(event_fields.EVENT)}
    data = _event_data(values, None, defaults)
    if not services.may_publish(user, Kind.NEW_EVENT, None, data):
        raise Refused(_("Your token may only add events organised by an entry you edit."))
    return _publish(Kind.NEW_EVENT, data, token)


def change_event(token, event, values, *, if_match=None):
    user = token.user
    if not services.may_publish(user, Kind.CHANGE_EVENT, event, {}):
        raise Refused(_("Your token may only change the events of the entries you edit."))
    check_charter(user)
    current = entries.snapshot(event)
    data = _event_data(values, event, current)
    # Organisers follow the website's rule (proposals.services.submit): other actors named or
    # removed, or the event handed over, wait for approval.
    return _publish(Kind.CHANGE_EVENT, data, token, target=event, base=current, if_match=if_match)
