"""Deleting a project from the admin also removes its search document."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from search import index as search_index
from search.models import Document

from .models import Project


@receiver(post_delete, sender=Project)
def project_deleted(sender, instance, **kwargs):
    search_index.remove(Document.Kind.PROJECT, instance.pk)
