"""The demo loader reads actors' opening hours in each language, and updates them in place."""

import json
import shutil

import pytest

from demo import services
from directory.models import Actor

pytestmark = pytest.mark.django_db


def _dataset(tmp_path, opening_hours):
    shutil.copy(services.DATA_DIR / "taxonomy.json", tmp_path / "taxonomy.json")
    actor = {"slug": "maison-test", "name": {"fr": "Maison test"}, "kind": "association"}
    if opening_hours is not None:
        actor["opening_hours"] = opening_hours
    (tmp_path / "demo.json").write_text(json.dumps({"actors": [actor]}), encoding="utf-8")
    return tmp_path


def test_opening_hours_are_loaded_in_each_language_and_updated(territory, tmp_path):
    hours = {"fr": "Mardi et jeudi 14 h–18 h", "nl": "Dinsdag en donderdag 14–18 u"}
    services.load_demo(_dataset(tmp_path, hours))
    actor = Actor.objects.get(slug="maison-test")
    assert (actor.opening_hours_fr, actor.opening_hours_nl, actor.opening_hours_en) == (*hours.values(), "")

    services.load_demo(_dataset(tmp_path, None))  # gone from the data: emptied, not kept
    actor = Actor.objects.get(slug="maison-test")
    assert (actor.opening_hours_fr, actor.opening_hours_nl) == ("", "")
