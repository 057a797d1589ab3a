"""Contribution journeys as newcomers live them, with email through a real SMTP server."""

import datetime as dt
import re
import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, ModeratorFactory

from .support import tr

pytestmark = pytest.mark.browser


def make_moderator():
    """A moderator who can sign in (verified email, ``PASSWORD``); returns the email."""
    return ModeratorFactory(email=f"moderator-{uuid.uuid4().hex[:6]}@example.org").email


def sign_in(page, email, lang="fr"):
    page.goto(f"/{lang}/account/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=password]")).locator("button[type=submit]").click()
    expect(page.locator("input[name=password]")).to_have_count(0)


def test_visitor_proposes_an_event_confirms_it_and_a_moderator_publishes_it(context_factory, mailbox, site_db):
    title = f"Soupe et jeux {uuid.uuid4().hex[:6]}"
    day = timezone.localdate() + dt.timedelta(days=12)

    # A visitor without an account finds "Contribute" in the header.
    visitor = context_factory().new_page()
    visitor.goto("/fr/")
    visitor.get_by_role("link", name=tr("fr", "Contribute")).first.click()
    visitor.get_by_role("link", name=re.compile(tr("fr", "Propose an event"))).click()
    visitor.get_by_label(f"{tr('fr', 'Title')} ({tr('fr', 'in French')})").fill(title)
    visitor.get_by_label(f"{tr('fr', 'Description')} ({tr('fr', 'in French')})").fill("Ouvert à tous.")
    visitor.get_by_label(tr("fr", "Date"), exact=True).fill(day.isoformat())
    visitor.get_by_label(tr("fr", "Starts at")).fill("18:30")
    visitor.get_by_label(tr("fr", "Street and number")).fill("Rue Bonnevie 40")
    visitor.get_by_label(tr("fr", "Postcode")).fill("1080")
    visitor.get_by_label(tr("fr", "Your email")).fill("neighbour@example.org")
    visitor.get_by_label(tr("fr", "I have read and accept the charter")).check()

    # The preview shows what will be sent, and keeps the form filled in.
    visitor.get_by_role("button", name=tr("fr", "Preview")).click()
    preview = visitor.locator("#preview")
    expect(preview).to_contain_text(title)
    expect(preview).to_contain_text("Rue Bonnevie 40")
    visitor.get_by_label(tr("fr", "I have read and accept the charter")).check()
    visitor.get_by_role("button", name=tr("fr", "Send")).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(tr("fr", "Thank you!"))

    # The confirmation arrives by email; its link's button puts the proposal in the queue.
    subject, body = mailbox.wait_for("neighbour@example.org")
    assert subject == tr("fr", "Please confirm your proposal")
    visitor.goto(mailbox.link(body, "/confirm/"))
    visitor.get_by_role("button", name=tr("fr", "Confirm my proposal")).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(tr("fr", "Your email is confirmed"))

    # Not published yet.
    visitor.goto("/fr/agenda/")
    expect(visitor.get_by_text(title)).to_have_count(0)

    # A moderator of the watch group reviews and approves it.
    moderator = context_factory().new_page()
    with site_db():
        email = make_moderator()
    sign_in(moderator, email)
    moderator.get_by_role("link", name=tr("fr", "Moderation")).click()
    moderator.get_by_role("link", name=re.compile(re.escape(title))).click()
    diff = moderator.locator("table.diff")
    expect(diff).to_contain_text("Rue Bonnevie 40")
    expect(diff).to_contain_text("18:30")
    moderator.get_by_role("button", name=tr("fr", "Approve and publish")).click()
    expect(moderator.locator(".messages")).to_contain_text(tr("fr", "Approved and published."))

    # The visitor is told, and the event is in the agenda and in its iCal feed.
    subject, body = mailbox.wait_for("neighbour@example.org")
    assert subject == tr("fr", "Your proposal is published")
    visitor.goto(mailbox.link(body, "/agenda/"))
    expect(visitor.get_by_role("heading", level=1)).to_have_text(title)
    visitor.goto(f"/fr/agenda/?from={day.isoformat()}")
    expect(visitor.get_by_role("link", name=title)).to_be_visible()
    feed = visitor.request.get("/fr/agenda/agenda.ics")
    assert f"SUMMARY:{title}" in feed.text()
