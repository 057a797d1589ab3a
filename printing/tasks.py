"""Background jobs of printing (django-tasks): typesetting a large document, and pruning old ones.
``PERIODIC`` tells ``manage.py worker`` how often to enqueue the pruning."""

import datetime as dt

from django_tasks import task

from . import services
from .services import produce_printout  # noqa: F401 (the job's name for jobs already queued under it)


@task()
def prune_printouts():
    """Delete documents made from data that has changed since, and any older than PRINT_KEEP_DAYS."""
    return {"deleted": services.prune()}


# (name, period, task): the worker's scheduler enqueues each at most once per period, across workers.
PERIODIC = [
    ("printing.prune_printouts", dt.timedelta(hours=6), prune_printouts),
]
