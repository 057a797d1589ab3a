from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from directory.services import add_parent_themes
from history.admin import ArchivingAdmin

from . import services
from .models import Event, ProgrammeItem


class ProgrammeInline(TranslationStackedInline):
    model = ProgrammeItem
    extra = 0
    autocomplete_fields = ("organisers",)


@admin.register(Event)
class EventAdmin(ArchivingAdmin, SimpleHistoryAdmin, TranslationAdmin):
    list_display = ("title", "start", "status", "commune", "is_synthetic")
    list_filter = ("status", "all_day", "is_synthetic", "commune")
    search_fields = ("title_fr", "title_nl", "title_en", "slug")
    date_hierarchy = "start"
    prepopulated_fields = {"slug": ("title_fr",)}
    autocomplete_fields = ("organisers", "place")
    filter_horizontal = ("themes", "audiences", "languages")
    exclude = ("commune",)
    inlines = [ProgrammeInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        event = form.instance
        add_parent_themes(event, list(event.themes.values_list("pk", flat=True)))
        services.after_change(event)
