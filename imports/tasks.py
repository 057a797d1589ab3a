"""Background jobs of imports (django-tasks): one run, and the scheduled sync of sources.
``PERIODIC`` tells ``manage.py worker`` how often to enqueue the sync."""

import datetime as dt

from django_tasks import task

from . import services
from .models import ImportRun


@task()
def run_import(run_id):
    """Plan (and apply, unless it is a dry run) one import run started from the web screen."""
    run = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.PENDING).first()
    if run is None:
        return None
    run = services.run_import(run)
    return {"status": run.status, "counts": run.counts}


@task()
def sync_sources():
    """Re-import every source with an address whose sync interval has elapsed (applying, not strict)."""
    done = {}
    for source in services.due_sources():
        run = services.sync_source(source)
        done[source.name] = run.status
    return done


@task()
def prune_runs():
    """Delete the files of imports older than IMPORT_KEEP_DAYS, and those previews altogether."""
    previews, files = services.prune_runs()
    return {"previews": previews, "files": files}


# (name, period, task): the worker's scheduler enqueues each at most once per period, across workers.
PERIODIC = [
    ("imports.sync_sources", dt.timedelta(hours=1), sync_sources),
    ("imports.prune_runs", dt.timedelta(days=1), prune_runs),
]
