"""The reminder run, its emails and the one-click "still correct" link."""

import datetime as dt
import re
import smtplib
import time

import pytest
from django.core import signing
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from directory.models import Actor
from directory.tests.factories import LanguageFactory
from freshness import services
from freshness.models import Reminder

pytestmark = pytest.mark.django_db
LONG_AGO = dt.date.today() - dt.timedelta(days=800)


def link(message, name):
    """The path of the link to ``name`` ("still-correct" or "change") in an email."""
    url = re.search(rf"https?://\S+/{name}/\S+", message.body).group(0)
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_editors_get_an_email_with_both_links(make_actor, make_editor, mailoutbox, settings):
    settings.SITE_URL = "https://maillage.example"
    actor = make_actor(name_fr="Repair Café & Co l'Ixellois", verified=LONG_AGO, email="public@example.org")
    make_editor(actor, "ed1@example.org")
    make_editor(actor, "ed2@example.org")
    make_editor(actor, "gone@example.org", is_active=False)
    run = services.send_reminders()
    assert (run.due, run.reminded, run.emails) == (1, 1, 2)
    assert sorted(m.to[0] for m in mailoutbox) == ["ed1@example.org", "ed2@example.org"]  # not the public email
    message = mailoutbox[0]
    assert len(message.to) == 1, "editors do not see each other's addresses"
    assert "Repair Café & Co l'Ixellois" in message.subject, "plain text: nothing escaped"
    assert "Repair Café & Co l'Ixellois" in message.body
    assert LONG_AGO.strftime("%Y") in message.body  # the last verification date
    assert "https://maillage.example/fr/freshness/still-correct/" in message.body
    assert f"https://maillage.example/fr/contribute/change/actor/{actor.slug}/" in message.body
    assert f"https://maillage.example{actor.get_absolute_url()}" in message.body
    assert Reminder.objects.get(actor=actor).recipients == 2


def test_the_public_email_when_there_is_no_editor_and_nobody_otherwise(make_actor, mailoutbox):
    public = make_actor(verified=LONG_AGO, email="contact@example.org")
    nobody = make_actor(verified=LONG_AGO, email="")
    run = services.send_reminders()
    assert [m.to for m in mailoutbox] == [["contact@example.org"]]
    assert (run.reminded, run.emails, run.without_recipient) == (2, 1, 1)
    assert Reminder.objects.get(actor=nobody).recipients == 0
    assert Reminder.objects.get(actor=public).recipients == 1


def test_every_email_has_its_own_values(make_actor, mailoutbox):
    """Texts are rendered once per language and date, then filled: nothing leaks between actors."""
    first = make_actor(name_fr="Premier", verified=LONG_AGO, email="1@example.org")
    second = make_actor(name_fr="Second", verified=LONG_AGO, email="2@example.org")
    never = make_actor(name_fr="Jamais", verified=None, created=LONG_AGO, email="3@example.org")
    never.languages.set([LanguageFactory(code="en")])  # written in English
    services.send_reminders()
    by_address = {m.to[0]: m for m in mailoutbox}
    for address, actor in (("1@example.org", first), ("2@example.org", second)):
        message = by_address[address]
        assert actor.name in message.subject and actor.slug in message.body
        token = link(message, "still-correct").split("/")[-2]
        assert services.reminder_for_token(token).actor == actor
    assert "never been confirmed" in by_address["3@example.org"].body
    assert "\0" not in "".join(m.subject + m.body for m in mailoutbox)


def test_language_of_the_recipient_else_of_the_actor(make_actor, make_editor, mailoutbox):
    dutch = make_actor(verified=LONG_AGO, email="nl@example.org")
    dutch.languages.set([LanguageFactory(code="nl")])
    both = make_actor(verified=LONG_AGO)
    both.languages.set([LanguageFactory(code="nl"), LanguageFactory(code="fr")])
    make_editor(both, "english@example.org", language="en")
    make_editor(both, "plain@example.org")
    services.send_reminders()
    paths = {m.to[0]: link(m, "still-correct") for m in mailoutbox}
    assert paths["nl@example.org"].startswith("/nl/")
    assert paths["english@example.org"].startswith("/en/")
    assert paths["plain@example.org"].startswith("/fr/")


def test_running_again_sends_nothing_new(make_actor, mailoutbox):
    make_actor(verified=LONG_AGO, email="a@example.org")
    make_actor(verified=dt.date.today(), email="fresh@example.org")
    assert services.send_reminders().emails == 1
    again = services.send_reminders()
    assert (again.due, again.emails) == (0, 0)
    assert len(mailoutbox) == 1
    assert Reminder.objects.count() == 1


def test_queries_per_batch_do_not_grow_with_actors(make_actor, make_editor):
    def run_queries():
        with CaptureQueriesContext(connection) as queries:
            services.send_reminders()
        return len(queries)

    for i in range(2):
        make_editor(make_actor(verified=LONG_AGO), f"a{i}@example.org")
    few = run_queries()
    for i in range(6):
        make_editor(make_actor(verified=LONG_AGO, email=f"p{i}@example.org"), f"b{i}@example.org")
    assert run_queries() == few


