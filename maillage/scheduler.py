"""Periodic jobs for ``manage.py worker``: every installed app may list ``PERIODIC = [(name,
period, task), ...]`` in its ``tasks`` module; each job is enqueued at most once per period
(calendar-aligned: once per local day, once per hour...) however many workers run.
"""

import datetime as dt
import logging
import threading
from importlib import import_module

from django.apps import apps
from django.db import close_old_connections, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from .models import ScheduledRun

logger = logging.getLogger(__name__)

_EPOCH = dt.datetime(2000, 1, 3)  # a Monday, local time: days and weeks start at midnight


def periodic_jobs():
    jobs = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "tasks"):
            jobs += getattr(import_module(f"{config.name}.tasks"), "PERIODIC", [])
    return jobs


def period_start(now, period):
    """The start of the period ``now`` falls in (local time)."""
    local = timezone.localtime(now).replace(tzinfo=None)
    start = _EPOCH + ((local - _EPOCH) // period) * period
    return timezone.make_aware(start)


def claim(name, period, now=None):
    """True for exactly one caller per period: a conditional UPDATE, atomic on every database."""
    now = now or timezone.now()
    ScheduledRun.objects.get_or_create(name=name)  # a concurrent creation is handled by get_or_create
    due = Q(last_run__isnull=True) | Q(last_run__lt=period_start(now, period))
    return ScheduledRun.objects.filter(due, name=name).update(last_run=now) == 1


def run_due(now=None, jobs=None):
    """Enqueue the periodic jobs whose period has not run yet; returns their names."""
    enqueued = []
    for name, period, job in periodic_jobs() if jobs is None else jobs:
        with transaction.atomic():  # the claim stands only if the job is queued
            if claim(name, period, now):
                job.enqueue()
                enqueued.append(name)
    if enqueued:
        logger.info("scheduled %s", ", ".join(enqueued))
    return enqueued


class SchedulerThread(threading.Thread):
    """Checks the periodic jobs every ``interval`` seconds, beside the worker's loop."""

    def __init__(self, interval=60.0):
        super().__init__(name="scheduler", daemon=True)
        self.interval = interval
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            try:
                close_old_connections()
                run_due()
            except Exception:  # e.g. a locked SQLite database: try again at the next tick
                logger.exception("scheduler: could not enqueue the periodic jobs")
            finally:
                connections.close_all()  # this thread's connections only
            self.stopping.wait(self.interval)

    def stop(self):
        self.stopping.set()
