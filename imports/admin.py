from django.contrib import admin

from .models import ImportRun, Source, SourceRecord


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("name", "format", "target", "url", "sync_hours", "last_synced")
    search_fields = ("name", "url")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(SourceRecord)
class SourceRecordAdmin(admin.ModelAdmin):
    list_display = ("source", "external_id", "actor", "event", "last_seen", "missing_since")
    list_filter = ("source",)
    search_fields = ("external_id",)
    raw_id_fields = ("actor", "event")
    list_select_related = ("source", "actor", "event")


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("__str__", "format", "dry_run", "status", "total", "created", "finished")
    list_filter = ("status", "dry_run")
    list_select_related = ("source",)
    readonly_fields = ("counts", "report", "error", "created_by")
