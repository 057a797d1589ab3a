"""Changes made outside the services (the admin, deletions) still move the data version on."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from maillage import data_version
from search import index as search_index
from search.models import Document
from territory.models import Commune

from .models import Actor, Audience, Language, Place, Theme


@receiver(post_save, sender=Actor)
@receiver(post_save, sender=Place)
@receiver(post_save, sender=Theme)
@receiver(post_save, sender=Audience)
@receiver(post_save, sender=Language)
@receiver(post_save, sender=Commune)
@receiver(post_delete, sender=Place)
@receiver(post_delete, sender=Theme)
def actors_changed(sender, **kwargs):
    data_version.bump(data_version.ACTORS)


@receiver(post_delete, sender=Actor)
def actor_deleted(sender, instance, **kwargs):
    search_index.remove(Document.Kind.ACTOR, instance.pk)
    data_version.bump(data_version.ACTORS)


@receiver(m2m_changed, sender=Actor.themes.through)
@receiver(m2m_changed, sender=Actor.languages.through)
@receiver(m2m_changed, sender=Actor.audiences.through)
@receiver(m2m_changed, sender=Actor.places.through)
def actor_relations_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        data_version.bump(data_version.ACTORS)
