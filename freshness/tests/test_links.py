"""The website checker, against pages served on 127.0.0.1."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext

from directory.models import Actor
from freshness import services
from freshness.models import LinkCheck

pytestmark = pytest.mark.django_db


class Handler(BaseHTTPRequestHandler):
    hits = []

    def answer(self, with_body):
        Handler.hits.append((self.command, self.path))
        if self.path == "/slow":
            time.sleep(3)
        status = {"/ok": 200, "/missing": 404, "/slow": 200, "/old": 301}.get(self.path, 200)
        if self.path == "/no-head" and self.command == "HEAD":
            status = 405
        self.send_response(status)
        if status == 301:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", "2")
        self.end_headers()
        if with_body:
            self.wfile.write(b"ok")

    def do_HEAD(self):
        self.answer(False)

    def do_GET(self):
        self.answer(True)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.hits = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def local(settings):
    settings.LINK_CHECK_ALLOW_PRIVATE = True


def test_check_url(server, local):
    assert services.check_url(f"{server}/ok", 2) == (200, "")
    assert services.check_url(f"{server}/missing", 2) == (404, "")
    assert services.check_url(f"{server}/old", 2) == (200, "")  # redirects followed
    assert services.check_url(f"{server}/slow", 0.5) == (None, "timeout")
    assert services.check_url("ftp://example.org/", 2) == (None, "unsupported address")


def test_get_when_head_is_refused(server, local):
    assert services.check_url(f"{server}/no-head", 2) == (200, "")
    assert [m for m, p in Handler.hits if p == "/no-head"] == ["HEAD", "GET"]
    Handler.hits.clear()
    services.check_url(f"{server}/ok", 2)
    assert Handler.hits == [("HEAD", "/ok")], "GET only when HEAD fails"


def test_private_addresses_are_not_probed(server):
    assert services.check_url(f"{server}/ok", 2) == (None, "private address")
    assert Handler.hits == []


def test_a_run_records_results_and_flags_dead_links_after_two_failures(server, local, make_actor, moderator):
    ok = make_actor(website=f"{server}/ok")
    missing = make_actor(website=f"{server}/missing")
    slow = make_actor(website=f"{server}/slow")
    make_actor(website="")  # nothing to check
    make_actor(website=f"{server}/ok", status=Actor.Status.CLOSED)  # not watched

    started = time.monotonic()
    run = services.check_links(timeout=0.5)
    assert time.monotonic() - started < 2.5, "bounded by the timeout"
    assert (run.checked, run.ok, run.failing, run.dead) == (3, 1, 2, 0)
    checks = {c.actor_id: c for c in LinkCheck.objects.all()}
    assert (checks[ok.pk].ok, checks[ok.pk].status) == (True, 200)
    assert (checks[missing.pk].ok, checks[missing.pk].status, checks[missing.pk].failures) == (False, 404, 1)
    assert (checks[slow.pk].error, checks[slow.pk].failures) == ("timeout", 1)
    assert not services.to_verify().exists()

    run = services.check_links(timeout=0.5)
    assert run.dead == 2
    assert set(services.to_verify()) == {missing, slow}
    assert [c.problem for c in LinkCheck.objects.filter(ok=False).order_by("actor_id")] == [
        "HTTP 404",
        gettext("no answer in time"),
    ]
    first_failure = checks[missing.pk].failing_since
    assert LinkCheck.objects.get(actor=missing).failing_since == first_failure

    # The website comes back: the flag goes.
    Actor.objects.filter(pk=missing.pk).update(website=f"{server}/ok?again")
    services.check_links(timeout=0.5)
    check = LinkCheck.objects.get(actor=missing)
    assert (check.ok, check.failures, check.failing_since) == (True, 0, None)
    assert list(services.to_verify()) == [slow]


def test_batches_take_the_least_recently_checked_first(server, local, make_actor):
    actors = [make_actor(website=f"{server}/ok") for _ in range(3)]
    LinkCheck.objects.create(actor=actors[0], url=f"{server}/ok", checked_at=timezone.now())
    LinkCheck.objects.create(
        actor=actors[1], url=f"{server}/ok", checked_at=timezone.now() - timezone.timedelta(days=3)
    )
    services.check_links(batch=2)
    checked = dict(LinkCheck.objects.values_list("actor_id", "checked_at"))
    # Never checked (actors[2]) and the oldest check (actors[1]) ran; the newest did not.
    assert checked[actors[2].pk] > checked[actors[0].pk]
    assert checked[actors[1].pk] > checked[actors[0].pk]
    assert LinkCheck.objects.get(actor=actors[0]).checked_at < checked[actors[1].pk]


def test_the_command(server, local, make_actor, capsys):
    make_actor(website=f"{server}/missing")
    call_command("check_links", "--batch", "5", "--timeout", "1")
    assert "1 websites checked: 0 fine, 1 failing (0 dead)" in capsys.readouterr().out
