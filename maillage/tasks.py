"""Background jobs of the kernel (django-tasks). ``PERIODIC`` tells ``manage.py worker`` how often
to enqueue them."""

import datetime as dt

from django_tasks import task

from . import ratelimit


@task()
def purge_rate_counts():
    """Remove the rate limits' counts whose window is over."""
    return ratelimit.purge()


# (name, period, task): the worker's scheduler enqueues each at most once per period, across workers.
PERIODIC = [("maillage.purge_rate_counts", dt.timedelta(hours=1), purge_rate_counts)]
