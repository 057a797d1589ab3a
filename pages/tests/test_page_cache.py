"""The public page cache (``maillage.pagecache``) is never stale: every page kind a visitor reads is
served from stored bytes until a write changes what it shows, and then the very next request shows
the change, whatever wrote it (the owners' write functions, a revert, a merge, an import, an
archive, a verification, a programme item, a relation...). What a signed-in person sees is never
served to a visitor and the reverse; the easy-reading variant is its own entry; revalidation
answers 304; a stored page is byte for byte what the view renders.

The clock is fixed (``clock``): a page's key holds the clock's interval, so a test that ran across
its boundary would see a miss where it expects a hit.
"""

import datetime as dt
import re
from urllib.parse import urlencode

import pytest
import time_machine
from django.core.cache import caches
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from agenda import services as agenda_services
from agenda.models import Event, ProgrammeItem
from agenda.tests.factories import EventFactory
from directory import services as directory_services
from directory.models import Actor, ActorRelation
from directory.tests.factories import ActorFactory, PlaceFactory, ThemeFactory
from maillage import encodings, pagecache
from projects import services as project_services
from projects.models import Project, Update
from projects.tests.factories import ParticipationFactory, PhaseFactory, ProjectFactory, UpdateFactory

pytestmark = pytest.mark.django_db

HEADER = "X-Page-Cache"
# A weekday in the middle of a month, at the middle of a minute: the events of the world below
# (three days on, twenty days back) fall in this month and the previous one, whatever today is.
NOW = dt.datetime(2031, 3, 12, 10, 15, 30, tzinfo=dt.UTC)
MONTH = "2031-03"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(territory, clock):
    """One of each public noun, named with words found nowhere else on the pages."""
    housing = ThemeFactory(slug="logement", name_fr="Logement")
    actor = ActorFactory(
        slug="amarante",
        name_fr="Amarante",
        description_fr="Une association de quartier.",
        themes=[housing],
        places=[PlaceFactory(name_fr="Maison Alpha")],
    )
    partner = ActorFactory(slug="bourrache", name_fr="Bourrache", themes=[housing])
    event = EventFactory(slug="brocante", title_fr="Brocante bleue", organisers=[actor], themes=[housing])
    past = EventFactory(
        slug="cine",
        title_fr="Ciné cerise",
        start=NOW - dt.timedelta(days=20),
        end=NOW - dt.timedelta(days=20, hours=-2),
    )
    project = ProjectFactory(slug="jardin", title_fr="Jardin jaune")
    ParticipationFactory(project=project, actor=actor)
    PhaseFactory(project=project, title_fr="Semis")
    UpdateFactory(project=project, title_fr="Récolte", date=dt.date(2031, 3, 1))
    return {"actor": actor, "partner": partner, "event": event, "past": past, "project": project, "theme": housing}


# Every page kind the cache keeps, by name: its address (the world's).
PAGES = {
    "home": "/fr/",
    "directory": "/fr/directory/",
    "directory_filtered": "/fr/directory/?theme=logement&kind=association",
    "actor": "/fr/directory/amarante/",
    "partner": "/fr/directory/bourrache/",
    "map": "/fr/map/",
    "agenda": "/fr/agenda/",
    "month": f"/fr/agenda/month/?month={MONTH}",
    "archive": "/fr/agenda/archive/",
    "event": "/fr/agenda/brocante/",
    "projects": "/fr/projects/",
    "project": "/fr/projects/jardin/",
    "search": "/fr/search/?q=quartier",
    "open_data": "/fr/open-data/",
    "embed_map": "/fr/embed/map/",
    "embed_agenda": "/fr/embed/agenda/",
    "widget_builder": "/fr/embed/",
}


def get(client, url, **headers):
    return client.get(url, headers=headers)


def text(response):
    return response.content.decode()


