"""The moderators' "to verify" list and the public dashboard."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import Actor
from directory.tests.factories import ActorFactory, ThemeFactory
from freshness.models import LinkCheck, Reminder
from maillage.testing import assert_queries_do_not_grow, count_queries
from territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db
LONG_AGO = dt.date.today() - dt.timedelta(days=800)
TO_VERIFY = "/fr/freshness/to-verify/"


def outdated_actor(make_actor, **fields):
    actor = make_actor(verified=LONG_AGO, **fields)
    Reminder.objects.create(actor=actor, sent_at=timezone.now() - dt.timedelta(days=40), recipients=1)
    return actor


def test_urls():
    assert reverse("freshness:to_verify") == TO_VERIFY
    assert reverse("freshness:dashboard") == "/fr/freshness/"


def test_only_moderators_see_the_list_and_mark_verified(client, make_actor, make_editor, contributor, moderator):
    actor = outdated_actor(make_actor)
    editor = make_editor(actor, "editor@example.org")
    mark = reverse("freshness:mark_verified", args=[actor.pk])

    response = client.get(TO_VERIFY)
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert client.post(mark).status_code == 302
    for user in (contributor, editor):
        client.force_login(user)
        assert client.get(TO_VERIFY).status_code == 403
        assert client.post(mark).status_code == 403
    actor.refresh_from_db()
    assert actor.last_verified == LONG_AGO, "nobody but a moderator changed it"

    client.force_login(moderator)
    page = client.get(TO_VERIFY)
    assert page.status_code == 200
    assert actor.name in page.content.decode()
    assert client.get(mark).status_code == 405
    done = client.post(mark, {"next": TO_VERIFY + "?page=1"})
    assert done["Location"] == TO_VERIFY + "?page=1"
    actor.refresh_from_db()
    assert actor.last_verified == timezone.localdate()
    assert client.get(TO_VERIFY).context["page"].paginator.count == 0


def test_mark_verified_never_redirects_elsewhere(client, make_actor, moderator):
    actor = outdated_actor(make_actor)
    client.force_login(moderator)
    response = client.post(reverse("freshness:mark_verified", args=[actor.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == TO_VERIFY


def test_the_list_shows_why(client, make_actor, moderator):
    reminded = outdated_actor(make_actor, name_fr="Sans réponse")
    dead = make_actor(name_fr="Site mort", verified=dt.date.today() - dt.timedelta(days=10))
    since = timezone.now() - dt.timedelta(days=2)
    LinkCheck.objects.create(
        actor=dead,
        url="https://dead.example/",
        checked_at=timezone.now(),
        ok=False,
        status=404,
        failures=2,
        failing_since=since,
    )
    make_actor(name_fr="Tout va bien", verified=dt.date.today())
    client.force_login(moderator)
    body = client.get("/en/freshness/to-verify/").content.decode()
    assert reminded.name in body and dead.name in body and "Tout va bien" not in body
    assert "unanswered" in body
    assert "website unreachable since" in body and "HTTP 404" in body
    assert body.index(reminded.name) < body.index(dead.name), "least recently verified first"


def test_list_queries_do_not_grow(client, make_actor, moderator):
    client.force_login(moderator)
    count = 0

    def add():
        nonlocal count
        count += 1
        actor = outdated_actor(make_actor)
        if count % 2:
            LinkCheck.objects.create(
                actor=actor,
                url="https://x.example/",
                checked_at=timezone.now(),
                ok=False,
                failures=3,
                failing_since=timezone.now(),
            )

    assert_queries_do_not_grow(client, TO_VERIFY, add)


def test_dashboard_figures(client, make_actor):
    ixelles = CommuneFactory(name_fr="Ixelles", name_nl="Elsene")
    forest = CommuneFactory(name_fr="Forest", name_nl="Vorst")
    food = ThemeFactory(name_fr="Alimentation", parent=None)
    sub = ThemeFactory(name_fr="Potagers", parent=food)
    housing = ThemeFactory(name_fr="Logement", parent=None)
    recent = dt.date.today() - dt.timedelta(days=30)
    make_actor(commune=ixelles, verified=recent, themes=[food, sub])
    make_actor(commune=ixelles, verified=LONG_AGO, themes=[food])
    make_actor(commune=ixelles, verified=None)
    make_actor(commune=forest, verified=recent, themes=[housing])
    make_actor(commune=forest, verified=recent, status=Actor.Status.CLOSED)  # not active: not counted
    gone = make_actor(commune=forest, verified=LONG_AGO, themes=[housing])
    Actor.all_objects.filter(pk=gone.pk).update(archived_at=timezone.now())  # archived: not counted

    response = client.get("/fr/freshness/")
    assert response.status_code == 200
    context = response.context
    assert (context["overall"].total, context["overall"].fresh, context["overall"].percent) == (4, 2, 50)
    communes = {s.label: (s.total, s.fresh, s.percent) for s in context["communes"]}
    assert communes["Ixelles"] == (3, 1, 33)
    assert communes["Forest"] == (1, 1, 100)
    themes = {s.label.split(" ", 1)[1]: (s.total, s.fresh) for s in context["themes"]}
    assert themes == {"Alimentation": (2, 1), "Logement": (1, 1)}  # top themes only
    body = response.content.decode()
    assert "<table" in body and '<th scope="row">Ixelles</th>' in body
    assert '<meter class="share-bar" min="0" max="100" value="33"' in body
    assert "style=" not in body.split("<main", 1)[1], "no inline style (CSP)"


def test_dashboard_queries_are_constant(client, make_actor):
    commune = CommuneFactory()
    theme = ThemeFactory(parent=None)
    few = count_queries(client, "/fr/freshness/")
    for _ in range(5):
        make_actor(commune=commune, verified=LONG_AGO, themes=[theme])
        ActorFactory(commune=CommuneFactory(), themes=[ThemeFactory(parent=None)])
    assert count_queries(client, "/fr/freshness/") == few
