import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(tmp_path, settings):
    settings.OPEN_DATA_DIR = tmp_path
    return tmp_path


def test_the_page_links_every_format(client, published):
    with translation.override("en"):
        url = reverse("opendata:index")
        assert url == "/en/open-data/"
        html = client.get(url).content.decode()
        for link in (
            reverse("opendata:actors_csv"),
            reverse("opendata:actors_geojson"),
            reverse("agenda:feed"),
            reverse("hsds:index"),
            "/api/docs",
            "https://creativecommons.org/licenses/by/4.0/",
        ):
            assert f'href="{link}"' in html, link
    assert "CC BY 4.0" in html
    assert "Maillage contributors" in html
    # Not built yet: said so, no download link.
    assert reverse("opendata:download") not in html
    assert "has not been built yet" in html
    assert client.get(reverse("opendata:download")).status_code == 404


def test_the_page_offers_the_dump_once_built(client, published):
    call_command("export_open_data", "--no-progress", stdout=io.StringIO())
    with translation.override("en"):
        html = client.get(reverse("opendata:index")).content.decode()
        download = reverse("opendata:download")
    assert f'href="{download}"' in html
    assert "Built on" in html
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="maillage-open-data.zip"')
    body = b"".join(response.streaming_content)
    assert body[:2] == b"PK"
    assert int(response["Content-Length"]) == len(body)
    assert "Last-Modified" in response


def test_no_inline_script_or_style(client, published):
    html = client.get(reverse("opendata:index")).content.decode()
    assert "style=" not in html
    assert "onclick" not in html
    assert "<script>" not in html
