from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import CharterAcceptance, CharterVersion


@admin.register(CharterVersion)
class CharterVersionAdmin(SimpleHistoryAdmin, TranslationAdmin):
    """Edit a draft, then give it a publication date: contributors are asked to accept it."""

    list_display = ("__str__", "summary", "published_at", "created")
    date_hierarchy = "created"
    readonly_fields = ("created",)


@admin.register(CharterAcceptance)
class CharterAcceptanceAdmin(admin.ModelAdmin):
    list_display = ("user", "version", "accepted_at")
    list_filter = ("version",)
    search_fields = ("user__email",)
    list_select_related = ("user", "version")
    autocomplete_fields = ("user",)
    readonly_fields = ("accepted_at",)
