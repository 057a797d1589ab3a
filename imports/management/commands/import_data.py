import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from imports import services
from imports.mapping import fields_for
from imports.models import Format, ImportRun, Source

SHOWN = ("error", "duplicate", "skipped", "updated", "missing")


class Command(BaseCommand):
    help = (
        "Import actors or events from a file or an http(s) address: CSV, XLSX, JSON, GeoJSON, iCalendar "
        "or HSDS 3.0. Prints the mapping used, a progress bar, then every rejected, duplicate and skipped "
        "row. Applying is all or nothing; --dry-run only reports."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a file, or an http:// or https:// address")
        parser.add_argument("--format", choices=Format.values, help="guessed from the name when omitted")
        parser.add_argument("--source", help="the source's name (created if new); records are tracked per source")
        parser.add_argument("--mapping", help='a JSON file {"field": "column", ...}; default: the source\'s or a guess')
        parser.add_argument("--dry-run", action="store_true", help="report what would happen, write nothing")
        parser.add_argument(
            "--strict",
            action="store_true",
            help="import nothing if any row has an error (a company number failing its check is one)",
        )
        parser.add_argument("--target", choices=Source.Target.values, help="actors (default) or events")

    def handle(self, *args, path, format, source, mapping, dry_run, strict, target, **options):
        is_url = path.startswith(("http://", "https://")) or "://" in path
        try:
            if is_url:
                data, filename = services.fetch(path)
            else:
                file = Path(path)
                if not file.is_file():
                    raise CommandError(f"{path}: no such file")
                limit = services.max_import_bytes()
                if limit and file.stat().st_size > limit:
                    raise CommandError(f"{path}: the file is larger than IMPORT_MAX_BYTES ({limit} bytes)")
                data, filename = file.read_bytes(), file.name
        except services.ImportFailed as exc:
            raise CommandError(str(exc)) from exc
        given = None
        if mapping:
            try:
                given = json.loads(Path(mapping).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"--mapping {mapping}: {exc}") from exc
            if not isinstance(given, dict):
                raise CommandError("--mapping: a JSON object {field: column} is expected")
        # Without --source, the file's name is the source: importing it again updates in place.
        source_obj = None
        if source or not dry_run:
            source_obj = Source.objects.filter(name__iexact=(source or filename)).first()
        if source_obj is None and not dry_run:
            source_obj = services.source_by_name(
                source or filename,
                format=format or "",
                target=target or Source.Target.ACTORS,
                url=path if is_url else "",
            )
        try:
            run = services.start_run(
                data=data,
                filename=filename if not is_url else path,
                format=format,
                source=source_obj,
                target=target or (source_obj.target if source_obj else None),
                mapping=given,
                dry_run=dry_run,
                strict=strict,
            )
        except services.ImportFailed as exc:
            raise CommandError(str(exc)) from exc
        if source_obj is not None and not source_obj.format:
            source_obj.format = run.format
            source_obj.save(update_fields=["format"])
        how = "given" if given else ("from the source" if source_obj and source_obj.mapping else "guessed")
        shown = []
        bar = tqdm(total=0, desc="rows", unit="rows", file=sys.stderr, disable=options.get("verbosity", 1) < 1)

        def progress(done, total, phase):
            if not shown:  # the mapping is decided once the file is read, before the first row
                self._mapping(run, how)
            if shown[-1:] != [phase]:  # reading the rows, then writing the entries
                shown.append(phase)
                bar.set_description("rows read" if phase == services.READING else "entries written")
                bar.reset(total=total)
            bar.update(done - bar.n)

        run = services.run_import(run, progress=progress)
        bar.close()
        if not shown and run.mapping:
            self._mapping(run, how)
        came_from_source = bool(source_obj and source_obj.mapping and not given)
        if source and source_obj and run.mapping and not came_from_source and run.status != ImportRun.Status.FAILED:
            services.save_mapping(source_obj, run.mapping)
        self._report(run)
        if run.status == ImportRun.Status.FAILED:
            self.stderr.write(self.style.ERROR(f"failed: {run.error}"))
            sys.exit(1)

    def _mapping(self, run, how):
        labels = fields_for(run.target)
        self.stdout.write(f"mapping ({how}):")
        for field, column in run.mapping.items():
            if column:
                self.stdout.write(f"  {field:<16} <- {column}   ({labels.get(field, field)})")
        self.stdout.write(f"  as JSON: {json.dumps(run.mapping, ensure_ascii=False)}")

    def _report(self, run):
        for entry in run.report:
            if entry["outcome"] not in SHOWN and not entry.get("warnings"):
                continue
            row = f"row {entry['row']}" if entry.get("row") else "-"
            name = f" {entry['name']}:" if entry.get("name") else ""
            text = " ".join([entry.get("message", ""), *entry.get("warnings", [])]).strip()
            self.stdout.write(f"{row:>10}  {entry['outcome']:<9}{name} {text}")
        labels = services.OUTCOME_LABELS
        counts = ", ".join(f"{labels.get(outcome, outcome)}: {n}" for outcome, n in (run.counts or {}).items())
        self.stdout.write(f"{run.get_status_display()} — {counts or _('no rows')}")
