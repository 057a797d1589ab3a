from django.conf import settings
from django.core.management.base import BaseCommand

from territory import services


class Command(BaseCommand):
    help = "Load the region, its communes and postcodes, and the commune boundaries if configured."

    def add_arguments(self, parser):
        parser.add_argument("--file", help="territory JSON (default: Brussels)")
        parser.add_argument(
            "--boundaries",
            default=settings.TERRITORY_BOUNDARIES_FILE,
            help="GeoJSON of commune boundaries with a 'nis' property (default: TERRITORY_BOUNDARIES_FILE)",
        )

    def handle(self, *args, **options):
        count = services.load_territory(options["file"], options["boundaries"] or None)
        self.stdout.write(f"territory loaded; {count} communes with a boundary")
