import pytest


@pytest.fixture(autouse=True)
def _api_urls(settings):
    """The project's URLs with the token pages mounted as the lead will mount them."""
    settings.ROOT_URLCONF = "api.tests.urls"
