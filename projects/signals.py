"""Reactions to what the projects' owner functions cannot see: a project deleted outside them (the
shell, a data fix), participations deleted with their actor (the directory's deletion), actors
renamed by the directory (their names are in the search documents of their projects). A plain save
or link change made elsewhere (the shell, a data fix) of a project, a participation, a phase or a
piece of news still marks the projects' data as changed (once per change set), so no cached page
outlives it."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from directory.services import actor_renamed
from maillage import changes, data_version
from search import engine as search_engine
from search.models import Document

from . import services
from .models import Participation, Phase, Project, Update


@receiver(actor_renamed)
def participants_renamed(sender, actor_ids, **kwargs):
    """The projects of these actors say their new names in search."""
    taking_part = Participation.objects.filter(actor_id__in=actor_ids).values("project_id")
    services.index_projects(Project.all_objects.filter(pk__in=taking_part).order_by("pk"))


@receiver(post_delete, sender=Project)
def project_deleted(sender, instance, **kwargs):
    search_engine.remove(Document.Kind.PROJECT, instance.pk)
    changes.bump(data_version.PROJECTS)


changes.bump_when_written(
    data_version.PROJECTS,
    saved=[Project, Participation, Phase, Update],
    deleted=[Participation, Phase, Update],
    links=[Project.themes.through],
)
