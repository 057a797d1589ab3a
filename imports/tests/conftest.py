import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded payloads go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def moderator(db):
    from accounts.tests.factories import ModeratorFactory

    return ModeratorFactory()
