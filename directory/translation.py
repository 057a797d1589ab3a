from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from .models import Actor, Audience, Language, Place, Theme


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("name",)


@register(Audience)
class AudienceTranslation(TranslationOptions):
    fields = ("name",)


@register(Language)
class LanguageTranslation(TranslationOptions):
    fields = ("name",)


@register(Place)
class PlaceTranslation(TranslationOptions):
    fields = ("name",)


@register(Actor)
class ActorTranslation(TranslationOptions):
    fields = ("name", "description")


# History is registered after the translated fields exist, so every version keeps all languages.
for _model in (
    Place,
    Actor,
):
    track_history(_model, excluded_fields=["updated"])
