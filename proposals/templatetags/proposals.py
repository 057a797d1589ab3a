from django import template

register = template.Library()


@register.filter
def kind_of(obj):
    """ "actor", "event" or "project": the model name, which templates cannot read directly."""
    return obj._meta.model_name
