"""Requests to addresses that people type (imports by URL, the link checker): one guard.

A host is resolved once; every address it resolves to must be public, and the connection goes to
one of those checked addresses. Letting urllib resolve the name again to connect would let a
hostile DNS server answer a public address to the check and 127.0.0.1 to the connection (DNS
rebinding). The Host header, TLS SNI and certificate check still use the name. Each redirect opens
a new connection and so is checked the same way; only http(s) is followed, a few times. Bodies are
read up to a size and within a total time.
"""

import http.client
import ipaddress
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

MAX_REDIRECTS = 5


class Refused(urllib.error.URLError):
    """An address the guard will not connect to (its reason is short English for logs and reports)."""


class TooLarge(OSError):
    pass


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def is_public(address):
    """Whether an IP address (text) is on the public internet. An IPv6 address carrying an IPv4
    one (mapped, NAT64, 6to4, Teredo) is judged by the IPv4 address it leads to."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6:
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if ip in NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            ip = embedded
    return ip.is_global and not ip.is_multicast


def resolve(host, port, *, allow_private=False):
    """The (family, sockaddr) pairs to connect to for ``host``, all checked: one private address
    refuses the host (a round-robin answer could otherwise mix in an internal one)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise Refused("unknown host") from None
    if not infos:
        raise Refused("unknown host")
    if not allow_private and not all(is_public(info[4][0]) for info in infos):
        raise Refused("private address")
    return [(info[0], info[4]) for info in infos]


def _connector(allow_private):
    """A replacement for socket.create_connection that connects to checked addresses only."""

    def connect(address, timeout=None, source_address=None):
        host, port = address
        error = None
        for family, sockaddr in resolve(host, port, allow_private=allow_private):
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                if timeout is not None:
                    sock.settimeout(timeout)
                if source_address:
                    sock.bind(source_address)
                sock.connect(sockaddr)
                return sock
            except OSError as exc:
                sock.close()
                error = exc
        raise error

    return connect


class _CheckedHTTPConnection(http.client.HTTPConnection):
    allow_private = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _connector(self.allow_private)


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    allow_private = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # HTTPSConnection.connect() opens the socket through this, then wraps it in TLS with
        # server_hostname=self.host: SNI and the certificate check keep the name.
        self._create_connection = _connector(self.allow_private)


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise Refused("unsupported address")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def opener(*, allow_private=False):
    """A urllib opener that speaks http(s) only, ignores proxy variables (a proxy would resolve
    the name itself) and connects to checked addresses only, redirects included."""
    http_class = type("HTTPConnection", (_CheckedHTTPConnection,), {"allow_private": allow_private})
    https_class = type("HTTPSConnection", (_CheckedHTTPSConnection,), {"allow_private": allow_private})

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(http_class, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(https_class, req, context=self._context)

    built = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler({}),
        urllib.request.UnknownHandler(),
        HTTPHandler(),
        HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        _RedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        built.add_handler(handler)
    return built


def _check_scheme(url):
    """Refuse what is not an http(s) address with a host."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("unsupported address")


def urlopen(url, *, method="GET", headers=None, timeout=10, allow_private=False):
    """Open ``url`` through the guard; raises Refused, urllib's HTTPError and URLError, OSError.
    ``timeout`` bounds each connection and each read."""
    _check_scheme(url)
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        return opener(allow_private=allow_private).open(request, timeout=timeout)
    except urllib.error.URLError as exc:
        # urllib wraps what connect() raises; the caller wants to know the guard refused.
        if isinstance(exc.reason, Refused):
            raise exc.reason from None
        raise


def read_bounded(response, *, max_bytes=None, deadline=None):
    """The body of ``response``, raising TooLarge past ``max_bytes`` and TimeoutError after
    ``deadline`` (time.monotonic()): a server trickling bytes cannot hold a worker."""
    chunks, size = [], 0
    while True:
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError("the download took too long")
        chunk = response.read1(64 * 1024) if hasattr(response, "read1") else response.read(64 * 1024)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if max_bytes and size > max_bytes:
            raise TooLarge(max_bytes)
        chunks.append(chunk)


def fetch(url, *, max_bytes=None, timeout=10, total_timeout=None, headers=None, allow_private=False):
    """The body of ``url`` (GET through the guard), at most ``max_bytes``, within
    ``total_timeout`` seconds in all (default: four times ``timeout``)."""
    deadline = time.monotonic() + (total_timeout or 4 * timeout)
    with urlopen(url, headers=headers, timeout=timeout, allow_private=allow_private) as response:
        return read_bounded(response, max_bytes=max_bytes, deadline=deadline)
