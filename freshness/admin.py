from django.contrib import admin

from .models import LinkCheck, Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("actor", "sent_at", "recipients", "answered_at")
    list_filter = ("sent_at", "answered_at")
    search_fields = ("actor__name_fr", "actor__slug")
    raw_id_fields = ("actor",)
    date_hierarchy = "sent_at"
    list_select_related = ("actor",)


@admin.register(LinkCheck)
class LinkCheckAdmin(admin.ModelAdmin):
    list_display = ("actor", "url", "ok", "status", "error", "failures", "failing_since", "checked_at")
    list_filter = ("ok",)
    search_fields = ("actor__name_fr", "url")
    raw_id_fields = ("actor",)
    list_select_related = ("actor",)
