"""Background jobs of the agenda (django-tasks). ``PERIODIC`` tells ``manage.py worker`` how often
to enqueue them."""

import datetime as dt

from django_tasks import task

from . import services


@task()
def refresh_occurrences():
    """Extend the recurring events' dates up to the horizon (see services.refresh_recurring)."""
    return {"events": services.refresh_recurring()}


# (name, period, task): the worker's scheduler enqueues each at most once per period, across workers.
PERIODIC = [
    ("agenda.refresh_occurrences", dt.timedelta(days=1), refresh_occurrences),
]
