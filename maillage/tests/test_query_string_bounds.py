"""Numbers and dates in a query string are read within bounds (``maillage.params``): pages show a
notice and carry on, the API answers 400 with a message that says what it accepts."""

import datetime as dt
import math

import pytest
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from hypothesis import given
from hypothesis import strategies as st

from agenda.tests.factories import EventFactory
from maillage import params

TEXTS = st.one_of(
    st.text(max_size=40),
    st.integers().map(str),
    st.floats().map(str),
    st.dates().map(str),
    st.sampled_from(["9" * 5000, "١٢", "1_000", "+3", " 7 ", "0001-01-01", "9999-12-31T23:59:59-12:00"]),
)


@given(TEXTS)
def test_a_whole_number_is_within_its_bounds_or_refused(text):
    try:
        value = params.read_whole_number(text, name="page", low=1, high=params.MAX_PAGE)
    except params.InvalidParam as error:
        assert "1000000" in str(error)
    else:
        assert value is None or (type(value) is int and 1 <= value <= params.MAX_PAGE)


@given(TEXTS)
def test_a_number_is_finite_and_within_its_bounds_or_refused(text):
    try:
        value = params.read_real_number(text, name="lat", low=-90, high=90)
    except params.InvalidParam:
        return
    assert value is None or (math.isfinite(value) and -90 <= value <= 90)


@given(TEXTS)
def test_dates_months_and_instants_are_within_the_years_the_site_shows_or_refused(text):
    for read in (params.read_day, params.read_month, params.read_moment):
        try:
            value = read(text, name="from")
        except params.InvalidParam:
            continue
        if value is None:
            continue
        year = value[0] if isinstance(value, tuple) else value.year
        assert params.FIRST_YEAR <= year <= params.LAST_YEAR
        if isinstance(value, dt.datetime):
            assert timezone.is_aware(value)
            value.astimezone(dt.UTC)  # never out of range


def test_readers_name_what_they_accept():
    with translation.override("en"):  # the messages' own words
        with pytest.raises(params.InvalidParam, match="from 1900 to 2200"):
            params.read_day("0001-01-01", name="from")
        with pytest.raises(params.InvalidParam, match="YYYY-MM"):
            params.read_month("2024-13")
        with pytest.raises(params.InvalidParam):
            params.read_real_number("NaN", name="lat", low=-90, high=90)
        assert params.read_whole_number("500", name="limit", low=1, high=50, clamp=True) == 50
        assert params.read_day(" 2028-02-29 ", name="from") == dt.date(2028, 2, 29)
        assert params.read_moment("2027-03-28T02:30:00+02:00", name="modified_after").utcoffset() == dt.timedelta(
            hours=2
        )
        assert params.read_moment("2027-03-28", name="modified_after") == dt.datetime(2027, 3, 28, tzinfo=dt.UTC)


def test_a_page_gets_a_notice_and_a_default_for_what_it_cannot_read():
    notices = []
    assert params.page_number(QueryDict("page=99999999999999999999"), notices) == 1
    assert params.day_or_none("9999-12-31", notices) is None
    assert params.month_or_current("0000-00", notices) == (timezone.localdate().year, timezone.localdate().month)
    assert len(notices) == 3
    assert params.page_number(QueryDict(""), notices) == 1 and len(notices) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/fr/agenda/?page=9223372036854775807", "/fr/agenda/archive/?page=99999999999999999999", "/fr/projects/?page=-1"],
)
def test_a_page_number_no_list_reaches_shows_the_first_page_with_a_notice(client, url):
    EventFactory(title_fr="Soupe populaire", start=timezone.now() + dt.timedelta(days=1))
    EventFactory(title_fr="Bal de l’an passé", start=timezone.now() - dt.timedelta(days=2))
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    asked = url.split("page=")[1]
    assert response.context["filters"].notices == [
        _("“%(page)s” is not a page number; showing the first page.") % {"page": asked}
    ]
    if "/agenda/" in url:
        assert ("Bal de l’an passé" if "archive" in url else "Soupe populaire") in page


@pytest.mark.django_db
def test_the_agenda_ignores_a_day_outside_the_years_it_shows_and_says_so(client):
    EventFactory(title_fr="Soupe populaire", start=timezone.now() + dt.timedelta(days=1))
    response = client.get("/fr/agenda/?from=0001-01-01")
    assert response.status_code == 200
    assert "Soupe populaire" in response.content.decode()
    assert any("0001-01-01" in str(notice) for notice in response.context["filters"].notices)


@pytest.mark.django_db
def test_the_api_refuses_dates_outside_the_years_it_holds_and_says_which(client):
    response = client.get("/api/events?from=0001-01-01&to=9999-12-31")
    assert response.status_code == 400
    messages = " ".join(response.json()["messages"])
    assert "0001-01-01" in messages and "9999-12-31" in messages and "1900" in messages


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["page=99999999999999999999", "per_page=NaN", "page=1e3"])
def test_the_api_refuses_a_page_it_cannot_read_and_names_it(client, query):
    response = client.get("/api/actors?" + query)
    assert response.status_code == 400
    name = query.split("=")[0]
    assert any(name in message for message in response.json()["messages"])


@pytest.mark.django_db
def test_hsds_refuses_an_instant_outside_the_years_it_holds(client):
    response = client.get("/api/hsds/organizations?modified_after=9999-12-31T23:59:59-12:00")
    assert response.status_code == 400
    assert "modified_after" in response.json()["error"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/fr/agenda/?organiser=%00", "/api/hsds/taxonomy_terms?search=a%00", "/fr/?x%00=1"])
def test_a_null_character_in_a_query_string_is_refused_before_any_view(client, url):
    """PostgreSQL cannot compare a text holding one: filters were server errors there."""
    response = client.get(url)
    assert response.status_code == 400
    assert response.content.decode() == _("This address holds a null character, which no page can read.")


@pytest.mark.django_db
def test_the_handout_form_keeps_the_maps_centre_only_when_it_is_a_place_on_earth(client, territory, taxonomy):
    """The centre travels in hidden fields, where an error could not be put right."""
    kept = client.get("/fr/print/handout/?lat=50.85&lon=4.35").content.decode()
    assert 'name="lat" value="50.85"' in kept and 'name="lon" value="4.35"' in kept
    for query in ("lat=NaN&lon=inf", "lat=91&lon=-181", "lat=1e3&lon=abc"):
        page = client.get("/fr/print/handout/?" + query).content.decode()
        assert 'name="lat" value=' not in page and 'name="lon" value=' not in page, query