def without_tokens(page):
    """A signed-in person's page holds CSRF tokens, masked anew at each render."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def uncached(client, url, **headers):
    """The page as its view renders it now, the cache out of the way."""
    with override_settings(PAGE_CACHE=False):
        response = client.get(url, headers=headers)
    assert HEADER not in response
    return response


def served(client, url):
    """The page as a visitor gets it now; checked against what the view renders now."""
    response = get(client, url)
    assert response.status_code == 200, url
    assert text(response) == text(uncached(client, url)), f"{url} ({response.get(HEADER)}) is stale"
    return text(response)


def warm(client, url):
    """Visit twice: rendered once, then answered from the cache."""
    first = get(client, url)
    assert first.status_code == 200, url
    assert first[HEADER] == "miss", url
    second = get(client, url)
    assert second[HEADER] == "hit", url
    assert second.content == first.content
    return text(first)


# --- stored, and exactly what the view renders --------------------------------------------------


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_each_page_kind_is_stored_for_visitors_and_identical_to_its_render(client, world, kind):
    url = PAGES[kind]
    body = warm(client, url)
    assert body == text(uncached(client, url))
    hit = get(client, url)
    assert hit["Cache-Control"].startswith("public, max-age=")
    assert "stale-while-revalidate=" in hit["Cache-Control"]
    assert {v.strip() for v in hit["Vary"].split(",")} >= {"Cookie", "Accept-Encoding"}
    assert re.fullmatch(r'"[^"]+"', hit["ETag"]) and hit["Last-Modified"]
    assert hit["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_a_compressed_answer_holds_the_same_page(client, world, encoding):
    plain = warm(client, PAGES["directory"])
    response = get(client, PAGES["directory"], accept_encoding=encoding)
    assert response[HEADER] == "hit" and response["Content-Encoding"] == encoding
    assert encodings.decompress(response.content, encoding).decode() == plain
    assert response["Content-Length"] == str(len(response.content))


def test_the_pages_of_the_world_show_it(client, world):
    """The checks below look for these words: they must be on the pages to begin with."""
    seen = {kind: text(get(client, url)) for kind, url in PAGES.items()}
    assert "Amarante" in seen["directory"] and "Amarante" in seen["actor"] and "Amarante" in seen["search"]
    assert "Amarante" in seen["event"] and "Amarante" in seen["project"]
    assert "Brocante bleue" in seen["agenda"] and "Brocante bleue" in seen["month"] and "Brocante bleue" in seen["home"]
    assert "Brocante bleue" in seen["actor"] and "Brocante bleue" in seen["embed_agenda"]
    assert "Ciné cerise" in seen["archive"]
    assert "Jardin jaune" in seen["projects"] and "Jardin jaune" in seen["actor"] and "Récolte" in seen["home"]
    assert "Semis" in seen["project"] and "Maison Alpha" in seen["actor"]


# --- a change shows on the next request, whatever wrote it ---------------------------------------


def _rename_actor(world):
    actor = Actor.objects.get(pk=world["actor"].pk)
    actor.name_fr = "Zinnia"
    directory_services.save_actor(actor)


def _close_actor(world):
    actor = Actor.objects.get(pk=world["actor"].pk)
    actor.status = Actor.Status.CLOSED
    directory_services.save_actor(actor)


def _retitle_event(world):
    event = Event.objects.get(pk=world["event"].pk)
    event.title_fr = "Zumba violette"
    agenda_services.save_event(event)


def _retitle_past_event(world):
    event = Event.objects.get(pk=world["past"].pk)
    event.title_fr = "Zumba violette"
    agenda_services.save_event(event)


def _retitle_project(world):
    project = Project.objects.get(pk=world["project"].pk)
    project.title_fr = "Zoo zéro déchet"
    project_services.save_project(project)


def _news(world):
    project_services.save_update(
        Update(project=world["project"], title_fr="Zeste de nouvelles", date=dt.date(2031, 3, 11))
    )


def _place(world):
    place = world["actor"].places.get()
    place.name_fr = "Zone Zulu"
    directory_services.save_place(place)


def _theme(world):
    theme = world["theme"]
    theme.name_fr = "Zéro logement"
    theme.save()


WRITES = {
    "save_actor": (
        _rename_actor,
        "Amarante",
        "Zinnia",
        ["directory", "directory_filtered", "actor", "search", "event", "project", "embed_map"],
    ),
    "save_actor_status": (_close_actor, None, None, ["home", "directory", "actor", "map"]),
    "save_event": (
        _retitle_event,
        "Brocante bleue",
        "Zumba violette",
        ["agenda", "month", "event", "home", "actor", "embed_agenda"],
    ),
    "save_past_event": (_retitle_past_event, "Ciné cerise", "Zumba violette", ["archive"]),
    "save_project": (_retitle_project, "Jardin jaune", "Zoo zéro déchet", ["projects", "project", "actor", "home"]),
    "save_update": (_news, None, "Zeste de nouvelles", ["home", "project"]),
    "save_place": (_place, "Maison Alpha", "Zone Zulu", ["actor"]),
    "theme_saved": (_theme, None, "Zéro logement", ["directory", "map", "actor", "agenda", "projects", "home"]),
}


@pytest.mark.parametrize(("write", "kind"), [(write, kind) for write, (*_f, kinds) in WRITES.items() for kind in kinds])
def test_a_change_through_its_owner_shows_on_the_next_request(client, world, write, kind):
    change, old, new, _kinds = WRITES[write]
    url = PAGES[kind]
    before = warm(client, url)
    change(world)
    after = served(client, url)
    assert after != before
    if old:
        assert old not in after
    if new:
        assert new in after


def test_every_page_changes_key_after_any_write(client, world):
    """The pages a write does not touch are rendered again (a miss), never served stale."""
    for url in PAGES.values():
        warm(client, url)
    _rename_actor(world)
    for url in PAGES.values():
        response = get(client, url)
        assert response[HEADER] == "miss", url


def test_a_revert_shows_on_the_next_request(client, world, moderator):
    from history import services as history

    kind = history.KINDS["actor"]
    good = history.all_versions(kind, world["actor"].pk)[-1]
    _rename_actor(world)
    assert "Zinnia" in warm(client, PAGES["actor"]) and "Zinnia" in warm(client, PAGES["directory"])
    actor = Actor.objects.get(pk=world["actor"].pk)
    history.revert(kind, actor, good, moderator)
    for url in (PAGES["actor"], PAGES["directory"], PAGES["event"]):
        page = served(client, url)
        assert "Amarante" in page and "Zinnia" not in page


def test_reverting_a_programme_item_alone_shows_on_the_event_page(client, world, moderator):
    from history import services as history

    item = agenda_services.save_programme_item(
        ProgrammeItem(event=world["event"], kind=ProgrammeItem.Kind.WORKSHOP, title="Atelier abricot")
    )
    kind = history.KINDS["programme_item"]
    first = history.all_versions(kind, item.pk)[-1]
    item.title = "Atelier zeste"
    agenda_services.save_programme_item(item)
    assert "Atelier zeste" in warm(client, PAGES["event"])
    history.revert(kind, ProgrammeItem.objects.get(pk=item.pk), first, moderator)
    page = served(client, PAGES["event"])
    assert "Atelier abricot" in page and "Atelier zeste" not in page


def test_a_relation_between_actors_shows_on_both_pages(client, world):
    warm(client, PAGES["actor"])
    warm(client, PAGES["partner"])
    relation = ActorRelation.objects.create(
        source=world["actor"], target=world["partner"], kind=ActorRelation.Kind.MEMBER_OF
    )
    assert "Bourrache" in served(client, PAGES["actor"])
    assert "Amarante" in served(client, PAGES["partner"])
    relation.delete()
    assert "Bourrache" not in served(client, PAGES["actor"])


def test_a_merge_and_its_undo_show_on_the_next_request(client, world, moderator):
    from merges import services as merges

    for kind in ("directory", "partner", "event", "project"):
        warm(client, PAGES[kind])
    merge = merges.merge(world["partner"], world["actor"], {}, moderator, reason="Doublon")
    assert "Amarante" not in served(client, PAGES["directory"])
    assert get(client, PAGES["actor"]).status_code == 404
    # The merged actor's events and projects are the kept one's now.
    assert "Bourrache" in served(client, PAGES["event"]) and "Bourrache" in served(client, PAGES["project"])
    merges.undo(merge, moderator)
    assert "Amarante" in served(client, PAGES["directory"]) and "Amarante" in served(client, PAGES["event"])


def test_an_import_shows_on_the_next_request(client, world, settings, tmp_path):
    from imports import services as imports

    settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT = tmp_path / "media", tmp_path / "private"
    home = warm(client, PAGES["home"])
    assert "Zèbre solidaire" not in warm(client, PAGES["directory"])
    data = "Nom;Code postal;Rue\nZèbre solidaire;1000;Rue Neuve 1\n".encode("cp1252")
    run = imports.run_import(imports.start_run(data=data, filename="liste.csv", dry_run=False))
    assert run.status == run.Status.APPLIED, run.error
    assert "Zèbre solidaire" in served(client, PAGES["directory"])
    assert served(client, PAGES["home"]) != home  # one actor more


@pytest.mark.parametrize(
    ("archive", "kind", "gone", "stays_on"),
    [
        (
            lambda w, u: directory_services.archive_actor(Actor.objects.get(pk=w["actor"].pk), u),
            "actor",
            "Amarante",
            ["directory", "search", "event", "project"],
        ),
        (
            lambda w, u: agenda_services.archive_event(Event.objects.get(pk=w["event"].pk), u),
            "event",
            "Brocante bleue",
            ["agenda", "month", "home", "actor", "embed_agenda"],
        ),
        (
            lambda w, u: project_services.archive_project(Project.objects.get(pk=w["project"].pk), u),
            "project",
            "Jardin jaune",
            ["projects", "actor", "home"],
        ),
    ],
    ids=["actor", "event", "project"],
)
def test_an_archive_and_a_restore_show_on_the_next_request(client, world, moderator, archive, kind, gone, stays_on):
    from history import services as history

    for name in [kind, *stays_on]:
        warm(client, PAGES[name])
    obj = archive(world, moderator)
    assert get(client, PAGES[kind]).status_code == 404
    for name in stays_on:
        assert gone not in served(client, PAGES[name]), name
    history.restore(type(obj).all_objects.get(pk=obj.pk), moderator)
    assert gone in served(client, PAGES[kind])
    for name in stays_on:
        assert gone in served(client, PAGES[name]), name


def test_a_verification_shows_on_the_actor_page(client, world):
    from freshness import services as freshness

    assert "12 mars 2031" not in warm(client, PAGES["actor"])
    assert freshness.mark_verified(Actor.objects.get(pk=world["actor"].pk))
    page = served(client, PAGES["actor"])
    assert "12 mars 2031" in page


def test_a_new_open_data_dump_shows_on_the_open_data_page(client, world, settings, tmp_path):
    from opendata import services as opendata

    settings.OPEN_DATA_DIR = tmp_path / "opendata"
    before = warm(client, PAGES["open_data"])
    opendata.build_dump()
    assert served(client, PAGES["open_data"]) != before


def test_search_documents_rebuilt_show_on_the_search_page(client, world):
    from django.core.management import call_command

    from search.models import Document

    Document.objects.filter(kind=Document.Kind.ACTOR).delete()  # as documents of an older release
    assert "Amarante" not in warm(client, PAGES["search"])
    call_command("rebuild_search", verbosity=0)
    assert "Amarante" in served(client, PAGES["search"])


def test_a_plain_save_made_elsewhere_shows_too(client, world):
    """The shell or a data fix: no owner function, the signals still mark the data as changed."""
    warm(client, PAGES["project"])
    warm(client, PAGES["event"])
    PhaseFactory(project=world["project"], title_fr="Zone de compost")
    assert "Zone de compost" in served(client, PAGES["project"])
    event = Event.objects.get(pk=world["event"].pk)
    event.title_fr = "Zeppelin"
    event.save()
    assert "Zeppelin" in served(client, PAGES["event"])


# --- who sees what -------------------------------------------------------------------------------


@pytest.fixture
def moderator(db):
    from accounts.tests.factories import ModeratorFactory

    return ModeratorFactory()


def test_a_signed_in_page_is_never_served_to_a_visitor(client, world, moderator, django_user_model):
    from django.test import Client

    signed_in = Client()
    signed_in.force_login(moderator)
    for url in (PAGES["actor"], PAGES["home"]):
        theirs = signed_in.get(url)
        assert theirs[HEADER] == "bypass" and "private" in theirs["Cache-Control"]
        visitor = get(client, url)
        assert visitor[HEADER] == "miss"
        assert text(visitor) == text(uncached(Client(), url))
        assert text(visitor) != text(theirs)
    # A moderator reads an archived entry; a visitor gets no page (and nothing is stored).
    directory_services.archive_actor(Actor.objects.get(pk=world["actor"].pk), moderator)
    assert signed_in.get(PAGES["actor"]).status_code == 200
    assert get(client, PAGES["actor"]).status_code == 404


def test_a_visitor_page_is_never_served_to_a_signed_in_person(client, world, moderator):
    visitor_page = warm(client, PAGES["actor"])
    client.force_login(moderator)
    for _ in range(2):
        theirs = get(client, PAGES["actor"])
        assert theirs[HEADER] == "bypass"
        assert text(theirs) != visitor_page
        assert without_tokens(text(theirs)) == without_tokens(text(uncached(client, PAGES["actor"])))
    client.logout()
    assert get(client, PAGES["actor"])[HEADER] == "hit"


def test_any_session_cookie_bypasses_the_cache(client, world, settings):
    warm(client, PAGES["home"])
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-session"
    response = get(client, PAGES["home"])
    assert response[HEADER] == "bypass" and "public" not in response["Cache-Control"]


def test_each_language_is_its_own_entry(client, world):
    french = warm(client, PAGES["directory"])
    dutch = get(client, "/nl/directory/", accept_language="fr")
    assert dutch[HEADER] == "miss" and 'lang="nl"' in text(dutch) and 'lang="fr"' in french
    assert text(dutch) == text(uncached(client, "/nl/directory/"))


def test_easy_reading_is_its_own_entry(client, world):
    from django.test import Client

    plain = warm(client, PAGES["home"])
    easy = Client()
    switched = easy.post("/fr/easy-reading/", {"easy": "1", "next": PAGES["home"]})
    assert switched.cookies["easy"].value == "1"
    first, second = easy.get(PAGES["home"]), easy.get(PAGES["home"])
    assert (first[HEADER], second[HEADER]) == ("miss", "hit")
    assert 'class="easy"' in text(first) and 'class="easy"' not in plain
    assert second.content == first.content == uncached(easy, PAGES["home"]).content
    assert first["ETag"] != get(client, PAGES["home"])["ETag"]
    assert text(get(client, PAGES["home"])) == plain


# --- HTTP caching ---------------------------------------------------------------------------------


def test_a_matching_etag_gets_304_and_a_changed_page_gets_200(client, world):
    warm(client, PAGES["directory"])
    etag = get(client, PAGES["directory"])["ETag"]
    again = get(client, PAGES["directory"], if_none_match=etag)
    assert again.status_code == 304 and again["ETag"] == etag and not again.content
    assert get(client, PAGES["directory"], if_none_match='"something-else"').status_code == 200
    _rename_actor(world)
    changed = get(client, PAGES["directory"], if_none_match=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag and "Zinnia" in text(changed)


def test_a_first_visit_with_a_matching_etag_gets_304_too(client, world):
    """The tag is the page's: a page rendered again (another process, a cleared cache) keeps it."""
    etag = get(client, PAGES["project"])["ETag"]
    client_cache_cleared(client)
    response = get(client, PAGES["project"], if_none_match=etag)
    assert response.status_code == 304


