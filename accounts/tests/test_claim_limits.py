"""Claims flood neither the watch group nor an organisation's mailbox: a person makes a few claims
a day, and an entry's public address gets a few confirmation links a day."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Claim
from directory.tests.factories import ActorFactory

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def claim(client, actor, message="Je coordonne les bénévoles."):
    return client.post(reverse("accounts:claim", args=[actor.slug]), {"message": message})


def test_a_person_makes_at_most_the_daily_number_of_claims(client, settings, mailoutbox):
    settings.CLAIM_RATE_LIMIT = 2
    user = UserFactory()
    client.force_login(user)
    actors = [ActorFactory(email=f"contact{n}@asbl.example") for n in range(3)]
    for actor in actors[:2]:
        assert claim(client, actor).status_code == 302
    refused = claim(client, actors[2], message="Une troisième association")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Une troisième association" in page  # the form again, with what was typed
    assert 'class="message-error"' in page
    assert not Claim.objects.filter(actor=actors[2]).exists()
    assert len(mailoutbox) == 2
    # Another person is not held back by the first one's claims.
    client.force_login(UserFactory())
    assert claim(client, actors[2]).status_code == 302
    assert Claim.objects.filter(actor=actors[2]).count() == 1


def test_an_entry_address_gets_at_most_the_daily_number_of_links_then_moderators_decide(client, settings, mailoutbox):
    settings.CLAIM_EMAIL_RATE_LIMIT = 2
    actor = ActorFactory(email="contact@asbl.example")
    for _person in range(3):
        client.force_login(UserFactory())
        followed = client.post(
            reverse("accounts:claim", args=[actor.slug]), {"message": "Bonjour"}, follow=True
        ).content.decode()
    assert [m.to for m in mailoutbox] == [["contact@asbl.example"]] * 2
    assert Claim.objects.filter(actor=actor, status=Claim.Status.PENDING).count() == 3  # moderators see all
    assert 'class="message-success"' in followed
    assert "contact@asbl.example" not in followed  # the message does not say a link was sent there


def test_asking_again_for_a_pending_claim_sends_nothing_more(settings, mailoutbox):
    settings.CLAIM_RATE_LIMIT = 1
    actor, user = ActorFactory(email="contact@asbl.example"), UserFactory()
    first = services.create_claim(user, actor)
    again = services.create_claim(user, actor)
    assert again.pk == first.pk and not again.link_sent
    assert len(mailoutbox) == 1
