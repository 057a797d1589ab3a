"""Open data: the full dump (a zip of CSV, GeoJSON, iCal and HSDS files with its licence) and its
place on disk. The CSV and GeoJSON rows are ``opendata.exports``'s (from the owners' field specs),
the HSDS objects ``opendata.hsds``'s (the standard's mapping).

The dump streams: every file is written into the zip row by row from chunked queries (a handful
of queries per 2,000 rows), so 20,000 actors and 50,000 events fit in memory and in a minute.
It is written to a temporary file next to the published one and moved into place atomically:
a download never sees half a zip.
"""

import datetime as dt
import io
import json
import os
import shutil
import tempfile
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.http import http_date
from tqdm import tqdm

from agenda import services as agenda_services
from agenda.models import Event
from maillage import csv as safe_csv
from maillage import data_version
from projects.models import Project

from . import exports, hsds

DUMP_NAME = "maillage-open-data.zip"
CHUNK = exports.CHUNK  # rows read at a time, as the exports
ATTRIBUTION = "Maillage contributors"
LICENCE_URLS = {
    "CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC BY-SA 4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "ODbL 1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
}

# (file name, what it holds) in the order they are written; README.txt lists them.
FILES = (
    ("actors.csv", "Actors (initiatives, associations, federations, services), one row each; lists joined by '|'."),
    ("actors.geojson", "The same actors as GeoJSON points (no geometry when the place is unknown)."),
    ("events.csv", "Events, one row each (recurring events once, with their RRULE); times in ISO 8601."),
    ("events.ics", "The events as one iCalendar (RFC 5545) calendar, recurring ones with their RRULE."),
    ("projects.csv", "Projects with their themes and the actors that lead, join or fund them."),
    ("hsds/organizations.json", "HSDS 3.0 organizations (one per actor), fully nested."),
    ("hsds/services.json", "HSDS 3.0 services (the activities of each actor, with its themes), fully nested."),
    ("hsds/locations.json", "HSDS 3.0 locations: the actors' places with their addresses and coordinates."),
    ("hsds/service_at_locations.json", "HSDS 3.0 links between services and the physical places they are offered at."),
    ("hsds/taxonomy_terms.json", "HSDS 3.0 taxonomy terms: the themes (taxonomy 'maillage-themes')."),
    ("README.txt", "This file."),
    ("LICENSE.txt", "The licence of the data."),
)


# --- where the dump lives ------------------------------------------------------------------------


def dump_dir():
    return Path(settings.OPEN_DATA_DIR)


def dump_path():
    return dump_dir() / DUMP_NAME


@dataclass
class DumpInfo:
    path: Path
    size: int
    modified: dt.datetime

    @property
    def http_date(self):
        return http_date(self.modified.timestamp())


def dump_info():
    """The published dump's path, size and date; None while it has not been built."""
    path = dump_path()
    try:
        stat = path.stat()
    except OSError:
        return None
    return DumpInfo(path, stat.st_size, dt.datetime.fromtimestamp(stat.st_mtime, tz=dt.UTC))


@dataclass
class Licence:
    name: str
    url: str
    attribution: str = ATTRIBUTION


def licence():
    name = settings.OPEN_DATA_LICENCE or "CC BY 4.0"
    return Licence(name, LICENCE_URLS.get(name, ""))


# --- building it ---------------------------------------------------------------------------------


@dataclass
class DumpResult:
    path: Path
    size: int = 0
    seconds: float = 0.0
    counts: dict = field(default_factory=dict)

    def as_dict(self):
        return {"path": str(self.path), "size": self.size, "seconds": round(self.seconds, 1), **self.counts}


@contextmanager
def _text(archive, name):
    """A text stream writing into a new member of the zip (dated now, local time)."""
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.compress_type = archive.compression
    info.external_attr = 0o644 << 16
    with archive.open(info, "w", force_zip64=True) as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
        yield text


def _public(qs, include_synthetic, prefix=""):
    return qs if include_synthetic else qs.filter(**{f"{prefix}is_synthetic": False})


