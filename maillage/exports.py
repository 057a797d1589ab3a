"""Stored exports: feeds and files (GeoJSON, CSV, iCal, map data) computed once per state of the data
and then served as stored bytes.

An export is made of the data versions it reads (``maillage.data_version``), what else it depends on
(``key``: the canonical query; the language is added here) and, for a feed whose window moves with
the date, its ``day``. The first request for a state streams the export to the client (a short one
is answered whole) while it is written, compressed in the client's encoding (brotli or gzip; gzip
for identity), to a file under ``settings.EXPORTS_DIR`` (default ``var/exports``, beside the
media): memory stays bounded whatever the export's size. Each file is written under a temporary
name and renamed into place, so concurrent first requests each write their own copy and a reader
never sees half a file. The next requests are answered from the file; the other encoding is made
from it when first asked for; identity is decompressed on the fly. A change bumps a version, so the
next request has a new key; the folders of older states are removed when a newer one is written,
and a state keeps at most ``MAX_KEYS`` keys (queries), oldest dropped: the disk used stays bounded.

Every answer carries a strong ETag (the state and key, one per encoding), Last-Modified (the second
the export was first written: its file's date), ``Cache-Control: public`` with a short max-age and
stale-while-revalidate, ``Vary: Accept-Encoding``; a revalidation gets 304. HTTP dates count whole
seconds: when the data changed in the second the export was written, another export of that second
may hold other data, so its date alone never answers 304 (its ETag does), as for cached pages.

    return exports.serve(
        request, "opendata.actors.geojson", lambda: chunks_of_text(),
        versions=(data_version.ACTORS,), key=[query], content_type="application/geo+json",
    )
"""

import atexit
import hashlib
import itertools
import os
import shutil
import tempfile
import time
import zlib
from pathlib import Path

import brotli
from django.conf import settings
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from . import caches, data_version, encodings

STORED = (encodings.BROTLI, encodings.GZIP)
SUFFIX = {encodings.BROTLI: ".br", encodings.GZIP: ".gz"}
MAX_KEYS = 256  # stored keys (queries x languages) per export and state; the oldest go first
GRACE_SECONDS = 60  # an older state's folder is removed once this old (a slow download may still read it)
CHUNK = 64 * 1024  # bytes handed to the compressors, and read from a stored file, at a time

_test_root = None  # a private folder after ``reset`` (tests)


def root():
    if _test_root is not None:
        return _test_root
    default = Path(str(settings.MEDIA_ROOT)).parent / "exports"
    return Path(getattr(settings, "EXPORTS_DIR", default))


class _Store:
    """Registered with the versioned caches, so tests forget stored exports with them."""

    def reset(self):
        reset()


def reset():
    """Forget every export stored by this process: it stores them in a new, empty, private folder
    from now on (tests; each test's database starts from the same data versions)."""
    global _test_root
    previous, _test_root = _test_root, Path(tempfile.mkdtemp(prefix="maillage-exports-"))
    if previous is None:
        atexit.register(_remove_test_root)
    else:
        shutil.rmtree(previous, ignore_errors=True)


def _remove_test_root():
    if _test_root is not None:
        shutil.rmtree(_test_root, ignore_errors=True)


caches.REGISTRY.setdefault("maillage.exports", _Store())


def _digest(*parts):
    return hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=16).hexdigest()


class Export:
    """Where one export's state and key are stored, and its validators."""

    def __init__(self, name, snapshot, key, day):
        counters, changed = snapshot
        language = translation.get_language() or settings.LANGUAGE_CODE
        self.name, self.language = name, language
        self.state = _digest(name, *counters, day or "")
        self.stem = _digest(self.state, language, *key)
        self.folder = root() / name / self.state
        self.changed = int(changed.timestamp()) if changed else None
        self.written = None  # the second it was first written (its Last-Modified)

    def by_date(self):
        """Whether If-Modified-Since may answer 304: the data did not change in its second."""
        return self.changed is None or self.changed < self.written

    def path(self, encoding):
        return self.folder / f"{self.stem}{SUFFIX[encoding]}"

    def etag(self, encoding):
        return f'"{self.stem}-{encoding}"' if encoding else f'"{self.stem}"'

    def stored(self):
        """The encodings this state and key are stored in."""
        return [encoding for encoding in STORED if self.path(encoding).exists()]


