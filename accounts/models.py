"""Who may edit what: editors of actors, claims on existing entries, invitations of colleagues.

Roles: a visitor has no account; a contributor is any signed-in user; an editor of an actor has
an ``Editorship`` on it; a moderator belongs to the "moderators" group (the watch group); an
administrator is a superuser. ``accounts.permissions`` is the one place that answers "may this
user do that".

These models and the permissions sit low (below the directory, whose views ask the permissions):
they name the actor by its label ("directory.Actor"), without importing the directory.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MODERATORS_GROUP = "moderators"


class Editorship(models.Model):
    """A user may edit an actor, its events and its projects, and publish without review."""

    class Via(models.TextChoices):
        CLAIM_EMAIL = "claim_email", _("claim confirmed through the actor's public email")
        CLAIM_MODERATOR = "claim_moderator", _("claim approved by a moderator")
        INVITATION = "invitation", _("invited by an editor")
        ADMIN = "admin", _("added by an administrator")
        CREATION = "creation", _("proposed the entry")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="editorships")
    actor = models.ForeignKey("directory.Actor", on_delete=models.CASCADE, related_name="editorships")
    via = models.CharField(_("how"), max_length=20, choices=Via.choices)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("editor of an actor")
        verbose_name_plural = _("editors of actors")
        constraints = [models.UniqueConstraint(fields=["user", "actor"], name="unique_editorship")]

    def __str__(self):
        return f"{self.user} → {self.actor}"


class Claim(models.Model):
    """A person says "this entry is ours"; confirmed by a link to the actor's public email or
    by a moderator."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims")
    actor = models.ForeignKey("directory.Actor", on_delete=models.CASCADE, related_name="claims")
    message = models.TextField(_("message to the moderators"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")

    def __str__(self):
        return f"{self.user} → {self.actor} ({self.status})"


class Invitation(models.Model):
    """An editor invites a colleague by email to edit the same actor."""

    actor = models.ForeignKey("directory.Actor", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.actor}"


class Profile(models.Model):
    """What a user tells about themselves: the name others see and the language of our emails."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(
        _("your name"),
        max_length=150,
        blank=True,
        help_text=_("Shown to moderators and to the editors you work with, e.g. “Aïcha from Repair Café Ixelles”."),
    )
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the emails we send you."),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return self.display_name or str(self.user)
