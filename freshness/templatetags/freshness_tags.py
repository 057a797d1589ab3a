from django import template

from freshness import services

register = template.Library()


@register.simple_tag
def may_be_outdated(actor):
    """{% may_be_outdated actor as outdated %}: at most one query, none for recently verified actors."""
    if not hasattr(actor, "_may_be_outdated"):
        actor._may_be_outdated = services.may_be_outdated(actor)
    return actor._may_be_outdated
