"""Printing: the documents Maillage typesets (directories, handouts, posters), kept until the data
they were made from changes.

A ``Printout`` is one document for one set of choices (kind + parameters) at one version of the
data: asking again for the same choices while the data has not changed serves the same file; a
change of the data gives a new key, hence a new document. Large documents are produced by the
worker; the printout carries their progress for the page that waits for them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Printout(models.Model):
    class Kind(models.TextChoices):
        DIRECTORY = "directory", _("Directory")
        HANDOUT = "handout", _("Neighbourhood handout")
        POSTER = "poster", _("Agenda poster")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being typeset")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    # sha256 of the kind, the parameters and the data version(s): the cache key.
    key = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    params = models.JSONField(default=dict)
    # The data versions the document was made from ({"actors": n, "events": m}): once one of them
    # is no longer current, the document is outdated (kept a day, then pruned).
    versions = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # File name inside settings.PRINT_DIR once done.
    file_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)
    # When the printout was last (re)started: a queued or running one not finished long after is stale.
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("printout")
        verbose_name_plural = _("printouts")

    def __str__(self):
        return f"{self.get_kind_display()} {self.key[:8]}"
