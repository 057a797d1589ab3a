"""A "still correct" link answers its own reminder, once: opening it changes nothing (mail
scanners open links), its button does, and afterwards the link only says it was used."""

import datetime as dt
import re

import pytest
from django.core import signing
from django.utils import timezone

from freshness import services
from freshness.models import Reminder

pytestmark = pytest.mark.django_db


def still_correct_path(message):
    url = re.search(r"https?://\S+/still-correct/\S+", message.body).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def due(make_actor):
    """An actor last verified two years ago, with a public email to remind."""
    return make_actor(verified=timezone.localdate() - dt.timedelta(days=800), email="contact@example.org")


def test_opening_the_link_changes_nothing_and_its_button_verifies_once(client, due, mailoutbox):
    services.send_reminders()
    path = still_correct_path(mailoutbox[0])
    assert client.get(path).status_code == 200
    due.refresh_from_db()
    assert due.last_verified < timezone.localdate()

    client.post(path)
    due.refresh_from_db()
    assert due.last_verified == timezone.localdate()

    for method in (client.get, client.post):
        used = method(path)
        assert used.status_code == 400 and used.context["used"]


def test_a_link_answers_only_its_own_reminder(client, due, mailoutbox, time_machine, monkeypatch):
    """An old link, kept in a mailbox, cannot answer next year's reminder for its reader (however
    long links are valid)."""
    monkeypatch.setattr(services, "TOKEN_MAX_AGE", dt.timedelta(days=800))
    services.send_reminders(now=timezone.now() - dt.timedelta(days=3))
    old_link = still_correct_path(mailoutbox[0])
    client.post(old_link)
    time_machine.move_to(timezone.now() + dt.timedelta(days=400), tick=False)
    services.send_reminders()
    assert Reminder.objects.filter(actor=due, answered_at__isnull=True).count() == 1  # this year's

    refused = client.post(old_link)
    assert refused.status_code == 400
    due.refresh_from_db()
    assert due.last_verified < timezone.localdate()
    assert Reminder.objects.filter(actor=due, answered_at__isnull=True).count() == 1

    client.post(still_correct_path(mailoutbox[1]))  # this year's link does it
    due.refresh_from_db()
    assert due.last_verified == timezone.localdate()


def test_a_moderator_verifying_the_entry_answers_the_link_too(client, due, mailoutbox):
    services.send_reminders()
    services.mark_verified(due)
    used = client.get(still_correct_path(mailoutbox[0]))
    assert used.status_code == 400 and used.context["used"]


def test_a_link_signed_for_an_actor_alone_is_refused(client, due):
    """Links of the earlier kind named only the actor: any of them verified it, again and again."""
    services.send_reminders()
    actor_only = signing.TimestampSigner(salt=services.TOKEN_SALT).sign(str(due.pk))
    refused = client.post(f"/fr/freshness/still-correct/{actor_only}/")
    assert refused.status_code == 400 and not refused.context["used"]
    due.refresh_from_db()
    assert due.last_verified < timezone.localdate()
