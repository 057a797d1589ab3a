"""Freshness watch: reminders sent to actors' editors, website checks.

An actor's freshness itself is ``Actor.last_verified`` (directory); this app only records what was
done to keep it fresh.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.models import Actor


class Reminder(models.Model):
    """One "is this still correct?" email run for an actor (to all its recipients)."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="reminders")
    sent_at = models.DateTimeField(_("sent on"))
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    # 0 when the actor had nobody to write to: it goes to the moderators after the grace period.
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("freshness reminder")
        verbose_name_plural = _("freshness reminders")
        indexes = [models.Index(fields=["actor", "sent_at"], name="reminder_actor_sent_idx")]

    def __str__(self):
        return f"{self.actor} ({self.sent_at:%Y-%m-%d})"


class LinkCheck(models.Model):
    """The latest check of an actor's website."""

    actor = models.OneToOneField(Actor, on_delete=models.CASCADE, related_name="link_check")
    url = models.URLField(_("address"), max_length=500)
    checked_at = models.DateTimeField(_("checked on"), db_index=True)
    status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    ok = models.BooleanField(_("reachable"), default=True)
    error = models.CharField(_("error"), max_length=200, blank=True)
    failures = models.PositiveSmallIntegerField(_("consecutive failures"), default=0)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)

    # A link is dead when it failed on this many consecutive checks.
    DEAD_AFTER = 2

    class Meta:
        verbose_name = _("website check")
        verbose_name_plural = _("website checks")

    def __str__(self):
        return f"{self.url}: {'ok' if self.ok else self.status or self.error}"

    # What the checker records (services.check_url), as moderators read it.
    ERRORS = {
        "timeout": _("no answer in time"),
        "private address": _("address on a private network"),
        "unsupported address": _("not a web address"),
        "unknown host": _("unknown domain name"),
    }

    @property
    def dead(self):
        return self.failures >= self.DEAD_AFTER

    @property
    def problem(self):
        if self.status and self.status >= 400:
            return f"HTTP {self.status}"
        return self.ERRORS.get(self.error) or _("unreachable (%(error)s)") % {"error": self.error or "?"}
