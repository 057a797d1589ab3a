"""Proposals: what anyone (with or without an account) asks to add or change, waiting for the
watch group's review, and what editors published directly (kept for the record)."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Proposal(models.Model):
    class Kind(models.TextChoices):
        NEW_ACTOR = "new_actor", _("new initiative")
        CHANGE_ACTOR = "change_actor", _("change to an initiative")
        NEW_EVENT = "new_event", _("new event")
        CHANGE_EVENT = "change_event", _("change to an event")
        CHANGE_PROJECT = "change_project", _("change to a project")
        PROJECT_UPDATE = "project_update", _("project news")
        PROBLEM = "problem", _("problem report")

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("waiting for email confirmation")
        PENDING = "pending", _("waiting for review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        PUBLISHED = "published", _("published by an editor")

    # One per submitted form: a double click or a retried request cannot create a second proposal.
    submission = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)

    # The object concerned (changes, reports, news) or created (new entries, once approved).
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    target_label = models.CharField(_("concerns"), max_length=300, blank=True)

    data = models.JSONField(_("proposed values"), default=dict, blank=True)
    base = models.JSONField(_("values when proposed"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    duplicates = models.JSONField(_("possible duplicates"), default=list, blank=True)

    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    proposer_name = models.CharField(_("your name"), max_length=200, blank=True)
    proposer_email = models.EmailField(_("your email"), blank=True)
    proposer_is_member = models.BooleanField(_("the proposer is part of the initiative"), default=False)
    language = models.CharField(max_length=8, default="fr")
    charter_version = models.PositiveIntegerField(null=True, blank=True)

    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_proposals",
        verbose_name=_("assigned to"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [
            models.Index(fields=["status", "created"], name="proposal_status_created"),
            models.Index(fields=["target_type", "target_id"], name="proposal_target"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.target_label}"

    @property
    def is_open(self):
        return self.status in (self.Status.UNCONFIRMED, self.Status.PENDING)

    @property
    def contact_email(self):
        return self.proposer.email if self.proposer_id else self.proposer_email


class ProposalComment(models.Model):
    """Internal notes of the watch group on a proposal (never shown to the proposer)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("comment"))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created"]
        verbose_name = _("internal comment")
        verbose_name_plural = _("internal comments")

    def __str__(self):
        return self.text[:60]
