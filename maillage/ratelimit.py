"""The one rate limiter: how often a client may do something, counted alike by every process of
every server.

A count is a row (``RateCounter``) per action, client and window, incremented by one UPDATE, which
the database makes atomic: N workers or N servers share each limit, where a per-process memory
would multiply it by N and a cache's get-then-set would lose hits that arrive together. The
hourly purge (``maillage.tasks``) removes windows that are over.

A client is an account (``"user:5"``), or an address (``client_address``: only our own proxies
are believed about where a request came from). Clients are hashed: no address is stored.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import RateCounter

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def client_address(request):
    """The address a request came from.

    Behind ``TRUSTED_PROXY_COUNT`` reverse proxies of our own, each appends the address it was
    reached from to X-Forwarded-For: the client is the Nth address from the right, and whatever
    stands further left was written by the client itself. With 0 (no proxy) the header is never
    read. A request that did not pass all our proxies counts under its direct address.
    """
    direct = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return direct
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < proxies:
        return direct
    return forwarded[-proxies].strip() or direct


def client_of(request):
    """The client a request counts for: its account when signed in, else its address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"address:{client_address(request)}"


def hit(action, client, *, limit, period):
    """Count one ``action`` (a short name) by ``client`` in the current window of ``period``
    seconds; True when that makes more than ``limit`` (the caller refuses the action)."""
    window = int((timezone.now() - _EPOCH).total_seconds()) // period
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client}".encode()).hexdigest()[:32]
    key = f"{action}:{period}:{window}:{digest}"
    return _count(key, expires=_EPOCH + dt.timedelta(seconds=(window + 1) * period)) > limit


def _count(key, expires):
    """The count of ``key`` after adding one."""
    with transaction.atomic():
        if not RateCounter.objects.filter(key=key).update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, expires=expires)
                return 1
            except IntegrityError:  # another process made the row meanwhile: count in it
                RateCounter.objects.filter(key=key).update(count=F("count") + 1)
        # The UPDATE holds the row until the end of the transaction: this is our count.
        return RateCounter.objects.values_list("count", flat=True).get(key=key)


def purge(now=None):
    """Remove the counts of windows that are over; returns how many."""
    deleted, _by_model = RateCounter.objects.filter(expires__lte=now or timezone.now()).delete()
    return deleted
