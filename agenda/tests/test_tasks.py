import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from agenda import tasks
from agenda.tests.factories import EventFactory
from maillage import scheduler

pytestmark = pytest.mark.django_db


def test_the_worker_refreshes_recurring_events_once_a_day():
    jobs = {name: (period, job) for name, period, job in scheduler.periodic_jobs()}
    assert jobs["agenda.refresh_occurrences"] == (dt.timedelta(days=1), tasks.refresh_occurrences)


def test_the_daily_refresh_moves_recurring_events_towards_the_horizon(settings):
    settings.AGENDA_HORIZON_DAYS = 10
    start = timezone.now() - dt.timedelta(days=1)
    daily = EventFactory(start=start, end=start + dt.timedelta(hours=1), rrule="FREQ=DAILY")
    single = EventFactory()
    before = daily.occurrences.count()
    settings.AGENDA_HORIZON_DAYS = 30
    result = tasks.refresh_occurrences.enqueue()  # run at once in tests
    assert result.return_value == {"events": 1}
    assert daily.occurrences.count() >= before + 19
    assert single.occurrences.count() == 1


def test_the_command_runs_the_same_refresh(settings, capsys):
    settings.AGENDA_HORIZON_DAYS = 10
    start = timezone.now()
    event = EventFactory(start=start, end=start + dt.timedelta(hours=1), rrule="FREQ=DAILY")
    settings.AGENDA_HORIZON_DAYS = 20
    call_command("refresh_occurrences", verbosity=0)
    assert event.occurrences.count() >= 20
    assert "recurring events refreshed: 1" in capsys.readouterr().out
