"""Checks of the real configuration (no test-time overrides)."""

from pathlib import Path

from django.template.loader import get_template

ACCOUNTS_TEMPLATES = str(Path(__file__).resolve().parent.parent / "templates")


def test_our_allauth_templates_win_over_allauths_own():
    """The project's settings must list "accounts" before "allauth" (or the templates
    directory in DIRS), otherwise allauth's bare pages with inline scripts are served."""
    for name in ("allauth/layouts/base.html", "account/email.html", "allauth/elements/fields.html"):
        assert get_template(name).origin.name.startswith(ACCOUNTS_TEMPLATES), name
