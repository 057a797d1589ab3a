"""Background jobs of open data (django-tasks). ``PERIODIC`` tells ``manage.py worker`` how often to
enqueue them."""

import datetime as dt

from django_tasks import task

from . import services


@task()
def export_open_data_task():
    """Rebuild the published open-data dump (see services.build_dump)."""
    return services.build_dump().as_dict()


# (name, period, task): the worker's scheduler enqueues each at most once per period, across workers.
PERIODIC = [("opendata.export", dt.timedelta(days=1), export_open_data_task)]
