from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from history.admin import ArchivingAdmin

from . import services
from .models import Actor, ActorRelation, Audience, Language, Place, Theme


class HistoryTranslationAdmin(SimpleHistoryAdmin, TranslationAdmin):
    """Translated fields side by side, with every version kept and viewable."""


@admin.register(Theme)
class ThemeAdmin(TranslationAdmin):
    list_display = ("name", "parent", "pictogram", "position")
    list_filter = ("parent",)
    search_fields = ("name_fr", "name_nl", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_fr",)}


@admin.register(Audience, Language)
class VocabularyAdmin(TranslationAdmin):
    list_display = ("name", "position")


@admin.register(Place)
class PlaceAdmin(HistoryTranslationAdmin):
    list_display = ("__str__", "commune", "approximate")
    list_filter = ("commune", "approximate")
    search_fields = ("name_fr", "street", "postcode")

    def save_model(self, request, obj, form, change):
        services.locate_place(obj)
        super().save_model(request, obj, form, change)  # signals.place_saved refreshes its actors


class RelationInline(admin.TabularInline):
    model = ActorRelation
    fk_name = "source"
    extra = 0
    autocomplete_fields = ("target",)


@admin.register(Actor)
class ActorAdmin(ArchivingAdmin, HistoryTranslationAdmin):
    list_display = ("name", "kind", "commune", "status", "last_verified", "is_synthetic")
    list_filter = ("kind", "status", "commune", "is_synthetic")
    search_fields = ("name_fr", "name_nl", "name_en", "acronym", "company_number", "slug")
    prepopulated_fields = {"slug": ("name_fr",)}
    filter_horizontal = ("themes", "audiences", "languages")
    autocomplete_fields = ("places",)
    list_select_related = ("commune",)
    inlines = [RelationInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        actor = form.instance
        services.add_parent_themes(actor, list(actor.themes.values_list("pk", flat=True)))
        services.refresh_actor(actor)
