"""No lost updates, as an editor lives it: their form went stale while someone changed the same
field; the page shows both values, nothing is written until they choose (no JavaScript needed)."""

import re

import pytest
from playwright.sync_api import expect

from .test_accessibility import FAILING_IMPACTS, _axe, _report
from .test_contribution import make_moderator, sign_in

pytestmark = pytest.mark.browser

EDITED = "observatoire-sante-social"  # a demo actor no other browser test changes
THEIRS = "Mercredi 14:00–18:00"
CURRENT = "Mardi 10:00–12:00"


@pytest.mark.parametrize("javascript", [True, False])
def test_a_stale_form_shows_both_values_and_waits_for_a_choice(context_factory, site_db, javascript):
    from directory.models import Actor

    page = context_factory(java_script_enabled=javascript).new_page()
    with site_db():
        email = make_moderator()
        before = Actor.objects.get(slug=EDITED).opening_hours_fr
    sign_in(page, email)
    page.goto(f"/fr/contribute/change/actor/{EDITED}/")
    page.locator("input[name=opening_hours_fr]").fill(THEIRS)
    charter = page.locator("input[name=accept_charter]")
    if charter.count():
        charter.check()
    with site_db():  # someone else changes the same field meanwhile
        actor = Actor.objects.get(slug=EDITED)
        actor.opening_hours_fr = CURRENT
        actor.save()
    page.locator("button[name=send]").click()

    conflicts = page.locator("#conflicts")
    expect(conflicts).to_be_visible()
    expect(conflicts).to_contain_text(THEIRS)
    expect(conflicts).to_contain_text(CURRENT)
    with site_db():
        assert Actor.objects.get(slug=EDITED).opening_hours_fr == CURRENT  # nothing written yet
    if javascript:
        found = [v for v in _axe(page) if v["impact"] in FAILING_IMPACTS]
        assert not found, _report([(page.url, v) for v in found])

    conflicts.get_by_label(re.compile(re.escape(CURRENT))).check()  # "take the current one"
    if charter.count():
        charter.check()
    page.locator("button[name=send]").click()
    expect(page.locator("#conflicts")).to_have_count(0)
    with site_db():
        actor = Actor.objects.get(slug=EDITED)
        assert actor.opening_hours_fr == CURRENT
        actor.opening_hours_fr = before
        actor.save()
