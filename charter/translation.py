from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from maillage.models import ChangeSetRecord

from .models import CharterVersion


@register(CharterVersion)
class CharterVersionTranslation(TranslationOptions):
    fields = ("text", "summary")


# History is registered after the translated fields exist, so every version keeps all languages.
track_history(CharterVersion, bases=[ChangeSetRecord])
