from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from maillage.models import ChangeSetRecord

from .models import Event, ProgrammeItem


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "description", "price")


@register(ProgrammeItem)
class ProgrammeItemTranslation(TranslationOptions):
    fields = ("title", "description")


# History is registered after the translated fields exist, so every version keeps all languages.
# Many-to-many fields are versioned too (one row per link and version), so a revert restores them.
_DERIVED = ["updated", "vevent_fr", "vevent_nl", "vevent_en"]
track_history(
    Event,
    excluded_fields=_DERIVED,
    m2m_fields=["organisers", "themes", "audiences", "languages"],
    bases=[ChangeSetRecord],
)
track_history(ProgrammeItem, m2m_fields=["organisers"], bases=[ChangeSetRecord])
