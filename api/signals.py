"""Data versions of events and projects, for the API's ETags.

Actors already have theirs (``maillage.data_version.ACTORS``, bumped by the directory). Events and
projects are bumped here from their models' signals, so any way of saving them (the services, the
admin, history's revert and archive) gives a new ETag. Places bump the actors' version, which the
events' ETag includes too.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from agenda.models import Event, ProgrammeItem
from maillage import data_version
from projects.models import Participation, Phase, Project, Update

EVENTS = "events"
PROJECTS = "projects"


@receiver(post_save, sender=Event)
@receiver(post_delete, sender=Event)
@receiver(post_save, sender=ProgrammeItem)
@receiver(post_delete, sender=ProgrammeItem)
def events_changed(sender, raw=False, **kwargs):
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
def projects_changed(sender, raw=False, **kwargs):
    data_version.bump(PROJECTS)


@receiver(m2m_changed, sender=Project.themes.through)
def project_relations_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        data_version.bump(PROJECTS)
