import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from charter import services
from charter.models import CharterAcceptance, CharterVersion
from charter.templatetags.charter import charter_text

pytestmark = pytest.mark.django_db


def publish(days_ago=0, **texts):
    texts = {"text_fr": "Texte", "text_nl": "Tekst", "text_en": "Text", **texts}
    return CharterVersion.objects.create(published_at=timezone.now() - datetime.timedelta(days=days_ago), **texts)


def test_the_migration_publishes_a_first_version_in_three_languages():
    version = services.current()
    assert version is not None
    assert "veille et mise à jour" in version.text_fr
    assert "opvolging en bijwerking" in version.text_nl
    assert "watch and update" in version.text_en
    for text in (version.text_fr, version.text_nl, version.text_en):
        assert text.count("## ") == 5
    assert version.history.count() == 1


def test_no_charter_means_nothing_to_accept():
    CharterVersion.objects.all().delete()
    assert services.current() is None
    assert services.needs_acceptance(AnonymousUser()) is False
    assert services.needs_acceptance(UserFactory()) is False
    assert services.record_acceptance(UserFactory()) is None


def test_current_is_the_latest_published_version():
    CharterVersion.objects.all().delete()
    old = publish(days_ago=30)
    new = publish(days_ago=1)
    CharterVersion.objects.create(text_fr="Brouillon")  # a draft
    CharterVersion.objects.create(text_fr="Demain", published_at=timezone.now() + datetime.timedelta(days=1))
    assert services.current() == new
    assert list(services.published_versions()) == [new, old]


def test_acceptance_is_per_version():
    user = UserFactory()
    assert services.needs_acceptance(AnonymousUser()) is True
    assert services.needs_acceptance(user) is True
    services.record_acceptance(user)
    services.record_acceptance(user)  # idempotent
    assert CharterAcceptance.objects.filter(user=user).count() == 1
    assert services.needs_acceptance(user) is False
    publish(text_fr="Nouvelle version")
    assert services.needs_acceptance(user) is True
    with pytest.raises(ValueError):
        services.record_acceptance(AnonymousUser())


def test_public_page_shows_the_current_version_and_lists_earlier_ones(client):
    first = services.current()
    second = publish(text_fr="Deuxième version de la charte", summary_fr="Règle sur les photos")
    html = client.get(reverse("charter:charter")).content.decode()
    assert "Deuxième version de la charte" in html
    assert reverse("charter:version", args=[first.pk]) in html
    assert reverse("charter:version", args=[second.pk]) not in html
    old = client.get(reverse("charter:version", args=[first.pk]))
    assert old.status_code == 200
    assert "veille et mise à jour" in old.content.decode()


def test_page_in_dutch_and_english(client):
    assert "opvolging en bijwerking" in client.get("/nl/charter/").content.decode()
    assert "watch and update" in client.get("/en/charter/").content.decode()


def test_drafts_are_not_public(client):
    draft = CharterVersion.objects.create(text_fr="Brouillon secret")
    assert client.get(reverse("charter:version", args=[draft.pk])).status_code == 404
    assert "Brouillon secret" not in client.get(reverse("charter:charter")).content.decode()


