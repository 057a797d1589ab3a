"""Adding a field to the actor is one change in one place: its column on the model and its line in
the owner's specification (``directory.fields.ACTOR``). A temporary app (the fixture below: what an
app extending the actor would do) adds a "motto"; the proposal form, the API's write schema, the
merge screen, the import's mapping and the CSV export all offer it, and the owner writes it."""

import csv
import io

import pytest
from django.db import connection, models
from django.urls import reverse

from accounts.tests.factories import ModeratorFactory
from api.schemas import actor_change_schema
from directory import services as directory_services
from directory.fields import ACTOR
from directory.models import Actor
from directory.tests.factories import ActorFactory
from imports import mapping
from maillage.fields import Field
from merges import services as merge_services
from proposals import entries
from proposals.forms import ActorForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def motto():
    """The temporary app: a field on the model and on its history (what its migration would add, as
    columns that go with the test's transaction) and a line in the spec; taken back afterwards."""
    models_ = (Actor, Actor.history.model)
    added = []
    for model in models_:
        field = models.CharField("motto", max_length=120, blank=True, default="")
        field.contribute_to_class(model, "motto")
        added.append((model, field))
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {model._meta.db_table} ADD COLUMN motto varchar(120) NOT NULL DEFAULT ''")
    history_fields = Actor.history.model.tracked_fields
    Actor.history.model.tracked_fields = [*history_fields, added[0][1]]
    ACTOR.add(Field("motto", "Devise du groupe"), after="acronym")
    try:
        yield
    finally:
        ACTOR.remove("motto")
        Actor.history.model.tracked_fields = history_fields
        for model, field in added:
            model._meta.local_fields.remove(field)
            model._meta._expire_cache()
            delattr(model, "motto")


def test_a_field_added_to_the_actor_reaches_every_screen_schema_and_export(motto, client, territory):
    actor = ActorFactory(name_fr="Les Jardins partagés")
    actor.motto = "Semer ensemble"
    directory_services.save_actor(actor)  # the owner writes it (validated with the others)
    assert Actor.objects.get(pk=actor.pk).motto == "Semer ensemble"
    assert actor.history.latest().motto == "Semer ensemble"  # its version keeps it

    # The proposal form asks it, the snapshot holds it, the diff names it.
    form = ActorForm()
    assert "motto" in form.fields and form.fields["motto"].label == "Devise du groupe"
    assert entries.snapshot(actor)["motto"] == "Semer ensemble"

    # The API's write schema has it (built again from the spec as it is now).
    assert "motto" in actor_change_schema().model_fields

    # The merge screen offers it.
    other = ActorFactory(name_fr="Jardins partagés (doublon)")
    assert "motto" in merge_services.scalar_fields()
    client.force_login(ModeratorFactory())
    html = client.get(reverse("merges:compare", kwargs={"kept": other.slug, "other": actor.slug})).content.decode()
    assert 'name="motto" value="other" checked' in html and "Devise du groupe" in html

    # An import can map a column to it and writes it on the actor.
    assert mapping.fields_for("actors")["motto"] == "Devise du groupe"
    assert mapping.actor_attrs()["motto"] == "motto"

    # The CSV export has a column for it, with the actor's value.
    text = client.get(reverse("opendata:actors_csv")).content.decode()
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows[actor.slug]["motto"] == "Semer ensemble"
