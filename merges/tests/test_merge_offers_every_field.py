"""The merge screen offers a choice for every field of an actor a person fills in (read from the
model, so a new field cannot be forgotten), and merging keeps the opening hours chosen."""

import pytest
from django.conf import settings
from django.urls import reverse

from directory.models import Actor
from merges import services
from merges.models import Merge

pytestmark = pytest.mark.django_db

LANGS = [code for code, _name in settings.LANGUAGES]
# Filled in by the directory itself, not by a person: its address, the test-data flag, and what it
# derives from the places.
NOT_CHOSEN = {"slug", "is_synthetic", "commune", "has_venue"}


def fields_a_person_fills_in():
    """Every editable, non-automatic, single-valued field of the model, a translated field as its
    languages (``name_fr``...), read from ``Actor._meta`` only."""
    names = {f.name for f in Actor._meta.get_fields()}
    expected = []
    for field in Actor._meta.get_fields():
        if not field.concrete or not field.editable or field.auto_created or field.many_to_many:
            continue
        if field.name in NOT_CHOSEN or any(field.name == f"{base}_{lang}" for base in names for lang in LANGS):
            continue
        languages = [f"{field.name}_{lang}" for lang in LANGS]
        expected += languages if all(name in names for name in languages) else [field.name]
    return expected


def compare_url(kept, other):
    return reverse("merges:compare", kwargs={"kept": kept.slug, "other": other.slug})


def test_every_field_of_an_actor_is_offered(moderator_client, pair):
    expected = fields_a_person_fills_in()
    assert {"opening_hours_fr", "opening_hours_nl", "opening_hours_en", "contact_consent"} <= set(expected)
    offered = [name for choice in services.choices_spec() for name in choice.fields]
    assert sorted(offered) == sorted(expected)
    html = moderator_client.get(compare_url(pair["kept"], pair["other"])).content.decode()
    for choice in services.choices_spec():
        assert f'name="{choice.key}" value="other"' in html
    assert "Horaires (NL)" in html


def test_the_many_to_many_links_united_are_every_one_of_the_model(pair):
    expected = {f.name for f in Actor._meta.get_fields() if f.many_to_many and f.concrete}
    assert {f.name for f in services.link_fields()} == expected


def test_merging_keeps_the_archived_entrys_opening_hours_when_the_kept_has_none(moderator, pair):
    kept, other = pair["kept"], pair["other"]
    Actor.objects.filter(pk=other.pk).update(opening_hours_fr="Lundi 9:00–17:00", opening_hours_nl="Maandag 9–17")
    other.refresh_from_db()
    assert services.default_choices(kept, other)["opening_hours_fr"] == services.OTHER
    services.merge(kept, other, {}, moderator)
    kept.refresh_from_db()
    assert (kept.opening_hours_fr, kept.opening_hours_nl) == ("Lundi 9:00–17:00", "Maandag 9–17")


def test_merging_from_the_page_keeps_the_chosen_opening_hours_and_undo_restores_them(moderator_client, pair):
    kept, other = pair["kept"], pair["other"]
    Actor.objects.filter(pk=kept.pk).update(opening_hours_fr="Mardi 10:00–12:00")
    Actor.objects.filter(pk=other.pk).update(opening_hours_fr="Du lundi au vendredi 9:00–17:00")
    page = moderator_client.get(compare_url(kept, other)).content.decode()
    assert "Mardi 10:00–12:00" in page and "Du lundi au vendredi 9:00–17:00" in page
    assert 'name="opening_hours_fr" value="kept" checked' in page
    response = moderator_client.post(compare_url(kept, other), {"action": "merge", "opening_hours_fr": "other"})
    assert response.status_code == 302
    kept.refresh_from_db()
    assert kept.opening_hours_fr == "Du lundi au vendredi 9:00–17:00"
    merge = Merge.objects.get()
    moderator_client.post(reverse("merges:undo", kwargs={"pk": merge.pk}))
    kept.refresh_from_db()
    assert kept.opening_hours_fr == "Mardi 10:00–12:00"
