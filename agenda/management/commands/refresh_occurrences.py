from django.core.management.base import BaseCommand
from tqdm import tqdm

from agenda.models import Event
from agenda.services import refresh_occurrences


class Command(BaseCommand):
    help = "Expand recurring events into dated occurrences up to the horizon (run daily)."

    def handle(self, *args, **options):
        events = Event.objects.exclude(rrule="")
        for event in tqdm(events.iterator(), total=events.count(), desc="recurring events"):
            refresh_occurrences(event)
