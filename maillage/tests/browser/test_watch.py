"""Keeping entries fresh, as newcomers live it: an association claims its entry and updates it, a
reminder's "still correct" link marks an entry verified, a moderator reverts a vandalised entry.

Emails go through the real SMTP server of the ``mailbox`` fixture; the tests follow their links.
"""

import datetime as dt
import re
import uuid

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from maillage import changes

from .support import demo_name, tr
from .test_contribution import PASSWORD, make_moderator, sign_in

pytestmark = pytest.mark.browser

CLAIMED = "fsb-aide-a-domicile"  # three demo actors without a public email, one per test
REMINDED = "fmm"
VANDALISED = "flcpf"


def _give_public_email(slug, **changes):
    """A demo actor with its own public email (the demo has none), and ``changes``, saved without
    a version (as the demo loader did)."""
    from directory.models import Actor

    email = f"asso-{uuid.uuid4().hex[:8]}@example.org"
    Actor.objects.filter(slug=slug).update(email=email, **changes)
    return email


def _months_ago(months):
    from freshness.services import months_before

    return months_before(timezone.localdate(), months)


def test_an_association_claims_its_entry_and_updates_it(context_factory, mailbox, site_db):
    name = demo_name("actors", CLAIMED)
    with site_db():
        public_email = _give_public_email(CLAIMED)
    person = f"coordination-{uuid.uuid4().hex[:6]}@example.org"

    # A newcomer creates an account with an email and a password typed twice.
    page = context_factory().new_page()
    page.goto("/fr/")
    page.get_by_role("link", name=tr("fr", "Sign in")).click()
    page.locator("main").locator('a[href$="/fr/account/signup/"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("fr", "Sign Up"))
    page.locator("input[name=email]").fill(person)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.get_by_role("button", name=tr("fr", "Sign Up"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("fr", "Verify Your Email Address"))
    expect(page.locator("main")).to_contain_text(person)

    # The verification email arrives; its link asks to confirm, and confirming signs the person in.
    subject, body = mailbox.wait_for(person)
    assert tr("fr", "Please Confirm Your Email Address") in subject
    page.goto(mailbox.link(body, "/confirm-email/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("fr", "Confirm Email Address"))
    page.get_by_role("button", name=tr("fr", "Confirm"), exact=True).click()
    expect(page.locator(".user-menu")).to_contain_text(tr("fr", "My account"))

    # On the entry of the association, the person claims it.
    page.goto(f"/fr/directory/{CLAIMED}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    page.get_by_role("link", name=tr("fr", "This is my organisation: claim this entry")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page.locator("main")).to_contain_text(public_email)
    page.get_by_label(tr("fr", "A word for the people who check")).fill("Je coordonne l'équipe depuis 2019.")
    page.get_by_role("button", name=tr("fr", "Claim this entry")).click()
    expect(page.locator(".messages")).to_contain_text(public_email)
    page.goto(f"/fr/directory/{CLAIMED}/")
    expect(page.locator(".contribute")).to_contain_text(
        tr("fr", "Your claim on this entry is waiting for confirmation.")
    )
    expect(page.get_by_role("link", name=tr("fr", "Suggest a change"))).to_be_visible()

    # Whoever reads the association's public mailbox confirms, without an account.
    _subject, body = mailbox.wait_for(public_email)
    assert "Je coordonne l'équipe depuis 2019." in body
    colleague = context_factory().new_page()
    colleague.goto(mailbox.link(body, "/claim-confirm/"))
    expect(colleague.locator("main")).to_contain_text(person)
    colleague.get_by_role("button", name=tr("fr", "Yes, confirm")).click()
    expect(colleague.get_by_role("heading", level=1)).to_have_text(name)
    expect(colleague.locator(".messages")).to_be_visible()

    # The person is told, and now edits the entry: changes are published at once.
    _subject, body = mailbox.wait_for(person)
    assert f"/fr/directory/{CLAIMED}/" in body
    page.goto(f"/fr/directory/{CLAIMED}/")
    expect(page.locator(".contribute")).to_contain_text(tr("fr", "You edit this entry."))
    page.get_by_role("link", name=tr("fr", "Edit"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("fr", "Edit this page"))
    description = f"Aide à domicile dans les 19 communes, permanence le mardi {uuid.uuid4().hex[:6]}."
    page.get_by_label(f"{tr('fr', 'What you do')} ({tr('fr', 'in French')})").fill(description)
    page.get_by_label(tr("fr", "I have read and accept the charter")).check()  # first publication
    page.get_by_role("button", name=tr("fr", "Publish")).click()

    expect(page).to_have_url(re.compile(rf"/fr/directory/{CLAIMED}/$"))
    expect(page.locator(".messages")).to_contain_text(tr("fr", "Published. Thank you!"))
    expect(page.locator(".description")).to_have_text(description)
    visitor = context_factory().new_page()
    visitor.goto(f"/fr/directory/{CLAIMED}/")
    expect(visitor.locator(".description")).to_have_text(description)


def test_a_reminder_link_marks_an_entry_verified(context_factory, mailbox, site_db):
    from directory.models import Actor
    from freshness import services as freshness

    name = demo_name("actors", REMINDED)
    with site_db():
        public_email = _give_public_email(REMINDED, last_verified=_months_ago(13))
        run = freshness.send_reminders()
    assert run.reminded >= 1

    subject, body = mailbox.wait_for(public_email)
    assert name in subject
    assert f"/fr/directory/{REMINDED}/" in body

    page = context_factory().new_page()
    page.goto(mailbox.link(body, "/still-correct/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("fr", "Is this information still correct?"))
    expect(page.locator("main")).to_contain_text(name)
    page.get_by_role("button", name=tr("fr", "Yes, everything is still correct")).click()

    expect(page).to_have_url(re.compile(rf"/fr/directory/{REMINDED}/$"))
    expect(page.locator(".messages")).to_contain_text(tr("fr", "Thank you! This entry is marked as verified today."))
    with translation.override("fr"):
        verified = tr("fr", "verified on %(date)s") % {"date": date_format(timezone.localdate(), "j F Y")}
    status = page.locator(".page-header .status")
    expect(status).to_contain_text(verified)
    expect(page.locator(".freshness-notice")).to_have_count(0)

    # A month and more later, the entry still does not show the "may be outdated" notice.
    with site_db():
        assert not freshness.may_be_outdated(
            Actor.objects.get(slug=REMINDED), now=timezone.now() + dt.timedelta(days=40)
        )


def test_a_moderator_reverts_a_vandalised_entry(context_factory, site_db):
    from directory.models import Actor
    from directory.services import save_actor

    good_name = demo_name("actors", VANDALISED)
    good_description = demo_name("actors", VANDALISED, "description")
    spam = f"CHEAP PILLS {uuid.uuid4().hex[:6]}"
    with site_db():
        actor = Actor.objects.get(slug=VANDALISED)
        with changes.recording(reason="checked by the watch group"):
            save_actor(actor)
        actor = Actor.objects.get(slug=VANDALISED)
        actor.name_fr = spam
        actor.description_fr = f"{spam}: buy now at spam.example"
        with changes.recording(reason="vandalism"):
            save_actor(actor)
        email = make_moderator()

    # The public sees the vandalised page.
    visitor = context_factory().new_page()
    visitor.goto(f"/fr/directory/{VANDALISED}/")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text(spam)

    # A moderator opens its history and goes back to the version before the vandalism.
    page = context_factory().new_page()
    sign_in(page, email)
    page.goto(f"/fr/directory/{VANDALISED}/")
    page.get_by_role("link", name=tr("fr", "History"), exact=True).click()
    versions = page.locator("li.history-version")
    newest = versions.first
    expect(newest).to_contain_text("vandalism")
    expect(newest).to_contain_text(tr("fr", "This is the current version."))
    before = versions.filter(has_text="checked by the watch group")
    expect(before).to_have_count(1)
    before.get_by_role("link", name=tr("fr", "Revert to this version…")).click()
    expect(page.locator("main")).to_contain_text(good_name)
    page.get_by_role("button", name=tr("fr", "Revert to this version"), exact=True).click()
    expect(page.locator(".messages")).to_contain_text(good_name)

    # The old text is back on the public page, and search finds it by its old name.
    visitor.goto(f"/fr/directory/{VANDALISED}/")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text(good_name)
    expect(visitor.locator(".description")).to_have_text(good_description)
    expect(visitor.locator("main")).not_to_contain_text(spam)
    visitor.goto(f"/fr/search/?q={good_name}")
    expect(visitor.get_by_role("link", name=good_name, exact=True)).to_be_visible()
    visitor.goto(f"/fr/search/?q={spam.split()[-1]}")
    expect(visitor.get_by_role("link", name=good_name, exact=True)).to_have_count(0)
