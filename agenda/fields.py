"""The event's and the programme item's fields, declared once: the proposal forms, the API schemas,
the import's target fields, the exports and the printed entries are built from ``EVENT`` (at call
time, so a field added here reaches every one of them).

Reconciled from the lists each of those kept before (``proposals.entries.EVENT_FIELDS``,
``api.schemas.EventChange``, ``imports.services.EVENT_ATTRS``, the open data CSV): the price in
every language (a translated column, which the proposals and the API wrote in the current language
only), the links as URLs, and the place's name, street and postcode as pseudo fields
(``stored=False``) that become the event's place.

Left out on purpose: what nobody chooses (``slug``, ``is_synthetic``) and what the owner derives
(``commune`` from the place, the iCalendar texts, the occurrences). An import's own columns (an id
in the source, a position, an organiser by name) are the import mapping's.
"""

from django.utils.translation import gettext_lazy as _

from directory.models import Actor, Audience, Language, Theme
from maillage.fields import EDITOR, Field, Spec, translated
from maillage.richtext import clean as clean_rich_text

from .models import Event, ProgrammeItem
from .validators import validate_rrule

# The place's fields, handled by the owner's write function (a place of the directory).
PLACE_FIELDS = ("place_name", "street", "postcode")


def _rrule(value):
    """An RRULE as written after ``RRULE:`` (ValidationError if it is not one the agenda expands)."""
    value = (value or "").strip().removeprefix("RRULE:")
    validate_rrule(value)
    return value


EVENT = Spec(
    Event,
    [
        *translated("title", _("Title")),
        *translated("description", _("Description"), "rich", validate=clean_rich_text),
        Field("start", _("Start"), "datetime"),
        Field("end", _("End"), "datetime"),
        Field("all_day", _("All day"), "bool"),
        Field("rrule", _("Repeats"), validate=_rrule, help=Event._meta.get_field("rrule").help_text),
        Field("place_name", _("Name of the place"), stored=False),
        Field("street", _("Street and number"), stored=False),
        Field("postcode", _("Postcode"), stored=False),
        Field("online_url", _("Online link"), "url"),
        Field("organisers", _("Organisers"), "slugs", vocabulary=Actor),
        Field("themes", _("Themes"), "slugs", vocabulary=Theme),
        Field("audiences", _("For whom"), "slugs", vocabulary=Audience),
        Field("languages", _("Languages"), "slugs", vocabulary=Language),
        *translated("price", _("Price")),
        Field("registration_url", _("Registration link"), "url"),
        Field("status", _("Status"), "choice", choices=Event.Status),
    ],
)

# A programme is written by the event's editors (the admin) only.
PROGRAMME_ITEM = Spec(
    ProgrammeItem,
    [
        Field("kind", _("Kind"), "choice", choices=ProgrammeItem.Kind, set_by=frozenset({EDITOR})),
        *translated("title", _("Title"), set_by=frozenset({EDITOR})),
        *translated("description", _("Description"), "rich", validate=clean_rich_text, set_by=frozenset({EDITOR})),
        Field("start", _("Start"), "datetime", set_by=frozenset({EDITOR})),
        Field("end", _("End"), "datetime", set_by=frozenset({EDITOR})),
        Field("room", _("Room"), set_by=frozenset({EDITOR})),
        Field("organisers", _("Organisers"), "slugs", vocabulary=Actor, set_by=frozenset({EDITOR})),
        Field("speakers", _("Speakers"), set_by=frozenset({EDITOR})),
    ],
)
