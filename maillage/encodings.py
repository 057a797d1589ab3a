"""Content encodings of stored answers (cached pages, exports): which one a client accepts, and
compressing once, whole or chunk by chunk.

Stored answers are kept compressed (brotli when the client takes it, else gzip) and sent as they
are; a client that accepts neither gets them decompressed, which is rare and cheap.
"""

import gzip
import zlib

import brotli

BROTLI, GZIP = "br", "gzip"
# Brotli's quality 5 compresses a page about as fast as gzip's 6 and a fifth smaller; stored
# answers are compressed once per data version, so the stronger 9 of gzip is not worth its time.
BROTLI_QUALITY = 5
GZIP_LEVEL = 6


def accepted(header):
    """The best encoding that an Accept-Encoding header takes: "br", "gzip" or None (identity)."""
    weights = {}
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        name = name.strip().lower()
        if not name:
            continue
        weight = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                weight = float(params[2:])
            except ValueError:
                weight = 0.0
        weights[name] = weight
    star = weights.get("*", 0.0)
    for encoding in (BROTLI, GZIP):
        if weights.get(encoding, star) > 0:
            return encoding
    return None


def compress(data, encoding):
    if encoding == BROTLI:
        return brotli.compress(data, quality=BROTLI_QUALITY)
    if encoding == GZIP:
        # mtime=0: the same bytes for the same page, whenever and wherever compressed.
        return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
    return data


def decompress(data, encoding):
    if encoding == BROTLI:
        return brotli.decompress(data)
    if encoding == GZIP:
        return gzip.decompress(data)
    return data


class Compressor:
    """Compress a stream chunk by chunk: ``feed(chunk)`` and ``finish()`` return the bytes to send."""

    def __init__(self, encoding):
        self.encoding = encoding
        if encoding == BROTLI:
            self._brotli = brotli.Compressor(quality=BROTLI_QUALITY)
        elif encoding == GZIP:
            self._zlib = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # gzip framing

    def feed(self, chunk):
        if self.encoding == BROTLI:
            return self._brotli.process(chunk)
        if self.encoding == GZIP:
            return self._zlib.compress(chunk)
        return chunk

    def finish(self):
        if self.encoding == BROTLI:
            return self._brotli.finish()
        if self.encoding == GZIP:
            return self._zlib.flush()
        return b""
