"""Projects: who leads and funds them, their phases and how they evolve over time."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from directory.models import Actor, Theme
from maillage.links import slug_url
from maillage.models import ChangeSetRecord, PublicManager


class Project(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")
        PAUSED = "paused", _("Paused")

    slug = models.SlugField(unique=True, max_length=140)
    title = models.CharField(_("title"), max_length=250)
    summary = models.TextField(_("summary"), blank=True)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ONGOING)
    themes = models.ManyToManyField(Theme, blank=True, related_name="projects", verbose_name=_("themes"))
    actors = models.ManyToManyField(Actor, through="Participation", related_name="projects", verbose_name=_("actors"))
    is_synthetic = models.BooleanField(_("synthetic (test data)"), default=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(_("archived on"), null=True, blank=True, editable=False)

    objects = PublicManager()
    all_objects = models.Manager()

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_url("projects:project", self.slug)


class Participation(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        PARTNER = "partner", _("Partner")
        FUNDER = "funder", _("Funder")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participations")
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="participations")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    history = HistoricalRecords(bases=[ChangeSetRecord])

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [models.UniqueConstraint(fields=["project", "actor", "role"], name="unique_participation")]

    def __str__(self):
        return f"{self.actor} ({self.get_role_display()})"


class Phase(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phases")
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    questions = models.TextField(_("questions"), blank=True, help_text=_("One per line."))
    deliverables = models.TextField(_("deliverables"), blank=True, help_text=_("One per line."))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "start_date", "id"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self):
        return self.title

    @property
    def question_list(self):
        return [line.strip() for line in self.questions.splitlines() if line.strip()]

    @property
    def deliverable_list(self):
        return [line.strip() for line in self.deliverables.splitlines() if line.strip()]


class Update(models.Model):
    """A dated note on how the project evolves."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("date"), db_index=True)
    title = models.CharField(_("title"), max_length=250)
    body = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("project update")
        verbose_name_plural = _("project updates")

    def __str__(self):
        return self.title
