from django.conf import settings
from django.core.management.base import BaseCommand
from tqdm import tqdm

from freshness import services


class Command(BaseCommand):
    help = (
        "Check a bounded batch of actors' websites (never checked first, then the least recently "
        "checked): HEAD, then GET when HEAD is refused. A website failing twice in a row puts its "
        "actor in the moderators' list. The worker runs it hourly."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=settings.LINK_CHECK_BATCH, help="websites per run")
        parser.add_argument("--timeout", type=float, default=settings.LINK_CHECK_TIMEOUT, help="seconds per request")
        parser.add_argument("--workers", type=int, default=8, help="requests at the same time")

    def handle(self, *args, batch, timeout, workers, verbosity=1, **options):
        bar = None

        def progress(done, total):
            nonlocal bar
            if bar is None:
                bar = tqdm(total=total, unit="site", desc="link check", disable=verbosity < 1, file=self.stderr)
            bar.update(done - bar.n)

        try:
            run = services.check_links(batch=batch, timeout=timeout, workers=workers, progress=progress)
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(f"{run.checked} websites checked: {run.ok} fine, {run.failing} failing ({run.dead} dead)")