def serve(
    request, name, produce, *, versions, key=(), day=None, content_type, filename=None, attachment=False, snapshot=None
):
    """The answer to ``request`` for the export ``name``.

    ``produce``: a function returning an iterable of ``bytes`` or ``str`` chunks (any size), called
    only when this state is not stored yet; ``versions``: the data versions it reads; ``key``: what
    else its bytes depend on (the canonical query); ``day``: for a feed whose window follows the
    date, the date it was computed for; ``filename``: the file name a client saves it under;
    ``snapshot``: ``data_version.snapshot(*versions)`` when the caller already read it."""
    export = Export(name, snapshot or data_version.snapshot(*versions), tuple(key), day)
    encoding = encodings.accepted(request.headers.get("Accept-Encoding"))
    etag = export.etag(encoding)
    stored = export.stored()
    try:
        export.written = int(export.path(stored[0]).stat().st_mtime) if stored else int(time.time())
    except OSError:  # removed meanwhile (a newer state was written): this one is written again
        stored, export.written = [], int(time.time())
    last_modified = export.written if export.by_date() else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        return _headers(not_modified, export, etag)
    if encoding in stored:  # a file answer: the server may send it with sendfile (wsgi.file_wrapper)
        response = FileResponse(export.path(encoding).open("rb"), content_type=content_type)
    elif stored and encoding is None:
        response = StreamingHttpResponse(_decompressed(export, stored[0]), content_type=content_type)
    elif stored:  # another encoding, made once from the stored one
        response = _first(export, lambda: _decompressed(export, stored[0]), encoding, content_type)
    else:
        response = _first(export, produce, encoding or encodings.GZIP, content_type, sent=encoding)
    if encoding:
        response["Content-Encoding"] = encoding
    if filename:
        response["Content-Disposition"] = f'{"attachment" if attachment else "inline"}; filename="{filename}"'
    elif response.has_header("Content-Disposition"):
        del response["Content-Disposition"]
    return _headers(response, export, etag)


def _headers(response, export, etag):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(export.written)
    max_age = getattr(settings, "PAGE_CACHE_MAX_AGE", 60)
    stale = getattr(settings, "PAGE_CACHE_STALE_SECONDS", 600)
    response["Cache-Control"] = f"public, max-age={max_age}, stale-while-revalidate={stale}"
    response["Vary"] = "Accept-Encoding"
    return response


def _decompressed(export, encoding):
    """A stored file's bytes as they were produced, block by block."""
    if encoding == encodings.BROTLI:
        inflate, flush = brotli.Decompressor().process, bytes
    else:
        gunzip = zlib.decompressobj(16 + zlib.MAX_WBITS)  # gzip framing
        inflate, flush = gunzip.decompress, gunzip.flush
    with export.path(encoding).open("rb") as handle:
        while block := handle.read(CHUNK):
            yield inflate(block)
    yield flush()


def _as_bytes(chunks):
    """The producer's chunks gathered into blocks of about ``CHUNK`` bytes (a compressor works
    best, and a response costs least, with blocks rather than rows)."""
    block, size = [], 0
    for chunk in chunks:
        if isinstance(chunk, str):
            chunk = chunk.encode()
        block.append(chunk)
        size += len(chunk)
        if size >= CHUNK:
            yield b"".join(block)
            block, size = [], 0
    if block:
        yield b"".join(block)


