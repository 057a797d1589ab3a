"""The bench's in-process part, run as ``python -m bench.probe counts|reset|inspect`` with the bench's
environment (DATABASE_URL, DEBUG=off, ...). Prints one line of JSON.

``counts``: the synthetic rows present, to decide whether the data set can be reused.
``reset``: drop every table of a PostgreSQL database, to rebuild the data set from scratch.
``inspect``: real slugs to request, and the number of SQL queries of the list pages for a short
and a long list (the budget: the number of queries does not grow with the list).
"""

import datetime as dt
import itertools
import json
import os
import sys
from collections import Counter

import django

TARGET_FEED_EVENTS = 2000


def counts():
    from agenda.models import Event
    from directory.models import Actor

    return {
        "actors": Actor.objects.filter(is_synthetic=True).count(),
        "events": Event.objects.filter(is_synthetic=True).count(),
    }


def reset():
    """Empty a PostgreSQL database entirely, tables and all (SQLite files are simply deleted)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    return {}


def closest_subset(counts_by_key, target, max_size=3):
    """The keys whose counts add up closest to ``target``: any few keys, or the largest ones
    together (for small data sets, where a few communes hold too few events)."""
    candidates = [c for size in range(1, max_size + 1) for c in itertools.combinations(counts_by_key.items(), size)]
    largest = sorted(counts_by_key.items(), key=lambda item: -item[1])
    candidates += [largest[:n] for n in range(max_size + 1, len(largest) + 1)]
    best = min(candidates, key=lambda combo: abs(sum(n for _, n in combo) - target), default=[])
    return [key for key, _ in best], sum(n for _, n in best)


def _words(texts):
    """How many of these texts hold each word (4 letters or more, not a stop word: the search drops
    those)."""
    from search.analysis import STOPWORDS, words

    return Counter(
        w
        for text in texts
        for w in set(text.lower().split())
        if len(w) >= 4 and w.isalpha() and not set(words(w)) & STOPWORDS
    )


def common_word(texts):
    """The word found in most of these texts: a query with a long result list."""
    words = _words(texts)
    return words.most_common(1)[0][0] if words else "nothing"


def search_words(*kinds):
    """For the search page, which lists each kind separately: a word found in few texts of every
    kind and one found in many, so that no list is empty (an empty list skips its prefetches)."""
    counts = [_words(texts) for texts in kinds]
    shared = set.intersection(*(set(c) for c in counts))
    if not shared:
        return None, None
    few = min(shared, key=lambda w: sum(c[w] for c in counts))
    many = max(shared, key=lambda w: min(c[w] for c in counts))
    return few, many


def pick():
    """What to request: real slugs, filters and queries chosen from the data."""
    from django.db.models import Count
    from django.utils import timezone

    from agenda.models import Event, Occurrence
    from directory.models import Actor, Theme
    from projects.models import Project
    from territory.models import Commune

    now = timezone.now()
    theme = Theme.objects.filter(parent=None).annotate(n=Count("actors")).order_by("-n").first()
    organiser = Event.organisers.through.objects.values("actor_id").annotate(n=Count("pk")).order_by("-n").first()
    actor = Actor.objects.get(pk=organiser["actor_id"]) if organiser else Actor.objects.order_by("pk").first()
    event = Event.objects.exclude(rrule="").order_by("pk").first() or Event.objects.order_by("pk").first()
    upcoming = (
        Occurrence.objects.filter(start__gte=now, event__rrule="").select_related("event").order_by("start").first()
    )
    project = Project.objects.order_by("pk").first()
    # The iCal feed holds the events with an occurrence from 30 days ago on: pick the communes
    # whose feed together comes closest to 2,000 events.
    since = now - dt.timedelta(days=30)
    in_feed = Event.objects.filter(pk__in=Occurrence.objects.filter(start__gte=since).values("event_id"))
    per_commune = dict(in_feed.exclude(commune=None).order_by().values_list("commune__slug").annotate(n=Count("pk")))
    feed_communes, feed_expected = closest_subset(per_commune, TARGET_FEED_EVENTS)
    local = timezone.localtime(upcoming.start) if upcoming else timezone.localtime(now)
    # The long list of the agenda pages: a word common among the events still to come that month.
    next_month = (local.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    soon = Occurrence.objects.filter(start__gte=now, start__lt=next_month).values_list("event__title_fr", flat=True)
    actor_names = list(Actor.objects.values_list("name_fr", flat=True))
    event_titles = list(Event.objects.values_list("title_fr", flat=True))
    project_titles = list(Project.objects.values_list("title_fr", flat=True))
    search_few, search_many = search_words(actor_names, event_titles, project_titles)
    return {
        "communes": list(Commune.objects.order_by("name").values_list("slug", flat=True)),
        "theme": theme.slug if theme else "",
        "actor": actor.slug if actor else "",
        "event": event.slug if event else "",
        "feed_communes": feed_communes,
        "feed_expected": feed_expected,
        # Queries for the query counts: one matching an item by its full name, one a common word.
        "actor_name": actor.name_fr if actor else "nothing",
        "actor_word": common_word(actor_names),
        "event_title": upcoming.event.title_fr if upcoming else "nothing",
        "event_word": common_word(soon),
        "event_month": f"{local:%Y-%m}",
        "project_title": project.title_fr if project else "nothing",
        "project_word": common_word(project_titles),
        "search_few": search_few or (actor.name_fr if actor else "nothing"),
        "search_many": search_many or common_word(actor_names),
    }


def _size(response, key):
    """How many items the page lists (from the template context), or None if unknown."""
    try:
        if key == "points":  # a stored export: streamed the first time
            body = b"".join(response.streaming_content) if response.streaming else response.content
            return len(json.loads(body)["points"])
        value = response.context[key]
        if key == "days":  # [(day, occurrences)]
            return sum(len(occurrences) for _, occurrences in value)
        if key == "weeks":  # [[(day, in_month, shown, total)]]
            return sum(len(day[2]) for week in value for day in week)
        if key == "results":  # {"actors": [...], "events": [...], "projects": [...], ...}
            return sum(len(value[k]) for k in ("actors", "events", "projects"))
        return len(value)
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def query_counts(s):
    from urllib.parse import urlencode

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from maillage import exports

    setup_test_environment()  # lets the test client in (ALLOWED_HOSTS) and records template contexts
    # The queries of a page rendered (the page cache's miss path) and of an export computed, not
    # of a stored answer (one query).
    settings.PAGE_CACHE = False

    # Each page twice, with the same filter: a query matching one item by its full name (a short
    # list) and a common word (a long one), so only the length of the list differs.
    def q(text):
        return urlencode({"q": text})

    month = s["event_month"]
    pages = [  # (page, URL of a short list, URL of a long list, what the page lists)
        ("directory", "/fr/directory/?{}", s["actor_name"], s["actor_word"], "actors"),
        ("map data", "/fr/map/points.json?{}", s["actor_name"], s["actor_word"], "points"),
        ("agenda upcoming", "/fr/agenda/?{}", s["event_title"], s["event_word"], "days"),
        ("agenda month", f"/fr/agenda/month/?month={month}&{{}}", s["event_title"], s["event_word"], "weeks"),
        ("search", "/fr/search/?{}", s["search_few"], s["search_many"], "results"),
        ("projects list", "/fr/projects/?{}", s["project_title"], s["project_word"], "projects"),
    ]
    client = Client()
    rows = []
    for page, pattern, few, many, key in pages:
        urls = [pattern.format(q(few)), pattern.format(q(many))]
        row = {"page": page, "urls": urls, "queries": [], "sizes": [], "status": []}
        for url in urls:
            client.get(url)  # warm-up: per-process caches (vocabularies, translations) fill once
            exports.reset()
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            row["queries"].append(len(captured))
            row["sizes"].append(_size(response, key))
            row["status"].append(response.status_code)
        rows.append(row)
    return rows


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    django.setup()
    mode = sys.argv[1]
    if mode == "counts":
        result = counts()
    elif mode == "reset":
        result = reset()
    else:
        result = pick()
        result["queries"] = query_counts(result)
        from .searching import TYPO_SEARCHES, search_found

        result["search_found"] = search_found(TYPO_SEARCHES)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
