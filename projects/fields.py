"""The project's and its news' fields, declared once: the proposal forms, the API schemas and the
exports are built from ``PROJECT`` and ``UPDATE`` (at call time, so a field added here reaches
every one of them).

Reconciled from ``proposals.entries`` (PROJECT_FIELDS, UPDATE_FIELDS) and the API's and open
data's project answers. Left out on purpose: ``slug`` and ``is_synthetic`` (nobody chooses them),
the participations (who leads, partners, funds: ``PARTICIPATION``, written by the editors and
merges) and the phases (the editors', in the admin: ``PHASE``).
"""

from django.utils.translation import gettext_lazy as _

from directory.models import Actor, Theme
from maillage.fields import EDITOR, MERGE, Field, Spec, translated
from maillage.richtext import clean as clean_rich_text

from .models import Participation, Phase, Project, Update

EDITORS = frozenset({EDITOR})

PROJECT = Spec(
    Project,
    [
        *translated("title", _("Title")),
        *translated("summary", _("Summary")),
        *translated("description", _("Description"), "rich", validate=clean_rich_text),
        Field("status", _("Status"), "choice", choices=Project.Status),
        Field("start_date", _("Start"), "date"),
        Field("end_date", _("End"), "date"),
        Field("themes", _("Themes"), "slugs", vocabulary=Theme),
    ],
)

# News of a project: a dated note (proposed by anyone, or written by its editors).
UPDATE = Spec(
    Update,
    [
        Field("date", _("Date"), "date"),
        *translated("title", _("Title")),
        *translated("body", _("Text"), "rich", validate=clean_rich_text),
    ],
)

PHASE = Spec(
    Phase,
    [
        *translated("title", _("Title"), set_by=EDITORS),
        *translated("description", _("Description"), "rich", validate=clean_rich_text, set_by=EDITORS),
        Field("start_date", _("Start"), "date", set_by=EDITORS),
        Field("end_date", _("End"), "date", set_by=EDITORS),
        *translated("questions", _("Questions"), set_by=EDITORS),
        *translated("deliverables", _("Deliverables"), set_by=EDITORS),
    ],
)

PARTICIPATION = Spec(
    Participation,
    [
        Field("actor", _("Actor"), "slugs", vocabulary=Actor, set_by=frozenset({EDITOR, MERGE})),
        Field("role", _("Role"), "choice", choices=Participation.Role, set_by=frozenset({EDITOR, MERGE})),
    ],
)
