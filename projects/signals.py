"""Reactions to what the projects' owner functions cannot see: a project deleted outside them (the
shell, a data fix), participations deleted with their actor (the directory's deletion)."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from maillage import changes, data_version
from search import engine as search_engine
from search.models import Document

from .models import Participation, Project


@receiver(post_delete, sender=Project)
def project_deleted(sender, instance, **kwargs):
    search_engine.remove(Document.Kind.PROJECT, instance.pk)
    changes.bump(data_version.PROJECTS)


@receiver(post_delete, sender=Participation)
def participation_deleted(sender, instance, **kwargs):
    changes.bump(data_version.PROJECTS)
