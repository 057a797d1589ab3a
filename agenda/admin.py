from django.contrib import admin
from django.db import models
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from maillage.admin import ArchivingAdmin, OwnerSavedAdmin

from . import services
from .models import Event, ProgrammeItem


class ProgrammeInline(TranslationStackedInline):
    model = ProgrammeItem
    extra = 0
    autocomplete_fields = ("organisers",)


@admin.register(Event)
class EventAdmin(OwnerSavedAdmin, ArchivingAdmin, SimpleHistoryAdmin, TranslationAdmin):
    """Events written through their owner: a form sent is one change set (source admin), the event
    saved by ``services.save_event`` (derived state, one history record, one bump); its programme
    items' records join the same change set."""

    list_display = ("title", "start", "status", "commune", "is_synthetic")
    list_filter = ("status", "all_day", "is_synthetic", "commune")
    search_fields = ("title_fr", "title_nl", "title_en", "slug")
    date_hierarchy = "start"
    prepopulated_fields = {"slug": ("title_fr",)}
    autocomplete_fields = ("organisers", "place")
    filter_horizontal = ("themes", "audiences", "languages")
    exclude = ("commune",)
    inlines = [ProgrammeInline]
    # A link typed without its scheme is an https one (Django 6's default, asked for now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_through_owner(self, event, data):
        services.save_event(event, **{name: data[name] for name in services.LINKS if name in data})

    def archive_object(self, obj, user):
        return services.archive_event(obj, user)

    def restore_object(self, obj, user):
        return services.restore_event(obj, user)
