"""Imports: the outside sources Maillage pulls in, where each record came from, and each run.

A ``Source`` is a list kept elsewhere (a federation's spreadsheet, the City's open data, an iCal
feed). Each row seen in it becomes a ``SourceRecord`` linked to the actor or event it feeds, so a
re-import updates in place and a record that vanished from its source is flagged, never deleted.
An ``ImportRun`` is one dry run or import, with its progress and its per-row report.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.storage import private_storage


class Format(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    JSON = "json", "JSON"
    GEOJSON = "geojson", "GeoJSON"
    ICS = "ics", "iCalendar"
    HSDS = "hsds", "HSDS 3.0"


class Source(models.Model):
    class Target(models.TextChoices):
        ACTORS = "actors", _("Actors")
        EVENTS = "events", _("Events")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(unique=True, max_length=120)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    target = models.CharField(_("what it lists"), max_length=8, choices=Target.choices, default=Target.ACTORS)
    url = models.URLField(_("address of the data"), blank=True, help_text=_("Leave empty for files sent by hand."))
    # {field name: column name}, e.g. {"name": "Nom", "postcode": "Code postal"}; see imports.mapping.
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    licence = models.CharField(_("licence"), max_length=200, blank=True)
    sync_hours = models.PositiveIntegerField(
        _("sync every (hours)"), default=0, help_text=_("0: only when someone imports it.")
    )
    last_synced = models.DateTimeField(_("last synced"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.name


class SourceRecord(models.Model):
    """One record of a source and the entry it feeds (its provenance)."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="records")
    external_id = models.CharField(_("id in the source"), max_length=200)
    actor = models.ForeignKey(
        "directory.Actor", null=True, blank=True, on_delete=models.SET_NULL, related_name="source_records"
    )
    event = models.ForeignKey(
        "agenda.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="source_records"
    )
    # Hash of the mapped values last imported: an unchanged row is recognised without a diff.
    fingerprint = models.CharField(max_length=64, blank=True)
    data = models.JSONField(_("last values seen"), default=dict, blank=True)
    first_seen = models.DateTimeField(_("first seen"), auto_now_add=True)
    last_seen = models.DateTimeField(_("last seen"))
    # Set when a sync no longer finds the record; a moderator decides (the entry stays).
    missing_since = models.DateTimeField(_("missing from the source since"), null=True, blank=True)

    class Meta:
        verbose_name = _("source record")
        verbose_name_plural = _("source records")
        constraints = [models.UniqueConstraint(fields=["source", "external_id"], name="unique_source_record")]
        indexes = [models.Index(fields=["source", "missing_since"])]

    def __str__(self):
        return f"{self.source} #{self.external_id}"


class ImportRun(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        PREVIEWED = "previewed", _("Preview ready")
        APPLIED = "applied", _("Imported")
        FAILED = "failed", _("Failed")

    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs")
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    filename = models.CharField(_("file"), max_length=300, blank=True)
    # The uploaded or downloaded bytes, kept so a previewed run can be applied as it was seen; in
    # private storage (never served: a source may list people's contact details).
    payload = models.FileField(upload_to="imports/", storage=private_storage, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    dry_run = models.BooleanField(_("preview only"), default=True)
    # What the rows are (the source's target when there is a source) and whether one bad row
    # stops the whole import.
    target = models.CharField(
        _("what it lists"), max_length=8, choices=Source.Target.choices, default=Source.Target.ACTORS
    )
    strict = models.BooleanField(_("nothing imported if a row has an error"), default=False)
    # The file's column names, for the mapping form.
    columns = models.JSONField(default=list, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    # {"created": n, "updated": n, "unchanged": n, "duplicate": n, "error": n, "missing": n}
    counts = models.JSONField(default=dict, blank=True)
    # [{"row": 3, "outcome": "error", "message": "...", "name": "...", "candidate": {...}}, ...]
    report = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.source or self.filename} ({self.get_status_display()})"

    @property
    def percent(self):
        return int(100 * self.processed / self.total) if self.total else 0
