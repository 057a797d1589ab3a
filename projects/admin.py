from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from maillage import changes
from maillage.admin import ArchivingAdmin

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
    """Projects written through their owner: a form sent is one change set (source admin), the
    project saved by ``services.save_project`` (search document, one history record, one bump);
    the records of its participations, phases and news join the same change set."""

    list_display = ("title", "status", "start_date", "end_date", "is_synthetic")
    list_filter = ("status", "is_synthetic")
    search_fields = ("title_fr", "title_nl", "title_en", "slug")
    prepopulated_fields = {"slug": ("title_fr",)}
    filter_horizontal = ("themes",)
    inlines = [ParticipationInline, PhaseInline, UpdateInline]

    def changeform_view(self, request, *args, **kwargs):
        with changes.recording(user=request.user, reason=_("Changed in the admin"), source=changes.Source.ADMIN):
            return super().changeform_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        # The row first (the inlines need its id); save_related then saves it through the owner.
        with changes.quietly(obj):
            super().save_model(request, obj, form, change)
        if not change:
            changes.record(obj, "+")

    def save_related(self, request, form, formsets, change):
        with changes.quietly(form.instance):  # its links: the owner's one record below says them
            super().save_related(request, form, formsets, change)
        services.save_project(form.instance, themes=form.cleaned_data.get("themes"))

    def archive_object(self, obj, user):
        return services.archive_project(obj, user)

    def restore_object(self, obj, user):
        return services.restore_project(obj, user)
