"""Data versions of events and projects, for the API's ETags and answer cache.

Actors already have theirs (``maillage.data_version.ACTORS``, bumped by the directory's services
and signals). Events and projects are bumped here from their models' signals rather than in
``agenda.services``/``projects.services``, because not every change goes through those: the
admin's deletions and inlines (phases, news), news added by ``proposals.entries``, participations
moved by merges. Only what the API's answers read: an event's programme is not in them. Places
bump the actors' version, which the events' ETag includes too.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from agenda.models import Event
from maillage import data_version
from projects.models import Participation, Phase, Project, Update

EVENTS = "events"
PROJECTS = "projects"


@receiver(post_save, sender=Event)
@receiver(post_delete, sender=Event)
def events_changed(sender, **kwargs):
    data_version.bump(EVENTS)


@receiver(m2m_changed, sender=Event.organisers.through)
@receiver(m2m_changed, sender=Event.themes.through)
@receiver(m2m_changed, sender=Event.audiences.through)
@receiver(m2m_changed, sender=Event.languages.through)
def event_relations_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        data_version.bump(EVENTS)


@receiver(post_save, sender=Project)
@receiver(post_delete, sender=Project)
@receiver(post_save, sender=Participation)
@receiver(post_delete, sender=Participation)
@receiver(post_save, sender=Phase)
@receiver(post_delete, sender=Phase)
@receiver(post_save, sender=Update)
@receiver(post_delete, sender=Update)
def projects_changed(sender, **kwargs):
    data_version.bump(PROJECTS)


@receiver(m2m_changed, sender=Project.themes.through)
def project_relations_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        data_version.bump(PROJECTS)
