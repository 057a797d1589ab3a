from django.contrib import admin

from .models import Printout


@admin.register(Printout)
class PrintoutAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "status", "pages", "size", "created", "finished")
    list_filter = ("kind", "status")
    search_fields = ("key",)
    readonly_fields = (
        "key",
        "kind",
        "params",
        "versions",
        "status",
        "done",
        "total",
        "file_name",
        "size",
        "pages",
        "error",
        "requested_by",
        "created",
        "started",
        "finished",
    )

    def has_add_permission(self, request):
        return False
