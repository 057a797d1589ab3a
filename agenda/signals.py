"""Reactions to what the agenda's owner functions cannot see: a place changed or deleted by the
directory (an event takes its commune, its iCal location and words of its search document from its
place), actors renamed by the directory (their names are in the search documents of the events
they organise), an event deleted outside them (the shell, a data fix). Saving an event derives its
state in ``services.save_event``; a plain save or link change made elsewhere (the shell, a data fix)
and a programme item written on its own (a revert, ``services.save_programme_item``) still mark
the agenda's data as changed, so no cached page outlives them (once per change set)."""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from directory.models import Place
from directory.services import actor_renamed
from maillage import changes, data_version
from search import engine as search_engine
from search.models import Document

from . import services
from .models import Event, ProgrammeItem


@receiver(post_delete, sender=Event)
def event_deleted(sender, instance, **kwargs):
    search_engine.remove(Document.Kind.EVENT, instance.pk)
    changes.bump(data_version.EVENTS)


changes.bump_when_written(
    data_version.EVENTS,
    saved=[Event],
    links=[Event.organisers.through, Event.themes.through, Event.audiences.through, Event.languages.through],
)
# The event's page shows its programme; no index reads it.
changes.bump_when_written(
    data_version.DETAILS,
    saved=[ProgrammeItem],
    deleted=[ProgrammeItem],
    links=[ProgrammeItem.organisers.through],
)


@receiver(actor_renamed)
def organisers_renamed(sender, actor_ids, **kwargs):
    """The events these actors organise say their new names in search."""
    organised = Event.organisers.through.objects.filter(actor_id__in=actor_ids).values("event_id")
    services.index_events(Event.all_objects.filter(pk__in=organised).select_related("place").order_by("pk"))


@receiver(post_save, sender=Place)
def place_saved(sender, instance, raw=False, **kwargs):
    """An event's commune and iCalendar location come from its place (nothing else does)."""
    if raw:
        return
    _refresh(Event.all_objects.filter(place=instance).select_related("place__commune"))


@receiver(pre_delete, sender=Place)
def place_deleting(sender, instance, **kwargs):
    instance._event_ids = list(Event.all_objects.filter(place=instance).values_list("pk", flat=True))


@receiver(post_delete, sender=Place)
def place_deleted(sender, instance, **kwargs):
    _refresh(Event.all_objects.filter(pk__in=getattr(instance, "_event_ids", [])), commune=None)


def _refresh(events, **changes_):
    events = list(events)
    for event in events:
        for name, value in changes_.items():
            setattr(event, f"{name}_id", value)
        services.refresh_from_place(event)
    if events:
        services.index_events(events)
        changes.bump(data_version.EVENTS)