def client_cache_cleared(client):
    pagecache.reset()
    caches["pages"].clear()


def test_if_modified_since_gets_304(client, world, clock):
    clock.shift(dt.timedelta(seconds=1))  # rendered after the second of the data's last change
    warm(client, PAGES["agenda"])
    last_modified = get(client, PAGES["agenda"])["Last-Modified"]
    assert get(client, PAGES["agenda"], if_modified_since=last_modified).status_code == 304
    clock.shift(dt.timedelta(seconds=1))  # HTTP dates count whole seconds
    _retitle_event(world)
    assert get(client, PAGES["agenda"], if_modified_since=last_modified).status_code == 200


def test_a_change_within_the_same_second_is_not_answered_304_by_its_date(client, world):
    warm(client, PAGES["agenda"])
    last_modified = get(client, PAGES["agenda"])["Last-Modified"]
    _retitle_event(world)  # the clock is stopped: the same second
    response = get(client, PAGES["agenda"], if_modified_since=last_modified)
    assert response.status_code == 200 and "Zumba violette" in text(response)


@pytest.mark.parametrize("warm_first", [False, True], ids=["cold", "warm"])
def test_head_answers_like_get_without_a_body(client, world, warm_first):
    for url in (PAGES["home"], PAGES["actor"], PAGES["embed_map"]):
        if warm_first:
            warm(client, url)
        head = client.head(url)
        full = get(client, url)
        assert head.status_code == 200, url
        assert not head.content
        assert head["ETag"] == full["ETag"] and head["Content-Type"] == full["Content-Type"]


