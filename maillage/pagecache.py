"""Public pages for visitors, answered from bytes rendered once per state of the data.

A view marked ``public_page`` (in its app's urls.py) is rendered once for visitors without a
session and kept, compressed, under a key made of everything the page can depend on for them: the
scheme, host and path, the query, the language, the cookies that change how pages
look (easy reading), every data version (``maillage.data_version``) and, for pages that show what is
on now, the clock's current interval (``clock`` seconds). A change bumps a data version, so the next
request has a new key: no expiry to tune, no purge list, never a page older than the data.

Kept at two levels: each process's memory (bounded in bytes, most recently used kept) in front of
the shared cache ``caches["pages"]`` (the database's by default), so a page rendered by one app
server is served by the others. A hit reads the data versions (one indexed query) and nothing else.

What is never stored: answers to a signed-in person (a session cookie, or a message waiting), any
answer that sets a cookie (a CSRF token in a form would), status other than 200, streaming answers.

Every public page also gets what HTTP caches need: a strong ETag (a digest of the page), its
Last-Modified (when it was rendered), 304 on revalidation (Django's RFC 9110 evaluation), ``Cache-Control: public`` with a short
max-age and stale-while-revalidate for a proxy or CDN in front, ``Vary: Cookie, Accept-Encoding``.
"""

import functools
import hashlib
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from . import data_version, encodings

HEADER = "X-Page-Cache"
VARY = "Cookie, Accept-Encoding"
# Headers of a rendered page that a stored copy does not keep: set again for each answer.
_NOT_STORED = frozenset(
    {"content-length", "content-encoding", "vary", "etag", "last-modified", "cache-control", "date"}
)
_MAX_QUERY = 2000  # longer queries are rendered each time, never stored


def public_page(view=None, *, clock=None):
    """Mark ``view`` as a public page kept for visitors. ``clock``: seconds after which what it shows
    may change with the time alone (settings.PAGE_CACHE_CLOCK_SECONDS by default; 0: never)."""
    if view is None:
        return functools.partial(public_page, clock=clock)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapped.public_page = settings.PAGE_CACHE_CLOCK_SECONDS if clock is None else clock
    return wrapped


def etag_of(body):
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def public_headers(response, etag, last_modified=None, vary=VARY):
    """What a proxy or browser needs to keep and revalidate a public answer."""
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = (
        f"public, max-age={settings.PAGE_CACHE_MAX_AGE}, stale-while-revalidate={settings.PAGE_CACHE_STALE_SECONDS}"
    )
    response["Vary"] = vary
    return response


class Page:
    """A stored page: its validators, the headers the view set, its body in each encoding."""

    __slots__ = ("etag", "rendered", "headers", "bodies", "by_date")

    def __init__(self, etag, rendered, headers, bodies, by_date=True):
        self.etag, self.rendered, self.headers, self.bodies, self.by_date = etag, rendered, headers, bodies, by_date

    def __getstate__(self):
        return (self.etag, self.rendered, self.headers, self.bodies, self.by_date)

    def __setstate__(self, state):
        self.etag, self.rendered, self.headers, self.bodies, self.by_date = state

    @classmethod
    def of(cls, response, data_changed=None):
        """The page of a rendered ``response``. ``data_changed``: when the data last changed.

        Its Last-Modified is the second it was rendered. When the data changed in that second too,
        another render of that second may hold other data, and HTTP dates count whole seconds: a
        date alone then never answers 304 for it (``by_date``); its ETag does."""
        body = response.content
        headers = [(name, value) for name, value in response.items() if name.lower() not in _NOT_STORED]
        bodies = {encoding: encodings.compress(body, encoding) for encoding in (encodings.BROTLI, encodings.GZIP)}
        rendered = int(time.time())
        by_date = data_changed is None or int(data_changed.timestamp()) < rendered
        return cls(etag_of(body), rendered, headers, bodies, by_date)

    def etag_in(self, encoding):
        """The page's strong ETag in one encoding: each encoding is its own representation (RFC 9110)."""
        return f'{self.etag[:-1]}-{encoding}"' if encoding else self.etag

    def body(self, encoding):
        if encoding is None:
            return encodings.decompress(self.bodies[encodings.BROTLI], encodings.BROTLI)
        return self.bodies[encoding]

    @property
    def size(self):
        return sum(len(body) for body in self.bodies.values())


