import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Claim, Editorship, Invitation
from directory.models import Actor, ActorRelation
from imports.models import SourceRecord
from merges import services
from merges.models import Merge
from projects.models import Participation
from search.models import Document

pytestmark = pytest.mark.django_db


def state(actor):
    """Everything a merge may change about an actor, to compare before and after an undo."""
    actor = Actor.all_objects.get(pk=actor.pk)
    return {
        "fields": {name: services._raw(actor, name) for name in services.scalar_fields()},
        "archived": actor.archived_at is not None,
        "m2m": services._m2m_ids(actor),
        "records": sorted(SourceRecord.objects.filter(actor=actor).values_list("pk", flat=True)),
        "editors": sorted(Editorship.objects.filter(actor=actor).values_list("user_id", flat=True)),
        "claims": sorted(Claim.objects.filter(actor=actor).values_list("pk", flat=True)),
        "invitations": sorted(Invitation.objects.filter(actor=actor).values_list("pk", flat=True)),
        "events": sorted(actor.events.values_list("pk", flat=True)),
        "items": sorted(actor.programme_items.values_list("pk", flat=True)),
        "participations": sorted(Participation.objects.filter(actor=actor).values_list("pk", "role")),
        "out": sorted(ActorRelation.objects.filter(source=actor).values_list("target_id", "kind")),
        "in": sorted(ActorRelation.objects.filter(target=actor).values_list("source_id", "kind")),
        "lat": actor.lat,
    }


def test_defaults_keep_the_kept_entry_unless_empty_and_the_later_verification(pair):
    kept, other = pair["kept"], pair["other"]
    defaults = services.default_choices(kept, other)
    assert defaults["email"] == "other"  # kept's is empty
    assert defaults["name_nl"] == "other"
    assert defaults["company_number"] == "kept"  # other's is empty
    assert defaults["last_verified"] == "other"  # the later date
    assert defaults["phone"] == "kept"  # both filled: the entry the moderator chose to keep


def test_merge_moves_every_link_and_archives_the_other(pair, moderator):
    kept, other = pair["kept"], pair["other"]
    choices = {"name_fr": "kept", "email": "other", "phone": "kept", "last_verified": "other"}
    merge = services.merge(kept, other, choices, moderator, reason="Same BCE number")

    kept = Actor.objects.get(pk=kept.pk)
    other = Actor.all_objects.get(pk=other.pk)
    assert other.archived_at is not None
    assert kept.name_fr == "Ligue des familles" and kept.name_nl == "De Gezinsbond"
    assert kept.email == "info@liguedesfamilles.be" and kept.phone == "02 123 45 67"
    assert kept.company_number == "0203071973" and kept.last_verified == dt.date(2024, 6, 1)
    assert set(kept.themes.all()) == set(pair["themes"])
    assert set(kept.places.all()) == set(pair["places"])
    # Every link of the other is now the kept one's; provenance survives.
    assert set(SourceRecord.objects.filter(actor=kept)) == {pair["record"], pair["kept_record"]}
    assert set(Editorship.objects.filter(actor=kept).values_list("user", flat=True)) == {
        pair["editor"].pk,
        pair["both_editor"].pk,
    }
    assert Claim.objects.get(pk=pair["claim"].pk).actor == kept
    assert Invitation.objects.get(pk=pair["invitation"].pk).actor == kept
    assert list(pair["event"].organisers.all()) == [kept]
    assert list(pair["shared_event"].organisers.all()) == [kept]
    assert list(pair["item"].organisers.all()) == [kept]
    assert Participation.objects.get(pk=pair["participation"].pk).actor == kept
    assert Participation.objects.get(pk=pair["other_lead"].pk).actor == other  # kept already leads
    third = pair["third"]
    assert set(ActorRelation.objects.filter(source=kept).values_list("target", "kind")) == {
        (third.pk, "member_of"),
        (third.pk, "funded_by"),
    }
    assert ActorRelation.objects.filter(source=third, target=kept, kind="partner_of").exists()
    assert not ActorRelation.objects.filter(source=kept, target=kept).exists()
    assert not ActorRelation.objects.filter(pk__in=[pair["self_relation"].pk, pair["duplicate"].pk]).exists()
    # The other is out of search; the merge is recorded with who and why.
    assert not Document.objects.filter(kind=Document.Kind.ACTOR, object_id=other.pk).exists()
    assert merge.by == moderator and merge.reason == "Same BCE number" and merge.undone_at is None
    kept_reason = kept.history.order_by("-history_date", "-history_id").first()
    other_reason = other.history.order_by("-history_date", "-history_id").first()
    assert kept_reason.history_user == moderator and "La Ligue des Familles ASBL" in kept_reason.history_change_reason
    assert other_reason.history_user == moderator and "Ligue des familles" in other_reason.history_change_reason
    assert other_reason.archived_at is not None


def test_undo_restores_both_exactly(pair, moderator):
    kept, other = pair["kept"], pair["other"]
    before = state(kept), state(other)
    merge = services.merge(kept, other, {"email": "other", "name_fr": "other"}, moderator)
    assert state(kept) != before[0]
    services.undo(merge, moderator)
    assert (state(kept), state(other)) == before
    merge.refresh_from_db()
    assert merge.undone_at is not None and merge.undone_by == moderator
    assert Document.objects.filter(kind=Document.Kind.ACTOR, object_id=other.pk).exists()
    # Idempotent.
    services.undo(merge, moderator)
    assert (state(kept), state(other)) == before
    assert (
        other.history.order_by("-history_date", "-history_id")
        .first()
        .history_change_reason.startswith(services._("Merge of “%(other)s” into “%(kept)s” undone")[:5])
    )


def test_undo_is_refused_when_the_kept_actor_was_merged_again(pair, moderator):
    kept, other, third = pair["kept"], pair["other"], pair["third"]
    first = services.merge(kept, other, {}, moderator)
    services.merge(third, kept, {"name_fr": "kept"}, moderator)
    with pytest.raises(ValidationError) as error:
        services.undo(first, moderator)
    assert "Fédération" in str(error.value)
    assert Merge.objects.get(pk=first.pk).undone_at is None
    assert Actor.all_objects.get(pk=other.pk).archived_at is not None


def test_merge_refuses_the_same_or_an_archived_actor_and_changes_nothing(pair, moderator):
    kept, other = pair["kept"], pair["other"]
    with pytest.raises(ValidationError):
        services.merge(kept, kept, {}, moderator)
    services.merge(kept, other, {}, moderator)
    with pytest.raises(ValidationError):
        services.merge(kept, other, {}, moderator)
    assert Merge.objects.count() == 1


def test_invalid_choice_is_refused_and_nothing_changes(pair, moderator):
    kept, other = pair["kept"], pair["other"]
    before = state(kept), state(other)
    with pytest.raises(ValidationError):
        services.merge(kept, other, {"email": "both"}, moderator)
    assert (state(kept), state(other)) == before
    assert not Merge.objects.exists()


def test_probable_pairs_lists_recent_and_imported_actors_once(pair):
    pairs = services.probable_pairs()
    ids = {(p.kept_id, p.other_id) for p in pairs}
    assert (pair["kept"].pk, pair["other"].pk) in ids
    assert len(ids) == len(pairs)
