"""Another process's change shows at once: two gunicorn workers serve a page from their memory and
the shared cache, a third process (``manage.py shell``) renames the actor, and every answer after
that names it anew. The data versions are read from the database at each request, so no process
needs telling."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from directory.tests.factories import ActorFactory

ROOT = Path(__file__).resolve().parents[2]
PAGE = "/fr/directory/amarante/"


def _database_url(tmp_path):
    """The test database, as another process reaches it: a copy in a file for SQLite (the test
    database lives in this process's memory), the test database itself for PostgreSQL."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        path = tmp_path / "shared.sqlite3"
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    if connection.vendor == "postgresql":
        password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
        return f"postgres://{settings['USER']}{password}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    pytest.skip(f"no second process for {connection.vendor}")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=20) as response:
            return response.headers.get("X-Page-Cache"), response.read().decode()
    except urllib.error.HTTPError as error:
        page = error.read().decode()
        summary = page[page.find("<title>") : page.find("</title>")] if "<title>" in page else page[-2000:]
        raise AssertionError(f"{path}: {error.code} {summary}") from None


def _wait_for(port, server, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server stopped: {server.stderr.read().decode()[-2000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not start")


@pytest.mark.django_db(transaction=True)
def test_a_change_made_by_another_process_shows_on_the_next_request(tmp_path):
    ActorFactory(slug="amarante", name_fr="Amarante")
    port = _free_port()
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="maillage.settings",
        DEBUG="on",
        PAGE_CACHE="on",
        DATABASE_URL=_database_url(tmp_path),
        ALLOWED_HOSTS="127.0.0.1",
        PROGRESS_CACHE_URL="locmemcache://",
        # Shared by the workers (files on SQLite, the database's table on PostgreSQL): never the
        # development server's folder.
        **({"PAGE_CACHE_URL": f"filecache://{tmp_path / 'pages'}"} if connection.vendor == "sqlite" else {}),
    )
    # The tests keep their caches in memory: the shared caches' tables are made for the servers.
    subprocess.run([sys.executable, "manage.py", "createcachetable"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "maillage.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _wait_for(port, server)
        seen = [_get(port, PAGE) for _ in range(6)]
        assert all("Amarante" in body for _how, body in seen)
        assert "hit" in {how for how, _body in seen}, seen  # kept, and served from what was kept
        rename = (
            "from directory.models import Actor; from directory import services; "
            "a = Actor.objects.get(slug='amarante'); a.name_fr = 'Zinnia'; services.save_actor(a)"
        )
        subprocess.run([sys.executable, "manage.py", "shell", "-c", rename], cwd=ROOT, env=env, check=True)
        after = [_get(port, PAGE) for _ in range(6)]  # both workers answer some
        assert after[0][0] == "miss"
        for _how, body in after:
            assert "Zinnia" in body and "Amarante" not in body
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
