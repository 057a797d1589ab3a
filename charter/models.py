"""The shared charter: a versioned text every contributor accepts before publishing."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class CharterVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False, published_at__lte=timezone.now())


class CharterVersion(models.Model):
    """One version of the charter. A version with no publication date (or a future one) is a
    draft; the latest published version is the one contributors accept."""

    text = models.TextField(
        _("text"), help_text=_("Plain text. Leave an empty line between paragraphs; start a line with “- ” for a list.")
    )
    summary = models.CharField(
        _("what changed"),
        max_length=300,
        blank=True,
        help_text=_("One sentence shown in the list of versions, e.g. “Added a rule on photos”."),
    )
    published_at = models.DateTimeField(
        _("published on"),
        null=True,
        blank=True,
        help_text=_("Leave empty while the version is a draft. Contributors are asked to accept the new version."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CharterVersionQuerySet.as_manager()

    class Meta:
        ordering = [models.F("published_at").desc(nulls_first=True), "-pk"]
        verbose_name = _("charter version")
        verbose_name_plural = _("charter versions")

    def __str__(self):
        if self.published_at:
            return _("Charter of %(date)s") % {"date": date_format(timezone.localtime(self.published_at).date())}
        return _("Charter draft #%(pk)s") % {"pk": self.pk}


class CharterAcceptance(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="charter_acceptances")
    version = models.ForeignKey(CharterVersion, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField(_("accepted on"), auto_now_add=True)

    class Meta:
        ordering = ["-accepted_at"]
        verbose_name = _("charter acceptance")
        verbose_name_plural = _("charter acceptances")
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="unique_charter_acceptance")]

    def __str__(self):
        return f"{self.user} ✓ {self.version}"
