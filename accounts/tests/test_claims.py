"""Claiming an entry: through a link sent to the actor's public email, or by a moderator."""

import pytest
from django.core import signing
from django.urls import reverse

from accounts import services
from accounts.models import Claim, Editorship
from directory.tests.factories import ActorFactory
from maillage.testing import assert_queries_do_not_grow

from .factories import ClaimFactory, EditorshipFactory, ModeratorFactory, UserFactory
from .utils import audit, links_in, path_of

pytestmark = pytest.mark.django_db


def claim_page(actor):
    return reverse("accounts:claim", args=[actor.slug])


def test_actor_page_offers_the_claim_to_visitors_through_sign_in(client):
    actor = ActorFactory()
    html = client.get(actor.get_absolute_url()).content.decode()
    login = reverse("account_login")
    assert f'href="{login}?next={claim_page(actor)}"' in html
    assert reverse("accounts:invite", args=[actor.slug]) not in html


def test_actor_page_offers_the_claim_to_signed_in_users(client):
    actor = ActorFactory()
    client.force_login(UserFactory())
    html = client.get(actor.get_absolute_url()).content.decode()
    assert f'href="{claim_page(actor)}"' in html


def test_actor_page_tells_editors_and_offers_the_invitation(client):
    editorship = EditorshipFactory()
    client.force_login(editorship.user)
    html = client.get(editorship.actor.get_absolute_url()).content.decode()
    assert 'class="you-edit"' in html
    assert reverse("accounts:invite", args=[editorship.actor.slug]) in html
    assert claim_page(editorship.actor) not in html


