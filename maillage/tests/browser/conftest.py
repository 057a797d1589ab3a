"""Browser tests: the real pages in Debian's Chromium, driven by Playwright's sync API.

Everything here is shared by the whole ``browser`` package: the demo data is loaded once into the
test database, one live server and one Chromium serve every test, and each test gets a fresh
browser context (no cookies, no cache). Loading the demo per test would cost ~8 s each.

Chromium is never downloaded: tests use /usr/bin/chromium (``apt-get install chromium``) and
are skipped when it is missing, unless ``REQUIRE_BROWSER=1`` (CI), where they fail.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test.utils import modify_settings, override_settings
from pytest_django.live_server_helper import LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items):
    """Every test here reads the test database (through the live server).

    The ``django_db`` mark makes pytest-django create the test database even when only these tests
    run (without it the data would go into the development database); each test then runs in a
    transaction rolled back at its end, which leaves the data loaded for the package in place.
    """
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents and not item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.django_db)


def _is_test_database(connection):
    name = str(connection.settings_dict["NAME"])
    test_name = connection.settings_dict["TEST"].get("NAME")
    return "mode=memory" in name or name == ":memory:" or name.startswith("test_") or name == test_name


def _chromium():
    path = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if path:
        return path
    message = (
        f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium` (never `playwright install`)"
    )
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {message}", pytrace=False)
    pytest.skip(message)


def _reset_process_caches():
    """In-process caches built from database rows (ids): stale once the test data changes."""
    from django.core.cache import cache

    from maillage import caches
    from territory.services import clear_caches

    cache.clear()
    clear_caches()
    caches.reset_all()


def _ensure_charter():
    """The charter comes from a data migration; a transactional test elsewhere may have flushed it."""
    from django.contrib.contenttypes.models import ContentType

    from charter.testing import ensure_charter

    ContentType.objects.clear_cache()  # a transactional test may have recreated them
    ensure_charter()


@pytest.fixture(scope="package")
def site(django_db_setup, django_db_blocker):
    """A live server on the demo data: territory with boundaries, then the demo dataset.

    pytest-django's ``live_server`` fixture makes every test transactional, which empties the
    database after each test; here the data is loaded once for the package instead, with the
    same server class, and the database is emptied when the package is done.
    """
    from demo.services import load_demo
    from territory.services import load_territory

    _chromium()  # skip (or fail) before spending time on the data
    with django_db_blocker.unblock():
        from django.db import connection

        if not _is_test_database(connection):
            pytest.fail(f"refusing to load the demo into {connection.settings_dict['NAME']}: not a test database")
        overrides = override_settings(MAP_TILE_URL="")  # no request leaves the machine
        overrides.enable()
        try:
            _reset_process_caches()
            load_territory(boundaries_file=settings.TERRITORY_BOUNDARIES_FILE or None)
            _reset_process_caches()
            load_demo()
            _ensure_charter()
            _reset_process_caches()
            server = LiveServer("localhost")
            hosts = modify_settings(ALLOWED_HOSTS={"append": "localhost"})
            hosts.enable()
            try:
                yield server
            finally:
                hosts.disable()
                server.stop()
        finally:
            call_command("flush", interactive=False, verbosity=0)
            _reset_process_caches()
            overrides.disable()


@pytest.fixture(scope="package")
def browser(site):
    from django.db import connections
    from playwright.sync_api import expect, sync_playwright

    executable = _chromium()
    expect.set_options(timeout=TIMEOUT_MS)
    # Playwright's sync API runs an asyncio loop in this thread, so Django would refuse the ORM
    # calls of the tests (and of pytest-django's per-test transaction) while it runs.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # Django keeps its connections per context, and the tests ran in Playwright's: close the
        # ones they opened, or PostgreSQL refuses to drop the test database at the end.
        connections.close_all()


@pytest.fixture
def context_factory(browser, site):
    """New browser contexts on the live server; any request to another host is refused and fails the test."""
    contexts, outside = [], []
    origin = urlsplit(site.url).netloc

    def refuse_outside(route):
        if urlsplit(route.request.url).netloc == origin:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    def make(locale="fr-BE", **options):
        context = browser.new_context(
            base_url=site.url, locale=locale, viewport={"width": 1280, "height": 900}, **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.route(lambda url: not url.startswith(("data:", "blob:")), refuse_outside)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert not outside, f"the pages requested other hosts: {outside}"


@pytest.fixture
def page(context_factory):
    return context_factory().new_page()


class Mailbox:
    """Messages received by a real SMTP server (aiosmtpd) on 127.0.0.1, for the whole package."""

    def __init__(self):
        import threading

        self.messages = []
        self._changed = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler API
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._changed:
            self.messages.append((list(envelope.rcpt_tos), message))
            self._changed.notify_all()
        return "250 OK"

    def wait_for(self, to, *, timeout=10):
        """The last message to ``to``, waiting for it to arrive: (subject, plain text body)."""
        import time

        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for rcpts, message in reversed(self.messages):
                    if to in rcpts:
                        body = message.get_body(preferencelist=("plain",)).get_content()
                        self.messages.remove((rcpts, message))
                        return str(message["Subject"]), body
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no email to {to} within {timeout} s")
                self._changed.wait(left)

    @staticmethod
    def link(body, contains=""):
        """The first link of a message (containing ``contains``), as a path on the site."""
        import re

        for url in re.findall(r"https?://\S+", body):
            if contains in url:
                return re.sub(r"^https?://[^/]+", "", url)
        raise AssertionError(f"no link with {contains!r} in:\n{body}")


@pytest.fixture(scope="package")
def mailbox(site):
    """Every email the site sends goes to this server while the browser tests run."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # aiosmtpd needs a known port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    overrides = override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        SITE_URL=site.url,
    )
    overrides.enable()
    try:
        yield handler
    finally:
        overrides.disable()
        controller.stop()


@pytest.fixture
def site_db(site):
    """Make the data a test writes visible to the live server at once.

    With SQLite in memory the server shares one connection: use it (another connection would wait
    on its table locks). With PostgreSQL the test's own connection sits in a transaction that is
    rolled back at the end: write through a fresh connection in autocommit instead (the package
    empties the database when it is done).
    """
    from contextlib import contextmanager

    from django.db import DEFAULT_DB_ALIAS, connections

    @contextmanager
    def use():
        overrides = dict(getattr(site.thread, "connections_override", None) or {})
        fresh = None
        if not overrides:
            fresh = connections.create_connection(DEFAULT_DB_ALIAS)
            overrides = {DEFAULT_DB_ALIAS: fresh}
        previous = {alias: connections[alias] for alias in overrides}
        for alias, connection in overrides.items():
            connections[alias] = connection
        try:
            yield
        finally:
            for alias, connection in previous.items():
                connections[alias] = connection
            if fresh is not None:
                fresh.close()

    return use
