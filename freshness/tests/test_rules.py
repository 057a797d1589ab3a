"""The freshness rules, with dates passed in (no clock mocking)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from directory.models import Actor
from freshness import services
from freshness.models import LinkCheck, Reminder

from .conftest import at

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 31)
NOW = at(TODAY)


def due_slugs(now=NOW):
    return set(services.due_actors(now).values_list("slug", flat=True))


def test_months_before_keeps_the_day_or_takes_the_months_last():
    assert services.months_before(dt.date(2026, 3, 31), 12) == dt.date(2025, 3, 31)
    assert services.months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert services.months_before(dt.date(2024, 3, 31), 1) == dt.date(2024, 2, 29)
    assert services.months_before(dt.date(2026, 1, 15), 13) == dt.date(2024, 12, 15)


def test_due_after_twelve_months_from_the_last_verification(make_actor):
    make_actor(slug="fresh", verified=dt.date(2025, 3, 31))  # exactly 12 months: not yet
    make_actor(slug="stale", verified=dt.date(2025, 3, 30))
    make_actor(slug="never-old", verified=None, created=dt.date(2024, 1, 1))
    make_actor(slug="never-new", verified=None, created=dt.date(2026, 1, 1))
    make_actor(slug="closed", verified=dt.date(2020, 1, 1), status=Actor.Status.CLOSED)
    make_actor(slug="dormant", verified=dt.date(2020, 1, 1), status=Actor.Status.DORMANT)
    assert due_slugs() == {"stale", "never-old", "dormant"}


@override_settings(FRESHNESS_MONTHS=6)
def test_the_period_is_a_setting(make_actor):
    make_actor(slug="seven-months", verified=dt.date(2025, 8, 31))
    make_actor(slug="five-months", verified=dt.date(2025, 10, 31))
    assert due_slugs() == {"seven-months"}


def test_archived_actors_are_not_due(make_actor):
    actor = make_actor(slug="gone", verified=dt.date(2020, 1, 1))
    Actor.all_objects.filter(pk=actor.pk).update(archived_at=NOW)
    assert due_slugs() == set()


def test_a_reminder_since_the_verification_stops_the_next_ones(make_actor):
    actor = make_actor(slug="stale", verified=dt.date(2024, 6, 1))
    Reminder.objects.create(actor=actor, sent_at=at(dt.date(2024, 5, 20)))  # before: does not count
    assert due_slugs() == {"stale"}
    Reminder.objects.create(actor=actor, sent_at=at(dt.date(2025, 6, 2)))
    assert due_slugs() == set()
    # Verified again later, then stale again: a new reminder is due.
    actor.last_verified = dt.date(2025, 7, 1)
    actor.save()
    assert due_slugs(at(dt.date(2026, 7, 1))) == set()
    assert due_slugs(at(dt.date(2026, 7, 2))) == {"stale"}


def outdated(now, actor):
    actor.refresh_from_db()
    listed = services.to_verify(now).filter(pk=actor.pk).exists()
    notice = services.may_be_outdated(actor, now)
    assert listed == notice, "the moderators' list and the public notice disagree"
    return notice


def test_outdated_after_the_grace_period_until_verified(make_actor):
    actor = make_actor(verified=dt.date(2025, 1, 10))
    sent = dt.date(2026, 2, 1)
    Reminder.objects.create(actor=actor, sent_at=at(sent, 23))
    assert not outdated(at(sent + dt.timedelta(days=30)), actor)  # 30 days: still in the grace
    assert outdated(at(sent + dt.timedelta(days=31), 0), actor)
    services.mark_verified(actor, now=at(dt.date(2026, 3, 10)))
    assert not outdated(at(dt.date(2026, 3, 20)), actor)
    assert Reminder.objects.get().answered_at == at(dt.date(2026, 3, 10))


def test_never_verified_actor_with_an_unanswered_reminder_is_outdated(make_actor):
    actor = make_actor(verified=None, created=dt.date(2024, 1, 1))
    Reminder.objects.create(actor=actor, sent_at=at(dt.date(2026, 1, 2)), recipients=0)
    assert outdated(NOW, actor)


def test_verified_since_the_reminder_by_an_edit_is_not_outdated(make_actor):
    actor = make_actor(verified=dt.date(2025, 1, 10))
    Reminder.objects.create(actor=actor, sent_at=at(dt.date(2026, 1, 20)))
    Actor.objects.filter(pk=actor.pk).update(last_verified=dt.date(2026, 1, 25))  # e.g. an editor's edit
    assert not outdated(NOW, actor)


def test_the_notice_costs_no_query_for_recent_actors_and_one_otherwise(make_actor):
    recent = make_actor(verified=dt.date(2026, 1, 1))
    old = make_actor(verified=dt.date(2024, 1, 1))
    with CaptureQueriesContext(connection) as queries:
        assert not services.may_be_outdated(recent, NOW)
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        assert not services.may_be_outdated(old, NOW)
    assert len(queries) == 1


def test_a_dead_link_lists_the_actor_until_it_is_verified(make_actor):
    actor = make_actor(verified=dt.date(2026, 1, 1))
    check = LinkCheck.objects.create(
        actor=actor, url="https://gone.example", checked_at=NOW, ok=False, status=404, failures=1, failing_since=NOW
    )
    assert not services.to_verify(NOW).exists()
    check.failures = 2
    check.save()
    assert list(services.to_verify(NOW)) == [actor]
    assert not services.may_be_outdated(actor, NOW), "a dead link alone does not show the public notice"
    services.mark_verified(actor, now=at(TODAY + dt.timedelta(days=1)))
    assert not services.to_verify(NOW).exists()


def test_mark_verified_is_idempotent_and_keeps_a_version(make_actor):
    actor = make_actor(verified=dt.date(2024, 1, 1))
    versions = actor.history.count()
    assert services.mark_verified(actor, now=NOW) is True
    assert services.mark_verified(actor, now=NOW) is False
    actor.refresh_from_db()
    assert actor.last_verified == TODAY
    assert actor.history.count() == versions + 1
