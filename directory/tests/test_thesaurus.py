"""The sector's thesaurus: the everyday words of the themes, audiences and kinds, loaded with the
taxonomy, edited in the admin (one change set, one version), and read by search."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from demo.services import DATA_DIR, load_taxonomy
from directory import thesaurus
from directory.models import Actor, Audience, Theme
from directory.tests.factories import ActorFactory
from maillage import data_version
from maillage.models import ChangeSet
from maillage.testing import form_as_posted
from search import engine

pytestmark = pytest.mark.django_db

LANGS = ("fr", "nl", "en")


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-12345678")
    client.force_login(user)
    return client


def _slugs(text):
    return [theme.slug for theme in thesaurus.themes_for(text)]


def test_every_theme_has_everyday_words_in_french_dutch_and_english(taxonomy):
    themes = list(Theme.objects.all())
    assert len(themes) == 72
    for theme in themes:
        for lang in LANGS:
            words = thesaurus_words(getattr(theme, f"keywords_{lang}"))
            assert len(words) >= 3, (theme.slug, lang, words)
    food_aid = Theme.objects.get(slug="food-aid")
    assert {"colis alimentaire", "épicerie sociale", "banque alimentaire"} <= set(thesaurus_words(food_aid.keywords_fr))
    assert {"voedselpakket", "voedselbank", "sociale kruidenier"} <= set(thesaurus_words(food_aid.keywords_nl))
    assert {"food bank", "food parcel"} <= set(thesaurus_words(food_aid.keywords_en))


def thesaurus_words(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("colis alimentaire", "food-aid"),
        ("voedselbank", "food-aid"),
        ("épicerie sociale", "food-aid"),
        ("SDF", "homelessness"),
        ("sans-abri", "homelessness"),
        ("dakloos", "homelessness"),
        ("thuislozen", "homelessness"),
        ("rough sleeping", "homelessness"),
        ("psy", "mental-health"),
        ("psycholoog", "mental-health"),
        ("alpha", "literacy"),
        ("lire et écrire", "literacy"),
        ("leren lezen", "literacy"),
        ("cours de français", "french-as-foreign-language"),
        ("Franse les", "french-as-foreign-language"),
        ("French classes", "french-as-foreign-language"),
        ("surendettement", "debt"),
        ("schulden", "debt"),
        ("schuldbemiddeling", "debt"),
        ("primo-arrivants", "newcomers-reception"),
        ("nieuwkomers", "newcomers-reception"),
        ("inburgering", "newcomers-reception"),
        ("bénévolat", "volunteering"),
        ("vrijwilligerswerk", "volunteering"),
        ("fietsers", "cycling"),
        ("vélo", "cycling"),
    ],
)
def test_what_people_say_names_the_theme(taxonomy, typed, slug):
    assert slug in _slugs(typed), (typed, _slugs(typed))


def test_a_word_of_the_street_does_not_name_homelessness(taxonomy):
    assert "homelessness" not in _slugs("rue Royale")
    assert _slugs("") == []
    assert _slugs("xyzzy plugh") == []


def test_the_terms_give_themes_audiences_and_kinds_in_three_languages(taxonomy):
    version, terms = thesaurus.terms()
    food_aid = Theme.objects.get(slug="food-aid")
    texts = {(t.tag, t.lang): t.text for t in terms if t.tag == engine.tag("theme", food_aid.pk)}
    assert {lang for _tag, lang in texts} == set(LANGS)
    mine = [t for t in terms if t.tag == engine.tag("theme", food_aid.pk)]
    assert any(t.text == "Aide alimentaire" and t.lang == "fr" for t in mine)
    assert any("voedselbank" in t.text and t.lang == "nl" for t in mine)
    seniors = Audience.objects.get(slug="seniors")
    assert any(t.tag == engine.tag("audience", seniors.pk) and t.text == "Senioren" for t in terms)
    public = engine.tag("kind", Actor.Kind.PUBLIC_SERVICE)
    kind_texts = {(t.lang, t.text) for t in terms if t.tag == public}
    assert {("fr", "CPAS"), ("nl", "OCMW"), ("en", "Public service")} <= kind_texts
    assert thesaurus.terms() is thesaurus.terms()  # built once per data version


def test_the_terms_version_changes_with_the_words_not_with_every_actor(taxonomy):
    version, _terms = thesaurus.terms()
    ActorFactory(name_fr="Une nouvelle asbl")  # the directory's data version moves on
    assert thesaurus.terms()[0] == version  # the engine keeps its vocabulary
    theme = Theme.objects.get(slug="cycling")
    theme.keywords_fr += "\nvélo cargo"
    theme.save()
    assert thesaurus.terms()[0] != version


def test_the_kinds_words_lead_to_the_kind(taxonomy):
    for typed, kind in (("CPAS", Actor.Kind.PUBLIC_SERVICE), ("vzw", Actor.Kind.ASSOCIATION)):
        tags = {t for word in engine.analyse(typed).words for t in word.tags}
        assert engine.tag("kind", kind) in tags, (typed, tags)


def test_keywords_edited_in_the_admin_are_one_change_set_a_new_version_and_found_by_search(admin_client, taxonomy):
    theme = Theme.objects.get(slug="food-aid")
    assert "food-aid" not in _slugs("bouffe solidaire")
    version = data_version.current(data_version.ACTORS)
    records, change_sets = theme.history.count(), ChangeSet.objects.count()
    url = reverse("admin:directory_theme_change", args=[theme.pk])
    form = admin_client.get(url).context["adminform"].form
    page = admin_client.get(url).content.decode()
    assert 'name="keywords_fr"' in page and 'name="keywords_nl"' in page and 'name="keywords_en"' in page
    data = form_as_posted(form, keywords_fr=theme.keywords_fr + "\nbouffe solidaire", position=str(theme.position))
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    assert data_version.current(data_version.ACTORS) != version
    assert "food-aid" in _slugs("bouffe solidaire")  # the search's vocabulary followed
    assert theme.history.count() == records + 1
    record = theme.history.latest("history_id")
    assert record.keywords_fr.endswith("bouffe solidaire")
    change_set = ChangeSet.objects.get(pk=record.change_set_id)
    assert change_set.source == ChangeSet.Source.ADMIN
    assert change_set.user.username == "admin"
    assert ChangeSet.objects.count() == change_sets + 1
    history = admin_client.get(reverse("admin:directory_theme_history", args=[theme.pk]))
    assert history.status_code == 200 and "admin" in history.content.decode()


def test_an_audience_edited_in_the_admin_is_versioned(admin_client, taxonomy):
    audience = Audience.objects.get(slug="seniors")
    url = reverse("admin:directory_audience_change", args=[audience.pk])
    data = form_as_posted(admin_client.get(url).context["adminform"].form, keywords_fr="papys et mamies")
    assert admin_client.post(url, data).status_code == 302
    record = audience.history.latest("history_id")
    assert record.keywords_fr == "papys et mamies"
    assert ChangeSet.objects.get(pk=record.change_set_id).source == ChangeSet.Source.ADMIN
    tags = {t for word in engine.analyse("papys").words for t in word.tags}
    assert engine.tag("audience", audience.pk) in tags


def test_loading_the_taxonomy_again_updates_the_words_in_place_and_writes_only_what_changed(taxonomy, tmp_path):
    records = Theme.history.count()
    load_taxonomy()
    assert Theme.history.count() == records  # nothing changed: no version

    data = json.loads((DATA_DIR / "taxonomy.json").read_text(encoding="utf-8"))
    food = next(t for t in data["themes"] if t["slug"] == "food")
    food_aid = next(c for c in food["children"] if c["slug"] == "food-aid")
    food_aid["keywords"]["nl"].append("voedselkar")
    del food["keywords"]  # a theme without words in the file keeps its own
    path = tmp_path / "taxonomy.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = Theme.objects.get(slug="food").keywords_fr
    load_taxonomy(path)

    assert Theme.history.count() == records + 1
    assert Theme.objects.get(slug="food-aid").keywords_nl.splitlines()[-1] == "voedselkar"
    assert Theme.objects.get(slug="food").keywords_fr == before
    assert Theme.objects.count() == 72
