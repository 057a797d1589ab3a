"""The confirmation link of a visitor's proposal: opening it changes nothing (mail scanners open
links); its page's button puts the proposal in the moderation queue."""

import pytest
from django.urls import reverse

from proposals import services
from proposals.models import Proposal

from .test_proposals import _event_post, _link, _path

pytestmark = pytest.mark.django_db


@pytest.fixture
def unconfirmed(client, taxonomy, mailoutbox):
    client.post(reverse("proposals:new", args=["event"]), _event_post())
    (message,) = mailoutbox
    return Proposal.objects.get(), _path(_link(message))


def test_opening_the_link_shows_a_button_and_confirms_nothing(client, unconfirmed):
    proposal, path = unconfirmed
    page = client.get(path)
    html = page.content.decode()
    assert page.status_code == 200
    assert '<form method="post">' in html and '<button type="submit">' in html
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.UNCONFIRMED and proposal.confirmed_at is None


def test_the_button_confirms_and_a_second_press_changes_nothing(client, unconfirmed):
    proposal, path = unconfirmed
    assert client.post(path).status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING
    confirmed_at = proposal.confirmed_at
    assert client.post(path).status_code == 200
    proposal.refresh_from_db()
    assert proposal.confirmed_at == confirmed_at


def test_a_broken_link_says_so_whatever_the_method(client, unconfirmed):
    proposal, _path_ = unconfirmed
    forged = reverse("proposals:confirm", args=[services.confirmation_token(proposal)[:-2] + "xx"])
    for method in (client.get, client.post):
        assert method(forged).status_code == 400
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.UNCONFIRMED
