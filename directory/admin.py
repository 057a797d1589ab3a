from django.contrib import admin
from django.db import models
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from maillage import changes
from maillage.admin import ArchivingAdmin, ChangeSetAdmin

from . import services
from .models import Actor, ActorRelation, Audience, Language, Place, Theme


class HistoryTranslationAdmin(SimpleHistoryAdmin, TranslationAdmin):
    """Translated fields side by side, with every version kept and viewable."""


@admin.register(Theme)
class ThemeAdmin(ChangeSetAdmin, HistoryTranslationAdmin):
    """A theme's names and everyday words (the thesaurus that search and the handout read): a save
    is one change set, one version, and the search's vocabulary follows at the next request."""

    list_display = ("name", "parent", "pictogram", "position")
    list_filter = ("parent",)
    search_fields = ("name_fr", "name_nl", "name_en", "keywords_fr", "keywords_nl", "keywords_en", "slug")
    prepopulated_fields = {"slug": ("name_fr",)}


@admin.register(Audience)
class AudienceAdmin(ChangeSetAdmin, HistoryTranslationAdmin):
    list_display = ("name", "position")
    search_fields = ("name_fr", "name_nl", "name_en", "slug")


@admin.register(Language)
class LanguageAdmin(TranslationAdmin):
    list_display = ("name", "position")


@admin.register(Place)
class PlaceAdmin(HistoryTranslationAdmin):
    list_display = ("__str__", "commune", "approximate")
    list_filter = ("commune", "approximate")
    search_fields = ("name_fr", "street", "postcode")

    def save_model(self, request, obj, form, change):
        with changes.recording(user=request.user, source=changes.Source.ADMIN):
            services.save_place(obj)  # located, its actors refreshed


class RelationInline(admin.TabularInline):
    model = ActorRelation
    fk_name = "source"
    extra = 0
    autocomplete_fields = ("target",)


@admin.register(Actor)
class ActorAdmin(ChangeSetAdmin, ArchivingAdmin, HistoryTranslationAdmin):
    list_display = ("name", "kind", "commune", "status", "last_verified", "is_synthetic")
    list_filter = ("kind", "status", "commune", "is_synthetic")
    search_fields = ("name_fr", "name_nl", "name_en", "acronym", "company_number", "slug")
    prepopulated_fields = {"slug": ("name_fr",)}
    filter_horizontal = ("themes", "audiences", "languages")
    autocomplete_fields = ("places",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # as the proposal form and the API
    list_select_related = ("commune",)
    inlines = [RelationInline]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        services.save_actor(
            obj,
            themes=data.get("themes"),
            audiences=data.get("audiences"),
            languages=data.get("languages"),
            places=data.get("places"),
        )

    def save_related(self, request, form, formsets, change):
        # The links were written by save_actor (form.save_m2m would write them again).
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def archive_object(self, obj, user):
        return services.archive_actor(obj, user)

    def restore_object(self, obj, user):
        return services.restore_actor(obj, user)
