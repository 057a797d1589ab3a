import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import UserFactory
from directory.models import Actor
from imports import services
from imports.models import ImportRun, Source
from maillage.testing import assert_queries_do_not_grow

CSV = "Nom;Code postal\nLes Amis du Parc;1050\nRepair Café;1080\nSans code;9999\n".encode("cp1252")


@pytest.fixture
def client_mod(client, moderator):
    client.force_login(moderator)
    return client


def upload(client, data=CSV, **extra):
    fields = {
        "file": SimpleUploadedFile("liste.csv", data),
        "format": "",
        "new_source": "Fédération",
        "target": "actors",
    }
    fields.update(extra)
    return client.post(reverse("imports:new"), fields)


@pytest.mark.parametrize("name", ["imports:index", "imports:new"])
def test_anonymous_go_to_sign_in_and_members_are_refused(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(UserFactory())
    assert client.get(reverse(name)).status_code == 403
    assert upload(client).status_code == 403
    assert not ImportRun.objects.exists()


def test_upload_previews_then_imports(client_mod, territory):
    response = upload(client_mod)
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:run", args=[run.pk])
    assert run.status == ImportRun.Status.PREVIEWED and run.dry_run  # tasks run at once in tests
    assert Actor.objects.count() == 0
    page = client_mod.get(response["Location"])
    html = page.content.decode()
    assert "9999" in html  # the error and its reason
    assert str(services.OUTCOME_LABELS["created"]) in html
    assert f'action="{reverse("imports:apply", args=[run.pk])}"' in html
    # Filter by outcome: only the errors.
    errors = client_mod.get(response["Location"] + "?outcome=error").content.decode()
    assert "9999" in errors and "Les Amis du Parc" not in errors.split("<table")[-1]
    applied = client_mod.post(reverse("imports:apply", args=[run.pk]))
    new_run = ImportRun.objects.exclude(pk=run.pk).get()
    assert applied["Location"] == reverse("imports:run", args=[new_run.pk])
    assert new_run.status == ImportRun.Status.APPLIED and not new_run.dry_run
    assert Actor.objects.count() == 2
    assert Source.objects.get().mapping == {"name": "Nom", "postcode": "Code postal"}
    # Only a preview can be applied, once.
    assert client_mod.post(reverse("imports:apply", args=[new_run.pk])).status_code == 404


def test_upload_needs_a_file_or_an_address(client_mod, territory):
    response = client_mod.post(reverse("imports:new"), {"format": "", "new_source": "X", "target": "actors"})
    assert response.status_code == 400
    assert not ImportRun.objects.exists()
    assert b'value="X"' in response.content  # what was typed is shown again


def test_mapping_edit_previews_again_and_is_saved(client_mod, territory):
    upload(client_mod)
    run = ImportRun.objects.get()
    page = client_mod.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert 'name="name"' in page and '<option value="Nom" selected>' in page
    response = client_mod.post(reverse("imports:preview_again", args=[run.pk]), {"name": "Nom", "postcode": ""})
    new_run = ImportRun.objects.exclude(pk=run.pk).get()
    assert response["Location"] == reverse("imports:run", args=[new_run.pk])
    assert new_run.mapping == {"name": "Nom"}
    assert new_run.counts["error"] == 0  # the postcode is no longer read
    assert Source.objects.get().mapping == {"name": "Nom"}


def test_live_status_fragment(client_mod, territory):
    source = services.source_by_name("S")
    run = services.start_run(data=CSV, filename="liste.csv", source=source)
    page = client_mod.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<progress" in page and "htmx" in page
    fragment = client_mod.get(reverse("imports:run", args=[run.pk]) + "?fragment=status", HTTP_HX_REQUEST="true")
    assert b"<progress" in fragment.content and b"<html" not in fragment.content
    services.run_import(run)
    done = client_mod.get(reverse("imports:run", args=[run.pk]) + "?fragment=status", HTTP_HX_REQUEST="true")
    assert done.headers.get("HX-Refresh") == "true"


def test_source_page_lists_missing_records(client_mod, territory):
    source = services.source_by_name("Fédération")
    services.run_import(services.start_run(data=CSV, filename="a.csv", source=source, dry_run=False))
    services.run_import(
        services.start_run(
            data=CSV.replace("Repair Café;1080\n".encode("cp1252"), b""), filename="a.csv", source=source, dry_run=False
        )
    )
    html = client_mod.get(reverse("imports:source", args=[source.slug])).content.decode()
    repair = Actor.objects.get(name_fr="Repair Café")
    assert repair.get_absolute_url() in html
    response = client_mod.post(
        reverse("imports:source", args=[source.slug]),
        {"url": "https://example.org/data.csv", "format": "csv", "target": "actors", "sync_hours": "24", "licence": ""},
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.sync_hours == 24


def test_index_queries_do_not_grow(client_mod, territory):
    counter = iter(range(100))

    def add_run():
        n = next(counter)
        source = services.source_by_name(f"Source {n}")
        services.run_import(services.start_run(data=CSV, filename=f"f{n}.csv", source=source, dry_run=False))

    assert_queries_do_not_grow(client_mod, reverse("imports:index"), add_run)
    html = client_mod.get(reverse("imports:index")).content.decode()
    assert "Source 2" in html


def test_sync_sources_reimports_due_sources(territory, monkeypatch):
    from imports import tasks

    source = services.source_by_name("Open data", format="csv")
    source.url, source.sync_hours = "https://example.org/liste.csv", 24
    source.save()
    monkeypatch.setattr(services, "fetch", lambda url: (CSV, "liste.csv"))
    tasks.sync_sources.enqueue()
    source.refresh_from_db()
    assert source.last_synced is not None
    assert Actor.objects.count() == 2
    assert services.due_sources() == []
    assert "imports.sync_sources" in [name for name, *_ in tasks.PERIODIC]


def test_a_file_over_the_limit_is_refused_before_being_stored(client_mod, territory, settings):
    settings.IMPORT_MAX_BYTES = 20
    response = upload(client_mod)
    assert response.status_code == 400
    assert not ImportRun.objects.exists() and not Source.objects.exists()
    assert not (settings.PRIVATE_MEDIA_ROOT / "imports").exists()
    errors = response.context["form"].errors["file"]
    assert errors == [services.too_large(20, len(CSV))]
    assert "20" in errors[0] and b'value="F\xc3\xa9d\xc3\xa9ration"' in response.content


def test_live_status_shows_the_entries_written_during_the_transaction(client_mod, territory, monkeypatch):
    from django.core.cache import caches

    source = services.source_by_name("S")
    run = services.start_run(data=CSV, filename="liste.csv", source=source, dry_run=False)
    url = reverse("imports:run", args=[run.pk]) + "?fragment=status"
    seen = []
    create = services.directory_bulk.save_actors

    def create_then_look(*args, **kwargs):
        create(*args, **kwargs)
        # What another process sees: the run's row says 3 rows read; the cache, 2 entries written.
        ImportRun.objects.filter(pk=run.pk).update(processed=3, total=3)
        seen.append(client_mod.get(url, HTTP_HX_REQUEST="true").content.decode())

    monkeypatch.setattr(services.directory_bulk, "save_actors", create_then_look)
    services.run_import(run)
    assert run.status == ImportRun.Status.APPLIED, run.error
    (fragment,) = seen
    assert 'max="2" value="2"' in fragment
    with translation.override("fr"):
        assert translation.gettext("%(done)s of %(total)s entries written") % {"done": 2, "total": 2} in fragment
    assert services.live_progress(ImportRun(pk=run.pk)) == (0, 0, services.READING)  # cleared at the end
    assert caches["progress"].get(services._progress_key(run.pk)) is None
