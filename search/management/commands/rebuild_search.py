"""`manage.py rebuild_search [--kind actor|event|project]`: write every search document again.

Each owner rebuilds the documents of its kind (``directory``, ``agenda``, ``projects``:
``services.reindex_search``), by chunks; run after an upgrade that changes what documents hold, or
to start the vocabulary of words afresh.
"""

import time

from django.core.management.base import BaseCommand

from agenda import services as agenda_services
from directory import services as directory_services
from projects import services as project_services
from search.models import Document

REBUILDS = {
    Document.Kind.ACTOR: directory_services.reindex_search,
    Document.Kind.EVENT: agenda_services.reindex_search,
    Document.Kind.PROJECT: project_services.reindex_search,
}


class Command(BaseCommand):
    help = "Write the search documents of every actor, event and project (or of one kind) again."

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=Document.Kind.values, help="only this kind (default: all)")

    def handle(self, *args, **options):
        kinds = [options["kind"]] if options["kind"] else list(REBUILDS)
        progress = options["verbosity"] > 0
        started, written = time.monotonic(), []
        for kind in kinds:
            start = time.monotonic()
            count = REBUILDS[kind](progress=progress)
            written.append(f"{count} {kind} documents")
            self.stdout.write(f"{kind}: {count} documents in {time.monotonic() - start:.1f} s")
        self.stdout.write(f"search rebuilt: {', '.join(written)} in {time.monotonic() - started:.1f} s")
