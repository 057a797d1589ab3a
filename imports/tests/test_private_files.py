"""Import files and previews are never public: private storage, outside MEDIA_ROOT, no URL."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directory.tests.factories import ActorFactory
from imports.models import ImportRun

CSV = b"Nom;Code postal;Email\nLes Amis du Parc;1050;marie.dupont@example.org\n"


@pytest.fixture
def client_mod(client, moderator):
    client.force_login(moderator)
    return client


def _under(path, root):
    return Path(path).resolve().is_relative_to(Path(root).resolve())


def test_an_uploaded_import_file_is_stored_outside_the_public_media_root(client_mod, territory, settings):
    response = client_mod.post(
        reverse("imports:new"),
        {"file": SimpleUploadedFile("membres.csv", CSV), "format": "", "new_source": "Fédération", "target": "actors"},
    )
    assert response.status_code == 302
    run = ImportRun.objects.get()
    path = Path(run.payload.path)
    assert path.read_bytes() == CSV
    assert _under(path, settings.PRIVATE_MEDIA_ROOT)
    assert not _under(path, settings.MEDIA_ROOT)
    assert not (Path(settings.MEDIA_ROOT) / "imports").exists()
    with pytest.raises(ValueError):
        run.payload.url  # noqa: B018 (no address to give out)
    assert client_mod.get(settings.MEDIA_URL + run.payload.name).status_code == 404


def test_the_private_root_defaults_outside_the_media_root(settings):
    from maillage.storage import PrivateStorage

    del settings.PRIVATE_MEDIA_ROOT
    settings.MEDIA_ROOT = Path(settings.BASE_DIR) / "var" / "media"
    location = PrivateStorage().location
    assert location == str(Path(settings.BASE_DIR) / "var" / "private")
    assert not _under(location, settings.MEDIA_ROOT)


def test_logos_stay_public(settings, db):
    actor = ActorFactory()
    actor.logo.save("logo.png", SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n"), save=False)
    assert _under(actor.logo.path, settings.MEDIA_ROOT)
    assert actor.logo.url.startswith(settings.MEDIA_URL)
