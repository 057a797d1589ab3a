import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded files go to temporary folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def moderator(db):
    from accounts.tests.factories import ModeratorFactory

    return ModeratorFactory()