def test_claim_with_public_email_sends_a_signed_link_and_the_link_accepts(client, mailoutbox):
    actor = ActorFactory(email="contact@asbl.example")
    user = UserFactory(email="benevole@example.org")
    client.force_login(user)
    page = client.get(claim_page(actor))
    assert "contact@asbl.example" in page.content.decode()
    assert audit(page.content.decode()) == []
    response = client.post(claim_page(actor), {"message": "Je coordonne les bénévoles."})
    assert response.status_code == 302
    claim = Claim.objects.get(user=user, actor=actor)
    assert claim.status == Claim.Status.PENDING
    assert [m.to for m in mailoutbox] == [["contact@asbl.example"]]
    assert "benevole@example.org" in mailoutbox[0].body
    assert "Je coordonne les bénévoles." in mailoutbox[0].body
    assert mailoutbox[0].reply_to == ["benevole@example.org"]

    # Someone at the organisation, not signed in, opens the link: a page, no change yet.
    link = path_of(links_in(mailoutbox[0])[0])
    other = client.__class__()
    page = other.get(link)
    assert page.status_code == 200
    assert audit(page.content.decode()) == []
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PENDING
    response = other.post(link, {"decision": "accept"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.Status.ACCEPTED
    assert claim.decided_by is None
    assert Editorship.objects.get(user=user, actor=actor).via == Editorship.Via.CLAIM_EMAIL
    assert mailoutbox[-1].to == ["benevole@example.org"]  # the claimer is told

    # The link works once.
    assert other.post(link, {"decision": "accept"}).status_code == 400


def test_the_organisation_may_decline_through_the_link(client, mailoutbox):
    actor = ActorFactory(email="contact@asbl.example")
    user = UserFactory()
    client.force_login(user)
    client.post(claim_page(actor), {"message": ""})
    link = path_of(links_in(mailoutbox[0])[0])
    client.__class__().post(link, {"decision": "decline"})
    claim = Claim.objects.get(user=user)
    assert claim.status == Claim.Status.REJECTED
    assert not Editorship.objects.exists()


def test_claim_link_can_be_followed_by_the_signed_in_claimer(client, mailoutbox):
    actor = ActorFactory(email="contact@asbl.example")
    user = UserFactory()
    client.force_login(user)
    client.post(claim_page(actor), {"message": ""})
    client.post(path_of(links_in(mailoutbox[0])[0]), {"decision": "accept"})
    assert Editorship.objects.filter(user=user, actor=actor).exists()


def test_claim_without_public_email_waits_for_a_moderator(client, mailoutbox):
    actor = ActorFactory(email="")
    user = UserFactory()
    client.force_login(user)
    response = client.post(claim_page(actor), {"message": "Présidente"})
    assert response.status_code == 302
    assert Claim.objects.get(user=user).status == Claim.Status.PENDING
    assert mailoutbox == []


def test_a_second_claim_of_the_same_user_is_not_duplicated(client):
    actor = ActorFactory()
    user = UserFactory()
    client.force_login(user)
    client.post(claim_page(actor), {"message": "1"})
    client.post(claim_page(actor), {"message": "2"})
    assert Claim.objects.filter(user=user, actor=actor).count() == 1
    assert client.get(claim_page(actor)).context["pending"].message == "1"


def test_editor_cannot_claim_again(client):
    editorship = EditorshipFactory()
    client.force_login(editorship.user)
    response = client.post(claim_page(editorship.actor), {"message": "x"})
    assert response.status_code == 302
    assert not Claim.objects.exists()


def test_claim_needs_sign_in(client):
    actor = ActorFactory()
    response = client.post(claim_page(actor), {"message": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Claim.objects.exists()


def test_bad_expired_or_forged_claim_links_change_nothing(client, settings):
    claim = ClaimFactory(actor=ActorFactory(email="contact@asbl.example"))
    forged = signing.dumps({"claim": claim.pk, "email": "contact@asbl.example"}, salt="something-else")
    for token in ("nonsense", forged, services.claim_token(claim)[:-2] + "xx"):
        response = client.post(reverse("accounts:claim_confirm", args=[token]), {"decision": "accept"})
        assert response.status_code == 400
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PENDING
    assert not Editorship.objects.exists()


def test_claim_link_expires_after_seven_days(client, monkeypatch):
    claim = ClaimFactory(actor=ActorFactory(email="contact@asbl.example"))
    token = services.claim_token(claim)
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 8 * 24 * 3600)
    response = client.post(reverse("accounts:claim_confirm", args=[token]), {"decision": "accept"})
    assert response.status_code == 400
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PENDING


def test_claim_link_stops_working_when_the_public_email_changes(client):
    claim = ClaimFactory(actor=ActorFactory(email="old@asbl.example"))
    token = services.claim_token(claim)
    claim.actor.email = "new@asbl.example"
    claim.actor.save()
    response = client.post(reverse("accounts:claim_confirm", args=[token]), {"decision": "accept"})
    assert response.status_code == 400
    assert not Editorship.objects.exists()


def test_nobody_accepts_a_claim_without_the_link_sent_to_the_actor(client):
    """The claimer or another user cannot make their own token: it is signed with the secret key."""
    claim = ClaimFactory(actor=ActorFactory(email="contact@asbl.example"))
    payload = {"claim": claim.pk, "email": "contact@asbl.example"}
    forged = signing.dumps(payload, salt=services.CLAIM_SALT, key="not-the-secret-key")
    for user in (claim.user, UserFactory()):
        client.force_login(user)
        response = client.post(reverse("accounts:claim_confirm", args=[forged]), {"decision": "accept"})
        assert response.status_code == 400
        response = client.post(reverse("accounts:claim_decide", args=[claim.pk]), {f"c{claim.pk}-decision": "accept"})
        assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PENDING
    assert not Editorship.objects.exists()


# Moderators -----------------------------------------------------------------------------------


def test_claims_list_is_for_moderators_only(client):
    url = reverse("accounts:claims")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    editor = EditorshipFactory().user
    client.force_login(editor)
    assert client.get(url).status_code == 403


def test_non_moderators_cannot_decide_claims(client):
    claim = ClaimFactory()
    url = reverse("accounts:claim_decide", args=[claim.pk])
    data = {f"c{claim.pk}-decision": "accept"}
    assert client.post(url, data).status_code == 302  # to sign in
    client.force_login(claim.user)  # not even the claimer
    assert client.post(url, data).status_code == 403
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PENDING
    assert not Editorship.objects.exists()


def test_moderator_sees_pending_claims_and_accepts_one(client, mailoutbox):
    moderator = ModeratorFactory()
    claim = ClaimFactory(actor=ActorFactory(name_fr="Atelier Vélo"))
    client.force_login(moderator)
    html = client.get(reverse("accounts:claims")).content.decode()
    assert "Atelier Vélo" in html
    assert claim.user.email in html
    assert audit(html) == []
    response = client.post(reverse("accounts:claim_decide", args=[claim.pk]), {f"c{claim.pk}-decision": "accept"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.Status.ACCEPTED
    assert claim.decided_by == moderator
    assert Editorship.objects.get(user=claim.user, actor=claim.actor).via == Editorship.Via.CLAIM_MODERATOR
    assert mailoutbox[-1].to == [claim.user.email]


def test_rejecting_needs_a_reason_which_is_emailed(client, mailoutbox):
    moderator = ModeratorFactory()
    claim = ClaimFactory()
    client.force_login(moderator)
    url = reverse("accounts:claim_decide", args=[claim.pk])
    response = client.post(url, {f"c{claim.pk}-decision": "reject", f"c{claim.pk}-reason": "  "})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PENDING
    assert mailoutbox == []

    response = client.post(
        url, {f"c{claim.pk}-decision": "reject", f"c{claim.pk}-reason": "Personne ne vous connaît à l'asbl."}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REJECTED
    assert claim.reason == "Personne ne vous connaît à l'asbl."
    assert not Editorship.objects.exists()
    assert mailoutbox[-1].to == [claim.user.email]
    assert "Personne ne vous connaît à l'asbl." in mailoutbox[-1].body


def test_claimer_is_told_in_their_language(client, mailoutbox):
    from accounts.models import Profile

    claim = ClaimFactory()
    Profile.objects.create(user=claim.user, language="en")
    services.accept_claim(claim, by=ModeratorFactory())
    assert mailoutbox[-1].subject.startswith("You can now edit")
    assert "/en/" in mailoutbox[-1].body


def test_decided_claims_cannot_be_decided_again(client):
    claim = ClaimFactory(status=Claim.Status.REJECTED)
    client.force_login(ModeratorFactory())
    client.post(reverse("accounts:claim_decide", args=[claim.pk]), {f"c{claim.pk}-decision": "accept"})
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REJECTED
    assert not Editorship.objects.exists()


def test_claims_list_queries_do_not_grow(client):
    client.force_login(ModeratorFactory())

    def add_item():
        ClaimFactory()
        decided = ClaimFactory()
        services.accept_claim(decided, by=ModeratorFactory())

    assert_queries_do_not_grow(client, reverse("accounts:claims"), add_item)


def test_object_actions_render_nothing_on_events_and_projects(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = AnonymousUser()
    actor = ActorFactory()
    html = render_to_string("accounts/_object_actions.html", {"object": actor, "kind": "event"}, request=request)
    assert html.strip() == ""
    html = render_to_string("accounts/_object_actions.html", {"object": actor, "kind": "actor"}, request=request)
    assert html.strip().startswith("<li>") and html.strip().endswith("</li>")


@pytest.mark.parametrize("data", [{}, {"decision": ""}, {"decision": "yes"}, {"decision": "ACCEPT"}])
def test_claim_link_accepts_only_on_the_accept_button(client, mailoutbox, data):
    actor = ActorFactory(email="contact@asbl.example")
    user = UserFactory()
    client.force_login(user)
    client.post(claim_page(actor), {"message": ""})
    link = path_of(links_in(mailoutbox[0])[0])
    response = client.__class__().post(link, data)
    assert response.status_code == 400
    assert 'value="accept"' in response.content.decode()  # the page again, with its two buttons
    assert Claim.objects.get(user=user).status == Claim.Status.PENDING
    assert not Editorship.objects.exists()
