import pytest


@pytest.fixture(autouse=True)
def _fresh_upcoming():
    """The API's in-process list of upcoming occurrences never outlives a test's database."""
    from api import services

    services.reset_upcoming()
    yield
    services.reset_upcoming()
