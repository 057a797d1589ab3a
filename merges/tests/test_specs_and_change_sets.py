"""The merge screen is built from the actor's spec (``settable_by(MERGE)``, read at call time); a
merge and its undo are each one change set, written through the owners' functions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory import services as directory_services
from directory.fields import ACTOR
from directory.models import Actor
from directory.tests.factories import ActorFactory
from maillage.fields import EDITOR, MERGE, Field
from maillage.models import ChangeSet
from merges import services

pytestmark = pytest.mark.django_db

OPENING_HOURS = ("opening_hours_fr", "opening_hours_nl", "opening_hours_en")


def compare_url(kept, other):
    return reverse("merges:compare", kwargs={"kept": kept.slug, "other": other.slug})


def test_the_radios_are_the_fields_the_spec_lets_a_merge_set():
    chosen = [f.name for f in ACTOR.settable_by(MERGE) if f.stored and not f.many]
    assert list(services.scalar_fields()) == chosen  # the contact person's fields follow each other
    contact = next(c for c in services.choices_spec() if c.key == services.CONTACT)
    assert contact.fields == (*(f.name for f in ACTOR if f.personal), "contact_consent")
    # The main place's address is typed by others; a merge unites the places instead.
    assert not {"place_name", "street", "postcode"} & set(services.scalar_fields())
    assert [f.name for f in services.link_fields()] == ["themes", "audiences", "languages", "places"]


def test_opening_hours_in_every_language_are_on_the_merge_screen(moderator_client, pair):
    kept, other = pair["kept"], pair["other"]
    assert set(OPENING_HOURS) <= set(services.scalar_fields())
    Actor.objects.filter(pk=other.pk).update(
        opening_hours_fr="Lundi 9–17", opening_hours_nl="Maandag 9–17", opening_hours_en="Monday 9–5"
    )
    html = moderator_client.get(compare_url(kept, other)).content.decode()
    for name, text, label in zip(
        OPENING_HOURS,
        ("Lundi 9–17", "Maandag 9–17", "Monday 9–5"),
        ("Horaires (FR)", "Horaires (NL)", "Horaires (EN)"),
        strict=True,
    ):
        assert f'name="{name}" value="other" checked' in html  # the kept entry has none
        assert text in html and label in html


def test_a_field_the_owner_declares_later_is_on_the_merge_screen(moderator_client, pair):
    kept, other = pair["kept"], pair["other"]
    Actor.objects.filter(pk=other.pk).update(is_synthetic=True)
    ACTOR.add(Field("is_synthetic", "Test data", "bool", set_by=frozenset({EDITOR, MERGE})), after="status")
    try:
        assert "is_synthetic" in services.scalar_fields()
        html = moderator_client.get(compare_url(kept, other)).content.decode()
        assert 'name="is_synthetic" value="other" checked' in html and "Test data" in html
        services.merge(kept, other, {}, None)
        assert Actor.objects.get(pk=kept.pk).is_synthetic is True
    finally:
        ACTOR.remove("is_synthetic")
    assert "is_synthetic" not in services.scalar_fields()


def test_a_field_a_merge_may_not_set_is_not_offered(pair):
    ACTOR.add(Field("is_synthetic", "Test data", "bool", set_by=frozenset({EDITOR})))
    try:
        assert "is_synthetic" not in services.scalar_fields()
    finally:
        ACTOR.remove("is_synthetic")


def test_a_merge_is_one_change_set_and_its_undo_another(pair, moderator):
    kept, other = pair["kept"], pair["other"]
    before = {actor.pk: actor.history.count() for actor in (kept, other)}
    merge = services.merge(kept, other, {"email": "other"}, moderator, reason="Same BCE number")

    change_set = ChangeSet.objects.get(source=ChangeSet.Source.MERGE, source_id=merge.pk)
    assert change_set.user == moderator
    assert "Ligue des familles" in change_set.reason and "Same BCE number" in change_set.reason
    for actor in (kept, other):  # one version each for the merge
        assert actor.history.count() == before[actor.pk] + 1
        assert actor.history.filter(change_set=change_set).count() == 1
    assert Actor.all_objects.get(pk=other.pk).history.filter(change_set=change_set).get().archived_at is not None
    # Events, programme items and participations moved by their owners, in the same change set.
    assert pair["event"].history.filter(change_set=change_set).count() == 1
    assert pair["item"].history.filter(change_set=change_set).count() == 1
    assert pair["participation"].history.filter(change_set=change_set).count() == 1
    assert not ChangeSet.objects.exclude(pk=change_set.pk).filter(created__gte=change_set.created).exists()

    services.undo(merge, moderator)
    undone = ChangeSet.objects.exclude(pk=change_set.pk).get(source=ChangeSet.Source.MERGE, source_id=merge.pk)
    assert undone.user == moderator
    for actor in (kept, other):
        assert actor.history.filter(change_set=undone).count() == 1
    assert pair["event"].history.filter(change_set=undone).count() == 1
    assert ChangeSet.objects.filter(created__gte=change_set.created).count() == 2


def test_a_refused_merge_writes_no_change_set(pair, moderator):
    with pytest.raises(services.MergeError):
        services.merge(pair["kept"], pair["kept"], {}, moderator)
    assert not ChangeSet.objects.filter(source=ChangeSet.Source.MERGE).exists()


def test_probable_pairs_follow_the_actors_data_version(pair, territory):
    pairs = services.probable_pairs()
    assert services.probable_pairs() is pairs  # kept while nothing changes
    twin = Actor(
        slug="ligue-bis", name_fr="Ligue des familles", kind=Actor.Kind.ASSOCIATION, company_number="0203071973"
    )
    directory_services.save_actor(twin)  # bumps the actors' data version
    again = services.probable_pairs()
    assert again is not pairs
    assert any(twin.pk in (p.kept_id, p.other_id) for p in again)


def test_a_merge_and_its_undo_cost_a_bounded_number_of_queries(moderator, territory):
    """For two entries without links: 67 and 56 queries before the owners' write paths and change
    sets, 35 and 19 after."""
    kept, other = ActorFactory(name_fr="A"), ActorFactory(name_fr="B")
    with CaptureQueriesContext(connection) as queries:
        merge = services.merge(kept, other, {}, moderator)
    assert len(queries) <= 40, [q["sql"] for q in queries]
    with CaptureQueriesContext(connection) as queries:
        services.undo(merge, moderator)
    assert len(queries) <= 25, [q["sql"] for q in queries]