# --- what is never stored -------------------------------------------------------------------------


def test_a_404_is_not_stored(client, world):
    for _ in range(2):
        response = get(client, "/fr/directory/zzz-nobody/")
        assert response.status_code == 404 and response.get(HEADER) != "hit"
    ActorFactory(slug="zzz-nobody", name_fr="Zzz enfin là")
    assert "Zzz enfin là" in served(client, "/fr/directory/zzz-nobody/")


def test_a_visitor_with_a_message_waiting_is_not_served_from_the_cache(client, world):
    warm(client, PAGES["home"])
    client.cookies["messages"] = "anything"
    response = get(client, PAGES["home"])
    assert response[HEADER] == "bypass"


@pytest.mark.urls("pages.tests.page_cache_urls")
def test_an_answer_that_sets_a_cookie_or_a_message_is_not_stored(client, db, clock):
    for url in ("/sets-a-cookie/", "/adds-a-message/"):
        first = get(client.__class__(), url)
        assert first.status_code == 200 and first.cookies
        again = get(client.__class__(), url)
        assert again.get(HEADER) != "hit" and again.cookies, url
    assert get(client, "/plain/")[HEADER] == "miss" and get(client, "/plain/")[HEADER] == "hit"


@pytest.mark.urls("pages.tests.page_cache_urls")
def test_a_form_with_the_visitor_s_csrf_token_is_never_served_to_another(db, clock):
    from django.test import Client

    first, second = Client(), Client()
    first.get("/form/")  # now holds a CSRF cookie, which the next page does not set again
    for visitor in (first, first, second):
        response = visitor.get("/form/")
        assert response.status_code == 200 and response.get(HEADER) != "hit"


