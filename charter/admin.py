from django.contrib import admin
from modeltranslation import settings as mt_settings
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import build_localized_fieldname
from simple_history.admin import SimpleHistoryAdmin

from .models import CharterAcceptance, CharterVersion


@admin.register(CharterVersion)
class CharterVersionAdmin(SimpleHistoryAdmin, TranslationAdmin):
    """Edit a draft, then give it a publication date: contributors are asked to accept it. Once
    published, its text is read-only: a change is a new version, which they accept in turn."""

    list_display = ("__str__", "summary", "published_at", "created")
    date_hierarchy = "created"
    readonly_fields = ("created",)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # The stored row decides, not ``obj``: the history's revert form passes an older state
        # (perhaps a draft) of a version that is published now.
        if obj is not None and obj.pk and CharterVersion.objects.published().filter(pk=obj.pk).exists():
            texts = [build_localized_fieldname("text", lang) for lang in mt_settings.AVAILABLE_LANGUAGES]
            fields = (*fields, *texts)
        return fields


@admin.register(CharterAcceptance)
class CharterAcceptanceAdmin(admin.ModelAdmin):
    list_display = ("user", "version", "accepted_at")
    list_filter = ("version",)
    search_fields = ("user__email",)
    list_select_related = ("user", "version")
    autocomplete_fields = ("user",)
    readonly_fields = ("accepted_at",)
