"""Changes made outside the services (the admin, deletions) still refresh what derives from them."""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from directory.models import Place
from search import index as search_index
from search.models import Document

from . import services
from .models import Event


@receiver(post_delete, sender=Event)
def event_deleted(sender, instance, **kwargs):
    search_index.remove(Document.Kind.EVENT, instance.pk)


@receiver(post_save, sender=Place)
def place_saved(sender, instance, raw=False, **kwargs):
    """An event's commune and iCalendar location come from its place (nothing else does)."""
    if raw:
        return
    for event in Event.all_objects.filter(place=instance).select_related("place__commune"):
        services.refresh_from_place(event)


@receiver(pre_delete, sender=Place)
def place_deleting(sender, instance, **kwargs):
    instance._event_ids = list(Event.all_objects.filter(place=instance).values_list("pk", flat=True))


@receiver(post_delete, sender=Place)
def place_deleted(sender, instance, **kwargs):
    for event in Event.all_objects.filter(pk__in=getattr(instance, "_event_ids", [])):
        event.commune = None
        services.refresh_from_place(event)
