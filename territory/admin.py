from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import Commune, Postcode, Region


class PostcodeInline(admin.TabularInline):
    model = Postcode
    extra = 0


@admin.register(Region)
class RegionAdmin(TranslationAdmin):
    list_display = ("name", "slug")


@admin.register(Commune)
class CommuneAdmin(TranslationAdmin):
    list_display = ("name", "nis_code", "region")
    search_fields = ("name_fr", "name_nl", "nis_code")
    inlines = [PostcodeInline]