def test_batches_cover_every_actor(make_actor, mailoutbox):
    for i in range(7):
        make_actor(verified=LONG_AGO, email=f"x{i}@example.org")
    seen = []
    run = services.send_reminders(batch_size=3, progress=lambda done, total: seen.append((done, total)))
    assert run.emails == 7 and len(mailoutbox) == 7
    assert seen == [(0, 7), (3, 7), (6, 7), (7, 7)]


class RefusingBackend(EmailBackend):
    def send_messages(self, messages):
        if any("refused" in m.to[0] for m in messages):
            raise smtplib.SMTPRecipientsRefused({m.to[0]: (550, b"no") for m in messages})
        return super().send_messages(messages)


class BrokenBackend(EmailBackend):
    def send_messages(self, messages):
        if any("broken" in m.to[0] for m in messages):
            raise smtplib.SMTPServerDisconnected("gone")
        return super().send_messages(messages)


@override_settings(EMAIL_BACKEND=f"{__name__}.RefusingBackend")
def test_a_refused_address_does_not_stop_the_run(make_actor, mailoutbox):
    refused = make_actor(verified=LONG_AGO, email="refused@example.org")
    make_actor(verified=LONG_AGO, email="fine@example.org")
    run = services.send_reminders()
    assert (run.emails, run.refused, run.reminded) == (1, 1, 2)
    assert Reminder.objects.get(actor=refused).recipients == 0  # the moderators will see it


@override_settings(EMAIL_BACKEND=f"{__name__}.BrokenBackend")
def test_a_broken_connection_keeps_what_was_sent(make_actor, mailoutbox):
    first = make_actor(verified=LONG_AGO, email="first@example.org")
    make_actor(verified=LONG_AGO, email="broken@example.org")
    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.send_reminders()
    assert list(Reminder.objects.values_list("actor", flat=True)) == [first.pk]
    assert services.due_actors().count() == 1  # the other one is tried again next time


@override_settings(EMAIL_BACKEND=f"{__name__}.BrokenBackend")
def test_an_editor_already_reminded_is_not_reminded_again_after_a_break(make_actor, make_editor, mailoutbox):
    actor = make_actor(verified=LONG_AGO)
    make_editor(actor, "a-first@example.org")
    make_editor(actor, "z-broken@example.org")
    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.send_reminders()
    assert [m.to for m in mailoutbox] == [["a-first@example.org"]]
    assert Reminder.objects.get(actor=actor).recipients == 1
    assert not services.due_actors().filter(pk=actor.pk).exists()


def test_the_command_shows_a_summary(make_actor, capsys):
    make_actor(verified=LONG_AGO, email="a@example.org")
    call_command("send_reminders")
    out = capsys.readouterr().out
    assert "1 actors due, 1 reminders recorded, 1 emails sent" in out


def test_the_still_correct_link_verifies_the_actor_and_removes_the_notice(client, make_actor, mailoutbox):
    actor = make_actor(name_fr="Potager du Parc", verified=LONG_AGO, email="potager@example.org")
    services.send_reminders(now=timezone.now() - dt.timedelta(days=45))  # unanswered for 45 days
    page = client.get(actor.get_absolute_url())
    assert 'class="freshness-notice" role="note"' in page.content.decode()

    path = link(mailoutbox[0], "still-correct")
    confirm = client.get(path)
    assert confirm.status_code == 200 and "Potager du Parc" in confirm.content.decode()
    actor.refresh_from_db()
    assert actor.last_verified == LONG_AGO, "following the link (mail scanners do) changes nothing"

    answered = client.post(path, follow=True)
    assert answered.redirect_chain[-1][0] == actor.get_absolute_url()
    actor.refresh_from_db()
    assert actor.last_verified == timezone.localdate()
    assert Reminder.objects.get(actor=actor).answered_at is not None
    body = answered.content.decode()
    assert "freshness-notice" not in body
    assert 'class="message-success"' in body

    again = client.post(path)  # twice (a double click): the link is used, nothing more happens
    assert again.status_code == 400 and again.context["used"]
    assert Actor.objects.get(pk=actor.pk).last_verified == timezone.localdate()
    assert services.send_reminders().emails == 0


def test_forged_and_expired_links_are_refused(client, make_actor):
    actor = make_actor(verified=LONG_AGO)
    assert client.get("/fr/freshness/still-correct/not-a-token/").status_code == 400
    forged = services.still_correct_token(actor.pk, timezone.now())[:-2] + "xx"
    assert client.post(f"/fr/freshness/still-correct/{forged}/").status_code == 400

    class Old(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 61 * 86400)

    expired = Old(salt=services.TOKEN_SALT).sign(str(actor.pk))
    response = client.post(f"/fr/freshness/still-correct/{expired}/")
    assert response.status_code == 400 and response.context["expired"]
    actor.refresh_from_db()
    assert actor.last_verified == LONG_AGO
