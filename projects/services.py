"""Project services: saving, listing and the timeline of a project."""

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from directory.services import add_parent_themes, pick_themes
from maillage import richtext
from maillage.filters import ParsedFilters, pick
from maillage.text import fold_all
from search import index as search_index
from search.models import Document

from .models import Participation, Project, Update

LANGS = ("fr", "nl", "en")


def refresh_search(project):
    if project.archived_at is not None:  # archived: out of search
        search_index.remove(Document.Kind.PROJECT, project.pk)
        return
    names = [getattr(project, f"title_{lang}") for lang in LANGS]
    texts = [getattr(project, f"{f}_{lang}") for f in ("summary", "description") for lang in LANGS]
    search_index.index(Document.Kind.PROJECT, project.pk, fold_all(*names), fold_all(*texts))


@transaction.atomic
def save_project(project, *, themes=None, participants=None):
    """``participants``: (actor, role) pairs."""
    project.full_clean(exclude=["slug"] if not project.slug else None)
    project.save()
    if themes is not None:
        project.themes.set(themes)
        add_parent_themes(project, [t.pk for t in themes])
    if participants is not None:
        project.participations.all().delete()
        Participation.objects.bulk_create(
            Participation(project=project, actor=actor, role=role) for actor, role in participants
        )
    refresh_search(project)
    return project


def parse_project_filters(params, vocab):
    notices = []
    q = params.get("q", "").strip()[:200]
    values = {
        "q": [q] if q else [],
        "status": pick(params, "status", set(Project.Status.values), _("status"), notices),
        "theme": pick_themes(params, vocab, notices),
    }
    return ParsedFilters(values=values, notices=notices)


def _participations():
    return Prefetch(
        "participations",
        queryset=Participation.objects.filter(actor__archived_at__isnull=True)
        .select_related("actor")
        .order_by("role", "actor__name_fr"),
    )


def filter_projects(filters):
    qs = Project.objects.all()
    v = filters.values
    if v.get("q"):
        qs = qs.filter(pk__in=search_index.match_ids(Document.Kind.PROJECT, v["q"][0]))
    if v.get("status"):
        qs = qs.filter(status__in=v["status"])
    if v.get("theme"):
        qs = qs.filter(themes__slug__in=v["theme"]).distinct()
    return qs.prefetch_related(_participations(), "themes")


def project_for_page(slug, *, include_archived=False):
    manager = Project.all_objects if include_archived else Project.objects
    return manager.prefetch_related(_participations(), "themes", "phases").get(slug=slug)


def timeline(project):
    """Phases and updates in one dated sequence, oldest first: how the project evolved."""
    entries = [("phase", p.start_date, p) for p in project.phases.all()]
    entries += [("update", u.date, u) for u in project.updates.all()]
    return sorted(entries, key=lambda e: (e[1] is None, e[1] or 0, e[0]))


def latest_updates(limit=5):
    updates = Update.objects.filter(project__archived_at__isnull=True)
    return list(updates.select_related("project").order_by("-date", "-pk")[:limit])


def projects_of(actor):
    participations = Participation.objects.filter(actor=actor, project__archived_at__isnull=True)
    return list(participations.select_related("project").order_by("-project__start_date"))


def project_jsonld(project, site_url):
    """schema.org Project for the project page (``project`` loaded by
    projects.services.project_for_page: participations and themes prefetched)."""
    data = {
        "@context": "https://schema.org",
        "@type": "Project",
        "name": project.title,
        "url": site_url + project.get_absolute_url(),
    }
    description = richtext.plain(project.summary) or richtext.plain(project.description)
    if description:
        data["description"] = description
    if project.start_date:
        data["foundingDate"] = project.start_date.isoformat()
    if project.end_date:
        data["dissolutionDate"] = project.end_date.isoformat()
    themes = [theme.name for theme in project.themes.all()]
    if themes:
        data["keywords"] = ", ".join(themes)
    by_role = {Participation.Role.LEAD: [], Participation.Role.PARTNER: [], Participation.Role.FUNDER: []}
    for participation in project.participations.all():
        actor = participation.actor
        by_role[participation.role].append(
            {"@type": "Organization", "name": actor.name, "url": site_url + actor.get_absolute_url()}
        )
    if by_role[Participation.Role.LEAD]:
        data["parentOrganization"] = by_role[Participation.Role.LEAD]
    if by_role[Participation.Role.PARTNER]:
        data["member"] = by_role[Participation.Role.PARTNER]
    if by_role[Participation.Role.FUNDER]:
        data["funder"] = by_role[Participation.Role.FUNDER]
    return data
