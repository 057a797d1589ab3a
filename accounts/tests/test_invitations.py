"""Editors invite colleagues: a signed link to an address; accepted by a user who owns it."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from accounts import services
from accounts.models import Editorship, Invitation
from directory.tests.factories import ActorFactory

from .factories import PASSWORD, EditorshipFactory, InvitationFactory, ModeratorFactory, UserFactory
from .utils import audit, links_in, path_of

NO_LONGER = (
    "The person who invited you no longer edits this entry, so the invitation is no longer valid. "
    "Ask one of its current editors or a moderator for a new one."
)

pytestmark = pytest.mark.django_db


def invite_page(actor):
    return reverse("accounts:invite", args=[actor.slug])


def test_editor_invites_a_colleague_who_accepts(client, mailoutbox):
    editorship = EditorshipFactory()
    actor = editorship.actor
    client.force_login(editorship.user)
    page = client.get(invite_page(actor))
    assert page.status_code == 200
    assert audit(page.content.decode()) == []
    response = client.post(invite_page(actor), {"email": "collegue@example.org", "message": "Bienvenue !"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.actor, invitation.email, invitation.invited_by) == (
        actor,
        "collegue@example.org",
        editorship.user,
    )
    assert mailoutbox[-1].to == ["collegue@example.org"]
    assert "Bienvenue !" in mailoutbox[-1].body
    link = path_of(links_in(mailoutbox[-1])[0])

    colleague = UserFactory(email="collegue@example.org")
    other = client.__class__()
    # Not signed in: to the sign-in page, back to the invitation afterwards.
    response = other.get(link)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    other.force_login(colleague)
    page = other.get(link)
    assert page.status_code == 200
    assert audit(page.content.decode()) == []
    assert not Editorship.objects.filter(user=colleague).exists()  # opening the link changes nothing
    response = other.post(link)
    assert response.status_code == 302
    assert Editorship.objects.get(user=colleague, actor=actor).via == Editorship.Via.INVITATION
    invitation.refresh_from_db()
    assert invitation.accepted_by == colleague
    assert other.post(link).status_code == 400  # used


def test_new_colleague_signs_up_with_the_invited_address_then_accepts(client, mailoutbox):
    invitation = InvitationFactory(email="nouvelle@example.org")
    link = reverse("accounts:invitation_accept", args=[services.invitation_token(invitation)])
    response = client.get(link)
    login_url = response["Location"]
    assert client.get(login_url).status_code == 200
    client.post(
        reverse("account_signup") + "?next=" + link,
        {"email": "nouvelle@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    confirm = path_of(links_in(mailoutbox[-1])[0])
    client.post(confirm)
    client.post(reverse("account_login"), {"login": "nouvelle@example.org", "password": PASSWORD})
    response = client.post(link)
    assert response.status_code == 302
    assert Editorship.objects.filter(actor=invitation.actor, user__email="nouvelle@example.org").exists()


def test_invitation_needs_the_invited_verified_address(client):
    invitation = InvitationFactory(email="invited@example.org")
    link = reverse("accounts:invitation_accept", args=[services.invitation_token(invitation)])
    stranger = UserFactory(email="stranger@example.org")
    client.force_login(stranger)
    page = client.get(link)
    assert page.status_code == 200
    assert reverse("account_email") in page.content.decode()
    assert client.post(link).status_code == 403
    # An unverified copy of the address is not enough.
    EmailAddress.objects.create(user=stranger, email="invited@example.org", verified=False)
    assert client.post(link).status_code == 403
    assert not Editorship.objects.filter(user=stranger).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_only_editors_and_moderators_may_invite(client, mailoutbox):
    actor = ActorFactory()
    url = invite_page(actor)
    data = {"email": "x@example.org"}
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    # An editor of another actor may not invite for this one.
    client.force_login(EditorshipFactory().user)
    assert client.post(url, data).status_code == 403
    assert not Invitation.objects.exists()
    assert mailoutbox == []
    client.force_login(ModeratorFactory())
    assert client.post(url, data).status_code == 302
    assert Invitation.objects.count() == 1


def test_invitation_form_errors_keep_the_input(client):
    editorship = EditorshipFactory()
    client.force_login(editorship.user)
    response = client.post(invite_page(editorship.actor), {"email": "pas-une-adresse", "message": "Salut"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert 'value="pas-une-adresse"' in html
    assert "Salut" in html
    # Someone who already edits the entry.
    response = client.post(invite_page(editorship.actor), {"email": editorship.user.email.upper()})
    assert response.status_code == 200
    assert 'id="id_email_error"' in response.content.decode()
    assert not Invitation.objects.exists()


def test_bad_invitation_links_change_nothing(client):
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:invitation_accept", args=["nonsense:abc"]))
    assert response.status_code == 400
    assert not Editorship.objects.exists()


def test_invitation_of_an_editor_who_lost_the_right_no_longer_works(client, mailoutbox):
    """Removing an editor also voids the links they sent (they are valid for 7 days)."""
    invitation = InvitationFactory(email="invited@example.org")
    link = reverse("accounts:invitation_accept", args=[services.invitation_token(invitation)])
    Editorship.objects.filter(user=invitation.invited_by, actor=invitation.actor).delete()
    invited = UserFactory(email="invited@example.org")
    client.force_login(invited)
    page = client.get(link)
    assert page.status_code == 403
    html = page.content.decode()
    assert escape(_(NO_LONGER)) in html and escape(_("Accept the invitation")) not in html
    assert client.post(link).status_code == 403
    assert not Editorship.objects.exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    # The service refuses too (whoever calls it), with a message for the person invited.
    with pytest.raises(services.InvitationError) as refused:
        services.accept_invitation(invitation, invited)
    assert str(refused.value) == _(NO_LONGER)


def test_invitation_from_a_moderator_works_and_stops_with_their_role(client):
    moderator = ModeratorFactory()
    invitation = InvitationFactory(email="invited@example.org", invited_by=moderator, inviter_edits=False)
    user = UserFactory(email="invited@example.org")
    assert services.accept_invitation(invitation, user).actor == invitation.actor
    other = InvitationFactory(email="second@example.org", invited_by=moderator, inviter_edits=False)
    moderator.groups.clear()
    with pytest.raises(services.InvitationError):
        services.accept_invitation(other, UserFactory(email="second@example.org"))
