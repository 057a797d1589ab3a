"""The open API's budget: list answers p95 <= 50 ms, uncached.

``measure(rows, backend, client, info, repeat)`` is called by ``python -m bench`` with the HTTP
client of the gunicorn server and the slugs ``bench.probe inspect`` picked (``info``). The API keeps
each answer in the cache under its ETag (``API_CACHE_SECONDS``): a repeated query costs one query.
So that the budget is about building answers, every timed request of a budgeted figure is a query
asked for the first time (another commune, theme, page or page size), after one warm-up request
with yet another query that fills the per-process caches (vocabularies, actors' index, public
places of this data version), as any running server has them. One more figure repeats a single
query to show what the answer cache gives; it has no budget.
"""

import json

from .measure import Timing
from .report import Row, say, timed

BUDGET_MS = 50


def _timed_once_each(client, backend, figure, warm_up, paths, budget_ms, say):
    """Each of ``paths`` requested once (none repeated), after an untimed ``warm_up`` request."""

    say(backend, f"timing {figure} ({len(paths)} distinct requests)")
    timing = Timing()
    for i, path in enumerate([warm_up, *paths]):
        try:
            status, size, body, elapsed = client.get(path)
        except OSError as exc:  # the worker died: a result too
            client.connection.close()
            timing.error = f"{type(exc).__name__} for {path}"
            break
        if status != 200:
            timing.error = f"HTTP {status} for {path}"
            break
        if i:
            timing.times_ms.append(elapsed)
            timing.wire_bytes.append(size)
        timing.last_body = body
    budget = f"p95 <= {budget_ms} ms"
    if timing.error:
        say(backend, f"  {timing.error}")
        return timing, Row(backend, figure, count=timing.error, budget=budget, ok=False)
    say(backend, f"  median {timing.median:.1f} ms, p95 {timing.p95:.1f} ms")
    row = Row(backend, figure, timing.median, timing.p95, size=f"{max(timing.wire_bytes):,} B")
    row.count = "uncached"
    row.budget, row.ok = budget, timing.p95 <= budget_ms
    return timing, row


def _pages(client, path, per_page):
    """How many pages of ``per_page`` the list at ``path`` has (one untimed request)."""
    status, _size, body, _elapsed = client.get(f"{path}per_page=1")
    if status != 200:
        return 1
    return max(1, -(-json.loads(body)["count"] // per_page))


def _spread(total, wanted):
    """``wanted`` distinct numbers from 1 to ``total``, spread over the range (fewer if too few)."""
    if total <= wanted:
        return list(range(1, total + 1))
    return sorted({1 + (k * (total - 1)) // (wanted - 1) for k in range(wanted)}) if wanted > 1 else [1]


def measure(rows, backend, client, info, repeat):
    """Append the API's rows for this backend to ``rows``."""

    theme, communes = info["theme"], info["communes"]

    # Actors: a commune and a theme, as on the directory page; the page size varies so that no
    # request repeats another (19 communes, 30 requests).
    actors = [
        f"/api/actors?commune={communes[k % len(communes)]}&theme={theme}&per_page={max(1, 50 - k // len(communes))}"
        for k in range(repeat)
    ]
    rows.append(
        _timed_once_each(
            client,
            backend,
            "API actors list, filtered",
            f"/api/actors?theme={theme}&per_page=7",
            actors,
            BUDGET_MS,
            say,
        )[1]
    )

    # Events: each filter kind in turn (a theme, a commune, both), all different.
    events = []
    for k in range(repeat):
        commune = communes[k % len(communes)]
        per_page = max(1, 50 - k // len(communes))
        events.append(
            [
                f"/api/events?theme={theme}&per_page={max(1, 50 - k // 3)}",
                f"/api/events?commune={commune}&per_page={per_page}",
                f"/api/events?commune={commune}&theme={theme}&per_page={per_page}",
            ][k % 3]
        )
    rows.append(
        _timed_once_each(
            client, backend, "API events list, filtered", "/api/events?per_page=7", events, BUDGET_MS, say
        )[1]
    )

    # Places: pages spread from the first to the last, then the same with a commune filter.
    pages = _pages(client, "/api/places?", 50)
    chosen = _spread(pages, repeat)
    places = [f"/api/places?page={n}" for n in chosen]
    places += [f"/api/places?commune={communes[k % len(communes)]}" for k in range(repeat - len(chosen))]
    rows.append(
        _timed_once_each(client, backend, "API places list", "/api/places?per_page=7", places, BUDGET_MS, say)[1]
    )

    # The answer cache: one query repeated (the warm-up request fills it).
    timing, row = timed(client, backend, "API actors list, cached (repeat)", [actors[0]], repeat)
    if not timing.error:
        row.count = "cached"
    rows.append(row)
