"""The address guard connects to the address it checked (DNS rebinding) and checks every redirect.

Two local servers play the parts: ``public`` stands for the host's public address, ``internal``
for a service on the server's own network. A fake resolver answers the public address the first
time it is asked and 127.0.0.1 after: a client that resolves twice ends up on the internal one.
"""

import http.server
import socket
import threading

import pytest

from maillage import network

PUBLIC = "93.184.216.34"


class _Server:
    def __init__(self):
        self.hits = []
        self.redirect = None
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def answer(self, body):
                server.hits.append((self.command, self.path, self.headers["Host"]))
                if server.redirect:
                    self.send_response(302)
                    self.send_header("Location", server.redirect)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                if body:
                    self.wfile.write(server.body)

            def do_GET(self):  # noqa: N802 (http.server's name)
                self.answer(True)

            def do_HEAD(self):  # noqa: N802
                self.answer(False)

            def log_message(self, *args):
                pass

        self.body = b"public page"
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def internal():
    server = _Server()
    server.body = b"internal secret"
    yield server
    server.close()


@pytest.fixture
def public():
    server = _Server()
    yield server
    server.close()


@pytest.fixture
def rebinding_dns(monkeypatch, public):
    """``rebind.test`` resolves to PUBLIC once, then to 127.0.0.1; ``private.test`` to 10.0.0.1.
    A connection to PUBLIC reaches the ``public`` server. Returns the addresses connected to."""
    real_getaddrinfo = socket.getaddrinfo
    answers = {"rebind.test": [PUBLIC, "127.0.0.1"], "private.test": ["10.0.0.1"]}
    asked = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real_getaddrinfo(host, port, *args, **kwargs)
        count = asked[host] = asked.get(host, 0) + 1
        address = answers[host][min(count, len(answers[host])) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port)))]

    connected = []

    class MappedSocket(socket.socket):
        def connect(self, address):
            connected.append(address[0])
            if address[0] == PUBLIC:
                address = ("127.0.0.1", public.port)
            if address[0] == "10.0.0.1":
                raise ConnectionRefusedError("10.0.0.1 is not reachable from the tests")
            return super().connect(address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "socket", MappedSocket)
    return connected


def _import(url):
    from imports import services

    try:
        return services.fetch(url)[0]
    except services.ImportFailed as exc:
        return str(exc)


def _link_check(url):
    from freshness import services

    return services.check_url(url, 2)


def test_the_connection_goes_to_the_checked_address(rebinding_dns, public, internal):
    body = network.fetch(f"http://rebind.test:{internal.port}/page", timeout=2)
    assert body == b"public page"
    assert internal.hits == [], "a second resolution reached the internal service"
    assert rebinding_dns == [PUBLIC]
    assert public.hits == [("GET", "/page", f"rebind.test:{internal.port}")], "the Host header keeps the name"


@pytest.mark.parametrize("caller", [_import, _link_check], ids=["import by URL", "link checker"])
def test_both_callers_resist_dns_rebinding(settings, rebinding_dns, public, internal, caller):
    settings.IMPORT_ALLOW_PRIVATE_URLS = settings.LINK_CHECK_ALLOW_PRIVATE = False
    caller(f"http://rebind.test:{internal.port}/liste.csv")
    assert internal.hits == []
    assert public.hits and set(rebinding_dns) == {PUBLIC}


@pytest.mark.parametrize(
    "target", ["http://127.0.0.1:{port}/", "http://private.test:{port}/", "ftp://127.0.0.1/secret"]
)
def test_a_redirect_to_a_private_address_is_refused(rebinding_dns, public, internal, target):
    public.redirect = target.format(port=internal.port)
    with pytest.raises(network.Refused):
        network.fetch(f"http://rebind.test:{internal.port}/", timeout=2)
    assert public.hits, "the first hop is public"
    assert internal.hits == []
    assert rebinding_dns == [PUBLIC]


@pytest.mark.parametrize("caller", [_import, _link_check], ids=["import by URL", "link checker"])
def test_both_callers_refuse_a_redirect_to_the_internal_network(settings, rebinding_dns, public, internal, caller):
    settings.IMPORT_ALLOW_PRIVATE_URLS = settings.LINK_CHECK_ALLOW_PRIVATE = False
    public.redirect = f"http://127.0.0.1:{internal.port}/"
    result = caller(f"http://rebind.test:{internal.port}/")
    assert public.hits and internal.hits == []
    assert "private address" in str(result)


def test_a_host_with_one_private_address_among_public_ones_is_refused(monkeypatch):
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, *a, **k: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ],
    )
    with pytest.raises(network.Refused, match="private address"):
        network.resolve("mixed.test", 80)


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "fc00::1"]
    + ["::ffff:127.0.0.1", "64:ff9b::7f00:1", "2002:a00:1::1", "fe80::1%eth0"],
)
def test_private_addresses_are_not_public(address):
    assert not network.is_public(address)


@pytest.mark.parametrize("address", [PUBLIC, "2606:2800:220:1:248:1893:25c8:1946", "64:ff9b::5db8:d822"])
def test_public_addresses_are_public(address):
    assert network.is_public(address)


def test_a_download_is_bounded_in_size(rebinding_dns, public, internal):
    public.body = b"x" * 100_000
    with pytest.raises(network.TooLarge):
        network.fetch(f"http://rebind.test:{internal.port}/", max_bytes=1000, timeout=2)


@pytest.fixture
def tls_public(tmp_path, public, monkeypatch):
    """The public server behind TLS with a certificate for ``rebind.test`` only, trusted by the
    client: the name must be what TLS checks, though the connection goes to an address."""
    import shutil
    import ssl
    import subprocess

    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=rebind.test"]
        + ["-addext", "subjectAltName=DNS:rebind.test", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    server_names = []
    server_context.sni_callback = lambda sock, name, context: server_names.append(name)
    public.httpd.socket = server_context.wrap_socket(public.httpd.socket, server_side=True)
    client_context = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr(ssl, "_create_default_https_context", lambda *args, **kwargs: client_context)
    return server_names


def test_https_checks_the_certificate_of_the_name_not_of_the_address(rebinding_dns, tls_public, public, internal):
    body = network.fetch(f"https://rebind.test:{internal.port}/secure", timeout=2)
    assert body == b"public page"
    assert tls_public == ["rebind.test"], "SNI carries the name"
    assert rebinding_dns == [PUBLIC] and internal.hits == []
    assert public.hits == [("GET", "/secure", f"rebind.test:{internal.port}")]


def test_https_refuses_a_certificate_for_another_name(rebinding_dns, tls_public, monkeypatch):
    import ssl

    real_getaddrinfo = socket.getaddrinfo

    def other_name(host, port, *args, **kwargs):
        return real_getaddrinfo("rebind.test" if host == "other.test" else host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", other_name)
    with pytest.raises(network.urllib.error.URLError) as refused:
        network.fetch("https://other.test:443/", timeout=2)
    assert isinstance(refused.value.reason, ssl.SSLCertVerificationError)
