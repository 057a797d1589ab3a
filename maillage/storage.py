import os
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files, without rewriting JavaScript source-map comments:
    XStatic-Leaflet-MarkerCluster refers to a .map file it does not ship."""

    patterns = tuple((glob, rules) for glob, rules in ManifestStaticFilesStorage.patterns if glob != "*.js")


class PrivateStorage(FileSystemStorage):
    """Files that are never served (import files and previews may hold people's personal data):
    kept under PRIVATE_MEDIA_ROOT (default var/private), outside MEDIA_ROOT, which a web server
    publishes, and without a URL. Read from the settings at each use, so tests can move it."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return getattr(settings, "PRIVATE_MEDIA_ROOT", None) or Path(settings.BASE_DIR) / "var" / "private"

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("private files have no address")


def private_storage():
    """The storage of private files (a callable, so migrations do not freeze a location)."""
    return PrivateStorage()
