"""How well the search answers what people type: recall@10 and MRR on the relevance set.

The set (``search/relevance/queries.json``, described in its README) gives for each query what a
person would expect it to find. An expectation is an entry (``actor:<slug>``, ``event:<slug>``,
``project:<slug>``) or a set of actors: ``theme:<slug>`` (the theme or one of its sub-themes),
``audience:<slug>``, ``commune:<slug>``; ``+`` joins sets of actors that must all hold
(``theme:mental-health+commune:ixelles``). A query's relevant entries are the union of its
expectations, each judged against the list of its kind in the results.

- recall@10: found relevant entries among the first 10 of each list, over ``min(relevant, 10)``
  (summed over the lists the query expects something in);
- reciprocal rank: 1 / the best rank of a relevant entry within the first 10 of any list, else 0;
- both averaged per language and over the whole set.
"""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Q

from agenda.models import Event
from directory.models import Actor
from projects.models import Project
from search import services

SET_FILE = Path(__file__).parent / "relevance" / "queries.json"
TOP = 10
LANGS = ("fr", "nl", "en")
SHOWN_MISSED = 8  # a theme of 40 actors misses 30 of them in any first 10: name a few
LISTS = {"actor": "actors", "event": "events", "project": "projects"}
ACTOR_SETS = {
    "theme": lambda slug: Q(themes__slug=slug) | Q(themes__parent__slug=slug),
    "audience": lambda slug: Q(audiences__slug=slug),
    "commune": lambda slug: Q(commune__slug=slug),
}


def load(path=SET_FILE):
    """The queries of a relevance set file: dicts with ``query``, ``lang``, ``kinds``, ``expect``."""
    return json.loads(Path(path).read_text(encoding="utf-8"))["queries"]


def _actor_set(expectation):
    """The slugs of the actors an expectation like ``theme:food+commune:ixelles`` names."""
    actors = Actor.objects.all()
    for part in expectation.split("+"):
        prefix, _, slug = part.partition(":")
        if prefix not in ACTOR_SETS:
            raise ValueError(f"{expectation!r}: {prefix!r} is not one of {sorted(ACTOR_SETS)}")
        actors = actors.filter(ACTOR_SETS[prefix](slug))
    return set(actors.values_list("slug", flat=True).distinct())


def relevant(expect):
    """``{list name: set of slugs}`` answering a query's expectations (entries and sets of actors)."""
    found = {name: set() for name in LISTS.values()}
    for expectation in expect:
        prefix, _, slug = expectation.partition(":")
        if prefix in LISTS and "+" not in expectation:
            found[LISTS[prefix]].add(slug)
        else:
            found["actors"] |= _actor_set(expectation)
    return {name: slugs for name, slugs in found.items() if slugs}


def score(expected, found):
    """(recall@10, reciprocal rank) of the lists ``found`` (``{list: [slugs, best first]}``)
    against ``expected`` (``{list: set of slugs}``); nothing expected scores 0."""
    hits = needed = 0
    best = None
    for name, slugs in expected.items():
        top = found.get(name, [])[:TOP]
        hits += len(slugs.intersection(top))
        needed += min(len(slugs), TOP)
        rank = next((i for i, slug in enumerate(top, 1) if slug in slugs), None)
        if rank and (best is None or rank < best):
            best = rank
    return (hits / needed if needed else 0.0), (1 / best if best else 0.0)


@dataclass
class Outcome:
    query: str
    lang: str
    kinds: list
    recall: float
    reciprocal_rank: float
    expected: dict  # list name -> set of slugs
    found: dict  # list name -> slugs, best first (first 10)

    @property
    def missed(self):
        """``kind:slug`` of the relevant entries not in the first 10 of their list (sorted)."""
        singular = {name: kind for kind, name in LISTS.items()}
        return sorted(
            f"{singular[name]}:{slug}"
            for name, slugs in self.expected.items()
            for slug in slugs - set(self.found.get(name, []))
        )


@dataclass
class Figures:
    queries: int = 0
    recall: float = 0.0
    mrr: float = 0.0


@dataclass
class Report:
    outcomes: list
    by_lang: dict = field(default_factory=dict)  # "fr", "nl", "en", "all" -> Figures
    digest: str = ""

    @property
    def failures(self):
        """The outcomes whose recall@10 is below 1, in the set's order."""
        return [o for o in self.outcomes if o.recall < 1]


