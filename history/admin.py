"""The archiving admin moved to the kernel (``maillage.admin``); this one, kept for the event and
project admins until they say how their owners archive, archives through ``history.services``."""

from maillage.admin import ArchivedFilter, restore_selected
from maillage.admin import ArchivingAdmin as BaseArchivingAdmin

from . import services

__all__ = ["ArchivedFilter", "ArchivingAdmin", "restore_selected"]


class ArchivingAdmin(BaseArchivingAdmin):
    def archive_object(self, obj, user):
        return services.archive(obj, user)

    def restore_object(self, obj, user):
        return services.restore(obj, user)
