from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from history.admin import ArchivingAdmin

from . import services
from .models import Participation, Phase, Project, Update


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ("actor",)


class PhaseInline(TranslationStackedInline):
    model = Phase
    extra = 0


class UpdateInline(TranslationStackedInline):
    model = Update
    extra = 0


@admin.register(Project)
class ProjectAdmin(ArchivingAdmin, SimpleHistoryAdmin, TranslationAdmin):
    list_display = ("title", "status", "start_date", "end_date", "is_synthetic")
    list_filter = ("status", "is_synthetic")
    search_fields = ("title_fr", "title_nl", "title_en", "slug")
    prepopulated_fields = {"slug": ("title_fr",)}
    filter_horizontal = ("themes",)
    inlines = [ParticipationInline, PhaseInline, UpdateInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.refresh_search(form.instance)
