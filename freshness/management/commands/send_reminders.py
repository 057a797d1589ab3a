import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from freshness import services


class Command(BaseCommand):
    help = (
        "Email the editors of every actor not verified for FRESHNESS_MONTHS months (the actor's "
        "public email when it has no editor), once per verification period. The worker runs it "
        "daily; running it again sends nothing new."
    )

    def handle(self, *args, verbosity=1, **options):
        started = time.monotonic()
        bar = None

        def progress(done, total):
            nonlocal bar
            if bar is None:
                bar = tqdm(total=total, unit="actor", desc="reminders", disable=verbosity < 1, file=self.stderr)
            bar.update(done - bar.n)

        try:
            run = services.send_reminders(progress=progress)
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(
            f"{run.due} actors due, {run.reminded} reminders recorded, {run.emails} emails sent, "
            f"{run.without_recipient} without recipient, {run.refused} refused addresses "
            f"in {time.monotonic() - started:.1f} s"
        )
