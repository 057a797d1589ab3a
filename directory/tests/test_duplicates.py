import unicodedata

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from directory import duplicates
from directory.duplicates import (
    REASON_LABELS,
    REASONS,
    Candidate,
    evaluate,
    find_duplicates,
    name_variants,
    normalise_name,
    normalise_phone,
    website_domain,
)
from directory.models import Actor
from maillage import data_version

from .factories import ActorFactory, PlaceFactory

pytestmark = pytest.mark.django_db

# Two points 100 m apart (north-south) and one 1 km away, in Brussels.
HERE = (50.8500, 4.3500)
CLOSE = (50.8509, 4.3500)
FAR = (50.8590, 4.3500)


def actor_at(point, **kwargs):
    return ActorFactory(places=[PlaceFactory(lat=point[0], lon=point[1])], **kwargs)


def ids(candidates):
    return [c.actor_id for c in candidates]


def only(candidates):
    assert len(candidates) == 1, candidates
    return candidates[0]


# --- each reason on its own -------------------------------------------------------------------


@pytest.mark.parametrize("written", ["0203.071.973", "203071973", "BE0203071973", "BE 0203 071 973"])
def test_same_company_number_in_any_written_form(written):
    actor = ActorFactory(name_fr="Brulabo", company_number="0203071973")
    ActorFactory(name_fr="Autre chose", company_number="0212346955")

    found = only(find_duplicates({"company_number": written}))

    assert found.actor_id == actor.pk
    assert found.reasons == ("company_number",)
    assert found.score >= 0.95


def test_an_invalid_company_number_matches_nothing():
    ActorFactory(company_number="0203071973")

    assert find_duplicates({"company_number": "0203.071.974"}) == []


def test_same_website_domain_whatever_the_page_or_scheme():
    actor = ActorFactory(name_fr="Ligue", website="https://www.laligue.be/fr/")

    found = only(find_duplicates({"website": "http://laligue.be/nl/contact?x=1"}))

    assert (found.actor_id, found.reasons) == (actor.pk, ("website",))
    assert found.score >= 0.75


def test_a_website_on_the_domain_of_an_actors_email_is_the_same_website():
    actor = ActorFactory(email="info@cbcs.be")

    found = only(find_duplicates({"website": "https://www.cbcs.be"}))

    assert (found.actor_id, found.reasons) == (actor.pk, ("website",))


def test_same_email_address_ignoring_case():
    actor = ActorFactory(email="contact@maisonmedicale-nord.be")

    found = only(find_duplicates({"email": " Contact@MaisonMedicale-Nord.be "}))

    assert (found.actor_id, found.reasons) == (actor.pk, ("email",))
    assert found.score >= 0.75


def test_same_email_domain_counts_less_than_the_same_address():
    actor = ActorFactory(email="contact@maisonmedicale-nord.be")

    same_domain = only(find_duplicates({"email": "anne@maisonmedicale-nord.be"}))
    same_address = only(find_duplicates({"email": "contact@maisonmedicale-nord.be"}))

    assert (same_domain.actor_id, same_domain.reasons) == (actor.pk, ("email",))
    assert same_domain.score < same_address.score


def test_same_phone_in_any_belgian_written_form():
    actor = ActorFactory(phone="+32 2 123 45 67")

    for written in ("02/123.45.67", "0032 2 1234567", "02 123 45 67"):
        found = only(find_duplicates({"phone": written}))
        assert (found.actor_id, found.reasons) == (actor.pk, ("phone",))


def test_one_of_several_phones_in_a_field():
    actor = ActorFactory(phone="02 123 45 67 ou 0475 12 34 56")

    assert ids(find_duplicates({"phone": "+32475123456"})) == [actor.pk]


def test_the_contact_persons_email_and_phone_count_too():
    actor = ActorFactory(contact_email="anne@example.org", contact_phone="0475 12 34 56")

    assert only(find_duplicates({"email": "anne@example.org"})).actor_id == actor.pk
    assert only(find_duplicates({"phone": "0475/12.34.56"})).actor_id == actor.pk


def test_similar_name():
    actor = ActorFactory(name_fr="Centre de Prévention du Suicide")

    found = only(find_duplicates({"name": "centre prevention suicide"}))

    assert (found.actor_id, found.reasons) == (actor.pk, ("name",))
    assert 0.4 <= found.score <= 0.85