def _found(results):
    return {name: [obj.slug for obj in results.get(name, [])][:TOP] for name in LISTS.values()}


def digest(outcomes):
    """A short hash of every query's first 10 slugs per list: equal digests, equal answers."""
    answers = [[o.query, [o.found[name] for name in LISTS.values()]] for o in outcomes]
    return hashlib.sha256(json.dumps(answers, ensure_ascii=False).encode()).hexdigest()[:16]


def evaluate(queries, search=services.search):
    """Run every query through ``search(query, limit=10)`` and measure the answers (a ``Report``)."""
    outcomes = []
    for item in queries:
        expected = relevant(item["expect"])
        found = _found(search(item["query"], limit=TOP))
        recall, rr = score(expected, found)
        outcomes.append(Outcome(item["query"], item["lang"], item.get("kinds", []), recall, rr, expected, found))
    report = Report(outcomes, digest=digest(outcomes))
    for lang in (*LANGS, "all"):
        chosen = [o for o in outcomes if lang in ("all", o.lang)]
        if chosen:
            report.by_lang[lang] = Figures(
                len(chosen),
                sum(o.recall for o in chosen) / len(chosen),
                sum(o.reciprocal_rank for o in chosen) / len(chosen),
            )
    return report


def check(queries):
    """What is wrong with a relevance set on the current data: each expectation must name at least
    one entry, and each query needs a language and a kind. Returns the problems (empty: fine)."""
    models = {"actor": Actor, "event": Event, "project": Project}
    problems = []
    for item in queries:
        if item.get("lang") not in LANGS or not item.get("kinds"):
            problems.append(f"{item['query']!r}: a language ({'/'.join(LANGS)}) and kinds are needed")
        for expectation in item["expect"]:
            prefix, _, slug = expectation.partition(":")
            if prefix in models and "+" not in expectation:
                exists = models[prefix].objects.filter(slug=slug).exists()
            else:
                exists = bool(_actor_set(expectation))
            if not exists:
                problems.append(f"{item['query']!r}: {expectation} names nothing in the data")
    return problems


def table(report, vendor=""):
    """The figures as lines of text: one row per language, then the database and the digest."""
    lines = [f"{'language':<10}{'queries':>8}{'recall@10':>11}{'MRR':>8}"]
    for lang, figures in report.by_lang.items():
        lines.append(f"{lang:<10}{figures.queries:>8}{figures.recall:>11.3f}{figures.mrr:>8.3f}")
    if vendor:
        lines.append(f"database: {vendor}")
    lines.append(f"answers digest: {report.digest}")
    return lines


def kind_lines(report):
    """Recall@10 and MRR per kind of query (typo, synonym, commune...), weakest first."""
    kinds = sorted({kind for o in report.outcomes for kind in o.kinds})
    rows = []
    for kind in kinds:
        chosen = [o for o in report.outcomes if kind in o.kinds]
        recall = sum(o.recall for o in chosen) / len(chosen)
        rows.append((recall, kind, len(chosen), sum(o.reciprocal_rank for o in chosen) / len(chosen)))
    lines = [f"{'kind':<14}{'queries':>8}{'recall@10':>11}{'MRR':>8}"]
    lines += [f"{kind:<14}{n:>8}{recall:>11.3f}{mrr:>8.3f}" for recall, kind, n, mrr in sorted(rows)]
    return lines


def failure_lines(report):
    """One paragraph per query still failing: what was expected and missed, and what came back."""
    lines = []
    for o in report.failures:
        lines.append(
            f"[{o.lang}] {o.query!r} ({', '.join(o.kinds)}): recall {o.recall:.2f}, RR {o.reciprocal_rank:.2f}"
        )
        missed = o.missed
        more = f" (+{len(missed) - SHOWN_MISSED} more)" if len(missed) > SHOWN_MISSED else ""
        lines.append(f"    missed: {' '.join(missed[:SHOWN_MISSED])}{more}")
        for name in LISTS.values():
            if o.found[name]:
                lines.append(f"    {name}: {' '.join(o.found[name])}")
    return lines