def test_signed_in_user_accepts_and_returns_to_what_they_were_doing(client):
    user = UserFactory()
    client.force_login(user)
    version = services.current()
    page = client.get(reverse("charter:charter") + "?next=/fr/contribute/")
    assert 'name="next" value="/fr/contribute/"' in page.content.decode()
    response = client.post(reverse("charter:accept"), {"version": version.pk, "next": "/fr/contribute/"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/contribute/"
    assert not services.needs_acceptance(user)


def test_accept_ignores_foreign_next_and_needs_sign_in_and_post(client):
    version = services.current()
    response = client.post(reverse("charter:accept"), {"version": version.pk})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert not CharterAcceptance.objects.exists()
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("charter:accept")).status_code == 405
    response = client.post(reverse("charter:accept"), {"version": version.pk, "next": "https://evil.example/"})
    assert response["Location"] == reverse("charter:charter")


def test_accepting_a_stale_version_asks_to_read_the_new_one(client):
    user = UserFactory()
    client.force_login(user)
    old = services.current()
    publish(text_fr="Nouvelle")
    response = client.post(reverse("charter:accept"), {"version": old.pk})
    assert response.status_code == 302
    assert services.needs_acceptance(user)


def test_text_is_escaped_and_structured():
    html = charter_text("## Titre\n\nUn <b>paragraphe</b>\nsuite\n\n- un\n- deux")
    assert "<h2>Titre</h2>" in html
    assert "&lt;b&gt;" in html
    assert "<p>Un &lt;b&gt;paragraphe&lt;/b&gt;<br>suite</p>" in html
    assert "<ul><li>un</li><li>deux</li></ul>" in html


def test_admin_edits_with_history(admin_client):
    version = services.current()
    response = admin_client.get(reverse("admin:charter_charterversion_change", args=[version.pk]))
    assert response.status_code == 200
    assert "text_nl" in response.content.decode()
    assert admin_client.get(reverse("admin:charter_charterversion_history", args=[version.pk])).status_code == 200
    assert admin_client.get(reverse("admin:charter_charteracceptance_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:charter_charterversion_changelist")).status_code == 200


def test_admin_creates_a_new_version_which_becomes_current(admin_client):
    CharterVersion.objects.update(published_at=timezone.now() - datetime.timedelta(days=2))
    response = admin_client.post(
        reverse("admin:charter_charterversion_add"),
        {
            "text_fr": "Version deux",
            "text_nl": "Versie twee",
            "text_en": "Version two",
            "summary_fr": "Deux",
            "published_at_0": timezone.localdate().isoformat(),
            "published_at_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    version = services.current()
    assert version.text_nl == "Versie twee"
    assert version.history.count() == 1


def noon_yesterday():
    """A publication time the admin's date and time fields always read back: not in the hour that
    repeats when clocks go back (02:30 twice), as "now" may be."""
    return timezone.make_aware(
        datetime.datetime.combine(timezone.localdate() - datetime.timedelta(days=1), datetime.time(12))
    )


def _change_form(version, **values):
    local = timezone.localtime(version.published_at) if version.published_at else None
    data = {
        "text_fr": version.text_fr or "",
        "text_nl": version.text_nl or "",
        "text_en": version.text_en or "",
        "summary_fr": version.summary_fr or "",
        "published_at_0": local.date().isoformat() if local else "",
        "published_at_1": local.strftime("%H:%M:%S") if local else "",
    }
    return data | values


def test_admin_cannot_edit_a_published_text_in_place(admin_client):
    """Contributors accepted it: a change to the text is a new version, which they accept in turn."""
    version = services.current()
    CharterVersion.objects.filter(pk=version.pk).update(published_at=noon_yesterday())
    version.refresh_from_db()
    original = (version.text_fr, version.text_nl, version.text_en)
    url = reverse("admin:charter_charterversion_change", args=[version.pk])
    html = admin_client.get(url).content.decode()
    assert 'name="text_fr"' not in html and 'name="text_nl"' not in html and 'name="text_en"' not in html
    response = admin_client.post(
        url, _change_form(version, text_fr="Changé", text_nl="Gewijzigd", text_en="Changed", summary_fr="Résumé")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    version.refresh_from_db()
    assert (version.text_fr, version.text_nl, version.text_en) == original
    assert version.summary_fr == "Résumé"  # the rest stays editable


def test_admin_cannot_edit_a_published_text_through_the_history(admin_client):
    """The history's revert form shows an older state of the version, perhaps still a draft."""
    version = CharterVersion.objects.create(text_fr="Texte accepté", text_nl="Tekst", text_en="Text")
    draft = version.history.get()
    version.published_at = noon_yesterday()
    version.save()
    url = reverse("admin:charter_charterversion_simple_history", args=[version.pk, draft.history_id])
    assert 'name="text_fr"' not in admin_client.get(url).content.decode()
    response = admin_client.post(url, _change_form(version, text_fr="Par l'historique"))
    assert response.status_code == 302, response.content.decode()[:2000]
    version.refresh_from_db()
    assert version.text_fr == "Texte accepté"


def test_admin_edits_drafts_and_scheduled_versions(admin_client):
    draft = CharterVersion.objects.create(text_fr="Brouillon")
    tomorrow = CharterVersion.objects.create(text_fr="Demain", published_at=timezone.now() + datetime.timedelta(days=1))
    for version in (draft, tomorrow):
        url = reverse("admin:charter_charterversion_change", args=[version.pk])
        assert 'name="text_fr"' in admin_client.get(url).content.decode()
        response = admin_client.post(url, _change_form(version, text_fr="Relu", text_nl="Nagelezen"))
        assert response.status_code == 302, response.content.decode()[:2000]
        version.refresh_from_db()
        assert (version.text_fr, version.text_nl) == ("Relu", "Nagelezen")
