"""Project services: the one write path of projects and their parts (news, phases, participations),
the owner's functions for merges and archiving, listing and the timeline of a project."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from directory.services import pick_themes, with_parent_themes
from maillage import changes, data_version, richtext
from maillage.filters import ParsedFilters, pick
from maillage.text import fold_all
from search import engine as search_engine
from search.models import Document

from .models import Participation, Project, Update

LANGS = ("fr", "nl", "en")


def refresh_search(project):
    """The project's search document (out of search when archived); the projects' data version is
    bumped (an archived or restored project leaves or reaches the lists and the API)."""
    with changes.recording():
        _index(project)
        changes.bump(data_version.PROJECTS)


def _index(project, created=False):
    if project.archived_at is not None:  # archived: out of search
        search_engine.remove(Document.Kind.PROJECT, project.pk)
        return
    names = [getattr(project, f"title_{lang}") for lang in LANGS]
    texts = [getattr(project, f"{f}_{lang}") for f in ("summary", "description") for lang in LANGS]
    if created:
        search_engine.index_many(Document.Kind.PROJECT, [(project.pk, fold_all(*names), fold_all(*texts))])
    else:
        search_engine.index(Document.Kind.PROJECT, project.pk, fold_all(*names), fold_all(*texts))


# --- writing: the one write path of projects and what belongs to them --------------------------


def save_project(project, *, themes=None, participants=None):
    """Create or update a project and what derives from it: the one entry point (forms, proposals,
    reverts, the demo loader, the admin). ``participants``: (actor, role) pairs, replacing the
    project's participations; None leaves them (and ``themes``) as they are.

    Inside a change set (the caller's, or one of its own): saved once, themes set (with their top
    themes), search document written, one history record for the project (and one per
    participation added or removed), one bump of the projects' data version."""
    with changes.recording():
        created = project._state.adding
        project.full_clean(exclude=["slug"] if not project.slug else None)
        with changes.quietly(project):
            project.save()
        if themes is not None:
            _set_themes(project, with_parent_themes(themes), created)
        if participants is not None:
            _set_participations(project, [(actor.pk, role) for actor, role in participants], created)
        _index(project, created)
        changes.record(project, "+" if created else "~")
        changes.bump(data_version.PROJECTS)
    return project


def _set_themes(project, ids, created):
    through = Project.themes.through
    current = set() if created else set(through.objects.filter(project=project).values_list("theme_id", flat=True))
    wanted = set(ids)
    if current - wanted:
        through.objects.filter(project=project, theme_id__in=current - wanted).delete()
    if wanted - current:
        through.objects.bulk_create([through(project_id=project.pk, theme_id=pk) for pk in ids if pk not in current])
    if hasattr(project, "_prefetched_objects_cache"):
        project._prefetched_objects_cache.pop("themes", None)
    return ids


def _set_participations(project, wanted, created):
    """Make the project's participations ``wanted`` ((actor id, role) pairs), writing the difference."""
    current = [] if created else list(Participation.objects.filter(project=project))
    keep = set(wanted)
    gone = [p for p in current if (p.actor_id, p.role) not in keep]
    if gone:  # simple-history writes their "-" records itself, in the open change set
        Participation.objects.filter(pk__in=[p.pk for p in gone]).delete()
    have = {(p.actor_id, p.role) for p in current}
    new = [Participation(project=project, actor_id=a, role=r) for a, r in dict.fromkeys(wanted) if (a, r) not in have]
    Participation.objects.bulk_create(new)
    for participation in new:
        changes.record(participation, "+")
    if hasattr(project, "_prefetched_objects_cache"):
        project._prefetched_objects_cache.pop("participations", None)


def save_update(update):
    """Create or change a project's news (one history record, one bump)."""
    return _save_part(update)


def save_phase(phase):
    """Create or change a project's phase (one history record, one bump)."""
    return _save_part(phase)


def _save_part(obj):
    with changes.recording():
        created = obj._state.adding
        obj.full_clean()
        with changes.quietly(obj):
            obj.save()
        changes.record(obj, "+" if created else "~")
        changes.bump(data_version.PROJECTS)
    return obj


def archive_project(project, user=None, reason=""):
    """Take a project off the site and search; nothing is deleted (one change set, source archive)."""
    return changes.set_archived(project, True, user=user, reason=reason, refresh=_index, version=data_version.PROJECTS)


def restore_project(project, user=None, reason=""):
    """Put an archived project back where it was."""
    return changes.set_archived(project, False, user=user, reason=reason, refresh=_index, version=data_version.PROJECTS)


# --- an actor merged into another: its participations follow -------------------------------------


def move_participations(from_actor, to_actor):
    """``to_actor`` takes the projects' roles of ``from_actor`` (a merge). A role ``to_actor``
    already has in a project stays ``from_actor``'s (with the archived entry).

    Returns what moved, as plain JSON values for the merge's record: {"participations": [ids]}.
    One history record per participation moved, in the caller's change set; one bump."""
    with changes.recording():
        existing = set(Participation.objects.filter(actor=to_actor).values_list("project_id", "role"))
        moving = [
            p
            for p in Participation.objects.filter(actor=from_actor).order_by("pk")
            if (p.project_id, p.role) not in existing
        ]
        _give(moving, to_actor.pk)
    return {"participations": [p.pk for p in moving]}


def restore_participations(moved, from_actor, to_actor):
    """Undo ``move_participations(from_actor, to_actor)``, which returned ``moved``: the roles
    moved (and still ``to_actor``'s) are ``from_actor``'s again."""
    with changes.recording():
        ids = moved.get("participations", [])
        _give(list(Participation.objects.filter(pk__in=ids, actor=to_actor).order_by("pk")), from_actor.pk)


def _give(participations, actor_id):
    if not participations:
        return
    Participation.objects.filter(pk__in=[p.pk for p in participations]).update(actor_id=actor_id)
    for participation in participations:
        participation.actor_id = actor_id
        changes.record(participation, "~")
    changes.bump(data_version.PROJECTS)


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
        qs = qs.filter(pk__in=search_engine.match_ids(Document.Kind.PROJECT, v["q"][0]))
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
