from django import template

from accounts import permissions, services

register = template.Library()


@register.simple_tag(takes_context=True)
def actor_role(context, actor):
    """What the page's user may do about ``actor``: edits it, has a pending claim, may invite."""
    user = context["request"].user
    if not user.is_authenticated:
        return {"edits": False, "pending_claim": None, "can_invite": False}
    edits = actor.pk in permissions.edited_actor_ids(user)
    return {
        "edits": edits,
        "pending_claim": None if edits else services.pending_claim(user, actor),
        "can_invite": permissions.can_invite(user, actor),
    }
