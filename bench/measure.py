"""Timing pages over HTTP: sequential requests on one keep-alive connection, as a browser would
send them (gzip accepted), a warm-up first."""

import gzip
import http.client
import itertools
import math
import statistics
import time
from dataclasses import dataclass, field


@dataclass
class Timing:
    times_ms: list = field(default_factory=list)
    wire_bytes: list = field(default_factory=list)  # body size as sent (compressed when gzipped)
    last_body: bytes = b""  # decompressed
    error: str = ""

    @property
    def median(self):
        return statistics.median(self.times_ms) if self.times_ms else None

    @property
    def p95(self):
        """Nearest-rank 95th percentile: with 30 requests, the second slowest."""
        if not self.times_ms:
            return None
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


class Client:
    def __init__(self, port, headers=None):
        self.headers = {"Accept-Encoding": "gzip", **(headers or {})}
        # http.client reconnects by itself when the server closes the connection (gunicorn's
        # sync worker does after each response), so the same code works with or without keep-alive.
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def get(self, path):
        """(status, wire bytes, decompressed body, milliseconds until the last byte)."""
        start = time.perf_counter()
        self.connection.request("GET", path, headers=self.headers)
        response = self.connection.getresponse()
        raw = response.read()
        elapsed = (time.perf_counter() - start) * 1000
        body = gzip.decompress(raw) if response.getheader("Content-Encoding") == "gzip" else raw
        return response.status, len(raw), body, elapsed

    def time(self, paths, repeat):
        """Request ``paths`` in turn (cycling) ``repeat`` times, after one untimed warm-up request."""
        timing = Timing()
        cycle = itertools.cycle(paths)
        for i in range(repeat + 1):
            path = next(cycle) if i else paths[0]
            try:
                status, size, body, elapsed = self.get(path)
            except (OSError, http.client.HTTPException) as exc:  # e.g. the worker died: a result too
                self.connection.close()
                timing.error = f"{type(exc).__name__} for {path}"
                return timing
            if status != 200:
                timing.error = f"HTTP {status} for {path}"
                return timing
            if i:  # the warm-up is not timed
                timing.times_ms.append(elapsed)
                timing.wire_bytes.append(size)
            timing.last_body = body
        return timing

    def close(self):
        self.connection.close()
