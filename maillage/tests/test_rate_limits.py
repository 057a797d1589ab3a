"""The one rate limiter (maillage.ratelimit): who a client is behind our proxies, and counts that
every process and server share."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse

from maillage import ratelimit
from maillage.models import RateCounter
from proposals.models import Proposal
from proposals.tests.test_proposals import _event_post

PROXY = "10.0.0.2"  # the address our reverse proxy reaches the app from


def request_from(rf, forwarded=None, remote=PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.get("/", **extra)


def test_without_trusted_proxies_the_forwarded_for_header_is_never_believed(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert ratelimit.client_address(request_from(rf, "198.51.100.1", remote="192.0.2.5")) == "192.0.2.5"


def test_behind_trusted_proxies_the_client_is_the_nth_address_from_the_right(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert ratelimit.client_address(request_from(rf, "198.51.100.1")) == "198.51.100.1"
    # What the client wrote itself stands further left: never read.
    assert ratelimit.client_address(request_from(rf, "203.0.113.9, 198.51.100.1")) == "198.51.100.1"
    settings.TRUSTED_PROXY_COUNT = 2  # a load balancer in front of our proxy
    assert ratelimit.client_address(request_from(rf, "203.0.113.9, 198.51.100.1, 10.0.0.1")) == "198.51.100.1"
    # A request that did not come through every proxy counts under its direct address.
    assert ratelimit.client_address(request_from(rf, "198.51.100.1")) == PROXY


@pytest.mark.django_db
def test_behind_one_proxy_each_visitor_has_a_budget_and_a_spoofed_address_does_not_escape(client, taxonomy, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PROPOSAL_RATE_LIMIT = 2
    url = reverse("proposals:new", args=["event"])

    def propose(forwarded):
        return client.post(url, _event_post(), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)

    propose("198.51.100.1")
    propose("198.51.100.1")
    assert Proposal.objects.count() == 2
    # The same visitor claims another address in its own header: the proxy appends the real one.
    refused = propose("203.0.113.9, 198.51.100.1")
    assert refused.status_code == 200 and "Soupe de quartier" in refused.content.decode()  # the form again
    assert Proposal.objects.count() == 2
    # Another visitor behind the same proxy has a budget of their own.
    propose("198.51.100.2")
    assert Proposal.objects.count() == 3


@pytest.mark.django_db
def test_without_a_trusted_proxy_visitors_cannot_pick_their_budget(client, taxonomy, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.PROPOSAL_RATE_LIMIT = 2
    url = reverse("proposals:new", args=["event"])
    for number in range(3):
        client.post(url, _event_post(), REMOTE_ADDR="192.0.2.5", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
    assert Proposal.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_database_connections_share_one_count():
    """What two workers or two servers do: each thread has its own database connection."""

    def hit_elsewhere(results):
        try:
            results.append(ratelimit.hit("test", "address:192.0.2.1", limit=2, period=3600))
        finally:
            connection.close()  # this thread's own connection

    results = []
    for _worker in range(2):
        thread = threading.Thread(target=hit_elsewhere, args=(results,))
        thread.start()
        thread.join()
    assert results == [False, False]
    assert ratelimit.hit("test", "address:192.0.2.1", limit=2, period=3600) is True
    assert RateCounter.objects.get().count == 3


@pytest.mark.django_db
def test_counts_are_per_action_and_client_and_store_no_address():
    assert not ratelimit.hit("print", "address:192.0.2.1", limit=1, period=3600)
    assert not ratelimit.hit("proposal", "address:192.0.2.1", limit=1, period=3600)
    assert not ratelimit.hit("print", "address:192.0.2.2", limit=1, period=3600)
    assert ratelimit.hit("print", "address:192.0.2.1", limit=1, period=3600)
    assert not any("192.0.2" in key for key in RateCounter.objects.values_list("key", flat=True))


@pytest.mark.django_db
def test_a_new_window_starts_from_zero_and_the_purge_removes_windows_that_are_over(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 1, 10, 59, tzinfo=dt.UTC), tick=False)
    assert not ratelimit.hit("test", "user:1", limit=1, period=3600)
    assert ratelimit.hit("test", "user:1", limit=1, period=3600)
    time_machine.move_to(dt.datetime(2026, 3, 1, 11, 0, tzinfo=dt.UTC), tick=False)
    assert not ratelimit.hit("test", "user:1", limit=1, period=3600)
    assert ratelimit.purge() == 1  # the 10 o'clock window
    assert RateCounter.objects.get().count == 1


def test_the_worker_purges_the_counts_every_hour():
    from maillage import scheduler, tasks

    assert ("maillage.purge_rate_counts", dt.timedelta(hours=1), tasks.purge_rate_counts) in scheduler.periodic_jobs()
