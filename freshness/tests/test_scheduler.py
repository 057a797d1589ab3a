"""The freshness watch's periodic jobs, as the kernel's scheduler finds and enqueues them."""

import datetime as dt

import pytest

from freshness import tasks
from maillage import scheduler

from .conftest import at

pytestmark = pytest.mark.django_db
HOUR = dt.timedelta(hours=1)


def test_the_apps_periodic_jobs_are_found():
    names = {name for name, _, _ in scheduler.periodic_jobs()}
    assert {"freshness.send_reminders", "freshness.check_links"} <= names


def test_run_due_enqueues_each_job_once(make_actor, mailoutbox):
    make_actor(verified=dt.date(2020, 1, 1), email="old@example.org")
    now = at(dt.date.today(), 9)
    assert scheduler.run_due(now, tasks.PERIODIC) == ["freshness.send_reminders", "freshness.check_links"]
    assert len(mailoutbox) == 1  # tasks run at once in tests
    assert scheduler.run_due(now + dt.timedelta(minutes=30), tasks.PERIODIC) == []
    assert scheduler.run_due(now + HOUR, tasks.PERIODIC) == ["freshness.check_links"]