class _Memory:
    """The process's own copies, most recently used kept, at most ``limit`` bytes."""

    def __init__(self):
        self._pages = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key, page, limit):
        if page.size > limit // 4:
            return  # one huge page must not push out all the others
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._pages[key] = page
            self._bytes += page.size
            while self._bytes > limit and self._pages:
                _key, dropped = self._pages.popitem(last=False)
                self._bytes -= dropped.size

    def clear(self):
        with self._lock:
            self._pages.clear()
            self._bytes = 0

    @property
    def bytes(self):
        return self._bytes


_memory = _Memory()


def reset():
    """Forget every page kept by this process (tests; the shared cache is cleared with the others)."""
    _memory.clear()
    _rules.clear()


def stored_bytes():
    """Bytes of the pages kept in this process's memory."""
    return _memory.bytes


_rules = {}  # path -> (language, clock or None): resolving a path costs more than a hit
_RULES_KEPT = 20_000


def _rule(path):
    """The path's language, and its clock interval when its view is a public page (0: no clock;
    None: not a public page)."""
    found = _rules.get(path)
    if found is None:
        language = translation.get_language_from_path(path)
        try:
            with translation.override(language or settings.LANGUAGE_CODE):
                match = resolve(path)
            clock = getattr(match.func, "public_page", None)
        except Resolver404:
            clock = None
        if len(_rules) >= _RULES_KEPT:
            _rules.clear()
        found = _rules[path] = (language or "", clock)
    return found


def _is_visitor(request):
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _key(request, language, clock, versions):
    # The query as it came, not reordered: pages write their own address into their links (other
    # languages, the easy-reading switch), so two orders of one query are two different pages.
    # The host and scheme too: a page may write absolute addresses (the widget builder's snippets).
    looks = [request.COOKIES.get(name, "") for name in settings.PAGE_CACHE_KEY_COOKIES]
    interval = int(time.time() // clock) if clock else 0
    parts = (
        request.scheme,
        request.get_host(),
        request.path_info,
        request.META.get("QUERY_STRING", ""),
        language,
        *looks,
        *versions,
        interval,
        request.headers.get("HX-Request", ""),
    )
    raw = "\x1f".join(map(str, parts))
    return "page:" + hashlib.blake2b(raw.encode(), digest_size=20).hexdigest()


class PageCacheMiddleware:
    """Answer visitors' public pages from stored bytes; store them on a miss (module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        language, clock = _rule(request.path_info)
        if clock is None:
            return self.get_response(request)
        if not _is_visitor(request) or len(request.META.get("QUERY_STRING", "")) > _MAX_QUERY:
            return self._not_shared(self.get_response(request))
        key = _key(request, language, clock, data_version.snapshot()[0])
        page = _memory.get(key)
        if page is None:
            page = caches["pages"].get(key)
            if page is not None:
                _memory.put(key, page, settings.PAGE_CACHE_MEMORY_BYTES)
        if page is not None:
            return self._answer(request, page, "hit")
        head = request.method == "HEAD"
        if head:  # rendered as the GET it stands for, as a hit answers it (views say require_GET)
            request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            if head:
                request.method = "HEAD"
        if not self._storable(request, response):
            return response if _is_visitor(request) else self._not_shared(response)
        page = Page.of(response, data_version.snapshot()[1])
        _memory.put(key, page, settings.PAGE_CACHE_MEMORY_BYTES)
        caches["pages"].set(key, page, timeout=2 * clock if clock else settings.PAGE_CACHE_SECONDS)
        return self._answer(request, page, "miss")

    @staticmethod
    def _storable(request, response):
        user = getattr(request, "user", None)
        return (
            response.status_code == 200
            and not response.streaming
            and not response.has_header("Content-Encoding")  # an answer that compressed itself
            and not response.cookies
            # A page whose form used a CSRF token (the cookie is sent again then, too): the token is
            # this visitor's.
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not (user is not None and user.is_authenticated)
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def _not_shared(response):
        """A public page's answer to someone signed in: never kept by a proxy or shown to another."""
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-cache"
        response[HEADER] = "bypass"
        return response

    @staticmethod
    def _answer(request, page, how):
        encoding = encodings.accepted(request.headers.get("Accept-Encoding"))
        etag = page.etag_in(encoding)
        since = page.rendered if page.by_date else None
        not_modified = get_conditional_response(request, etag=etag, last_modified=since)
        if not_modified is not None:  # 304, or 412 when an If-Match fails
            public_headers(not_modified, etag, page.rendered)
            not_modified[HEADER] = how
            return not_modified
        body = page.body(encoding)
        response = HttpResponse(b"" if request.method == "HEAD" else body)
        for name, value in page.headers:
            response[name] = value
        if encoding:
            response["Content-Encoding"] = encoding
        response["Content-Length"] = str(len(body))
        public_headers(response, etag, page.rendered)
        response[HEADER] = how
        return response
