import datetime as dt

import pytest
from django.utils import timezone

from accounts.tests.factories import ModeratorFactory
from agenda import services as agenda_services
from agenda.tests.factories import EventFactory
from directory import services as directory_services
from directory.models import Actor, Theme
from directory.tests.factories import ActorFactory, PlaceFactory
from history import services as history_services
from maillage.testing import assert_queries_do_not_grow
from projects.tests.factories import ParticipationFactory, ProjectFactory
from territory.models import Commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(territory, taxonomy):
    themes = list(Theme.objects.filter(parent__isnull=True)[:2])
    communes = list(Commune.objects.order_by("name")[:2])
    actors = [
        ActorFactory(name_fr="Alpha", commune=communes[0], themes=[themes[0]]),
        ActorFactory(name_fr="Bravo", commune=communes[1], themes=[themes[1]]),
        ActorFactory(name_fr="Charlie", commune=communes[0], themes=[themes[0], themes[1]], kind=Actor.Kind.FEDERATION),
    ]
    return {"themes": themes, "communes": communes, "actors": actors}


def slugs(response):
    return [item["slug"] for item in response.json()["results"]]


def page_slugs(client, query):
    response = client.get("/fr/directory/?" + query)
    return [a.slug for a in response.context["actors"]]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "theme={t0}",
        "theme={t0}&theme={t1}",
        "commune={c0}",
        "commune={c0}&kind=federation",
        "kind=association&kind=federation&theme={t1}",
        "q=bravo",
        "theme=nope",
    ],
)
def test_actor_filters_match_the_directory_page(client, data, query):
    query = query.format(
        t0=data["themes"][0].slug,
        t1=data["themes"][1].slug,
        c0=data["communes"][0].slug,
    )
    response = client.get("/api/actors?" + query)
    assert response.status_code == 200
    assert slugs(response) == page_slugs(client, query)


def test_unknown_filter_value_is_named_in_notices(client, data):
    body = client.get("/api/actors?theme=nope&kind=association").json()
    assert body["count"] == 2  # the theme is left out, as on the page
    assert len(body["notices"]) == 1 and "nope" in body["notices"][0]


@pytest.mark.parametrize("query", ["venue=maybe", "kind=nonsense", "status=nonsense", "audience=nope&language=xx"])
def test_unknown_values_are_left_out_as_on_the_page(client, data, query):
    body = client.get("/api/actors?" + query).json()
    assert [r["slug"] for r in body["results"]] == page_slugs(client, query)
    assert body["count"] == 3 and len(body["notices"]) == query.count("=")


def test_pagination_links(client, data):
    body = client.get("/api/actors?per_page=2&kind=association&kind=federation").json()
    assert (body["count"], body["pages"], body["page"], body["per_page"]) == (3, 2, 1, 2)
    assert body["previous"] is None
    assert body["next"].startswith("http://testserver/api/actors?")
    assert "page=2" in body["next"] and "kind=federation" in body["next"]
    second = client.get(body["next"]).json()
    assert [r["name"] for r in second["results"]] == ["Charlie"]
    assert second["next"] is None and "page=1" in second["previous"]


@pytest.mark.parametrize("query", ["page=0", "page=abc", "per_page=201", "per_page=0", "page=9"])
def test_bad_paging_is_a_400_with_a_message(client, data, query):
    response = client.get("/api/actors?" + query)
    assert response.status_code == 400
    assert response.json()["messages"]


def test_default_and_maximum_page_size(client, data):
    assert client.get("/api/actors").json()["per_page"] == 50
    assert client.get("/api/actors?per_page=200").json()["per_page"] == 200