def test_a_typo_in_a_name():
    actor = ActorFactory(name_fr="Fédération des maisons médicales")

    assert ids(find_duplicates({"name": "Federation des maisons medicals"})) == [actor.pk]


def test_nearby_alone_is_not_a_duplicate():
    actor_at(HERE, name_fr="Épicerie sociale du Midi")

    assert find_duplicates({"lat": CLOSE[0], "lon": CLOSE[1]}) == []
    assert find_duplicates({"name": "Club de judo", "lat": CLOSE[0], "lon": CLOSE[1]}) == []


def test_nearby_supports_another_reason():
    actor = actor_at(HERE, name_fr="Épicerie sociale du Midi", phone="02 123 45 67")

    alone = only(find_duplicates({"phone": "02 123 45 67"}))
    close = only(find_duplicates({"phone": "02 123 45 67", "lat": CLOSE[0], "lon": CLOSE[1]}))
    far = only(find_duplicates({"phone": "02 123 45 67", "lat": FAR[0], "lon": FAR[1]}))

    assert close.actor_id == actor.pk
    assert close.reasons == ("phone", "nearby")
    assert close.score > alone.score
    assert far.reasons == ("phone",) and far.score == alone.score


def test_nearby_makes_a_loosely_similar_name_count():
    actor = actor_at(HERE, name_fr="Épicerie sociale du Midi")
    loose = "Épicerie de la gare du Midi"

    assert find_duplicates({"name": loose, "lat": FAR[0], "lon": FAR[1]}) == []
    found = only(find_duplicates({"name": loose, "lat": CLOSE[0], "lon": CLOSE[1]}))
    assert (found.actor_id, found.reasons) == (actor.pk, ("name", "nearby"))


def test_approximate_locations_are_not_nearby():
    # Only the commune is known: the actor stands at its centre, like many others.
    actor = ActorFactory(places=[PlaceFactory(lat=HERE[0], lon=HERE[1], approximate=True)], phone="02 123 45 67")
    actor.refresh_from_db()
    assert (actor.lat, actor.location_approximate) == (HERE[0], True)

    found = only(find_duplicates({"phone": "02 123 45 67", "lat": HERE[0], "lon": HERE[1]}))
    assert found.reasons == ("phone",)


# --- names ------------------------------------------------------------------------------------


def test_legal_forms_and_articles_do_not_matter():
    actor = ActorFactory(name_fr="Ligue des familles ASBL")

    found = only(find_duplicates({"name": "La Ligue des Familles"}))

    assert (found.actor_id, found.reasons) == (actor.pk, ("name",))
    assert found.score >= 0.7


def test_bilingual_names_match_either_side():
    bilingual = ActorFactory(name_fr="Maison de quartier Helmet / Buurthuis Helmet")
    french = ActorFactory(name_fr="Maison de quartier Dailly")

    assert ids(find_duplicates({"name": "Buurthuis Helmet"})) == [bilingual.pk]
    assert ids(find_duplicates({"name": "Maison de Quartier Helmet"})) == [bilingual.pk]
    assert ids(find_duplicates({"name": "Maison de quartier Dailly / Buurthuis Dailly"})) == [french.pk]


def test_every_language_of_a_name_is_compared():
    actor = ActorFactory(name_fr="Observatoire de la Santé et du Social", name_nl="Observatorium voor Gezondheid")

    assert ids(find_duplicates({"name_nl": "Observatorium voor Gezondheid"})) == [actor.pk]
    assert ids(find_duplicates({"name_fr": "Autre nom", "name_nl": "Observatorium voor Gezondheid"})) == [actor.pk]


def test_acronyms_and_short_names_count_only_when_identical():
    cbcs = ActorFactory(name_fr="Conseil bruxellois de coordination sociopolitique", acronym="CBCS")
    vub = ActorFactory(name_fr="Vrije Universiteit Brussel afgekort VUB")

    assert ids(find_duplicates({"name": "CBCS"})) == [cbcs.pk]
    assert ids(find_duplicates({"name": "VUB"})) == [vub.pk]
    assert find_duplicates({"name": "CBC"}) == []
    assert find_duplicates({"name": "AR/ONE"}) == []