class _JsonArray:
    """Writes objects one by one as a JSON array (or inside a GeoJSON FeatureCollection)."""

    def __init__(self, out, head="[\n", tail="\n]\n"):
        self.out, self.tail, self.count = out, tail, 0
        out.write(head)

    def add(self, obj):
        self.out.write((",\n" if self.count else "") + json.dumps(obj, ensure_ascii=False))
        self.count += 1

    def close(self):
        self.out.write(self.tail)
        return self.count


def _spooled():
    """A temporary text file for a member written in the same pass as another one."""
    return tempfile.TemporaryFile("w+", encoding="utf-8", newline="")


def _copy_into(archive, name, spool):
    spool.seek(0)
    with _text(archive, name) as out:
        shutil.copyfileobj(spool, out, 1 << 20)


def _write_events(archive, qs, site_url, bar, include_synthetic):
    """events.csv (read as values, links by key: no model instances; its columns from
    ``agenda.fields.EVENT``) and events.ics (the stored VEVENT texts)."""
    lang = translation.get_language()
    count = 0
    with _text(archive, "events.csv") as out:
        writer = safe_csv.writer(out)
        names = exports.event_columns()
        writer.writerow(names)
        for row in exports.event_rows(qs, site_url, include_synthetic=include_synthetic):
            writer.writerow(exports.csv_row(row, names))
            count += 1
            bar.update()
    with _text(archive, "events.ics") as out:
        head, tail = agenda_services.calendar_frame("Maillage", product="Open data")
        out.write(head)
        missing = []
        for pk, text in qs.values_list("pk", f"vevent_{lang}").iterator(chunk_size=CHUNK):
            if text:
                out.write(text)
            else:
                missing.append(pk)
            bar.update()
        for event in Event.objects.filter(pk__in=missing).select_related("place__commune"):
            out.write(agenda_services.vevent_text(event, lang))
        out.write(tail)
    return count


def _write_projects(archive, qs, site_url, bar, include_synthetic):
    """projects.csv: its columns from ``projects.fields.PROJECT``, then who leads, joins, funds."""
    count = 0
    with _text(archive, "projects.csv") as out:
        writer = safe_csv.writer(out)
        names = exports.project_columns()
        writer.writerow(names)
        for row in exports.project_rows(qs, site_url, include_synthetic=include_synthetic):
            writer.writerow(exports.csv_row(row, names))
            count += 1
            bar.update()
    return count


def _write_actor_files(archive, include_synthetic, site_url, bar):
    """actors.csv, actors.geojson (their columns from ``directory.fields.ACTOR``, see
    ``opendata.exports``) and the HSDS files of the actors, in one pass over them (a few queries per
    2,000 actors), with the HSDS mapping of the API (opendata.hsds)."""
    ctx = hsds.Context(site_url)
    fields = exports.actor_columns()
    rows = exports.ActorRows(site_url, include_synthetic=include_synthetic, many=True)
    seen_places = set()
    names = ("actors.geojson", "hsds/organizations.json", "hsds/services.json", "hsds/locations.json")
    names += ("hsds/service_at_locations.json",)
    spools = {name: _spooled() for name in names}
    try:
        geojson = _JsonArray(spools["actors.geojson"], '{"type": "FeatureCollection", "features": [\n', "\n]}\n")
        organizations, services, locations, links = (_JsonArray(spools[name]) for name in names[1:])
        with _text(archive, "actors.csv") as out:
            writer = safe_csv.writer(out)
            writer.writerow(fields)
            qs = hsds.actor_queryset(include_synthetic=include_synthetic)
            for batch in exports.chunks(qs.iterator(chunk_size=CHUNK)):
                related = ctx.related(batch)
                places = {pk: bundle.places for pk, bundle in related.items()}
                for actor, row in zip(batch, rows.rows(batch, places), strict=True):
                    bundle = related[actor.pk]
                    writer.writerow(exports.csv_row(row, fields))
                    geojson.add(exports.geojson_feature(row))
                    organizations.add(hsds.organization(actor, ctx, bundle))
                    services.add(hsds.service(actor, ctx, bundle))
                    for place in bundle.places:
                        if place.pk not in seen_places:
                            seen_places.add(place.pk)
                            locations.add(hsds.location(place, ctx, actor.pk))
                        if not place.approximate:
                            links.add(hsds.service_at_location(actor, place, ctx))
                    bar.update()
        counts = {"actors": geojson.close()}
        for key, writer_ in zip(
            ("organizations", "services", "locations", "service_at_locations"),
            (organizations, services, locations, links),
            strict=True,
        ):
            counts[key] = writer_.close()
        for name in names:
            _copy_into(archive, name, spools[name])
    finally:
        for spool in spools.values():
            spool.close()
    with _text(archive, "hsds/taxonomy_terms.json") as out:
        terms = _JsonArray(out)
        for theme in hsds.theme_queryset():
            terms.add(hsds.taxonomy_term(theme, ctx))
        counts["taxonomy_terms"] = terms.close()
    return counts


