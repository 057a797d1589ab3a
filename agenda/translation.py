from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from .models import Event, ProgrammeItem


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "description", "price")


@register(ProgrammeItem)
class ProgrammeItemTranslation(TranslationOptions):
    fields = ("title", "description")


# History is registered after the translated fields exist, so every version keeps all languages.
for _model in (
    Event,
    ProgrammeItem,
):
    track_history(_model, excluded_fields=["updated", "vevent_fr", "vevent_nl", "vevent_en"])
