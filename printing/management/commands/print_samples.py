"""python manage.py print_samples [--output-dir var/print-samples] [--dpi 60]

Typesets one sample of each printed document from the current data (the demo after `make demo`):
the directory of Schaerbeek in French and Dutch, the same in large print, a neighbourhood handout
for an address, and next month's agenda poster; writes each PDF and its pages as PNG pictures
(poppler's pdftoppm) so that a reviewer can look at them without a printer.
"""

import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone, translation

from agenda.models import Occurrence
from printing import booklet, handout, poster
from printing.query import DirectoryQuery


def busiest_month():
    """The coming month with the most events (the demo's events are spread over the next two years,
    few of them with a place: the poster covers the region)."""
    start = timezone.localdate().replace(day=1)
    first = (
        Occurrence.objects.filter(start__date__gte=start)
        .annotate(month=TruncMonth("start"))
        .values_list("month")
        .annotate(count=Count("pk"))
        .order_by("-count", "month")
        .first()
    )
    return (first[0] if first else start).strftime("%Y-%m")


def samples():
    query = DirectoryQuery.from_params({"commune": ["schaerbeek"]})
    month = busiest_month()
    return [
        (
            "directory-schaerbeek-fr-nl",
            lambda: booklet.directory_pdf(query.changed(lang="fr+nl").to_params()),
        ),
        (
            "directory-schaerbeek-fr-large-print",
            lambda: booklet.directory_pdf(query.changed(lang="fr", large=True).to_params()),
        ),
        (
            "handout-rue-haute-fr-nl",
            lambda: handout.handout_pdf(
                handout.handout_params(
                    address="Rue Haute 200, 1000 Bruxelles", needs=["health", "homelessness", "housing"], lang="fr+nl"
                )
            ),
        ),
        (
            f"poster-region-{month}-a4-fr",
            lambda: poster.poster_pdf(poster.poster_params(month=month)),
        ),
    ]


class Command(BaseCommand):
    help = "Typeset a sample of each printed document and render its pages to PNG."

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", default=str(Path(settings.BASE_DIR) / "var" / "print-samples"))
        parser.add_argument("--dpi", type=int, default=60)

    def handle(self, *args, output_dir, dpi, **options):
        pdftoppm = shutil.which("pdftoppm")
        if pdftoppm is None:
            raise CommandError("pdftoppm not found: install poppler-utils.")
        folder = Path(output_dir)
        folder.mkdir(parents=True, exist_ok=True)
        with translation.override("fr"):
            for name, make in samples():
                pdf = folder / f"{name}.pdf"
                pdf.write_bytes(make())
                for old in folder.glob(f"{name}-*.png"):
                    old.unlink()
                subprocess.run([pdftoppm, "-r", str(dpi), "-png", str(pdf), str(folder / name)], check=True)
                pages = len(list(folder.glob(f"{name}-*.png")))
                self.stdout.write(f"{pdf} ({pages} pages as PNG)")
