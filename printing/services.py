"""Producing printed documents: one ``Printout`` per kind, choices and data version, kept as a file.

``printout_for(kind, params)`` is the one entry point of the pages, the command and the worker:

- the same choices on the same data give the same key (sha256 of the kind, the parameters as
  canonical JSON and the data versions the document reads), hence the same file, served as it is;
- a change of the data gives a new key, hence a new document (the old one is pruned a day later);
- small documents (handouts, posters, directories up to ``PRINT_BACKGROUND_ABOVE`` entries) are
  typeset at once in the request; larger ones go to the worker, which reports its progress to the
  ``progress`` cache (read by the status page) and to the row now and then.

Files live in ``settings.PRINT_DIR/<key>.pdf`` and are written atomically (temporary file, then
``os.replace``): a reader never sees half a document.
"""

import datetime as dt
import hashlib
import json
import logging
import os
import tempfile
import time
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django_tasks import task
from pypdf import PdfReader

from maillage import data_version, ratelimit

from . import booklet, handout, poster
from .models import Printout

logger = logging.getLogger(__name__)

Kind = Printout.Kind
Status = Printout.Status

ACTORS, EVENTS = data_version.ACTORS, data_version.EVENTS

# kind -> (module of printing/, its builder function, the data versions the document reads)
BUILDERS = {
    Kind.DIRECTORY: (booklet, "directory_pdf", (ACTORS,)),
    Kind.HANDOUT: (handout, "handout_pdf", (ACTORS,)),
    Kind.POSTER: (poster, "poster_pdf", (EVENTS, ACTORS)),
}
OUTDATED_KEEP = dt.timedelta(days=1)  # how long a document made from old data is still kept
STALE = dt.timedelta(hours=1)  # a queued/running printout not finished after this is started again
PROGRESS_SECONDS = 3600
ROW_EVERY = 2.0  # seconds between two writes of the progress to the printout's row

BUSY = (Status.QUEUED, Status.RUNNING)


class RateLimited(Exception):
    """Too many new documents asked by this anonymous client within the hour."""


# --- keys and files ----------------------------------------------------------------------------


