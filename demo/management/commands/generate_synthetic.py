from django.core.management.base import BaseCommand

from demo.synthetic import generate


class Command(BaseCommand):
    help = "Create synthetic actors and events for scale tests (flagged as synthetic everywhere)."

    def add_arguments(self, parser):
        parser.add_argument("--actors", type=int, default=1000)
        parser.add_argument("--events", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        actors, events = generate(options["actors"], options["events"], seed=options["seed"])
        self.stdout.write(f"{actors} synthetic actors and {events} synthetic events created")
