from django.core.management.base import BaseCommand

from opendata import services


class Command(BaseCommand):
    help = (
        "Build the open-data dump: a zip of actors (CSV, GeoJSON), events (CSV, iCal), projects (CSV), "
        "HSDS 3.0 JSON files, a README and the licence. Written to a temporary file, then moved into "
        "place atomically (default: OPEN_DATA_DIR/maillage-open-data.zip, linked from the Open data page)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="where to write the zip (default: the published dump)")
        parser.add_argument(
            "--include-synthetic",
            action="store_true",
            help="include synthetic test data (left out by default; the bench uses it)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, output=None, include_synthetic=False, no_progress=False, **options):
        result = services.build_dump(output, include_synthetic=include_synthetic, progress=not no_progress)
        counts = ", ".join(f"{value} {name}" for name, value in result.counts.items())
        self.stdout.write(f"open data: {result.path} ({result.size:,} bytes) in {result.seconds:.1f} s: {counts}")