def canonical(params):
    return json.dumps(params, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def versions_for(kind):
    return {name: data_version.current(name) for name in BUILDERS[kind][2]}


def printout_key(kind, params, versions=None):
    """The cache key of a document: the same choices on the same data give the same key."""
    versions = versions_for(kind) if versions is None else versions
    text = "\n".join([str(kind), canonical(params), canonical(versions)])
    return hashlib.sha256(text.encode()).hexdigest()


def print_dir():
    path = Path(settings.PRINT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_path(printout):
    return Path(settings.PRINT_DIR) / (printout.file_name or f"{printout.key}.pdf")


def is_ready(printout):
    """Finished and its file still there."""
    return printout.status == Status.DONE and bool(printout.file_name) and file_path(printout).is_file()


def download_name(printout):
    """A readable file name: maillage-directory-schaerbeek-fr-nl.pdf, maillage-poster-2026-11-ixelles-a3.pdf."""
    params = printout.params or {}
    parts = ["maillage", str(printout.kind)]
    if printout.kind == Kind.DIRECTORY:
        filters = params.get("filters") or {}
        communes = list(filters.get("commune") or [])
        parts += communes[:3] + (["etc"] if len(communes) > 3 else [])
        parts += list(filters.get("theme") or [])[:2]
    elif printout.kind == Kind.HANDOUT:
        parts += [params.get("commune") or ""]
    elif printout.kind == Kind.POSTER:
        parts += [params.get("month") or "", params.get("commune") or "", params.get("theme") or ""]
        parts += [params.get("paper") or ""]
    parts += [str(params.get("lang") or "").replace("+", "-")]
    if params.get("large"):
        parts.append("large")
    name = "-".join(slugify(str(part)) for part in parts if part)
    return f"{name[:120]}.pdf"


# --- builders ----------------------------------------------------------------------------------


def builder(kind, name=None):
    """A function of the kind's module (``printing/booklet.py``…): its builder, or ``name``."""
    module, function, _names = BUILDERS[kind]
    return getattr(module, name or function)


def background_above():
    return settings.PRINT_BACKGROUND_ABOVE


def expected_entries(kind, params):
    """How many entries the document will hold (0 when unknown); only directories are counted."""
    if kind == Kind.DIRECTORY:
        return builder(kind, "count_entries")(params)
    return 0


def is_small(kind, params, entries=None):
    """Typeset in the request (True) or by the worker (False)."""
    if kind != Kind.DIRECTORY:
        return True
    entries = expected_entries(kind, params) if entries is None else entries
    return entries <= background_above()


# --- asking for a document ---------------------------------------------------------------------


def over_rate_limit(request):
    """Count one new document for this client; True when over its hourly limit: PRINT_RATE_LIMIT
    for an address, the higher PRINT_RATE_LIMIT_USER for a signed-in person (counted per account,
    wherever they sign in from). Commands (no request) are not limited."""
    if request is None:
        return False
    limit = settings.PRINT_RATE_LIMIT_USER if request.user.is_authenticated else settings.PRINT_RATE_LIMIT
    return ratelimit.hit("print", ratelimit.client_of(request), limit=limit, period=3600)


def printout_for(kind, params, user=None, *, request=None, background=None):
    """The printout of these choices on the current data: finished, under way, or started now.

    A finished one whose file is there is returned as it is, so is one queued or running. Otherwise
    (none yet, a failed one, a file gone, a stale job) the document is (re)started: typeset now when
    small, else enqueued to the worker. ``request`` counts new documents against its client's rate
    limit (RateLimited); ``background`` forces the choice (the command passes False).
    """
    kind = Kind(kind)
    versions = versions_for(kind)
    key = printout_key(kind, params, versions)
    printout = Printout.objects.filter(key=key).first()
    if printout is not None:
        if is_ready(printout):
            return printout
        if is_busy(printout):
            return printout
    if over_rate_limit(request):
        raise RateLimited
    entries = expected_entries(kind, params)
    small = is_small(kind, params, entries) if background is None else not background
    user = user if user is not None and user.is_authenticated else None
    if printout is None:
        try:
            with transaction.atomic():
                printout = Printout.objects.create(
                    key=key,
                    kind=kind,
                    params=params,
                    versions=versions,
                    total=entries,
                    requested_by=user,
                    started=timezone.now(),
                )
        except IntegrityError:  # another request created it in the meantime: theirs is ours
            return Printout.objects.get(key=key)
    else:
        # Retry: only one request may restart it (the update matches the state read above).
        claimed = Printout.objects.filter(pk=printout.pk, status=printout.status, started=printout.started).update(
            status=Status.QUEUED, done=0, total=entries, error="", started=timezone.now(), finished=None
        )
        printout.refresh_from_db()
        if not claimed:
            return printout
    if small:
        return produce(printout)
    enqueue(printout)
    return printout


def enqueue(printout):
    """Hand the printout to the worker (``produce_printout``)."""
    produce_printout.enqueue(printout.key)


@task()
def produce_printout(key):
    """The worker's job: typeset one queued printout (a directory above PRINT_BACKGROUND_ABOVE
    entries). Declared here, beside what queues it, so that the tasks module only calls down."""
    printout = produce_by_key(key)
    if printout is None:
        return None
    return {"status": printout.status, "pages": printout.pages, "size": printout.size}


def _is_stale(printout):
    started = printout.started or printout.created
    return started is not None and timezone.now() - started > STALE


def is_busy(printout):
    """Queued or running, and not for so long that its job must have stopped (a worker gone)."""
    return printout.status in BUSY and not _is_stale(printout)


def retry(printout, user=None, *, request=None):
    """Ask again for a failed printout's choices (on the current data)."""
    return printout_for(printout.kind, printout.params, user, request=request)


# --- producing ---------------------------------------------------------------------------------


def _progress_key(key):
    return f"printing:progress:{key}"


def live_progress(printout):
    """(done, total) of a printout under way, as its producer last reported it."""
    return caches["progress"].get(_progress_key(printout.key)) or (printout.done, printout.total)


def percent(done, total):
    return min(100, round(100 * done / total)) if total else 0


def produce(printout, progress=None):
    """Typeset the printout now (in the request or the worker). Returns it, done or failed.

    Progress goes to the cache at every call of the builder and to the row every few seconds;
    the file is written to a temporary name then renamed; any error leaves no file and a failed
    printout with its message (and the traceback in the log).
    """
    now = timezone.now()
    Printout.objects.filter(pk=printout.pk).update(status=Status.RUNNING, error="", started=now)
    printout.status, printout.error, printout.started = Status.RUNNING, "", now
    cache = caches["progress"]
    last_row = [time.monotonic()]

    def report(done, total):
        cache.set(_progress_key(printout.key), (done, total), PROGRESS_SECONDS)
        if progress is not None:
            progress(done, total)
        if time.monotonic() - last_row[0] >= ROW_EVERY:
            last_row[0] = time.monotonic()
            Printout.objects.filter(pk=printout.pk).update(done=done, total=total)

    temporary = None
    try:
        pdf = builder(printout.kind)(printout.params, progress=report)
        pages = len(PdfReader(BytesIO(pdf)).pages)
        folder = print_dir()
        name = f"{printout.key}.pdf"
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{printout.key}.", suffix=".part", delete=False) as out:
            temporary = out.name
            out.write(pdf)
        os.replace(temporary, folder / name)
        temporary = None
        done, total = live_progress(printout)
        _save(printout, status=Status.DONE, file_name=name, size=len(pdf), pages=pages, done=max(done, total))
    except Exception as error:
        logger.exception("printout %s (%s) failed", printout.key, printout.kind)
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        _save(printout, status=Status.FAILED, error=str(error) or error.__class__.__name__, file_name="")
    finally:
        cache.delete(_progress_key(printout.key))
    return printout


def _save(printout, **values):
    values["finished"] = timezone.now()
    for name, value in values.items():
        setattr(printout, name, value)
    Printout.objects.filter(pk=printout.pk).update(**values)


def produce_by_key(key):
    """The worker's side: produce a queued printout (nothing if it is gone, done or taken)."""
    printout = Printout.objects.filter(key=key).first()
    if printout is None or printout.status not in BUSY:
        return printout
    return produce(printout)


# --- pruning -----------------------------------------------------------------------------------


def is_outdated(printout, current):
    return any(current.get(name, value) != value for name, value in (printout.versions or {}).items())


def prune(now=None, days=None):
    """Delete documents made from data that changed since (after a day), and any older than
    PRINT_KEEP_DAYS (7), with their files; and stray files left in PRINT_DIR. Returns the number
    of printouts deleted."""
    now = now or timezone.now()
    days = settings.PRINT_KEEP_DAYS if days is None else days
    current = {name: data_version.current(name) for name in (ACTORS, EVENTS)}
    too_old = now - dt.timedelta(days=days)
    gone = []
    for printout in Printout.objects.filter(created__lt=now - OUTDATED_KEEP).only(
        "pk", "key", "status", "file_name", "versions", "created", "started"
    ):
        if is_busy(printout):
            continue
        if printout.created < too_old or is_outdated(printout, current):
            gone.append(printout)
    for printout in gone:
        file_path(printout).unlink(missing_ok=True)
    Printout.objects.filter(pk__in=[p.pk for p in gone]).delete()
    _prune_stray_files(now)
    return len(gone)


def _prune_stray_files(now):
    """Files of PRINT_DIR no printout names (a crash between rename and save, a deleted row)."""
    folder = Path(settings.PRINT_DIR)
    if not folder.is_dir():
        return
    known = set(Printout.objects.exclude(file_name="").values_list("file_name", flat=True))
    limit = (now - OUTDATED_KEEP).timestamp()
    for path in folder.iterdir():
        stray = path.is_file() and path.suffix in (".pdf", ".part") and path.name not in known
        if stray and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
