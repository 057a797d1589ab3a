import pytest

pytestmark = pytest.mark.django_db


def test_docs_page_shows_parameter_descriptions_in_the_language_of_the_request(client):
    # The descriptions are marked with N_ (gettext_noop) in api/api.py: makemessages must collect them.
    page = client.get("/api/docs", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Numéro de page, de 1 à 1000000." in page
    assert "Page number, from 1 to 1000000." not in page
