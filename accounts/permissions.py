"""Every "may this user do that" of the site, in one module.

Views, the API and commands ask here; they never test roles themselves. Each ``can_*`` function
takes the user (possibly anonymous) and the object, and returns a boolean; ``moderator_required``
guards a view.

This module sits low (just above the kernel and ``territory``; ``directory``'s views ask it): it
imports no model of the apps above it and reads their objects through the objects given.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .models import MODERATORS_GROUP, Editorship


def is_administrator(user):
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def _in_watch_team(user):
    """The role: a member of the watch group, or an administrator. Permissions ask ``can_*``."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_in_watch_team", None)
    if cached is None:
        cached = user.groups.filter(name=MODERATORS_GROUP).exists()
        user._in_watch_team = cached
    return cached


def edited_actor_ids(user):
    """Ids of the actors this user edits (cached on the user object for the request)."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    cached = getattr(user, "_edited_actor_ids", None)
    if cached is None:
        cached = frozenset(Editorship.objects.filter(user=user).values_list("actor_id", flat=True))
        user._edited_actor_ids = cached
    return cached


def forget(user):
    """Drop the per-request caches after roles changed."""
    for attr in ("_in_watch_team", "_edited_actor_ids"):
        if hasattr(user, attr):
            delattr(user, attr)


def can_contribute(user):
    """Propose anything (anonymous visitors too: their proposals need an email confirmation)."""
    return True


def can_edit_actor(user, actor):
    """Change an actor directly (without review)."""
    return _in_watch_team(user) or actor.pk in edited_actor_ids(user)


def can_edit_event(user, event):
    if _in_watch_team(user):
        return True
    mine = edited_actor_ids(user)
    return bool(mine) and any(pk in mine for pk in event.organisers.values_list("pk", flat=True))


def can_edit_project(user, project):
    """Change a project and publish its news: the editors of its lead or partners. A funder's
    editors propose like anyone (funding a project does not make it theirs to speak for)."""
    if _in_watch_team(user):
        return True
    mine = edited_actor_ids(user)
    participations = project.participations
    running = participations.exclude(role=participations.model.Role.FUNDER)
    return bool(mine) and running.filter(actor_id__in=mine).exists()


def can_publish_event_for(user, organisers):
    """Publish a new event directly: the user edits at least one of its organisers."""
    if _in_watch_team(user):
        return True
    mine = edited_actor_ids(user)
    return any(actor.pk in mine for actor in organisers)


def can_invite(user, actor):
    return can_edit_actor(user, actor)


def can_add_actor(user):
    """Publish a new actor directly (without review): the watch team."""
    return _in_watch_team(user)


def can_moderate(user):
    """See and decide proposals and claims; see the history of entries (versions may hold personal
    data, such as contact persons without consent), revert versions, archive and restore; import,
    merge; see archived entries and what went wrong behind the scenes (a failed printout)."""
    return _in_watch_team(user)


def moderator_required(view):
    """A view for those who ``can_moderate``: anonymous visitors go to the sign-in page, signed-in
    others get 403."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not can_moderate(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
