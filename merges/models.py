"""Merges: two directory entries found to be the same organisation, made one.

A ``Merge`` records what was done so it can be undone: which values were chosen, the kept actor's
values before, and the id of every link moved from the other actor to the kept one.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Merge(models.Model):
    kept = models.ForeignKey(
        "directory.Actor", on_delete=models.CASCADE, related_name="merges_kept", verbose_name=_("kept entry")
    )
    other = models.ForeignKey(
        "directory.Actor", on_delete=models.CASCADE, related_name="merges_absorbed", verbose_name=_("merged entry")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("merged by"),
    )
    created = models.DateTimeField(_("merged on"), auto_now_add=True, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    # {choice key: "kept" | "other"}, see merges.services.CHOICES
    choices = models.JSONField(_("values chosen"), default=dict, blank=True)
    # {"kept": {field: value}, "kept_links": {m2m: [ids]}, "moved": {link kind: [...]}, "dropped": {...}}
    snapshot = models.JSONField(default=dict, blank=True)
    undone_at = models.DateTimeField(_("undone on"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("undone by"),
    )

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self):
        return f"{self.other} → {self.kept}"

    @property
    def is_undone(self):
        return self.undone_at is not None
