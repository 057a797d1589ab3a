"""The shapes of the API's answers and of the editors' changes, for the OpenAPI document."""

import datetime as dt

from django.utils import translation
from ninja import Schema
from pydantic import Field, create_model

from agenda import fields as event_fields
from directory import fields as actor_fields

from .values import api_fields


class Error(Schema):
    detail: str
    messages: list[str] = []
    errors: dict[str, list[str]] = {}


class CommuneRef(Schema):
    slug: str
    name: str


class Page(Schema):
    count: int
    page: int
    per_page: int
    pages: int
    next: str | None
    previous: str | None
    notices: list[str] = Field(description="Filter values that were left out, and why.")


class Theme(Schema):
    slug: str
    name: str
    pictogram: str
    parent: str | None


class ThemePage(Page):
    results: list[Theme]


class Commune(Schema):
    slug: str
    name: str
    nis_code: str
    lat: float | None
    lon: float | None


class CommunePage(Page):
    results: list[Commune]


class Place(Schema):
    id: int
    name: str
    street: str
    postcode: str
    commune: CommuneRef | None
    lat: float | None
    lon: float | None
    approximate: bool


class PlacePage(Page):
    results: list[Place]


class ActorSummary(Schema):
    slug: str
    name: str
    acronym: str
    kind: str
    status: str
    commune: CommuneRef | None
    lat: float | None
    lon: float | None
    location_approximate: bool
    has_venue: bool
    themes: list[str] = Field(description="Slugs of its top themes (all its themes in the detail).")
    website: str
    email: str
    phone: str
    opening_hours: str = Field(
        description="Free text in the requested language (else the first one filled in), e.g. "
        "“Lundi–vendredi 9 h–17 h”; empty when unknown."
    )
    last_verified: dt.date | None
    synthetic: bool
    url: str
    api_url: str


class ActorPage(Page):
    results: list[ActorSummary]


class Contact(Schema):
    name: str
    email: str
    phone: str


class Actor(ActorSummary):
    description: str = Field(description="Sanitised HTML.")
    audiences: list[str]
    languages: list[str]
    places: list[Place]
    social_links: list[str]
    company_number: str
    logo: str | None
    contact: Contact | None = Field(description="Only when the contact person agreed to be shown.")
    events_api_url: str


class EventSummary(Schema):
    slug: str
    title: str
    start: dt.datetime = Field(description="Start of this occurrence (recurring events: one item per date).")
    end: dt.datetime | None
    all_day: bool
    status: str
    online: bool
    commune: CommuneRef | None
    organisers: list[str]
    synthetic: bool
    url: str
    api_url: str


class EventPage(Page):
    results: list[EventSummary]


class ActorRef(Schema):
    slug: str
    name: str
    api_url: str


class Occurrence(Schema):
    start: dt.datetime
    end: dt.datetime | None


class Event(Schema):
    slug: str
    title: str
    description: str
    start: dt.datetime
    end: dt.datetime | None
    all_day: bool
    rrule: str
    status: str
    place: Place | None
    commune: CommuneRef | None
    online_url: str
    organisers: list[ActorRef]
    themes: list[str]
    audiences: list[str]
    languages: list[str]
    price: str
    registration_url: str
    next_occurrences: list[Occurrence]
    synthetic: bool
    url: str
    api_url: str


class Participant(Schema):
    actor: str
    name: str
    role: str


class ProjectSummary(Schema):
    slug: str
    title: str
    summary: str
    status: str
    start_date: dt.date | None
    end_date: dt.date | None
    themes: list[str]
    participants: list[Participant]
    synthetic: bool
    url: str
    api_url: str


class ProjectPage(Page):
    results: list[ProjectSummary]


class Phase(Schema):
    title: str
    description: str
    start_date: dt.date | None
    end_date: dt.date | None
    questions: list[str]
    deliverables: list[str]


class Update(Schema):
    date: dt.date
    title: str
    body: str


class Project(ProjectSummary):
    description: str
    phases: list[Phase]
    updates: list[Update]


# --- writes -----------------------------------------------------------------------------------
#
# Built from the owners' field specifications (``directory.fields.ACTOR``, ``agenda.fields.EVENT``):
# the fields the API may set (``settable_by(API)``), in the spec's order, each optional (the others
# stay as they are). The functions build a new schema from the spec as it is when called; the
# classes below are built once, when the OpenAPI document is made.

# What the API adds to a field's documentation (its own rules); other fields show the spec's help.
NOTES = {
    "rrule": "An iCalendar RRULE, e.g. FREQ=WEEKLY;BYDAY=TH; empty: no repeat.",
    "organisers": "Actor slugs; at least one you edit. Naming or removing others waits for approval.",
}
VOCABULARY_NOTES = {"theme": "Theme slugs (GET /api/themes).", "language": "Language codes."}
TYPE_NOTES = {"datetime": "Local time (Europe/Brussels) unless an offset is given."}
NEW_EVENT_NOTES = {"organisers": "Actor slugs; at least one you edit. Others named wait for approval."}

# Fields the API took in one language (the request's) before the spec gave each language its own
# column: still accepted, for the clients that send them.
FORMER_FIELDS = {"price": "The price in the language of the request; price_fr, price_nl and price_en name each."}

_TYPES = {"bool": bool, "slugs": list[str], "datetime": dt.datetime, "date": dt.date}


def _description(field, notes):
    if field.name in notes:
        return notes[field.name]
    if field.many and field.vocabulary._meta.model_name in VOCABULARY_NOTES:
        return VOCABULARY_NOTES[field.vocabulary._meta.model_name]
    if field.type in TYPE_NOTES:
        return TYPE_NOTES[field.type]
    if field.help:
        with translation.override("en"):
            return str(field.help)
    return None


def write_schema(name, spec, *, required=(), notes=NOTES, doc=None):
    """A schema of the fields of ``spec`` the API writes, each optional but ``required``."""
    definitions = {}
    fields = api_fields(spec)
    for field in fields:
        if field.lang and field.base in FORMER_FIELDS and field.base not in definitions:
            definitions[field.base] = (str | None, Field(None, description=FORMER_FIELDS[field.base]))
        annotation = _TYPES.get(field.type, str)
        description = _description(field, notes)
        if field.name in required:
            definitions[field.name] = (annotation, Field(description=description))
        else:
            definitions[field.name] = (annotation | None, Field(None, description=description))
    return create_model(name, __base__=Schema, __doc__=doc, **definitions)


def actor_change_schema():
    return write_schema("ActorChange", actor_fields.ACTOR, doc="The fields to change; the others stay as they are.")


def event_change_schema():
    return write_schema("EventChange", event_fields.EVENT, doc="The fields to change; the others stay as they are.")


def new_event_schema():
    return write_schema(
        "NewEvent", event_fields.EVENT, required=("start", "organisers"), notes={**NOTES, **NEW_EVENT_NOTES}
    )


ActorChange = actor_change_schema()
EventChange = event_change_schema()
NewEvent = new_event_schema()


class Waiting(Schema):
    proposal: int = Field(description="The proposal a moderator reviews.")
    detail: str


class WriteResult(Schema):
    slug: str
    proposal: int = Field(description="The proposal recording the change (published at once).")
    status: str
    api_url: str
    waiting: Waiting | None = Field(
        None, description="Organisers named or removed who are not your entries: that part waits for approval."
    )
