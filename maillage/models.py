from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """A counter per kind of data, bumped on every change.

    In-memory indexes and caches compare it to the version they were built from, so every app
    server sees a change at its next request without sharing memory (one indexed read).
    """

    name = models.CharField(max_length=40, primary_key=True)
    counter = models.PositiveBigIntegerField(default=0)
    # When it was last bumped: the Last-Modified of the pages and exports built from it.
    changed = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.name}@{self.counter}"


class RateCounter(models.Model):
    """How many times one client did one thing in one window of a rate limit (``maillage.ratelimit``).

    The key holds the action, the hashed client and the window; a row outlives its window only
    until the hourly purge.
    """

    key = models.CharField(max_length=120, unique=True)
    count = models.PositiveIntegerField(default=1)
    expires = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.count}"


class PublicManager(models.Manager):
    """The default manager of public objects: archived (deleted) ones are left out.

    Deleting through the site archives instead (``archived_at``), so nothing is lost;
    ``all_objects`` sees everything, for moderators, history and restore.
    """

    def get_queryset(self):
        return super().get_queryset().filter(archived_at__isnull=True)


class ChangeSet(models.Model):
    """One change made at once: a form sent, a proposal approved, an import run, a merge, a revert.

    Every history record written meanwhile points to it (``ChangeSetRecord``), so a version of an
    object is one change set, and the history shows who, why and from where (``maillage.changes``).
    """

    class Source(models.TextChoices):
        FORM = "form", _("form")
        ADMIN = "admin", _("administration")
        PROPOSAL = "proposal", _("proposal")
        IMPORT = "import", _("import")
        MERGE = "merge", _("merge")
        REVERT = "revert", _("revert")
        ARCHIVE = "archive", _("archive")
        API = "api", _("API")
        DEMO = "demo", _("demo data")
        SYSTEM = "system", _("automatic")

    created = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.FORM)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)  # the proposal's, import run's, merge's...

    class Meta:
        verbose_name = _("change set")
        verbose_name_plural = _("change sets")

    def __str__(self):
        return f"{self.source} #{self.pk}"


class ChangeSetRecord(models.Model):
    """The base of every history record (simple-history's ``bases``): the change set it belongs to."""

    change_set = models.ForeignKey(
        ChangeSet, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=True
    )

    class Meta:
        abstract = True


class ScheduledRun(models.Model):
    """When a periodic job last started: several workers enqueue it at most once per period
    (``maillage.scheduler``; until the owners issue it was ``freshness.ScheduledRun``, whose rows
    migration 0004 took)."""

    name = models.CharField(max_length=100, unique=True)
    last_run = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")

    def __str__(self):
        return self.name
