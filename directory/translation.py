from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from maillage.models import ChangeSetRecord

from .models import Actor, Audience, Language, Place, Theme


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("name", "keywords")


@register(Audience)
class AudienceTranslation(TranslationOptions):
    fields = ("name", "keywords")


@register(Language)
class LanguageTranslation(TranslationOptions):
    fields = ("name",)


@register(Place)
class PlaceTranslation(TranslationOptions):
    fields = ("name",)


@register(Actor)
class ActorTranslation(TranslationOptions):
    fields = ("name", "description", "opening_hours")


# History is registered after the translated fields exist, so every version keeps all languages.
# Many-to-many fields are versioned too (one row per link and version), so a revert restores them.
track_history(Place, bases=[ChangeSetRecord])
# The vocabularies and the thesaurus: an edit in the admin is a version too (who changed which words).
track_history(Theme, bases=[ChangeSetRecord])
track_history(Audience, bases=[ChangeSetRecord])
track_history(
    Actor,
    excluded_fields=["updated"],
    m2m_fields=["themes", "audiences", "languages", "places"],
    bases=[ChangeSetRecord],
)
