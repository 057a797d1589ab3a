"""What every figure of the bench shares: a row of the result table, progress lines, the timing of
a set of pages and the table itself. The figures (``bench.api``, ``bench.printing``...) import it;
``bench.__main__`` runs them."""

from dataclasses import dataclass


@dataclass
class Row:
    backend: str
    figure: str
    median: float | None = None
    p95: float | None = None
    size: str = ""
    count: str = ""
    budget: str = "-"
    ok: bool | None = None  # None: reported only, no budget


def say(backend, message):
    print(f"[{backend}] {message}", flush=True)


def timed(client, backend, figure, paths, repeat, budget_ms=None):
    say(backend, f"timing {figure} ({repeat} requests)")
    timing = client.time(paths, repeat)
    if timing.error:
        say(backend, f"  {timing.error}")
        return timing, Row(
            backend, figure, count=timing.error, budget=f"p95 <= {budget_ms} ms" if budget_ms else "-", ok=False
        )
    row = Row(backend, figure, timing.median, timing.p95, size=f"{max(timing.wire_bytes):,} B")
    say(backend, f"  median {timing.median:.1f} ms, p95 {timing.p95:.1f} ms")
    if budget_ms:
        row.budget, row.ok = f"p95 <= {budget_ms} ms", timing.p95 <= budget_ms
    return timing, row


def table(rows):
    header = ["backend", "figure", "median ms", "p95 ms", "size", "count", "budget", "result"]
    lines = [
        [
            r.backend,
            r.figure,
            "" if r.median is None else f"{r.median:.1f}",
            "" if r.p95 is None else f"{r.p95:.1f}",
            r.size,
            r.count,
            r.budget,
            "-" if r.ok is None else ("pass" if r.ok else "FAIL"),
        ]
        for r in rows
    ]
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines, strict=False)]
    numeric = {2, 3, 4}  # right-aligned columns

    def fmt(cells):
        return "  ".join(
            c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    out = [fmt(header), "  ".join("-" * w for w in widths)]
    previous = None
    for line in lines:
        if previous and line[0] != previous:
            out.append("")
        previous = line[0]
        out.append(fmt(line))
    return "\n".join(line.rstrip() for line in out)


# --- main ----------------------------------------------------------------------------------------
