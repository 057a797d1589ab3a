"""Deleting an event from the admin also removes its search document."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from maillage import data_version
from search import index as search_index
from search.models import Document

from .models import Event


@receiver(post_delete, sender=Event)
def event_deleted(sender, instance, **kwargs):
    search_index.remove(Document.Kind.EVENT, instance.pk)
    data_version.bump(data_version.EVENTS)
