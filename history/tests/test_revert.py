"""A moderator reverts a vandalised actor: the old texts and themes are back everywhere."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from directory import services as directory_services
from directory.models import Actor
from directory.tests.factories import ThemeFactory
from history import services
from maillage import changes
from search import engine as search_engine
from search.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """These tests read the English messages (pages under /en/, reasons written in English)."""
    with translation.override("en"):
        yield


def save(actor, user=None, reason=None, **links):
    with changes.recording(user=user, reason=reason or ""):
        directory_services.save_actor(actor, **links)
    return actor


@pytest.fixture
def vandalised(territory, contributor):
    housing, food, spam = (
        ThemeFactory(slug="logement", name_fr="Logement", name_nl="Huisvesting"),
        ThemeFactory(slug="alimentation", name_fr="Alimentation", name_nl="Voeding"),
        ThemeFactory(slug="casino", name_fr="Casino en ligne", name_nl="Online casino"),
    )
    actor = Actor(
        slug="maison-voisins",
        name_fr="Maison des voisins",
        name_nl="Burenhuis",
        description_fr="Un lieu d'accueil pour les habitants du quartier.",
        kind=Actor.Kind.ASSOCIATION,
    )
    save(actor, themes=[housing, food])
    good = services.all_versions(services.KINDS["actor"], actor.pk)[-1]
    actor = Actor.objects.get(pk=actor.pk)
    actor.name_fr = "Gagnez au casino"
    actor.name_nl = "Win in het casino"
    save(actor, user=contributor, themes=[spam])
    return actor, good, (housing, food, spam)


def test_versions_page_shows_who_when_and_a_field_by_field_diff(moderator_client, vandalised, contributor):
    actor, _good, _themes = vandalised
    response = moderator_client.get(reverse("history:versions", args=["actor", actor.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    # Who: the vandal's email (no name chosen); the first version was saved with no user recorded.
    assert "someone@example.org" in page
    assert "no signed-in user, or a deleted account" in page
    assert "anonymous proposal" not in page
    # What: every language labelled, old and new values, themes added and removed by name.
    assert "Name (FR)" in page and "Name (NL)" in page
    assert "<del>Maison des voisins</del>" in page and "<ins>Gagnez au casino</ins>" in page
    assert "<del>Burenhuis</del>" in page and "<ins>Win in het casino</ins>" in page
    assert "<ins>Casino en ligne</ins>" in page
    assert "<del>Logement</del>" in page and "<del>Alimentation</del>" in page


def test_revert_confirmation_shows_what_will_change_and_changes_nothing(moderator_client, vandalised):
    actor, good, _themes = vandalised
    url = reverse("history:revert", args=["actor", actor.pk, good.record.history_id])
    response = moderator_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<del>Gagnez au casino</del>" in page and "<ins>Maison des voisins</ins>" in page
    # The revert form itself carries the CSRF token (every page's header has a form of its own).
    assert re.search(
        r'<form method="post" class="history-confirm">\s*<input type="hidden" name="csrfmiddlewaretoken"', page
    )
    assert Actor.objects.get(pk=actor.pk).name_fr == "Gagnez au casino"


def test_moderator_reverts_vandalised_actor(moderator_client, moderator, vandalised):
    actor, good, (housing, food, spam) = vandalised
    url = reverse("history:revert", args=["actor", actor.pk, good.record.history_id])
    response = moderator_client.post(url)
    assert response.status_code == 302
    assert response.url == reverse("history:versions", args=["actor", actor.pk])

    actor = Actor.objects.get(pk=actor.pk)
    assert (actor.name_fr, actor.name_nl) == ("Maison des voisins", "Burenhuis")
    assert set(actor.themes.all()) == {housing, food}

    # The public page shows the old text again, in both languages.
    page = moderator_client.get(actor.get_absolute_url()).content.decode()
    assert "Maison des voisins" in page and "Gagnez au casino" not in page
    # Search finds the old name again, and no longer the vandal's.
    assert search_engine.match_ids(Document.Kind.ACTOR, "voisins") == [actor.pk]
    assert search_engine.match_ids(Document.Kind.ACTOR, "casino") == []
    results = moderator_client.get(reverse("search:search"), {"q": "Maison des voisins"}).content.decode()
    assert actor.get_absolute_url() in results
    # The directory list (in-memory index) finds it by theme again.
    listing = moderator_client.get(reverse("directory:list"), {"theme": "logement"}).content.decode()
    assert "Maison des voisins" in listing

    # The revert is a new version, by the moderator, saying what it did.
    versions = services.all_versions(services.KINDS["actor"], actor.pk)
    latest = versions[-1]
    assert latest.user == moderator
    assert latest.reason.startswith("Reverted to version of")
    # The reason names nobody (who is the record's user): no name or address outlives an account.
    assert "watch@example.org" not in latest.reason and "Wanda" not in latest.reason
    assert len(versions) == 3
    # ... and its diff reads as the vandalism undone.
    page, _total = services.versions_page(services.KINDS["actor"], actor.pk, 1)
    changes = {c.field: c for c in page.object_list[0].changes}
    assert changes["name_fr"].new == "Maison des voisins"
    assert sorted(changes["themes"].added) == ["Alimentation", "Logement"]
    assert changes["themes"].removed == ["Casino en ligne"]


def test_revert_can_itself_be_reverted(moderator, vandalised):
    actor, good, _themes = vandalised
    kind = services.KINDS["actor"]
    vandal_version = services.all_versions(kind, actor.pk)[-1]
    services.revert(kind, Actor.objects.get(pk=actor.pk), good, moderator)
    services.revert(kind, Actor.objects.get(pk=actor.pk), vandal_version, moderator)
    assert Actor.objects.get(pk=actor.pk).name_fr == "Gagnez au casino"


def test_reverting_the_current_version_does_nothing(moderator_client, vandalised):
    actor, _good, _themes = vandalised
    current = services.all_versions(services.KINDS["actor"], actor.pk)[-1]
    url = reverse("history:revert", args=["actor", actor.pk, current.record.history_id])
    response = moderator_client.post(url)
    assert response.status_code == 302
    assert len(services.all_versions(services.KINDS["actor"], actor.pk)) == 2


def test_revert_to_an_invalid_version_shows_an_error_and_changes_nothing(moderator_client, vandalised):
    actor, good, _themes = vandalised
    # The old slug was taken since by another actor.
    Actor.objects.filter(pk=actor.pk).update(slug="new-address")
    directory_services.save_actor(Actor(slug="maison-voisins", name_fr="Autre", kind=Actor.Kind.ASSOCIATION))
    url = reverse("history:revert", args=["actor", actor.pk, good.record.history_id])
    response = moderator_client.post(url)
    assert response.status_code == 400
    assert "cannot be restored" in response.content.decode()
    actor = Actor.objects.get(pk=actor.pk)
    assert actor.name_fr == "Gagnez au casino" and actor.slug == "new-address"


def test_unknown_version_is_404(moderator_client, vandalised):
    actor, _good, _themes = vandalised
    assert moderator_client.get(reverse("history:revert", args=["actor", actor.pk, 999999])).status_code == 404
    assert moderator_client.get(reverse("history:versions", args=["nothing", actor.pk])).status_code == 404
    assert moderator_client.get(reverse("history:versions", args=["actor", 999999])).status_code == 404


@pytest.mark.parametrize("lang,label", [("nl", "(NL)"), ("en", "Name (EN)")])
def test_versions_page_in_each_language(moderator_client, vandalised, lang, label):
    from django.utils import translation

    actor, good, _themes = vandalised
    actor.name_en = "Neighbours' house"
    directory_services.save_actor(actor)
    with translation.override(lang):
        url = reverse("history:versions", args=["actor", actor.pk])
        revert_url = reverse("history:revert", args=["actor", actor.pk, good.record.history_id])
    assert url.startswith(f"/{lang}/")
    page = moderator_client.get(url).content.decode()
    assert label in page and f'lang="{lang}"' in page
    assert moderator_client.get(revert_url).status_code == 200
