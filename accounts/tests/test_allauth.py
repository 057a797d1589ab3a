"""Sign up, verify, sign in, sign out, reset the password: the whole flows, through the emails."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Profile

from .factories import PASSWORD, UserFactory
from .utils import audit, links_in, path_of

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-passphrase-77"


def signed_in_user(client):
    return client.get(reverse("accounts:profile")).wsgi_request.user


def test_sign_up_verify_then_sign_in_and_out(client, mailoutbox):
    page = client.get(reverse("account_signup"))
    html = page.content.decode()
    assert 'class="site-header"' in html  # inside the site's layout
    assert audit(html) == []

    response = client.post(
        reverse("account_signup"), {"email": "nadia@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = get_user_model().objects.get(email="nadia@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    assert Profile.objects.get(user=user).language == "fr"  # signed up on the French pages
    assert not signed_in_user(client).is_authenticated  # verification is mandatory

    # The confirmation email went through the adapter and the task queue.
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nadia@example.org"]
    link = path_of(links_in(mailoutbox[0])[0])
    confirm = client.get(link)
    assert confirm.status_code == 200
    assert audit(confirm.content.decode()) == []
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    response = client.post(reverse("account_login"), {"login": "nadia@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert signed_in_user(client) == user

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not signed_in_user(client).is_authenticated


def test_sign_up_errors_are_shown_next_to_the_fields(client):
    response = client.post(
        reverse("account_signup"), {"email": "not-an-address", "password1": "short", "password2": "other"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_email_error"' in html or 'id_email_error"' in html
    assert 'value="not-an-address"' in html  # what was typed is kept
    assert not get_user_model().objects.exists()


def test_unverified_address_cannot_sign_in(client, mailoutbox):
    UserFactory(email="late@example.org", verified=False)
    EmailAddress.objects.create(user=get_user_model().objects.get(email="late@example.org"), email="late@example.org")
    response = client.post(reverse("account_login"), {"login": "late@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not signed_in_user(client).is_authenticated
    assert len(mailoutbox) == 1  # a new verification link


def test_password_reset_through_the_emailed_link(client, mailoutbox):
    user = UserFactory(email="forgot@example.org")
    response = client.post(reverse("account_reset_password"), {"email": "forgot@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = path_of(links_in(mailoutbox[0])[0])

    # allauth moves the key from the URL into the session, then shows the form.
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    assert audit(response.content.decode()) == []
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    response = client.post(reverse("account_login"), {"login": "forgot@example.org", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert signed_in_user(client) == user


def test_password_reset_link_works_once(client, mailoutbox):
    UserFactory(email="once@example.org")
    client.post(reverse("account_reset_password"), {"email": "once@example.org"})
    link = path_of(links_in(mailoutbox[0])[0])
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()
    again = client.get(link, follow=True)
    assert b'name="password1"' not in again.content


def test_repeated_failed_logins_are_throttled(client):
    """allauth's rate limit ("5/5m/key"): after five wrong passwords, even the right one is refused."""
    user = UserFactory(email="target@example.org")
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": "target@example.org", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("account_login"), {"login": "target@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert "Trop de tentatives de connexion échouées" in response.content.decode()
    assert not signed_in_user(client).is_authenticated
    # Another address is not affected by this address's counter.
    other = UserFactory(email="other@example.org")
    response = client.post(reverse("account_login"), {"login": "other@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in_user(client) == other
    assert user != other


@pytest.mark.parametrize(
    "name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_email_verification_sent",
    ],
)
def test_entrance_pages_fit_the_site_and_the_csp(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert "maillage/css/site.css" in html
    assert audit(html) == []


@pytest.mark.parametrize("name", ["account_email", "account_change_password", "account_logout"])
def test_manage_pages_fit_the_site_and_the_csp(client, name):
    client.force_login(UserFactory())
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert audit(html) == []
    assert "account/js/" not in html  # allauth's scripts are not loaded


def test_email_change_works_without_javascript(client, mailoutbox):
    user = UserFactory(email="old@example.org")
    client.force_login(user)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "new@example.org"})
    assert response.status_code == 302
    new = EmailAddress.objects.get(user=user, email="new@example.org")
    assert not new.verified
    assert mailoutbox[-1].to == ["new@example.org"]
    client.get(path_of(links_in(mailoutbox[-1])[0]))
    client.post(path_of(links_in(mailoutbox[-1])[0]))
    new.refresh_from_db()
    assert new.verified

    response = client.post(reverse("account_email"), {"action_primary": "", "email": "new@example.org"})
    assert response.status_code == 302
    response = client.post(reverse("account_email"), {"action_remove": "", "email": "old@example.org"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "new@example.org"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == ["new@example.org"]


def test_account_pages_in_dutch_and_english(client):
    response = client.get("/nl/account/login/")
    assert response.status_code == 200
    assert 'lang="nl"' in response.content.decode()
    response = client.get("/en/account/signup/")
    assert response.status_code == 200
    assert "Sign Up" in response.content.decode() or "Sign up" in response.content.decode()
