"""The actor's and the place's fields, declared once: the proposal forms, the API schemas, the
merge screen, the import's target fields, the CSV export and the printed entries are built from
``ACTOR`` (at call time, so a field added here reaches every one of them).

Reconciled from the lists each of those kept before: opening hours in every language everywhere
(the merge screen had lost them), the contact person as personal data (shown only with consent),
and the main place's name, street and postcode as pseudo fields (``stored=False``) that
``directory.services.save_actor`` turns into the actor's first place.

Left out on purpose: what nobody chooses (``slug``, ``is_synthetic``) and what the owner derives
from the places (``commune``, ``has_venue``, ``lat``, ``lon``, ``location_approximate``). An import's
own columns (an id in the source, a house number, a position, a contact of some type) are the
import mapping's: they say how a row becomes these fields, not what an actor has.
"""

from django.utils.translation import gettext_lazy as _

from maillage.fields import API, EDITOR, IMPORT, MERGE, PROPOSAL, Field, Spec, translated
from maillage.richtext import clean as clean_rich_text
from territory.models import Commune

from .models import Actor, Audience, Language, Place, Theme
from .validators import format_company_number, normalise_company_number, validate_company_number

# Who writes the main place's address (a merge keeps or unites places rather than typing one).
PLACE_WRITERS = frozenset({EDITOR, PROPOSAL, IMPORT, API})
# What only the entry's editors (the admin) and a merge set: not offered to proposals or the API.
EDITORS_AND_MERGES = frozenset({EDITOR, MERGE})

# The main place's fields, handled by the owner's write function, not columns of the actor.
PLACE_FIELDS = ("place_name", "street", "postcode")
# A contact person's details: personal data, shown only to the entry's editors and the moderators
# unless the person agreed to be shown publicly (``contact_consent``).
CONTACT_PERSON = ("contact_name", "contact_email", "contact_phone")


def _company_number(value):
    """Any written form of a Belgian enterprise number -> its 10 digits (ValidationError if not one)."""
    if not value:
        return ""
    validate_company_number(value)
    return normalise_company_number(value)


def _links(value):
    return ", ".join(str(v) for v in value or [])


ACTOR = Spec(
    Actor,
    [
        *translated("name", _("Name")),
        Field("acronym", _("Acronym")),
        Field("kind", _("Kind"), "choice", choices=Actor.Kind),
        *translated("description", _("Description"), "rich", validate=clean_rich_text),
        Field("themes", _("Themes"), "slugs", vocabulary=Theme),
        Field("audiences", _("For whom"), "slugs", vocabulary=Audience),
        Field("languages", _("Languages spoken"), "slugs", vocabulary=Language),
        Field("place_name", _("Name of the place"), set_by=PLACE_WRITERS, stored=False),
        Field("street", _("Street and number"), set_by=PLACE_WRITERS, stored=False),
        Field("postcode", _("Postcode"), set_by=PLACE_WRITERS, stored=False),
        # A merge unites both actors' places; no other writer links places this way.
        Field("places", _("Places"), "slugs", vocabulary=Place, set_by=frozenset({MERGE})),
        Field("email", _("Public email"), "email"),
        Field("phone", _("Public phone")),
        *translated("opening_hours", _("Opening hours")),
        Field("website", _("Website"), "url"),
        Field("social_links", _("Social links"), "url", set_by=EDITORS_AND_MERGES, show=_links),
        Field(
            "company_number",
            _("Company number"),
            validate=_company_number,
            show=format_company_number,
            help=_("Belgian enterprise number (BCE/KBO), e.g. 0203.071.973."),
        ),
        Field("contact_name", _("Contact person"), personal=True),
        Field("contact_email", _("Contact person's email"), "email", personal=True),
        Field("contact_phone", _("Contact person's phone"), personal=True),
        Field("contact_consent", _("Contact person shown publicly"), "bool", public=False),
        Field("status", _("Status"), "choice", choices=Actor.Status),
        # A file: uploaded on the website (JSON and import files carry none).
        Field("logo", _("Logo"), "file", set_by=frozenset({EDITOR, PROPOSAL, MERGE})),
        Field("last_verified", _("Last verified"), "date", set_by=EDITORS_AND_MERGES),
    ],
)


def _float(value):
    return None if value in (None, "") else float(value)


PLACE = Spec(
    Place,
    [
        *translated("name", _("Name")),
        Field("street", _("Street and number")),
        Field("postcode", _("Postcode")),
        Field("commune", _("Commune"), "choice", vocabulary=Commune),
        Field("lat", _("Latitude"), validate=_float),
        Field("lon", _("Longitude"), validate=_float),
        Field("approximate", _("Approximate location"), "bool"),
    ],
)