class _Files:
    """The file of an export being written: a temporary file and its compressor."""

    def __init__(self, export, encoding):
        self.export = export
        export.folder.mkdir(parents=True, exist_ok=True)
        self.files = {}
        for stored in (encoding,):
            fd, temporary = tempfile.mkstemp(dir=export.folder, prefix=f".{export.stem}.", suffix=".tmp")
            self.files[stored] = (os.fdopen(fd, "wb"), temporary, encodings.Compressor(stored))

    def write(self, block, encoding):
        """Write a block in every encoding; return it in ``encoding`` (as far as compressed)."""
        sent = block
        for stored, (handle, _temporary, compressor) in self.files.items():
            data = compressor.feed(block)
            handle.write(data)
            if stored == encoding:
                sent = data
        return sent

    def commit(self, encoding):
        """Finish every file and move it into place; return the last bytes in ``encoding``."""
        sent = b""
        for stored, (handle, temporary, compressor) in self.files.items():
            data = compressor.finish()
            handle.write(data)
            handle.close()
            os.chmod(temporary, 0o644)
            os.utime(temporary, (self.export.written, self.export.written))  # its Last-Modified
            os.replace(temporary, self.export.path(stored))
            if stored == encoding:
                sent = data
        self.files = {}
        _sweep(self.export)
        return sent

    def abort(self):
        """Nothing half written is kept (the client went away, or the producer failed)."""
        for handle, temporary, _compressor in self.files.values():
            handle.close()
            Path(temporary).unlink(missing_ok=True)
        self.files = {}


def _produced(export, produce):
    with translation.override(export.language):  # a stream runs on after the view returned
        yield from _as_bytes(produce())


def _first(export, produce, stored, content_type, *, sent=False):
    """The first answer of a state in an encoding, written to its file (in ``stored``) meanwhile:
    whole when the export is shorter than ``CHUNK``, else streamed block by block (memory bounded
    whatever its size). ``sent``: the encoding sent when not the one stored (None: identity).

    Only the client's encoding is written (compressing twice would double the first answer's
    cost); another one is made from it when first asked for."""
    encoding = stored if sent is False else sent
    files = _Files(export, stored)
    try:
        blocks = _produced(export, produce)
        first = next(blocks, b"")
        second = next(blocks, None)
        if second is None:
            body = files.write(first, encoding)
            body += files.commit(encoding)
            response = HttpResponse(body, content_type=content_type)
            response["Content-Length"] = str(len(body))
            return response
    except BaseException:
        files.abort()
        raise
    return StreamingHttpResponse(_streamed(files, encoding, [first, second], blocks), content_type=content_type)


def _streamed(files, encoding, started, blocks):
    try:
        for block in itertools.chain(started, blocks):
            if data := files.write(block, encoding):
                yield data
        tail = files.commit(encoding)
        if tail:
            yield tail
    finally:
        files.abort()


def _sweep(export):
    """Remove the folders of older states of this export, and this state's oldest keys beyond
    ``MAX_KEYS``."""
    now = time.time()
    try:
        for entry in os.scandir(export.folder.parent):
            if entry.name != export.state and entry.is_dir() and now - entry.stat().st_mtime > GRACE_SECONDS:
                shutil.rmtree(entry.path, ignore_errors=True)
        stems = {}
        for entry in os.scandir(export.folder):
            if not entry.name.startswith("."):
                stem = entry.name.partition(".")[0]
                stems[stem] = max(stems.get(stem, 0), entry.stat().st_mtime)
    except OSError:
        return
    oldest = sorted(stems, key=stems.get)
    for stem in oldest[: max(0, len(oldest) - MAX_KEYS)]:
        for suffix in SUFFIX.values():
            (export.folder / f"{stem}{suffix}").unlink(missing_ok=True)


def files(name):
    """The stored files of an export (every state), for tests and the bench."""
    folder = root() / name
    return sorted(path for path in folder.glob("*/*") if not path.name.startswith(".")) if folder.exists() else []
