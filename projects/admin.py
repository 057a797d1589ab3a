from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from maillage.admin import ArchivingAdmin, OwnerSavedAdmin

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
class ProjectAdmin(OwnerSavedAdmin, ArchivingAdmin, SimpleHistoryAdmin, TranslationAdmin):
    """Projects written through their owner: a form sent is one change set (source admin), the
    project saved by ``services.save_project`` (search document, one history record, one bump);
    the records of its participations, phases and news join the same change set."""

    list_display = ("title", "status", "start_date", "end_date", "is_synthetic")
    list_filter = ("status", "is_synthetic")
    search_fields = ("title_fr", "title_nl", "title_en", "slug")
    prepopulated_fields = {"slug": ("title_fr",)}
    filter_horizontal = ("themes",)
    inlines = [ParticipationInline, PhaseInline, UpdateInline]

    def save_through_owner(self, project, data):
        services.save_project(project, themes=data.get("themes"))

    def archive_object(self, obj, user):
        return services.archive_project(obj, user)

    def restore_object(self, obj, user):
        return services.restore_project(obj, user)
