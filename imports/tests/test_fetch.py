"""Downloading a source's address: size limit, and no request to private or loopback networks."""

import http.server
import threading

import pytest
from django.utils import translation

from imports import services
from maillage import network

CSV = b"Nom;Code postal\nLes Amis du Parc;1050\n"


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "http://10.0.0.1/secret.csv")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.end_headers()
        self.wfile.write(CSV)

    def log_message(self, *args):
        pass


@pytest.fixture(autouse=True)
def _english():
    """The refusals are asserted in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def local_server():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/liste.csv",
        "http://localhost/liste.csv",
        "http://10.1.2.3/liste.csv",
        "http://192.168.1.1/liste.csv",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/liste.csv",
    ],
)
def test_private_and_loopback_addresses_are_refused(settings, url):
    settings.IMPORT_ALLOW_PRIVATE_URLS = False
    settings.LINK_CHECK_ALLOW_PRIVATE = False
    with pytest.raises(services.ImportFailed, match="only public addresses"):
        services.fetch(url)


def test_a_local_server_is_refused_unless_allowed(settings, local_server):
    settings.LINK_CHECK_ALLOW_PRIVATE = False
    with pytest.raises(services.ImportFailed, match="only public addresses"):
        services.fetch(f"{local_server}/liste.csv")
    settings.IMPORT_ALLOW_PRIVATE_URLS = True
    assert services.fetch(f"{local_server}/liste.csv") == (CSV, "liste.csv")


def test_a_redirect_to_a_private_address_is_refused(settings, local_server, monkeypatch):
    # The local server stands for a public host (its address passes the guard); its redirect to
    # 10.0.0.1 must not be followed.
    real = network.is_public
    monkeypatch.setattr(network, "is_public", lambda address: address == "127.0.0.1" or real(address))
    with pytest.raises(services.ImportFailed, match="only public addresses"):
        services.fetch(f"{local_server}/redirect")


def test_too_large_a_download_is_refused(settings, local_server):
    settings.IMPORT_ALLOW_PRIVATE_URLS = True
    with pytest.raises(services.ImportFailed, match="too large"):
        services.fetch(f"{local_server}/liste.csv", max_bytes=10)


def test_only_http_addresses():
    with pytest.raises(services.ImportFailed, match="http"):
        services.fetch("file:///etc/passwd")