def readme_text(counts, when, include_synthetic, lic):
    lines = [
        "Maillage: open data",
        "===================",
        "",
        "The open platform of the associative network of Brussels (actors, events, projects).",
        f"Exported on {when:%Y-%m-%d %H:%M} UTC from {settings.SITE_URL}.",
        f"Licence: {lic.name} {lic.url}".rstrip() + f" (attribution: {lic.attribution}); see LICENSE.txt.",
        "Texts are in French, with Dutch or English when French is missing.",
        "Archived entries are left out" + ("." if include_synthetic else ", and so is synthetic test data."),
        "",
        "Counts:",
        *(f"  {name}: {value}" for name, value in counts.items()),
        "",
        "Files:",
        *(f"  {name}: {what}" for name, what in FILES),
        "",
        "Live versions: CSV and GeoJSON of the directory (with its filters), the iCal feed of the",
        f"agenda, and the HSDS 3.0 API at {settings.SITE_URL}/api/hsds/ ; every actor and event page",
        "carries schema.org JSON-LD.",
        "",
    ]
    return "\n".join(lines)


def licence_text(lic, when):
    lines = [
        f"The data in this archive is published under the licence {lic.name}.",
        f"Licence text: {lic.url}" if lic.url else "",
        "",
        f"Attribution: {lic.attribution} ({settings.SITE_URL}), {when:%Y}.",
        "When you reuse the data, credit it as above, link to the licence and say if you changed it.",
        "",
        "Contact persons appear only when they agreed to be shown publicly; do not use their",
        "details for anything but contacting the organisation about its activities.",
        "",
    ]
    return "\n".join(lines)


def build_dump(output=None, *, include_synthetic=False, progress=False):
    """Write the open-data zip to ``output`` (default: the published path) and return what it
    holds. Runs in the site's default language."""
    started = time.monotonic()
    output = Path(output) if output else dump_path()
    output.parent.mkdir(parents=True, exist_ok=True)
    site_url = settings.SITE_URL
    when = timezone.now()
    lic = licence()
    with translation.override(settings.LANGUAGE_CODE):
        actors = hsds.actor_queryset(include_synthetic=include_synthetic)  # what _write_actor_files reads
        events = _public(Event.objects.order_by("pk"), include_synthetic)
        projects = _public(Project.objects.order_by("pk"), include_synthetic)
        n_actors, n_events, n_projects = actors.count(), events.count(), projects.count()
        total = n_actors + n_events * 2 + n_projects
        fd, temporary = tempfile.mkstemp(dir=output.parent, prefix=".maillage-open-data-", suffix=".tmp")
        try:
            with (
                open(fd, "wb") as handle,
                zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive,
                tqdm(total=total, unit="rows", disable=not progress, desc="open data") as bar,
            ):
                counts = _write_actor_files(archive, include_synthetic, site_url, bar)
                counts["events"] = _write_events(archive, events, site_url, bar, include_synthetic)
                counts["projects"] = _write_projects(archive, projects, site_url, bar, include_synthetic)
                archive.writestr("README.txt", readme_text(counts, when, include_synthetic, lic))
                archive.writestr("LICENSE.txt", licence_text(lic, when))
            os.chmod(temporary, 0o644)
            os.replace(temporary, output)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    if output == dump_path():
        data_version.bump(data_version.DUMP)  # the open-data page gives the published dump's date and size
    return DumpResult(output, output.stat().st_size, time.monotonic() - started, counts)
