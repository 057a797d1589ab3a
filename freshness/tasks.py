"""Background jobs of the freshness watch (django-tasks). ``PERIODIC`` tells ``manage.py worker``
how often to enqueue them."""

import datetime as dt

from django_tasks import task

from . import services


@task()
def send_reminders():
    """Email the editors of every actor due a reminder (see services.send_reminders)."""
    return services.send_reminders().as_dict()


@task()
def check_links():
    """Check a bounded batch of websites (see services.check_links)."""
    return services.check_links().as_dict()


# (name, period, task): the worker's scheduler enqueues each at most once per period, across workers.
PERIODIC = [
    ("freshness.send_reminders", dt.timedelta(days=1), send_reminders),
    ("freshness.check_links", dt.timedelta(hours=1), check_links),
]
