"""The shapes of the API's answers and of the editors' changes, for the OpenAPI document."""

import datetime as dt

from ninja import Schema
from pydantic import Field


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


class ActorChange(Schema):
    """The fields to change; the others stay as they are."""

    name_fr: str | None = None
    name_nl: str | None = None
    name_en: str | None = None
    acronym: str | None = None
    kind: str | None = None
    description_fr: str | None = None
    description_nl: str | None = None
    description_en: str | None = None
    themes: list[str] | None = Field(None, description="Theme slugs (GET /api/themes).")
    audiences: list[str] | None = None
    languages: list[str] | None = Field(None, description="Language codes.")
    place_name: str | None = None
    street: str | None = None
    postcode: str | None = None
    email: str | None = None
    phone: str | None = None
    opening_hours_fr: str | None = None
    opening_hours_nl: str | None = None
    opening_hours_en: str | None = None
    website: str | None = None
    company_number: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    contact_consent: bool | None = None
    status: str | None = None


class EventChange(Schema):
    """The fields to change; the others stay as they are."""

    title_fr: str | None = None
    title_nl: str | None = None
    title_en: str | None = None
    description_fr: str | None = None
    description_nl: str | None = None
    description_en: str | None = None
    start: dt.datetime | None = Field(None, description="Local time (Europe/Brussels) unless an offset is given.")
    end: dt.datetime | None = None
    all_day: bool | None = None
    rrule: str | None = Field(None, description="An iCalendar RRULE, e.g. FREQ=WEEKLY;BYDAY=TH; empty: no repeat.")
    place_name: str | None = None
    street: str | None = None
    postcode: str | None = None
    online_url: str | None = None
    organisers: list[str] | None = Field(
        None, description="Actor slugs; at least one you edit. Naming or removing others waits for approval."
    )
    themes: list[str] | None = None
    audiences: list[str] | None = None
    languages: list[str] | None = None
    price: str | None = None
    registration_url: str | None = None
    status: str | None = None


class NewEvent(EventChange):
    start: dt.datetime
    organisers: list[str] = Field(description="Actor slugs; at least one you edit. Others named wait for approval.")


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