def test_a_name_contained_in_a_longer_one_is_not_the_same_name():
    ActorFactory(name_fr="CPAS de Bruxelles", name_nl="OCMW van Brussel")

    assert find_duplicates({"name": "CPAS"}) == []
    assert find_duplicates({"name": "Prosport Bruxelles/Brussel"}) == []


def test_names_with_different_numbers_are_different():
    ActorFactory(name_fr="École des devoirs 12")

    assert find_duplicates({"name": "École des devoirs 7"}) == []
    assert len(find_duplicates({"name": "Ecole des devoirs 12"})) == 1


def test_candidate_name_follows_the_language():
    actor = ActorFactory(name_fr="Commission communautaire commune", name_nl="Gemeenschappelijke Gemeenschapscommissie")

    with translation.override("nl"):
        found = only(find_duplicates({"name": "Commission communautaire commune"}))
    assert found == Candidate(actor.pk, actor.slug, "Gemeenschappelijke Gemeenschapscommissie", found.score, ("name",))


# --- generic keys -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("theirs", "ours"),
    [
        ("https://www.facebook.com/ligue", "https://facebook.com/autre"),
        ("https://ligue.wixsite.com/site", "https://ligue.wixsite.com/site"),
        ("https://sites.google.com/view/ligue", "https://sites.google.com/view/autre"),
        ("https://www.instagram.com/ligue", "instagram.com/autre"),
    ],
)
def test_generic_hosting_and_social_domains_are_not_matched(theirs, ours):
    ActorFactory(website=theirs)

    assert find_duplicates({"website": ours}) == []


@pytest.mark.parametrize("domain", ["gmail.com", "hotmail.com", "skynet.be", "outlook.com", "yahoo.fr", "yahoo.com"])
def test_webmail_domains_are_not_matched(domain):
    actor = ActorFactory(email=f"ligue@{domain}")

    assert find_duplicates({"email": f"autre@{domain}"}) == []
    assert ids(find_duplicates({"email": f"ligue@{domain}"})) == [actor.pk]


def test_a_key_shared_by_many_actors_counts_less():
    shared = [ActorFactory(website=f"https://www.ulb.be/fr/centre-{i}") for i in range(5)]
    alone = ActorFactory(website="https://www.vub.be")

    many = find_duplicates({"website": "https://ulb.be"}, limit=10)
    one = only(find_duplicates({"website": "https://vub.be"}))

    assert sorted(ids(many)) == sorted(a.pk for a in shared)
    assert one.actor_id == alone.pk
    assert all(c.score < one.score for c in many)


# --- scoring, exclusion, archive --------------------------------------------------------------


def test_reasons_add_up():
    actor = ActorFactory(name_fr="Ligue des familles", website="https://liguedesfamilles.be", phone="02 507 72 11")

    name_only = only(find_duplicates({"name": "La Ligue des familles"}))
    everything = only(
        find_duplicates({"name": "La Ligue des familles", "website": "liguedesfamilles.be", "phone": "025077211"})
    )

    assert everything.actor_id == actor.pk
    assert everything.reasons == ("website", "phone", "name")
    assert name_only.score < everything.score <= 1


def test_a_different_company_number_lowers_the_score():
    ActorFactory(name_fr="Diogènes", company_number="0460376648")

    same = only(find_duplicates({"name": "Diogènes", "company_number": "0460376648"}))
    other = only(find_duplicates({"name": "Diogènes", "company_number": "0438214029"}))
    unknown = only(find_duplicates({"name": "Diogènes"}))

    assert other.score < unknown.score < same.score
    assert other.reasons == ("name",)


def test_best_first_and_limit():
    strong = ActorFactory(name_fr="Réseau Financité", website="https://financite.be")
    ActorFactory(name_fr="Réseau Financite Bruxelles")
    for i in range(6):
        ActorFactory(name_fr=f"Réseau Financité {i}", website="https://financite.be/" + str(i))

    found = find_duplicates({"name": "Réseau Financité", "website": "https://www.financite.be"}, limit=3)

    assert len(found) == 3
    assert found[0].actor_id == strong.pk
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)


def test_exclude_id_leaves_out_the_actor_being_corrected():
    actor = ActorFactory(name_fr="Atelier Groot Eiland", company_number="0430686037")
    other = ActorFactory(name_fr="Atelier Groot Eiland bis", company_number="0203071973")
    fields = {"name": "Atelier Groot Eiland", "company_number": "0430.686.037"}

    assert actor.pk in ids(find_duplicates(fields))
    assert actor.pk not in ids(find_duplicates(fields, exclude_id=actor.pk))
    assert actor.pk not in ids(find_duplicates(fields, exclude_id=str(actor.pk)))
    assert other.pk not in ids(find_duplicates({"company_number": "0203071973"}, exclude_id=other.pk))