def test_the_clock_renews_pages_that_show_what_is_on_now(client, world, clock, settings):
    warm(client, PAGES["agenda"])
    clock.shift(dt.timedelta(seconds=settings.PAGE_CACHE_CLOCK_SECONDS))
    assert get(client, PAGES["agenda"])[HEADER] == "miss"


def test_an_event_that_ended_leaves_the_agenda_within_the_clock(client, world, clock, settings):
    event = Event.objects.get(pk=world["event"].pk)
    event.start, event.end = timezone.now() - dt.timedelta(days=2), timezone.now() + dt.timedelta(seconds=10)
    agenda_services.save_event(event)
    assert "Brocante bleue" in warm(client, PAGES["agenda"])
    clock.shift(dt.timedelta(seconds=settings.PAGE_CACHE_CLOCK_SECONDS))
    assert "Brocante bleue" not in served(client, PAGES["agenda"])


# --- the key holds everything the page depends on -------------------------------------------------


def test_the_same_filters_in_another_order_get_the_page_of_their_own_address(client, world):
    """The key sorts the query; the page links to itself in other languages with its own query,
    so two orders must not share bytes that differ."""
    first = "/fr/directory/?theme=logement&kind=association"
    second = "/fr/directory/?kind=association&theme=logement"
    warm(client, first)
    assert text(get(client, second)) == text(uncached(client, second))


