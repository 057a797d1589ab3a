"""The profile page, downloading one's data and deleting one's account."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Claim, Editorship, Invitation, Profile
from charter import services as charter
from directory.models import Actor
from directory.tests.factories import ActorFactory

from .factories import PASSWORD, ClaimFactory, EditorshipFactory, InvitationFactory, UserFactory
from .utils import audit

pytestmark = pytest.mark.django_db


def test_profile_needs_sign_in(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_lists_entries_claims_and_links(client):
    user = UserFactory()
    edited = EditorshipFactory(user=user, actor=ActorFactory(name_fr="Repair Café Ixelles")).actor
    ClaimFactory(user=user, actor=ActorFactory(name_fr="Potager Collectif"))
    ClaimFactory(
        user=user, actor=ActorFactory(name_fr="Autre Asbl"), status=Claim.Status.REJECTED, reason="Inconnu chez eux"
    )
    client.force_login(user)
    response = client.get(reverse("accounts:profile"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{edited.get_absolute_url()}"' in html
    assert "Repair Café Ixelles" in html
    assert "Potager Collectif" in html
    assert "Inconnu chez eux" in html  # the reason of a rejected claim
    for name in ("account_email", "account_change_password", "accounts:export", "accounts:delete"):
        assert reverse(name) in html
    assert audit(html) == []


def test_profile_saves_name_and_language(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"display_name": "  Aïcha  ", "language": "nl"})
    assert response.status_code == 302
    profile = Profile.objects.get(user=user)
    assert (profile.display_name, profile.language) == ("Aïcha", "nl")


def test_profile_rejects_an_unknown_language_and_keeps_the_input(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"display_name": "Aïcha", "language": "de"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert 'value="Aïcha"' in html
    assert Profile.objects.get(user=user).display_name == ""


def test_export_contains_everything_about_the_user(client):
    user = UserFactory(email="me@example.org")
    Profile.objects.create(user=user, display_name="Moi", language="en")
    mine = EditorshipFactory(user=user, actor=ActorFactory(slug="mine")).actor
    ClaimFactory(user=user, actor=ActorFactory(slug="claimed"), message="C'est nous")
    InvitationFactory(invited_by=user, actor=mine, email="colleague@example.org")
    charter.record_acceptance(user)
    other = UserFactory(email="someone-else@example.org")
    ClaimFactory(user=other)

    client.force_login(user)
    response = client.get(reverse("accounts:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "me@example.org"
    assert data["account"]["name"] == "Moi"
    assert data["account"]["preferred_language"] == "en"
    assert data["account"]["email_addresses"] == [{"email": "me@example.org", "verified": True, "primary": True}]
    assert [e["actor_slug"] for e in data["editorships"]] == ["mine"]
    assert [(c["actor_slug"], c["message"]) for c in data["claims"]] == [("claimed", "C'est nous")]
    assert [i["email"] for i in data["invitations_sent"]] == ["colleague@example.org"]
    assert len(data["charter_acceptances"]) == 1
    assert "someone-else@example.org" not in response.content.decode()
    assert "password" not in response.content.decode()


def test_export_includes_the_changes_the_user_made(client):
    user = UserFactory()
    actor = ActorFactory()
    actor.description_fr = "Nouveau texte"
    actor._history_user = user
    actor.save()
    client.force_login(user)
    data = json.loads(client.get(reverse("accounts:export")).content)
    assert {"object": "directory.actor", "object_id": actor.pk, "type": "changed"}.items() <= data["changes"][0].items()


def test_export_needs_sign_in(client):
    assert client.get(reverse("accounts:export")).status_code == 302


def test_delete_needs_the_password_and_the_confirmation(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:delete"), {"password": "wrong", "confirm": "on"})
    assert response.status_code == 200
    assert 'id="id_password_error"' in response.content.decode()
    assert get_user_model().objects.filter(pk=user.pk).exists()
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == 200
    assert 'id="id_confirm_error"' in response.content.decode()
    assert get_user_model().objects.filter(pk=user.pk).exists()


def test_delete_needs_post_and_csrf(client):
    user = UserFactory()
    csrf_client = client.__class__(enforce_csrf_checks=True)
    csrf_client.force_login(user)
    response = csrf_client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 403
    assert get_user_model().objects.filter(pk=user.pk).exists()


def test_deleting_the_account_keeps_the_entries_and_anonymises_their_history(client):
    user = UserFactory()
    actor = ActorFactory(name_fr="Maison Solidaire")
    EditorshipFactory(user=user, actor=actor)
    ClaimFactory(user=user)
    InvitationFactory(invited_by=user)
    charter.record_acceptance(user)
    actor.description_fr = "Texte écrit par l'utilisateur"
    actor._history_user = user
    actor.save()
    version = actor.history.latest()
    assert version.history_user_id == user.pk

    client.force_login(user)
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not EmailAddress.objects.filter(user_id=user.pk).exists()
    assert not Editorship.objects.exists()
    assert not Claim.objects.filter(user_id=user.pk).exists()
    assert not Invitation.objects.exists()
    # The entry and its history stay; the version no longer points to anybody.
    actor = Actor.objects.get(pk=actor.pk)
    assert actor.description_fr == "Texte écrit par l'utilisateur"
    version.refresh_from_db()
    assert version.history_user_id is None
    assert version.description_fr == "Texte écrit par l'utilisateur"
    # Signed out.
    assert not client.get(reverse("pages:home")).wsgi_request.user.is_authenticated


def test_privacy_page_says_what_is_kept(client):
    response = client.get(reverse("accounts:privacy"))
    assert response.status_code == 200
    html = response.content.decode()
    assert audit(html) == []
    for en in ("/en/account/privacy/",):
        assert client.get(en).status_code == 200
    client.force_login(UserFactory())
    html = client.get(reverse("accounts:privacy")).content.decode()
    assert reverse("accounts:export") in html
    assert reverse("accounts:delete") in html


def _proposal_models():
    from django.apps import apps

    try:
        return apps.get_model("proposals.Proposal"), apps.get_model("proposals.ProposalComment")
    except LookupError:
        pytest.skip("the proposals app has no models")


def test_export_includes_proposals_and_comments_without_internal_notes(client):
    Proposal, ProposalComment = _proposal_models()
    user = UserFactory(email="me@example.org")
    moderator = UserFactory()
    signed_in = Proposal.objects.create(
        kind="problem", proposer=user, message="Le site est mort", assigned_to=moderator
    )
    before_sign_up = Proposal.objects.create(kind="problem", proposer_email="ME@example.org", message="Avant")
    Proposal.objects.create(kind="problem", proposer_email="someone@example.org", message="Pas moi")
    ProposalComment.objects.create(proposal=signed_in, author=user, text="Ma note")
    client.force_login(user)
    data = json.loads(client.get(reverse("accounts:export")).content)
    assert sorted(p["id"] for p in data["proposals"]) == sorted([signed_in.pk, before_sign_up.pk])
    assert "assigned_to" not in data["proposals"][0]
    assert [c["text"] for c in data["proposal_comments"]] == ["Ma note"]


def test_deleting_the_account_unlinks_and_blanks_the_proposals(client):
    Proposal, _comment = _proposal_models()
    user = UserFactory(email="me@example.org")
    signed_in = Proposal.objects.create(kind="problem", proposer=user, proposer_name="Moi", message="Texte")
    before_sign_up = Proposal.objects.create(kind="problem", proposer_email="me@example.org", proposer_name="Moi")
    other = Proposal.objects.create(kind="problem", proposer_email="other@example.org", proposer_name="Autre")
    client.force_login(user)
    client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})
    signed_in.refresh_from_db()
    before_sign_up.refresh_from_db()
    other.refresh_from_db()
    assert (signed_in.proposer_id, signed_in.proposer_name, signed_in.message) == (None, "", "Texte")
    assert (before_sign_up.proposer_email, before_sign_up.proposer_name) == ("", "")
    assert other.proposer_email == "other@example.org"


def test_profile_queries_do_not_grow(client):
    from maillage.testing import assert_queries_do_not_grow

    user = UserFactory()
    client.force_login(user)

    def add_item():
        EditorshipFactory(user=user)
        ClaimFactory(user=user)
        InvitationFactory(invited_by=user)

    assert_queries_do_not_grow(client, reverse("accounts:profile"), add_item)


def test_profile_shows_the_charter_status(client):
    user = UserFactory()
    client.force_login(user)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("charter:charter") in html
    charter.record_acceptance(user)
    response = client.get(reverse("accounts:profile"))
    assert response.context["charter_needed"] is False
    assert response.context["charter_accepted"].user == user
