from django.core.management.base import BaseCommand
from django.db import connection

from search import evaluation


class Command(BaseCommand):
    help = "Measure the search on the relevance set: recall@10 and MRR per language, on the current database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--set", default=str(evaluation.SET_FILE), help="relevance set (JSON; default: %(default)s)"
        )
        parser.add_argument(
            "--kinds", action="store_true", help="also the figures per kind of query (typo, synonym...)"
        )
        parser.add_argument("--failures", action="store_true", help="also list the queries that fail and their answers")

    def handle(self, *args, **options):
        queries = evaluation.load(options["set"])
        for problem in evaluation.check(queries):
            self.stderr.write(f"relevance set: {problem}")
        report = evaluation.evaluate(queries)
        self.stdout.write(f"relevance set: {options['set']} ({len(queries)} queries)")
        for line in evaluation.table(report, connection.vendor):
            self.stdout.write(line)
        if options["kinds"]:
            self.stdout.write("")
            for line in evaluation.kind_lines(report):
                self.stdout.write(line)
        if options["failures"]:
            self.stdout.write(f"\n{len(report.failures)} queries below recall 1:")
            for line in evaluation.failure_lines(report):
                self.stdout.write(line)