def test_the_widget_builder_names_the_host_it_was_asked_on(client, world, settings):
    settings.ALLOWED_HOSTS = ["maillage.example", "www.maillage.example"]
    assert "//maillage.example/" in text(get(client, PAGES["widget_builder"], host="maillage.example"))
    page = get(client, PAGES["widget_builder"], host="www.maillage.example")
    assert text(page) == text(uncached(client, PAGES["widget_builder"], host="www.maillage.example"))
    assert "//www.maillage.example/" in text(page)


# --- any filters: the stored page is the rendered page ----------------------------------------------

WORDS = ["logement", "association", "amarante", "zzz", "", "é", "quartier bleue", "<b>", "a&b=c", "%", "+"]
FILTERS = {
    "/fr/directory/": {
        "theme": ["logement", "nope", ""],
        "commune": ["bruxelles", "ixelles", "schaerbeek", "nowhere"],
        "kind": ["association", "service", "citizen", "other", "x"],
        "language": ["fr", "nl", "xx"],
        "audience": ["children", "x"],
        "venue": ["yes", "no", "maybe"],
        "status": ["active", "closed", "x"],
        "q": WORDS,
        "page": ["1", "2", "0", "-1", "99", "x"],
    },
    "/fr/map/": {"theme": ["logement", "nope"], "commune": ["ixelles", "x"], "kind": ["association"], "q": WORDS},
    "/fr/agenda/": {
        "theme": ["logement", "x"],
        "commune": ["bruxelles", "x"],
        "audience": ["children", "x"],
        "organiser": ["amarante", "x"],
        "q": WORDS,
        "from": ["2031-03-13", "2031-02-30", "x"],
        "page": ["1", "2", "x"],
    },
    "/fr/agenda/month/": {"theme": ["logement"], "month": [MONTH, "2031-02", "2031-13", "x"], "q": WORDS},
    "/fr/agenda/archive/": {"theme": ["logement"], "q": WORDS, "page": ["1", "2"]},
    "/fr/projects/": {"theme": ["logement"], "status": ["ongoing", "done", "x"], "q": WORDS, "page": ["1", "9"]},
    "/fr/embed/map/": {"theme": ["logement"], "commune": ["ixelles"], "accent": ["c00", "zz"], "scheme": ["dark"]},
    "/fr/embed/agenda/": {"theme": ["logement"], "limit": ["1", "5", "x"], "accent": ["c00"]},
    "/fr/search/": {"q": WORDS},
}


@st.composite
def addresses(draw):
    """A page with a few of its filters, some repeated; in the canonical order (another order is
    another address: ``test_the_same_filters_in_another_order...``)."""
    path = draw(st.sampled_from(sorted(FILTERS)))
    names = FILTERS[path]
    pair = st.sampled_from(sorted(names)).flatmap(lambda n: st.tuples(st.just(n), st.sampled_from(names[n])))
    pairs = sorted(draw(st.lists(pair, max_size=5)))
    return path + ("?" + urlencode(pairs) if pairs else "")


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(url=addresses())
def test_any_filters_stored_page_is_byte_identical_to_its_render(client, world, url):
    """The pages stay stored from one example to the next (the data does not change): an address
    answered with another address's page would show here."""
    first, second = get(client, url), get(client, url)
    fresh = uncached(client, url)
    assert first.status_code == second.status_code == fresh.status_code, url
    if fresh.status_code == 200:
        assert second[HEADER] == "hit", url
    assert second.content == fresh.content, url
