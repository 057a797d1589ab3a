"""Producing printouts: one document per choices and data version, at once or by the worker, with
its progress, its failures and its pruning. The builders are stand-ins here (the real ones are
tested in test_directory_pdf, test_handout, test_poster): what matters is when they are called."""

import datetime as dt
import os
import threading

import pytest
from django.core.cache import caches
from django.utils import timezone

from maillage import data_version
from printing import services, tasks
from printing.models import Printout
from printing.typesetting import qr_svg, render

from . import pdfcheck

Status = Printout.Status
PARAMS = {"filters": {"commune": ["schaerbeek"]}, "grouping": "commune", "lang": "fr+nl", "large": False}


def smoke_pdf(title, body="Texte"):
    url = "https://maillage.example/fr/directory/"
    return render("smoke", {"title": title, "lang": "fr", "body": body, "qr": qr_svg(url), "url": url, "footer": "M"})


class FakeBuilders:
    """Stand-ins for printing.booklet / handout / poster: count calls, report progress."""

    def __init__(self, entries=10):
        self.entries = entries
        self.calls = []
        self.fail = None
        self.seen_progress = []

    def pdf(self, params, progress=None):
        self.calls.append(params)
        if self.fail:
            raise self.fail
        for done in range(0, self.entries + 1, max(1, self.entries // 4)):
            progress(done, self.entries)
            self.seen_progress.append(caches["progress"].get(services._progress_key(self.key_of(params))))
        return smoke_pdf(f"Document {len(self.calls)}", body=str(params))

    def key_of(self, params):
        return Printout.objects.filter(params=params, status=Status.RUNNING).values_list("key", flat=True).first()

    def builder(self, kind, name=None):
        if name == "count_entries":
            return lambda params: self.entries
        return self.pdf


@pytest.fixture
def fake(monkeypatch, db, settings, tmp_path):
    settings.PRINT_DIR = tmp_path / "printouts"
    builders = FakeBuilders()
    monkeypatch.setattr(services, "builder", builders.builder)
    return builders


def test_same_choices_on_same_data_give_the_same_file_and_the_builder_runs_once(fake):
    first = services.printout_for("directory", PARAMS)
    assert first.status == Status.DONE and services.is_ready(first)
    again = services.printout_for("directory", dict(PARAMS))  # an equal dict, keys in another order
    assert again.pk == first.pk and again.key == first.key
    assert len(fake.calls) == 1
    path = services.file_path(first)
    assert path == services.print_dir() / f"{first.key}.pdf"
    assert "Document 1" in pdfcheck.text(path.read_bytes())
    assert first.pages == 1 and first.size == path.stat().st_size
    assert first.versions == {"actors": data_version.current("actors")}


def test_other_choices_give_another_document(fake):
    first = services.printout_for("directory", PARAMS)
    other = services.printout_for("directory", {**PARAMS, "lang": "nl"})
    assert other.key != first.key and len(fake.calls) == 2


def test_a_change_of_the_data_gives_a_new_document(fake):
    first = services.printout_for("directory", PARAMS)
    data_version.bump("actors")
    second = services.printout_for("directory", PARAMS)
    assert second.key != first.key
    assert "Document 2" in pdfcheck.text(services.file_path(second).read_bytes())
    assert services.file_path(first).exists()  # the old one stays until pruned


def test_posters_depend_on_events_and_actors(fake):
    params = {"month": "2026-11", "commune": "ixelles", "theme": "", "paper": "a4", "lang": "fr"}
    poster = services.printout_for("poster", params)
    assert set(poster.versions) == {"events", "actors"}
    data_version.bump("events")
    assert services.printout_for("poster", params).key != poster.key
    handout = services.printout_for("handout", {"needs": ["food"]})
    data_version.bump("events")
    assert services.printout_for("handout", {"needs": ["food"]}).key == handout.key


def test_a_large_directory_goes_to_the_worker_with_its_progress(fake, settings, monkeypatch):
    settings.PRINT_BACKGROUND_ABOVE = 5
    fake.entries = 8
    queued = []
    monkeypatch.setattr(services, "enqueue", lambda printout: queued.append(printout.key))
    printout = services.printout_for("directory", PARAMS)
    assert printout.status == Status.QUEUED and printout.total == 8
    assert queued == [printout.key] and fake.calls == []
    # Asked again while queued: the same printout, not a second job.
    assert services.printout_for("directory", PARAMS).pk == printout.pk and len(queued) == 1

    result = tasks.produce_printout.call(printout.key)  # what the worker runs
    assert result["status"] == Status.DONE
    assert fake.seen_progress[0] == (0, 8) and fake.seen_progress[-1] == (8, 8)
    printout.refresh_from_db()
    assert printout.status == Status.DONE and (printout.done, printout.total) == (8, 8)
    assert services.live_progress(printout) == (8, 8)  # the cache entry is gone; the row says it


def test_small_directories_are_made_in_the_request(fake, settings, monkeypatch):
    settings.PRINT_BACKGROUND_ABOVE = 10
    monkeypatch.setattr(services, "enqueue", lambda printout: pytest.fail("enqueued"))
    assert services.printout_for("directory", PARAMS).status == Status.DONE


def test_the_task_backend_runs_the_job_when_enqueued(fake, settings):
    """In tests the backend runs at once: the whole path, enqueue included."""
    settings.PRINT_BACKGROUND_ABOVE = 5
    fake.entries = 8
    printout = services.printout_for("directory", PARAMS)
    printout.refresh_from_db()
    assert printout.status == Status.DONE and services.is_ready(printout)


def test_a_failure_is_recorded_without_a_file_and_can_be_retried(fake, caplog):
    fake.fail = RuntimeError("typst exploded")
    printout = services.printout_for("directory", PARAMS)
    assert printout.status == Status.FAILED and "typst exploded" in printout.error
    assert not services.is_ready(printout) and printout.file_name == ""
    assert not any(services.print_dir().glob(f"*{printout.key}*"))  # nothing half-written
    assert "failed" in caplog.text
    fake.fail = None
    again = services.printout_for("directory", PARAMS)
    assert again.pk == printout.pk and again.status == Status.DONE and again.error == ""
    assert len(fake.calls) == 2


def test_a_pdf_that_does_not_read_is_a_failure(fake, monkeypatch):
    monkeypatch.setattr(fake, "pdf", lambda params, progress=None: b"not a pdf")
    printout = services.printout_for("directory", PARAMS)
    assert printout.status == Status.FAILED
    assert not [p for p in services.print_dir().iterdir() if printout.key in p.name]


def test_a_missing_file_is_made_again(fake):
    printout = services.printout_for("directory", PARAMS)
    services.file_path(printout).unlink()
    again = services.printout_for("directory", PARAMS)
    assert again.pk == printout.pk and services.is_ready(again) and len(fake.calls) == 2


def test_a_stale_job_is_started_again(fake, settings, monkeypatch):
    settings.PRINT_BACKGROUND_ABOVE = 5
    fake.entries = 8
    queued = []
    monkeypatch.setattr(services, "enqueue", lambda printout: queued.append(printout.key))
    printout = services.printout_for("directory", PARAMS)
    Printout.objects.filter(pk=printout.pk).update(started=timezone.now() - dt.timedelta(hours=2))
    services.printout_for("directory", PARAMS)
    assert queued == [printout.key, printout.key]


def test_two_requests_racing_make_one_printout(fake, monkeypatch):
    """Both read "none yet"; the other request creates it first, ours hits the unique key and
    returns theirs (which the other request is producing): one row, one document."""
    key = services.printout_key("directory", PARAMS)
    counting = services.expected_entries

    def meanwhile(kind, params):  # runs between our read and our create
        Printout.objects.create(key=key, kind=kind, params=params, status=Status.RUNNING)
        return counting(kind, params)

    monkeypatch.setattr(services, "expected_entries", meanwhile)
    mine = services.printout_for("directory", PARAMS)
    assert Printout.objects.count() == 1
    assert mine.key == key and mine.status == Status.RUNNING
    assert fake.calls == []  # the other request produces it


def test_concurrent_retries_claim_once(fake):
    fake.fail = RuntimeError("boom")
    printout = services.printout_for("directory", PARAMS)
    fake.fail = None
    # Someone else restarted it between our read and our update: we do not produce it again.
    stale_copy = Printout.objects.get(pk=printout.pk)
    Printout.objects.filter(pk=printout.pk).update(status=Status.RUNNING, started=timezone.now())
    assert Printout.objects.filter(pk=stale_copy.pk, status=stale_copy.status, started=stale_copy.started).count() == 0
    result = services.printout_for("directory", PARAMS)
    assert result.status == Status.RUNNING and len(fake.calls) == 1


def test_anonymous_clients_are_rate_limited_for_new_documents_only(fake, settings, rf):
    from django.contrib.auth.models import AnonymousUser

    settings.PRINT_RATE_LIMIT = 2
    request = rf.get("/", REMOTE_ADDR="192.0.2.7")
    request.user = AnonymousUser()
    cached = services.printout_for("directory", PARAMS, request=request)
    services.printout_for("directory", {**PARAMS, "lang": "nl"}, request=request)
    with pytest.raises(services.RateLimited):
        services.printout_for("directory", {**PARAMS, "lang": "fr"}, request=request)
    # A document already made is always served.
    assert services.printout_for("directory", PARAMS, request=request).pk == cached.pk
    other = rf.get("/", REMOTE_ADDR="192.0.2.8")
    other.user = AnonymousUser()
    assert services.printout_for("directory", {**PARAMS, "lang": "fr"}, request=other).status == Status.DONE


def test_prune_deletes_outdated_and_old_documents(fake, settings):
    now = timezone.now()
    outdated = services.printout_for("directory", PARAMS)
    data_version.bump("actors")
    current_recent = services.printout_for("directory", PARAMS)
    current_old = services.printout_for("directory", {**PARAMS, "lang": "nl"})
    outdated_recent = services.printout_for("handout", {"needs": ["food"]})
    data_version.bump("actors")
    fresh = services.printout_for("handout", {"needs": ["food"]})
    Printout.objects.filter(pk=outdated.pk).update(created=now - dt.timedelta(days=2))
    Printout.objects.filter(pk=current_old.pk).update(created=now - dt.timedelta(days=8))
    Printout.objects.filter(pk=outdated_recent.pk).update(created=now - dt.timedelta(hours=2))
    # A stray temporary file from a crash, old enough, goes too; a new one stays.
    stray, young = services.print_dir() / ".abc.part", services.print_dir() / ".def.part"
    stray.write_bytes(b"x")
    young.write_bytes(b"x")
    old_time = (now - dt.timedelta(days=2)).timestamp()
    os.utime(stray, (old_time, old_time))
    os.utime(young, (now.timestamp(), now.timestamp()))  # the test's clock, which may not be the disk's
    # current_recent is outdated since the second bump but younger than a day: kept.
    assert tasks.prune_printouts.call() == {"deleted": 2}
    left = set(Printout.objects.values_list("pk", flat=True))
    assert left == {current_recent.pk, outdated_recent.pk, fresh.pk}
    assert not services.file_path(outdated).exists() and not services.file_path(current_old).exists()
    assert services.file_path(fresh).exists()
    assert not stray.exists() and young.exists()
    young.unlink()
    assert ("printing.prune_printouts", dt.timedelta(hours=6), tasks.prune_printouts) in tasks.PERIODIC


def test_prune_keeps_days_from_settings(fake, settings):
    settings.PRINT_KEEP_DAYS = 2
    printout = services.printout_for("directory", PARAMS)
    Printout.objects.filter(pk=printout.pk).update(created=timezone.now() - dt.timedelta(days=3))
    assert services.prune() == 1


def test_download_names_say_what_the_document_is():
    directory = Printout(kind="directory", params={**PARAMS, "filters": {"commune": ["schaerbeek"]}})
    assert services.download_name(directory) == "maillage-directory-schaerbeek-fr-nl.pdf"
    poster = Printout(
        kind="poster", params={"month": "2026-11", "commune": "ixelles", "theme": "", "paper": "a3", "lang": "nl"}
    )
    assert services.download_name(poster) == "maillage-poster-2026-11-ixelles-a3-nl.pdf"
    handout = Printout(kind="handout", params={"commune": "saint-gilles", "lang": "fr", "large": True})
    assert services.download_name(handout) == "maillage-handout-saint-gilles-fr-large.pdf"


def test_progress_is_visible_from_another_thread_while_running(fake, settings):
    """The page's request reads the cache while the producer runs (as the worker's process would)."""
    seen = []
    fake.entries = 4

    def watching_pdf(params, progress=None):
        progress(2, 4)
        printout = Printout.objects.get(key=services.printout_key("directory", PARAMS))
        thread = threading.Thread(target=lambda: seen.append(services.live_progress(printout)))
        thread.start()
        thread.join()
        return smoke_pdf("Done")

    fake.pdf = watching_pdf
    services.printout_for("directory", PARAMS)
    assert seen == [(2, 4)]
