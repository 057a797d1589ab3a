from pathlib import Path

import pytest
from django.core.cache import cache

ACCOUNTS_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth's rate-limit counters live in the cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def our_allauth_templates(settings):
    """Our overrides of allauth's templates, even while settings list "allauth" before "accounts"
    (test_settings.py checks the real order)."""
    from django.template.loader import get_template

    if not get_template("allauth/layouts/base.html").origin.name.startswith(str(ACCOUNTS_TEMPLATES)):
        templates = [dict(engine) for engine in settings.TEMPLATES]
        templates[0]["DIRS"] = [ACCOUNTS_TEMPLATES, *templates[0]["DIRS"]]
        settings.TEMPLATES = templates
