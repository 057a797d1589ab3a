import re

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import UserFactory
from api.models import ApiToken, hash_key

pytestmark = pytest.mark.django_db


def test_token_pages_need_an_account(client):
    response = client.get(reverse("api_tokens:list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_create_shows_the_key_once_and_stores_its_hash(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("api_tokens:list")
    response = client.post(url, {"name": "Notre site"})
    assert response.status_code == 200
    key = re.search(r"mlg_[A-Za-z0-9_-]+", response.content.decode()).group(0)
    token = ApiToken.objects.get(user=user)
    assert token.name == "Notre site" and token.key_hash == hash_key(key)
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    # Listed afterwards by its start only.
    page = client.get(url).content.decode()
    assert "Notre site" in page and token.prefix in page and key not in page


def test_empty_name_is_refused_and_creates_nothing(client):
    client.force_login(UserFactory())
    response = client.post(reverse("api_tokens:list"), {"name": "  "})
    assert response.status_code == 200 and response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_revoke_own_token_only(client):
    user, other = UserFactory(), UserFactory()
    mine, _ = ApiToken.issue(user, "a")
    theirs, _ = ApiToken.issue(other, "b")
    client.force_login(user)
    assert client.post(reverse("api_tokens:revoke", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("api_tokens:revoke", args=[mine.pk])).status_code == 405
    response = client.post(reverse("api_tokens:revoke", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None
    page = client.get(reverse("api_tokens:list")).content.decode()
    assert reverse("api_tokens:revoke", args=[mine.pk]) not in page


def test_docs_page_lists_every_endpoint_with_an_example(client, territory):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    for path in (
        "/api/actors",
        "/api/actors/{slug}",
        "/api/events",
        "/api/places",
        "/api/projects/{slug}",
        "/api/themes",
        "/api/communes",
    ):
        assert f"GET {path}</code>" in page
    assert "PATCH /api/actors/{slug}" in page and "POST /api/events" in page
    assert "http://testserver/api/actors?lang=en" in page
    assert "<script" not in page.split("</header>", 1)[-1].split("<footer", 1)[0]
    # Translated: the page is in the language of the request.
    with translation.override("en"):
        assert translation.gettext("Open API") in client.get("/api/docs", HTTP_ACCEPT_LANGUAGE="en").content.decode()
