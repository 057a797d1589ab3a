"""Admin bases shared by the apps: archived objects stay listed, and "delete" archives instead
(nothing is lost).

``ArchivingAdmin`` asks its subclass how to archive and restore (``archive_object``,
``restore_object``): through the owner's write functions (``directory.services.archive_actor``...),
so the object leaves search, the map and the feeds in one change set.
"""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import changes
from .models import ScheduledRun


class ArchivedFilter(admin.SimpleListFilter):
    title = gettext_lazy("archived")
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("no", gettext_lazy("Public")), ("yes", gettext_lazy("Archived"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(archived_at__isnull=self.value() == "no")
        return queryset


@admin.action(description=gettext_lazy("Restore the selected archived entries"))
def restore_selected(modeladmin, request, queryset):
    restored = [modeladmin.restore_object(obj, request.user) for obj in queryset.filter(archived_at__isnull=False)]
    modeladmin.message_user(request, _("%(count)d entries restored.") % {"count": len(restored)}, messages.SUCCESS)


class ChangeSetAdmin:
    """An admin mixin: what one form of the admin saves (the row, its links, its inlines) is one
    change set (source admin) with one record per object, as everywhere else."""

    def changeform_view(self, request, *args, **kwargs):
        if request.method != "POST":
            return super().changeform_view(request, *args, **kwargs)
        with changes.recording(user=request.user, reason=_("Changed in the admin"), source=changes.Source.ADMIN):
            return super().changeform_view(request, *args, **kwargs)


class OwnerSavedAdmin(ChangeSetAdmin):
    """For a noun whose inlines need its row first: the row is saved quietly, the inlines join the
    change set, then the owner's write function (``save_through_owner``) applies the links and what
    derives from them, with the noun's one record."""

    def save_model(self, request, obj, form, change):
        with changes.quietly(obj):
            super().save_model(request, obj, form, change)
        if not change:
            changes.record(obj, "+")

    def save_related(self, request, form, formsets, change):
        with changes.quietly(form.instance):  # its links: the owner's one record says them
            super().save_related(request, form, formsets, change)
        self.save_through_owner(form.instance, form.cleaned_data)

    def save_through_owner(self, obj, data):
        raise NotImplementedError


class ArchivingAdmin:
    """Mix into the ModelAdmin of a model with ``archived_at`` and an ``all_objects`` manager, and
    say how the owner archives and restores (``archive_object``, ``restore_object``).

    Deleting (one object or the "delete selected" action) archives: the object leaves the site,
    search, the map and the feeds, and keeps its versions; "Restore" brings it back. Nothing is
    deleted from the database.
    """

    actions = [restore_selected]

    def archive_object(self, obj, user):
        raise NotImplementedError("An ArchivingAdmin says how its owner archives an object.")

    def restore_object(self, obj, user):
        raise NotImplementedError("An ArchivingAdmin says how its owner restores an object.")

    def get_queryset(self, request):
        qs = self.model.all_objects.get_queryset()
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def get_list_filter(self, request):
        return (*super().get_list_filter(request), ArchivedFilter)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            func, name, _description = actions["delete_selected"]
            label = _("Archive the selected %(verbose_name_plural)s")
            actions["delete_selected"] = (func, name, label)
        return actions

    def get_deleted_objects(self, objs, request):
        # Nothing related is deleted: the confirmation lists only the entries to archive.
        return [str(obj) for obj in objs], {}, set(), []

    def delete_model(self, request, obj):
        self.archive_object(obj, request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.archive_object(obj, request.user)

    def response_delete(self, request, obj_display, obj_id):
        self.message_user(
            request,
            _("“%(name)s” was archived, not deleted: it can be restored (filter “archived”).") % {"name": obj_display},
            messages.SUCCESS,
        )
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    list_display = ("name", "last_run")