def test_archived_actors_are_not_candidates():
    actor = ActorFactory(name_fr="Bruxelles Laïque", company_number="0419597551")
    Actor.all_objects.filter(pk=actor.pk).update(archived_at=timezone.now())
    data_version.bump(data_version.ACTORS)

    assert find_duplicates({"name": "Bruxelles Laïque", "company_number": "0419597551"}) == []


def test_reason_labels_cover_every_reason():
    assert set(REASON_LABELS) == set(REASONS)
    with translation.override("en"):
        assert str(REASON_LABELS["company_number"]) == "same company number"
    actor = ActorFactory(company_number="0203071973")
    found = only(find_duplicates({"company_number": "0203071973"}))
    assert found.actor_id == actor.pk
    assert [str(label) for label in found.reason_labels] == [str(REASON_LABELS["company_number"])]


def test_empty_or_odd_fields_give_nothing():
    ActorFactory(name_fr="Alias")

    assert find_duplicates({}) == []
    assert find_duplicates({"name": "", "website": "not a url", "email": "nope", "phone": "12", "lat": "x"}) == []
    assert find_duplicates({"lat": 0.0, "lon": 0.0}) == []


# --- the cache ---------------------------------------------------------------------------------


def test_the_index_is_built_once_per_data_version():
    ActorFactory(name_fr="Alias")
    find_duplicates({"name": "Alias"})
    built = duplicates.get_index()

    with CaptureQueriesContext(connection) as queries:
        assert len(find_duplicates({"name": "Alias"})) == 1
    assert duplicates.get_index() is built
    assert len(queries.captured_queries) == 1  # only the data version is read


def test_the_index_is_rebuilt_after_a_change():
    assert find_duplicates({"name": "Le Miroir Vagabond"}) == []

    actor = ActorFactory(name_fr="Le Miroir Vagabond")  # saving bumps the data version
    assert ids(find_duplicates({"name": "Le Miroir Vagabond"})) == [actor.pk]

    Actor.objects.filter(pk=actor.pk).update(name_fr="Tout autre chose")
    assert ids(find_duplicates({"name": "Le Miroir Vagabond"})) == [actor.pk]  # not bumped: cached
    data_version.bump(data_version.ACTORS)
    assert find_duplicates({"name": "Le Miroir Vagabond"}) == []


# --- normalising ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("Ligue des familles ASBL", "ligue des familles"),
        ("La Ligue des Familles", "la ligue des familles"),
        ("A.S.B.L. Le Sel", "le sel"),
        ("Coopcity SCRL", "coopcity"),
        ("Vzw Buurthuis", "buurthuis"),
        ("i.v.z.w. Foo", "foo"),
        ("Médecins du Monde AISBL", "medecins du monde"),
        ("Atelier CV SPRL", "atelier"),
        ("Maison de Quartier ASBL / Buurthuis VZW", "maison de quartier buurthuis"),
        # Public bodies written in full read as their acronym.
        ("Vrije Universiteit Brussel afgekort VUB", "vub"),
        ("Centre Public d'Action Sociale de Bruxelles", "cpas de bruxelles"),
        ("Openbaar Centrum voor Maatschappelijk Welzijn van Brussel", "ocmw van brussel"),
        ("ASBL", "asbl"),
    ],
)
def test_normalise_name(name, normalised):
    assert normalise_name(name) == normalised


def test_name_variants_split_bilingual_names():
    assert name_variants("Maison de quartier X / Buurthuis X") == [
        "maison de quartier x buurthuis x",
        "maison de quartier x",
        "buurthuis x",
    ]
    assert name_variants("Théâtre Royal de la Monnaie/Koninklijke Muntschouwburg")[1:] == [
        "theatre royal de la monnaie",
        "koninklijke muntschouwburg",
    ]
    assert name_variants("Ligue des familles") == ["ligue des familles"]
    assert name_variants("") == []


