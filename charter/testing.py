"""Test helpers of the charter, for the apps' tests."""


def ensure_charter():
    """The published charter. A data migration creates it, but a transactional test's flush
    removes migration data, so tests that need it call this."""
    import importlib

    from django.apps import apps

    from .models import CharterVersion

    if not CharterVersion.objects.exists():
        importlib.import_module("charter.migrations.0002_first_version").create(apps, None)
    return CharterVersion.objects.first()
