"""Test helpers shared by the apps' tests."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url):
    """The number of database queries one GET makes (after a first request warms caches)."""
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def assert_queries_do_not_grow(client, url, add_item, *, start=1, more=2):
    """Query count with ``start`` items equals the count with ``start + more`` items."""
    for _ in range(start):
        add_item()
    few = count_queries(client, url)
    for _ in range(more):
        add_item()
    many = count_queries(client, url)
    assert few == many, f"{url}: {few} queries with {start} items, {many} with {start + more}"
    return few


def form_as_posted(form, **changes):
    """What a browser sends back for ``form`` as it was shown, with ``changes``."""
    data = {}
    for field in form:
        value = field.value()
        # A browser sends nothing for an empty field or an unticked box; it does send "0" (hence
        # "is False", not "== False").
        if value is None or value is False or value in ("", []) or field.name == "logo":
            continue
        if value is True:
            value = "on"
        data[field.html_name] = [str(v) for v in value] if isinstance(value, (list, tuple)) else str(value)
    return {**data, **changes}


def change_form_as_posted(response, **changes):
    """What a browser sends back for the change form of ``response`` as it was shown (with the
    starting values it carries), with ``changes``."""
    return form_as_posted(
        response.context["form"], **{"starting_point": response.context.get("starting_point", "")} | changes
    )
