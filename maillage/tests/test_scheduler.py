"""Periodic jobs: enqueued at most once per period, however many workers ask."""

import datetime as dt
import threading

import pytest
from django.db import OperationalError, connections
from django.utils import timezone

from maillage import scheduler
from maillage.models import ScheduledRun

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)


def at(day, hour=10):
    """An aware instant on a local date."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


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


class _Job:
    def __init__(self):
        self.enqueued = 0

    def enqueue(self):
        self.enqueued += 1


def test_run_due_enqueues_each_job_once_per_period():
    daily, hourly = _Job(), _Job()
    jobs = [("test.daily", DAY, daily), ("test.hourly", HOUR, hourly)]
    now = at(dt.date(2026, 5, 6), 9)
    assert scheduler.run_due(now, jobs) == ["test.daily", "test.hourly"]
    assert scheduler.run_due(now + dt.timedelta(minutes=30), jobs) == []
    assert scheduler.run_due(now + HOUR, jobs) == ["test.hourly"]
    assert (daily.enqueued, hourly.enqueued) == (1, 2)


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
