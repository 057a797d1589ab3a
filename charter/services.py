"""The charter: which version is current, and who has accepted it.

Other apps call ``current()``, ``needs_acceptance(user)`` and ``record_acceptance(user)``.
"""

from .models import CharterAcceptance, CharterVersion


def current():
    """The latest published version, or None when no charter is published yet."""
    return CharterVersion.objects.published().order_by("-published_at", "-pk").first()


def published_versions():
    return CharterVersion.objects.published().order_by("-published_at", "-pk")


def needs_acceptance(user, version=None):
    """True for anonymous users and for users who have not accepted ``version`` (the current one
    by default, read when not given); False when there is no charter."""
    version = version or current()
    if version is None:
        return False
    if not user.is_authenticated:
        return True
    return not CharterAcceptance.objects.filter(user=user, version=version).exists()


def record_acceptance(user, version=None):
    """``user`` accepts ``version`` (the current one by default). Returns the acceptance, or None
    when there is nothing to accept."""
    version = version or current()
    if version is None:
        return None
    if not user.is_authenticated:
        raise ValueError("Only signed-in users accept the charter.")
    acceptance, _created = CharterAcceptance.objects.get_or_create(user=user, version=version)
    return acceptance


def last_acceptance(user):
    """The user's most recent acceptance (with its version), or None."""
    if not user.is_authenticated:
        return None
    return CharterAcceptance.objects.filter(user=user).select_related("version").order_by("-accepted_at").first()
