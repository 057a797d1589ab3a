from django.core.management.base import BaseCommand

from agenda.services import refresh_recurring


class Command(BaseCommand):
    help = (
        "Expand recurring events into dated occurrences up to the horizon. `manage.py worker` runs "
        "it once a day (the agenda.refresh_occurrences periodic task); this runs it now."
    )

    def handle(self, *args, **options):
        count = refresh_recurring(progress=options["verbosity"] > 0)
        self.stdout.write(f"recurring events refreshed: {count}")
