"""Project services: the one write path of projects and their parts (news, phases, participations),
the owner's functions for merges and archiving, listing and the timeline of a project."""

from dataclasses import dataclass

from django.db.models import CharField, F, IntegerField, Prefetch, Value
from django.utils.translation import gettext as _

from directory.services import by_language, pick_themes, with_parent_themes
from maillage import changes, data_version, richtext
from maillage.filters import ParsedFilters, pick
from search import engine as search_engine
from search.models import Document

from .models import Participation, Project, Update

LANGS = ("fr", "nl", "en")


def refresh_search(project):
    """The project's search document (out of search when archived); the projects' data version is
    bumped (an archived or restored project leaves or reaches the lists and the API)."""
    with changes.recording():
        _refresh_document(project)
        changes.bump(data_version.PROJECTS)


# --- the search document -----------------------------------------------------------------------

# How a project ranks among the answers of a search, by its status (never by today's date).
RANKS = {Project.Status.ONGOING: 2, Project.Status.PLANNED: 1, Project.Status.PAUSED: 0, Project.Status.COMPLETED: 0}


def search_document(project, *, themes, participants):
    """What search reads of a project (``search.engine.SearchDocument``), from what the caller has
    in hand (no query): ``themes``, theme ids with their parents; ``participants``, its actors (lead,
    partners, funders: objects with ``name_<lang>`` and ``acronym``, ``Actor`` or ``ActorWords``).
    A project has no commune of its own."""
    actors = sorted({a.pk: a for a in participants}.values(), key=lambda a: a.pk)
    related = {lang: [getattr(a, f"name_{lang}") or "" for a in actors] for lang in LANGS}
    related["fr"] += [a.acronym or "" for a in actors]
    related = {lang: " ".join(w.strip() for w in words if w and w.strip()) for lang, words in related.items()}
    summary, description = (
        by_language(project, "summary", richtext.plain),
        by_language(project, "description", richtext.plain),
    )
    texts = {lang: "\n".join(t for t in (summary.get(lang), description.get(lang)) if t) for lang in LANGS}
    return search_engine.SearchDocument(
        names=by_language(project, "title"),
        tags=[search_engine.tag("theme", pk) for pk in sorted(set(themes))],
        related={lang: text for lang, text in related.items() if text},
        texts={lang: text for lang, text in texts.items() if text},
        rank=RANKS.get(project.status, 0),
    )


@dataclass(frozen=True)
class ActorWords:
    """What search reads of a project's participant (read in bulk with the project's themes)."""

    pk: int
    name_fr: str
    name_nl: str
    name_en: str
    acronym: str


@dataclass
class ProjectLinks:
    """A stored project's links as its search document reads them."""

    themes: list
    participants: list  # ActorWords


def stored_links(project_ids):
    """{project id: ProjectLinks} of stored projects (every id given has one), in one query."""
    project_ids = list(project_ids)
    links = {pk: ProjectLinks([], []) for pk in project_ids}
    if not project_ids:
        return links
    text = Value("", output_field=CharField())
    columns = ("project_id", "link", "other", "n_fr", "n_nl", "n_en", "short")
    themes = (
        Project.themes.through.objects.filter(project_id__in=project_ids)
        .annotate(
            link=Value(0, output_field=IntegerField()),
            other=F("theme_id"),
            n_fr=text,
            n_nl=text,
            n_en=text,
            short=text,
        )
        .values_list(*columns)
        .order_by()
    )
    participants = (
        Participation.objects.filter(project_id__in=project_ids)
        .annotate(
            link=Value(1, output_field=IntegerField()),
            other=F("actor_id"),
            n_fr=F("actor__name_fr"),
            n_nl=F("actor__name_nl"),
            n_en=F("actor__name_en"),
            short=F("actor__acronym"),
        )
        .values_list(*columns)
        .order_by()
    )
    for project_id, link, other, *words in themes.union(participants, all=True):
        if link == 0:
            links[project_id].themes.append(other)
        else:
            links[project_id].participants.append(ActorWords(other, *(w or "" for w in words)))
    return links


def _index(project, created=False, given=None):
    """Write the project's search document (none while it is archived), from the links ``given``
    ({"themes": ids, "participants": actors}), the others read in one query (none when new)."""
    if project.archived_at is not None:  # archived: out of search
        search_engine.remove(Document.Kind.PROJECT, project.pk)
        return
    given = given or {}
    read = {}
    if not created and len(given) < 2:
        read = vars(stored_links([project.pk])[project.pk])
    links = {name: given[name] if name in given else read.get(name, []) for name in ("themes", "participants")}
    if created:
        search_engine.index_many(Document.Kind.PROJECT, [(project.pk, search_document(project, **links))])
    else:
        search_engine.index(Document.Kind.PROJECT, project.pk, search_document(project, **links))


def _refresh_document(project):
    _index(project)  # out of search when archived, back when restored


def index_projects(projects):
    """Write the search documents of stored projects (archived ones leave search), their links read
    in one query: after what changed them from outside their write (a participant renamed)."""
    projects = list(projects)
    links = stored_links([p.pk for p in projects if p.archived_at is None])
    rows = [(p.pk, search_document(p, **vars(links[p.pk]))) for p in projects if p.pk in links]
    search_engine.replace_many(Document.Kind.PROJECT, rows, gone=[p.pk for p in projects if p.pk not in links])


def reindex_search(*, progress=False, chunk_size=search_engine.REBUILD_CHUNK):
    """Write the search document of every public project again (``search.engine.rebuild``: by
    chunks, a query for the projects and one for their links per chunk). Returns how many were
    written."""

    def documents(chunk):
        links = stored_links([p.pk for p in chunk])
        return [(p.pk, search_document(p, **vars(links[p.pk]))) for p in chunk]

    return search_engine.rebuild(
        Document.Kind.PROJECT, Project.objects.order_by("pk"), documents, progress=progress, chunk_size=chunk_size
    )


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
        given = {}
        if themes is not None:
            given["themes"] = _set_themes(project, with_parent_themes(themes), created)
        if participants is not None:
            participants = list(participants)
            _set_participations(project, [(actor.pk, role) for actor, role in participants], created)
            given["participants"] = [actor for actor, _role in participants]
        _index(project, created, given)
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
    return changes.set_archived(
        project, True, user=user, reason=reason, refresh=_refresh_document, version=data_version.PROJECTS
    )


def restore_project(project, user=None, reason=""):
    """Put an archived project back where it was."""
    return changes.set_archived(
        project, False, user=user, reason=reason, refresh=_refresh_document, version=data_version.PROJECTS
    )


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
    # Their participants' names are in the projects' search documents.
    index_projects(Project.all_objects.filter(pk__in={p.project_id for p in participations}).order_by("pk"))
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
