import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from agenda.tests.factories import EventFactory
from directory.models import Actor
from directory.tests.factories import ActorFactory, PlaceFactory, ThemeFactory
from maillage.testing import assert_queries_do_not_grow
from merges import services
from merges.models import Merge

pytestmark = pytest.mark.django_db


def compare_url(kept, other):
    return reverse("merges:compare", kwargs={"kept": kept.slug, "other": other.slug})


def test_non_moderators_are_refused(contributor_client, pair):
    kept, other = pair["kept"], pair["other"]
    for url in (reverse("merges:index"), compare_url(kept, other)):
        response = Client().get(url)
        assert response.status_code == 302 and "login" in response["Location"]
        assert contributor_client.get(url).status_code == 403
    response = contributor_client.post(compare_url(kept, other), {"action": "merge"})
    assert response.status_code == 403
    merge = services.merge(kept, other, {}, None)
    assert contributor_client.post(reverse("merges:undo", kwargs={"pk": merge.pk})).status_code == 403
    assert Merge.objects.get().undone_at is None
    assert Actor.all_objects.get(pk=other.pk).archived_at is not None


def test_compare_page_shows_both_values_per_field(moderator_client, pair):
    response = moderator_client.get(compare_url(pair["kept"], pair["other"]))
    assert response.status_code == 200
    html = response.content.decode()
    for value in ("02 123 45 67", "02 765 43 21", "info@liguedesfamilles.be", "De Gezinsbond", "Rue Basse 2"):
        assert value in html
    assert html.count('type="radio"') == 2 * len(services.choices_spec())
    # Defaults: the merged entry's email (the kept one has none) is checked.
    assert 'name="email" value="other" checked' in html
    assert 'name="company_number" value="kept" checked' in html
    # The merge form itself carries the CSRF token (every page's header has a form of its own).
    assert re.search(
        r'<form method="post" class="merges-form">\s*<input type="hidden" name="csrfmiddlewaretoken"', html
    )


def test_merge_from_the_page_then_undo(moderator_client, moderator, pair):
    kept, other = pair["kept"], pair["other"]
    response = moderator_client.post(
        compare_url(kept, other), {"action": "merge", "phone": "kept", "name_fr": "kept", "reason": "Same BCE"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("merges:index")
    merge = Merge.objects.get()
    assert (merge.kept, merge.other, merge.by, merge.reason) == (kept, other, moderator, "Same BCE")
    kept.refresh_from_db()
    assert kept.phone == "02 123 45 67" and kept.email == "info@liguedesfamilles.be"
    assert Actor.all_objects.get(pk=other.pk).archived_at is not None
    page = moderator_client.get(reverse("merges:index")).content.decode()
    assert reverse("merges:undo", kwargs={"pk": merge.pk}) in page
    moderator_client.post(reverse("merges:undo", kwargs={"pk": merge.pk}))
    assert Actor.objects.filter(pk=other.pk).exists()
    kept.refresh_from_db()
    assert kept.email == ""


def test_preview_changes_nothing_and_reshows_choices(moderator_client, pair):
    kept, other = pair["kept"], pair["other"]
    response = moderator_client.post(
        compare_url(kept, other), {"action": "preview", "email": "kept", "phone": "other", "reason": "typed"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="email" value="kept" checked' in html and 'name="phone" value="other" checked' in html
    assert 'value="typed"' in html
    assert not Merge.objects.exists()


def test_error_reshows_the_choices_and_changes_nothing(moderator_client, pair):
    kept, other = pair["kept"], pair["other"]
    with translation.override("en"):
        response = moderator_client.post(
            compare_url(kept, other), {"action": "merge", "email": "both", "phone": "kept", "reason": "typed"}
        )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'name="phone" value="kept" checked' in html and 'value="typed"' in html
    assert 'class="form-errors"' in html
    assert not Merge.objects.exists()
    assert Actor.objects.filter(pk=other.pk).exists()


def test_undo_refused_shows_a_message(moderator_client, moderator, pair):
    kept, other, third = pair["kept"], pair["other"], pair["third"]
    first = services.merge(kept, other, {}, moderator)
    services.merge(third, kept, {"name_fr": "kept"}, moderator)
    response = moderator_client.post(reverse("merges:undo", kwargs={"pk": first.pk}), follow=True)
    assert "Fédération" in response.content.decode()
    assert Merge.objects.get(pk=first.pk).undone_at is None


def test_index_lists_pairs_without_more_queries_per_pair(moderator_client, moderator, territory):
    counter = iter(range(1000))

    def add_pair():
        n = next(counter)
        number = f"0{400000000 + n * 7919:09d}"
        a = ActorFactory(name_fr=f"Maison {n} des jeunes", company_number=number)
        b = ActorFactory(name_fr=f"Maison {n} des jeunes ASBL", company_number=number)
        services.merge(ActorFactory(name_fr=f"Solo {n}"), ActorFactory(name_fr=f"Alone {n}"), {}, moderator)
        return a, b

    url = reverse("merges:index")
    assert_queries_do_not_grow(moderator_client, url, add_pair)
    html = moderator_client.get(url).content.decode()
    assert "Maison 2 des jeunes ASBL" in html
    assert html.count('class="button" href="/fr/merges/') == 3
    assert html.count("/undo/") == 3


def test_compare_page_costs_the_same_with_many_places_and_links(moderator_client, pair, territory):
    kept, other = pair["kept"], pair["other"]

    def add_links():
        for actor in (kept, other):
            actor.places.add(PlaceFactory(street="Rue Neuve 1"))
            actor.themes.add(ThemeFactory())
            EventFactory(organisers=[actor])

    assert_queries_do_not_grow(moderator_client, compare_url(kept, other), add_links)
    html = moderator_client.get(compare_url(kept, other)).content.decode()
    assert html.count("Rue Neuve 1") == 6  # 3 new places on each side


def test_compare_page_shows_descriptions_as_text_not_markup(moderator_client, pair):
    kept, other = pair["kept"], pair["other"]
    Actor.objects.filter(pk=other.pk).update(description_fr="<p>Un <strong>réseau</strong> &amp; des ateliers.</p>")
    html = moderator_client.get(compare_url(kept, other)).content.decode()
    assert "Un réseau &amp; des ateliers." in html
    assert "&lt;strong&gt;" not in html


def test_index_past_its_last_page_shows_the_last_and_says_so(moderator_client, pair):
    response = moderator_client.get(reverse("merges:index"), {"page": "9"})
    assert response.status_code == 200
    assert response.context["page"].number == response.context["page"].num_pages
    assert response.context["notices"] and escape(response.context["notices"][0]) in response.content.decode()
    assert "La Ligue des Familles ASBL" in response.content.decode()
