from django import template

from .. import services

register = template.Library()


@register.filter
def kind_of(obj):
    """ "actor", "event" or "project": the model name, which templates cannot read directly."""
    return obj._meta.model_name


@register.simple_tag(takes_context=True)
def can_edit(context, obj):
    """Whether the current user edits this entry directly (else they suggest a change)."""
    return services.may_publish(context["request"].user, f"change_{obj._meta.model_name}", obj, {})
