from modeltranslation.translator import TranslationOptions, register

from .models import Commune, Region


@register(Region)
class RegionTranslation(TranslationOptions):
    fields = ("name",)


@register(Commune)
class CommuneTranslation(TranslationOptions):
    fields = ("name",)
