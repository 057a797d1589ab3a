"""Page weight: the first load of the home and directory pages stays under 200 KB, map tiles aside.

Every response of the first visit (empty cache) is counted, headers included: HTML, CSS, JavaScript,
fonts, images and the data the page fetches. The test server sends files uncompressed, production compresses text
(GZipMiddleware for pages, WhiteNoise's precompressed .gz for static files): text responses count
as their gzip size, other bodies as they are.
"""

import gzip

import pytest

from .support import wait_for_maps

pytestmark = pytest.mark.browser

BUDGET = 200 * 1024
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "application/geo+json", "image/svg+xml")


def _is_tile(url, tile_url):
    return bool(tile_url) and url.startswith(tile_url.split("{", 1)[0])


def _transferred(response):
    """What the browser received for a response (headers and body as sent, like the "transferred"
    column of the browser's network panel), and the body's uncompressed size.

    A body the test server sent compressed counts as received; a text body it sent uncompressed
    counts as its gzip size, as production sends it."""
    body = response.body()
    sizes = response.request.sizes()
    encoding = response.headers.get("content-encoding", "")
    content_type = response.headers.get("content-type", "")
    if encoding or not content_type.startswith(COMPRESSED_TYPES):
        sent = sizes["responseBodySize"]
    else:
        sent = len(gzip.compress(body, 6))
    return sizes["responseHeadersSize"] + sent, len(body)


@pytest.mark.parametrize("path", ["/fr/", "/fr/directory/"])
def test_first_load_is_under_200_kb(context_factory, settings, path):
    page = context_factory().new_page()
    responses = []
    page.on("response", lambda r: responses.append(r))
    page.goto(path)
    page.wait_for_load_state("networkidle")
    wait_for_maps(page)
    sizes = {}
    for response in responses:
        if _is_tile(response.url, settings.MAP_TILE_URL) or response.status in (204, 301, 302, 304):
            continue
        sizes[response.url] = _transferred(response)
    total = sum(sent for sent, _ in sizes.values())
    raw = sum(size for _, size in sizes.values())
    detail = "\n".join(
        f"  {sent / 1024:7.1f} KB ({size / 1024:7.1f} KB raw) {url}"
        for url, (sent, size) in sorted(sizes.items(), key=lambda i: -i[1][0])
    )
    print(f"\n{path}: {total / 1024:.1f} KB transferred, {raw / 1024:.1f} KB uncompressed\n{detail}")
    assert total < BUDGET, f"{path} weighs {total / 1024:.1f} KB (budget {BUDGET // 1024} KB):\n{detail}"
