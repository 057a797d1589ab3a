"""The scheduler's model (``maillage.scheduler``). Kept out of ``maillage/models.py`` only because
that file has another owner for now; ``maillage.models`` imports it so that Django registers it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """When a periodic job last started: several workers enqueue it at most once per period.
    (Until issue 12 it was ``freshness.ScheduledRun``; migration ``maillage.0004`` took its rows.)"""

    name = models.CharField(max_length=100, unique=True)
    last_run = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "maillage"
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")

    def __str__(self):
        return self.name
