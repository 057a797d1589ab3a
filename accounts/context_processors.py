from django.utils.functional import SimpleLazyObject

from . import permissions


def roles(request):
    """``can_moderate`` for menus, computed only when a template asks."""
    return {"can_moderate": SimpleLazyObject(lambda: permissions.can_moderate(request.user))}
