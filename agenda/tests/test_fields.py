"""The event's field specification matches the model it describes."""

from django.db import models

from agenda.fields import EVENT, PLACE_FIELDS, PROGRAMME_ITEM
from maillage.fields import LANGS
from projects.fields import PARTICIPATION, PHASE, PROJECT, UPDATE


def _check(spec):
    for field in spec:
        if not field.stored:
            continue
        column = spec.model._meta.get_field(field.name)
        if field.many and not isinstance(column, models.ForeignKey):
            assert column.many_to_many, field.name
            assert column.related_model is field.vocabulary, field.name
        if field.type == "choice":
            assert field.choices.values == [value for value, _label in column.choices], field.name


def test_every_stored_field_of_the_specs_is_a_column_or_a_link_of_their_model():
    for spec in (EVENT, PROGRAMME_ITEM, PROJECT, UPDATE, PHASE, PARTICIPATION):
        _check(spec)


def test_an_event_is_written_in_every_language_and_its_place_by_its_address():
    for base in ("title", "description", "price"):
        assert [f.lang for f in EVENT.languages_of(base)] == list(LANGS)
    assert [f.name for f in EVENT if not f.stored] == list(PLACE_FIELDS)
    assert {f.name for f in EVENT.links()} == {"organisers", "themes", "audiences", "languages"}
    assert "slug" not in EVENT and "is_synthetic" not in EVENT and "commune" not in EVENT
