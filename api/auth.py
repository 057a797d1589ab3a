"""``Authorization: Bearer <token>``: a personal token acts with its user's rights.

Write endpoints take no session (so no CSRF): only a token opens them.
"""

import datetime as dt

from django.utils import timezone
from ninja.security import HttpBearer

from .models import ApiToken, hash_key

LAST_USED_EVERY = dt.timedelta(minutes=5)  # "last used" is written at most this often


def token_for(key):
    """The active token with this key (its user active too), or None."""
    if not key:
        return None
    token = ApiToken.objects.active().select_related("user").filter(key_hash=hash_key(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used is None or now - token.last_used > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
    return token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = token_for(token.strip())
        if found is not None:
            request.user = found.user
        return found
