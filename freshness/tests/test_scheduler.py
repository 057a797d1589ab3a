"""Periodic jobs: enqueued at most once per period, however many workers ask."""

import datetime as dt
import threading

import pytest
from django.db import OperationalError, connections

from freshness import scheduler, tasks
from freshness.models import ScheduledRun

from .conftest import at

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)


def test_periods_are_calendar_aligned():
    now = at(dt.date(2026, 5, 6), 14) + dt.timedelta(minutes=25)
    assert scheduler.period_start(now, DAY) == at(dt.date(2026, 5, 6), 0)
    assert scheduler.period_start(now, HOUR) == at(dt.date(2026, 5, 6), 14)


def test_claim_once_per_period():
    morning = at(dt.date(2026, 5, 6), 8)
    assert scheduler.claim("job", DAY, morning)
    assert not scheduler.claim("job", DAY, morning + dt.timedelta(hours=15))
    assert scheduler.claim("job", DAY, morning + dt.timedelta(hours=16))  # the next day
    assert ScheduledRun.objects.get(name="job").last_run == morning + dt.timedelta(hours=16)
    assert scheduler.claim("other", DAY, morning), "each job has its own row"


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


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_let_one_win():
    now = at(dt.date(2026, 5, 6), 8)
    scheduler.claim("race", DAY, now - DAY)  # the row exists
    wins, barrier = [], threading.Barrier(4)

    def worker():
        barrier.wait()
        try:
            wins.append(scheduler.claim("race", DAY, now))
        except OperationalError as exc:  # in-memory SQLite refuses at once rather than waiting
            assert "locked" in str(exc)
            wins.append(False)  # the scheduler logs it and looks again at its next tick
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == [False, False, False, True]
