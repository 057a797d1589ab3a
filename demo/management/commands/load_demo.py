from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from demo import services
from territory.models import Commune


class Command(BaseCommand):
    help = "Load the demo dataset written from the source documents (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", help="folder with taxonomy.json and demo.json")

    def handle(self, *args, **options):
        if not Commune.objects.exists():
            call_command("load_territory", boundaries=settings.TERRITORY_BOUNDARIES_FILE or None, stdout=self.stdout)
        try:
            counts = services.load_demo(options["data_dir"])
        except services.DemoDataError as exc:
            raise CommandError(f"demo data: {exc}") from exc
        self.stdout.write(", ".join(f"{n} {what}" for what, n in counts.items()) + " loaded")