NAME_TEXT = st.text(
    alphabet=st.sampled_from(
        list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ./-'’&()éèêëàâäôöûüùîïçñœÉÈÀÇŒß")
    ),
    max_size=60,
)
LEGAL_WORDS = st.sampled_from(["asbl", "ASBL", "a.s.b.l.", "vzw", "VZW", "ivzw", "aisbl", "sprl", "scrl", "cv", "bv"])


def _strip_accents(text):
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(NAME_TEXT, LEGAL_WORDS), max_size=5).map(" ".join))
def test_normalise_name_is_idempotent_and_ignores_case_and_accents(name):
    normalised = normalise_name(name)
    assert normalise_name(normalised) == normalised
    assert normalise_name(name.upper()) == normalised
    assert normalise_name(name.lower()) == normalised
    assert normalise_name(_strip_accents(name)) == normalised
    assert normalised == normalised.strip() and "  " not in normalised


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_normalise_name_is_idempotent_on_any_text(name):
    normalised = normalise_name(name)
    assert normalise_name(normalised) == normalised


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.example.be/fr/", "example.be"),
        ("http://example.be", "example.be"),
        ("www.example.be", "example.be"),
        ("example.be/nl?x=1", "example.be"),
        ("HTTPS://WWW.Example.BE:443/", "example.be"),
        ("https://agenda.example.be/", "agenda.example.be"),
        ("", ""),
        ("not a url", ""),
    ],
)
def test_website_domain(url, domain):
    assert website_domain(url) == domain


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("+32 2 123 45 67", "+3221234567"),
        ("02/123.45.67", "+3221234567"),
        ("0032 2 1234567", "+3221234567"),
        ("+32 (0)2 123 45 67", "+3221234567"),
        ("0475 12 34 56", "+32475123456"),
        ("0033 1 23 45 67 89", "+33123456789"),
        ("123", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_phone(written, normalised):
    assert normalise_phone(written) == normalised


# --- measuring --------------------------------------------------------------------------------


def test_evaluate_gives_precision_and_recall():
    ligue = ActorFactory(name_fr="Ligue des familles", company_number="0203071973")
    miroir = ActorFactory(name_fr="Le Miroir Vagabond")
    ActorFactory(name_fr="Bruxelles Laïque")
    pairs = [
        ({"name": "La Ligue des Familles asbl"}, ligue.pk),  # found
        ({"company_number": "BE0203071973"}, ligue.pk),  # found
        ({"name": "Miroir vagabond"}, miroir.pk),  # found
        ({"name": "Théâtre du Miroir"}, miroir.pk),  # missed
        ({"name": "Club de judo"}, None),  # rightly nothing
        ({"name": "Le Miroir Vagabond"}, None),  # wrongly labelled in this sample: a false positive
    ]

    result = evaluate(pairs)

    assert result["true_positives"] == 3
    assert result["false_positives"] == 1
    assert result["false_negatives"] == 1
    assert result["true_negatives"] == 1
    assert result["precision"] == pytest.approx(3 / 4)
    assert result["recall"] == pytest.approx(3 / 4)


@pytest.mark.django_db
def test_the_first_pass_for_many_entries_at_once_shortlists_what_one_at_a_time_does(monkeypatch):
    """An import shortlists every row's names in one matrix on every core (``shortlists``); the
    same names as one ``extract`` per key, up to the limit, ties included."""
    monkeypatch.setattr(duplicates, "SHORTLIST", 3)
    monkeypatch.setattr(duplicates, "SHORTLIST_BATCH", 2)  # several batches
    for name in [
        "Maison de quartier Nord",
        "Maison de quartier Sud",
        "Maison du quartier Nord",
        "Maison de quartier Est",
        "Maison de quartier Ouest",
        "Repair Café",
        "Repair Cafe Ixelles",
    ]:
        ActorFactory(name_fr=name)
    index = duplicates.get_index()
    entries = [{"name": "Maison de quartier"}, {"name": "Repair café"}, {"name": "Zzz"}, {"name": "Maison de quartier"}]
    many = duplicates.shortlists(entries, index)
    assert many == {key: duplicates._shortlist(key, index) for key in many}
    assert len(many[duplicates._proposed_keys(entries[0])[0][0]]) == 3  # cut at the limit
    assert all(
        duplicates.find_duplicates(entry, index=index, shortlisted_by=many)
        == duplicates.find_duplicates(entry, index=index)
        for entry in entries
    )
