"""What the directory's owner (``services.save_actor``, ``save_place``) cannot see: deletions, plain
saves made elsewhere, vocabulary edits and relations between actors (the admin's inline, a merge,
the demo). Each only marks the directory's data as changed (once per change set,
``maillage.changes.bump``), except a deleted place, whose actors stand elsewhere now.
"""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from maillage import changes, data_version
from search import engine as search_engine
from search.models import Document
from territory.models import Commune

from . import services
from .models import Actor, ActorRelation, Audience, Language, Place, Theme

# Actor fields that no index or cache built from the data version reads: saving only these (an
# actor marked verified) leaves the version, and so every process's indexes, as they are.
UNINDEXED_ACTOR_FIELDS = frozenset({"last_verified", "updated"})


@receiver(post_save, sender=Actor)
@receiver(post_save, sender=Place)
@receiver(post_save, sender=Theme)
@receiver(post_save, sender=Audience)
@receiver(post_save, sender=Language)
@receiver(post_save, sender=Commune)
@receiver(post_delete, sender=Theme)
@receiver(post_delete, sender=Audience)
@receiver(post_delete, sender=Language)
@receiver(post_delete, sender=Commune)
def actors_changed(sender, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    if sender is Actor and update_fields and update_fields <= UNINDEXED_ACTOR_FIELDS:
        changes.bump(data_version.DETAILS)  # the pages show it; no index reads it
        return
    changes.bump(data_version.ACTORS)


@receiver(pre_delete, sender=Place)
def place_deleting(sender, instance, **kwargs):
    instance._actor_ids = list(instance.actors.values_list("pk", flat=True))


@receiver(post_delete, sender=Place)
def place_deleted(sender, instance, **kwargs):
    services.place_deleted(getattr(instance, "_actor_ids", []))


@receiver(post_delete, sender=Actor)
def actor_deleted(sender, instance, **kwargs):
    search_engine.remove(Document.Kind.ACTOR, instance.pk)
    changes.bump(data_version.ACTORS)


changes.bump_when_written(
    data_version.ACTORS,
    links=[Actor.themes.through, Actor.languages.through, Actor.audiences.through, Actor.places.through],
)
# Both actors' pages list their relations; no index reads them.
changes.bump_when_written(data_version.DETAILS, saved=[ActorRelation], deleted=[ActorRelation])
