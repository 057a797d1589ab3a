from django import template

register = template.Library()


@register.filter
def kind_of(obj):
    """ "actor", "event" or "project": the model name, which templates cannot read directly."""
    return obj._meta.model_name


@register.simple_tag(takes_context=True)
def can_edit(context, obj):
    """Whether the current user edits this entry directly (else they suggest a change)."""
    from accounts import permissions

    user = context["request"].user
    kind = obj._meta.model_name
    check = {
        "actor": permissions.can_edit_actor,
        "event": permissions.can_edit_event,
        "project": permissions.can_edit_project,
    }[kind]
    return user.is_authenticated and check(user, obj)
