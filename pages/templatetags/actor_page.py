"""What other apps show on an actor's page (``directory/actor_detail.html``): the directory sits below
the agenda and projects, so its view does not ask them; its template does, through these tags.

    {% load actor_page %}{% upcoming_events actor as events %}{% projects_of actor as participations %}
"""

from django import template

from agenda.services import upcoming_for_actor
from projects.services import projects_of as participations_of

register = template.Library()


@register.simple_tag
def upcoming_events(actor):
    """The next occurrences of the events ``actor`` organises."""
    return upcoming_for_actor(actor)


@register.simple_tag
def projects_of(actor):
    """The participations of ``actor`` in projects that are not archived, newest first."""
    return participations_of(actor)