def test_etag_and_304(client, data):
    response = client.get("/api/actors?kind=association")
    tag = response["ETag"]
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["Access-Control-Allow-Origin"] == "*"
    again = client.get("/api/actors?kind=association", HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again["ETag"] == tag
    # Another query or language: another tag.
    assert client.get("/api/actors?kind=federation")["ETag"] != tag
    assert client.get("/api/actors?kind=association&lang=nl")["ETag"] != tag
    # A changed actor changes the tag.
    actor = data["actors"][0]
    actor.name_fr = "Alpha renamed"
    directory_services.save_actor(actor)
    changed = client.get("/api/actors?kind=association", HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag


def test_event_etag_changes_with_the_event(client, data):
    event = EventFactory()
    tag = client.get(f"/api/events/{event.slug}")["ETag"]
    assert client.get(f"/api/events/{event.slug}", HTTP_IF_NONE_MATCH=tag).status_code == 304
    event.title_fr = "Autre titre"
    agenda_services.save_event(event)  # the owner's write function bumps the events' version
    assert client.get(f"/api/events/{event.slug}", HTTP_IF_NONE_MATCH=tag).status_code == 200


def test_project_etag_changes_with_news_added_outside_its_service(client, data):
    """News reach a project through proposals.entries.apply_update, not projects.services: the
    projects' data version must move all the same (the answer is cached under its tag)."""
    from proposals import entries

    project = ProjectFactory()
    response = client.get(f"/api/projects/{project.slug}")
    assert response.json()["updates"] == []
    entries.apply_update(project, {"date": timezone.localdate().isoformat(), "title_fr": "Nouvelles"})
    again = client.get(f"/api/projects/{project.slug}", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 200 and [u["title"] for u in again.json()["updates"]] == ["Nouvelles"]


def test_archived_entries_are_absent(client, data):
    actor = data["actors"][0]
    event = EventFactory(organisers=[actor])
    project = ProjectFactory()
    moderator = ModeratorFactory()
    for obj in (actor, event, project):
        history_services.archive(obj, moderator)
    assert actor.slug not in slugs(client.get("/api/actors"))
    assert client.get(f"/api/actors/{actor.slug}").status_code == 404
    assert client.get(f"/api/events/{event.slug}").status_code == 404
    assert event.slug not in slugs(client.get("/api/events"))
    assert client.get(f"/api/projects/{project.slug}").status_code == 404
    assert project.slug not in slugs(client.get("/api/projects"))


def test_contact_person_only_with_consent(client, data):
    hidden = ActorFactory(contact_name="Jeanne Privée", contact_email="jeanne@example.org")
    shown = ActorFactory(contact_name="Paul Public", contact_email="paul@example.org", contact_consent=True)
    body = client.get(f"/api/actors/{hidden.slug}")
    assert body.json()["contact"] is None
    assert b"Jeanne" not in body.content and b"jeanne@" not in body.content
    assert client.get(f"/api/actors/{shown.slug}").json()["contact"]["name"] == "Paul Public"


def test_language_from_parameter_or_header(client, data):
    actor = data["actors"][1]
    actor.name_nl = "Bravo NL"
    directory_services.save_actor(actor)
    assert client.get(f"/api/actors/{actor.slug}?lang=nl").json()["name"] == "Bravo NL"
    assert client.get(f"/api/actors/{actor.slug}", HTTP_ACCEPT_LANGUAGE="nl").json()["name"] == "Bravo NL"
    assert client.get(f"/api/actors/{actor.slug}?lang=fr", HTTP_ACCEPT_LANGUAGE="nl").json()["name"] == "Bravo"
    assert client.get("/api/actors?lang=xx").status_code == 400


def test_actor_detail(client, data):
    actor = ActorFactory(places=[PlaceFactory(street="Rue Haute 1")], website="https://example.org")
    body = client.get(f"/api/actors/{actor.slug}").json()
    assert body["places"][0]["street"] == "Rue Haute 1"
    assert body["website"] == "https://example.org"
    assert body["url"].endswith(f"/fr/directory/{actor.slug}/")
    assert client.get("/api/actors/nobody").status_code == 404


def test_events_list_and_filters(client, data):
    actor = data["actors"][0]
    soon = EventFactory(title_fr="Soupe", organisers=[actor], themes=[data["themes"][0]])
    later = EventFactory(start=timezone.now() + dt.timedelta(days=40))
    EventFactory(start=timezone.now() - dt.timedelta(days=10))  # past
    body = client.get("/api/events").json()
    assert [r["slug"] for r in body["results"]] == [soon.slug, later.slug]
    assert body["results"][0]["organisers"] == [actor.slug]
    assert slugs(client.get(f"/api/events?theme={data['themes'][0].slug}")) == [soon.slug]
    assert slugs(client.get(f"/api/events?organiser={actor.slug}")) == [soon.slug]
    until = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    assert slugs(client.get(f"/api/events?to={until}")) == [soon.slug]
    past = (timezone.localdate() - dt.timedelta(days=20)).isoformat()
    assert len(slugs(client.get(f"/api/events?from={past}"))) == 3
    assert client.get("/api/events?from=yesterday").status_code == 400


def test_recurring_event_appears_at_each_date(client, data):
    EventFactory(rrule="FREQ=WEEKLY;COUNT=3")
    assert client.get("/api/events").json()["count"] == 3


def test_projects_and_vocabularies(client, data):
    project = ProjectFactory(status="ongoing")
    ParticipationFactory(project=project, actor=data["actors"][0])
    ProjectFactory(status="completed")
    body = client.get("/api/projects?status=ongoing").json()
    assert [r["slug"] for r in body["results"]] == [project.slug]
    assert body["results"][0]["participants"][0]["actor"] == data["actors"][0].slug
    detail = client.get(f"/api/projects/{project.slug}").json()
    assert detail["phases"] == [] and detail["updates"] == []
    themes = client.get("/api/themes?per_page=200").json()
    assert {t["slug"] for t in themes["results"]} == set(Theme.objects.values_list("slug", flat=True))
    communes = client.get("/api/communes").json()
    assert communes["count"] == Commune.objects.count()


def test_places(client, data):
    place = PlaceFactory(commune=data["communes"][1])
    ActorFactory(places=[place])
    PlaceFactory()  # nobody's place: not published
    body = client.get("/api/places").json()
    assert [r["id"] for r in body["results"]] == [place.pk]
    assert client.get(f"/api/places?commune={data['communes'][0].slug}").json()["count"] == 0


# --- query counts: the same for 1 and 3 items ----------------------------------------------------


@pytest.fixture
def no_answer_cache(settings):
    """Count the queries of building an answer, not of reading it back from the cache."""
    settings.API_CACHE_SECONDS = 0


def test_answers_are_cached_by_etag(client, data, django_assert_max_num_queries):
    client.get("/api/actors?kind=association")
    with django_assert_max_num_queries(1):  # the data versions only
        assert client.get("/api/actors?kind=association").json()["count"] == 2


def test_cached_answers_keep_the_scheme_and_host_of_their_links(client, data, settings):
    """Answers hold absolute links: one asked over http must not be served to an https client."""
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    plain = client.get("/api/actors?per_page=1")
    assert plain.json()["next"].startswith("http://testserver/")
    secure = client.get("/api/actors?per_page=1", secure=True)
    assert secure.json()["next"].startswith("https://testserver/") and secure["ETag"] != plain["ETag"]
    other = client.get("/api/actors?per_page=1", HTTP_HOST="other.example")
    assert other.json()["results"][0]["api_url"].startswith("http://other.example/")


def test_reads_are_the_same_for_everyone_and_set_no_cookie(client, data):
    """Answers are public and cached: one built for a signed-in moderator is the anonymous one."""
    anonymous = client.get("/api/actors?kind=association")
    client.force_login(ModeratorFactory())
    signed_in = client.get("/api/actors?kind=association")
    assert signed_in.content == anonymous.content and signed_in["ETag"] == anonymous["ETag"]
    assert not signed_in.cookies and signed_in["Cache-Control"] == "public, max-age=60"


def test_actor_list_queries(client, territory, no_answer_cache):
    assert_queries_do_not_grow(client, "/api/actors", lambda: ActorFactory())


def test_event_list_queries(client, territory, no_answer_cache):
    actor = ActorFactory()
    assert_queries_do_not_grow(client, "/api/events", lambda: EventFactory(organisers=[actor]))


def test_project_list_queries(client, territory, no_answer_cache):
    def add():
        project = ProjectFactory()
        ParticipationFactory(project=project)

    assert_queries_do_not_grow(client, "/api/projects", add)


def test_place_list_queries(client, territory, no_answer_cache):
    assert_queries_do_not_grow(client, "/api/places", lambda: ActorFactory(places=[PlaceFactory()]))


def test_vocabulary_list_queries(client, territory, taxonomy, no_answer_cache):
    from directory.tests.factories import ThemeFactory

    assert_queries_do_not_grow(client, "/api/themes", lambda: ThemeFactory())
    assert_queries_do_not_grow(client, "/api/communes", lambda: None)


def test_event_filters_match_the_agenda(client, data):
    """The API reads the filters on the link tables' indexes: the same events as the agenda's
    ``filter_events``, for each filter kind and their combinations."""
    from django.http import QueryDict

    from agenda import services as agenda_services
    from agenda.models import Event, Occurrence
    from directory.models import Audience, Language

    themes, communes, actors = data["themes"], data["communes"], data["actors"]
    audience, language = Audience.objects.first(), Language.objects.first()
    soon = timezone.now() + dt.timedelta(days=1)
    EventFactory(title_fr="Atelier vélo", organisers=[actors[0]], themes=[themes[0]], start=soon)
    EventFactory(title_fr="Atelier cuisine", organisers=[actors[1]], themes=[themes[1]]).audiences.set([audience])
    concert = EventFactory(title_fr="Concert", organisers=[actors[0], actors[1]], rrule="FREQ=WEEKLY;COUNT=2")
    concert.languages.set([language])
    archived = EventFactory(title_fr="Atelier fermé", themes=[themes[0]])
    history_services.archive(archived, ModeratorFactory())
    events = list(Event.objects.all())
    for i, event in enumerate(events):  # communes come from places; set them directly here
        Event.all_objects.filter(pk=event.pk).update(commune=communes[i % 2])
    queries = [
        "",
        f"theme={themes[0].slug}",
        f"theme={themes[0].slug}&theme={themes[1].slug}",
        f"commune={communes[0].slug}",
        f"commune={communes[1].slug}&theme={themes[1].slug}",
        f"audience={audience.slug}",
        f"language={language.code}",
        f"organiser={actors[0].slug}",
        f"organiser={actors[1].slug}&commune={communes[0].slug}",
        "q=atelier",
        f"q=atelier&theme={themes[0].slug}",
        "q=nothingmatches",
    ]
    vocab = directory_services.vocabularies()
    for query in queries:
        filters = agenda_services.parse_event_filters(QueryDict(query), vocab)
        matching = agenda_services.filter_events(filters).values("pk")
        expected = list(
            Occurrence.objects.filter(event__in=matching, start__gte=timezone.now() - dt.timedelta(days=1))
            .order_by("start", "pk")
            .values_list("event__slug", flat=True)
        )
        body = client.get("/api/events?" + query).json()
        assert [r["slug"] for r in body["results"]] == expected, query
        assert body["count"] == len(expected), query
    # Not vacuous: each filter kind keeps some dates and leaves others out; archived events none.
    counts = {q: client.get("/api/events?" + q).json()["count"] for q in queries}
    assert counts[""] == 4 and counts["q=atelier"] == 2 and counts[f"theme={themes[0].slug}"] == 1
    assert counts[f"language={language.code}"] == 2 and counts[f"audience={audience.slug}"] == 1
    assert 0 < counts[f"commune={communes[0].slug}"] < 4 and counts[f"organiser={actors[0].slug}"] == 3


def test_upcoming_pages_match_the_dated_query(client, data):
    """Without dates, the list is read from the in-process list of upcoming occurrences; its
    counts and pages are those of the same query with dates (read in SQL), and a change of event
    shows at once (the list is kept per events' data version)."""
    from agenda.models import Event

    themes, communes = data["themes"], data["communes"]
    start = timezone.now() + dt.timedelta(days=1)
    for i in range(7):
        EventFactory(title_fr=f"Rendez-vous {i}", themes=[themes[i % 2]], start=start + dt.timedelta(hours=i))
    EventFactory(title_fr="Chaque semaine", themes=[themes[0]], start=start, rrule="FREQ=WEEKLY;COUNT=3")
    for i, event in enumerate(Event.objects.order_by("pk")):
        event.commune = communes[i % 2]
        agenda_services.save_event(event)
    far = (timezone.localdate() + dt.timedelta(days=3650)).isoformat()
    for query in [
        "",
        f"theme={themes[0].slug}",
        f"commune={communes[0].slug}",
        f"commune={communes[1].slug}&theme={themes[0].slug}",
    ]:
        everything = client.get(f"/api/events?{query}&to={far}&per_page=200").json()
        pages, page, seen = None, 1, []
        while pages is None or page <= pages:
            body = client.get(f"/api/events?{query}&per_page=2&page={page}").json()
            assert body["count"] == everything["count"], query
            pages = body["pages"]
            seen += [(r["slug"], r["start"]) for r in body["results"]]
            page += 1
        assert seen == [(r["slug"], r["start"]) for r in everything["results"]], query
        assert seen, query
    before = client.get(f"/api/events?commune={communes[0].slug}").json()["count"]
    event = EventFactory(title_fr="Nouveau", start=start)
    event.commune = communes[0]
    agenda_services.save_event(event)
    assert client.get(f"/api/events?commune={communes[0].slug}").json()["count"] == before + 1
