"""Precision and recall of the duplicate detection on the labelled 2022 subsidies sample."""

from django.core.management.base import BaseCommand, CommandError

from directory import duplicates
from merges import evaluation


class Command(BaseCommand):
    help = "Measure the duplicate detection's precision and recall on a hand-labelled sample."

    def add_arguments(self, parser):
        parser.add_argument("--labels", help="Labels file (default: merges/data/subsidies-2022-labels.json).")
        parser.add_argument("--data", help=f"Subsidies file (default: SHARED_DIR/data/{evaluation.DATA_NAME}).")
        parser.add_argument("--threshold", type=float, default=duplicates.PROBABLE)
        parser.add_argument(
            "--without",
            action="append",
            default=[],
            choices=["company_number", "name", "lat", "lon", "postcode"],
            help="Leave a field out of every row (repeatable), e.g. --without company_number.",
        )

    def handle(self, *args, **options):
        try:
            figures = evaluation.run(options["labels"], options["data"], options["threshold"], drop=options["without"])
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(str(error)) from error
        out = self.stdout
        out.write(
            f"Labelled rows: {figures['labelled']} ({figures['positives']} with a counterpart), "
            f"threshold {options['threshold']}"
        )
        out.write(f"Precision: {figures['precision']:.3f}  Recall: {figures['recall']:.3f}")
        out.write(
            "True positives: {true_positives}  False positives: {false_positives}  "
            "False negatives: {false_negatives}  True negatives: {true_negatives}".format(**figures)
        )
        for error in figures["errors"]:
            if error["predicted"]:
                kind = "false positive" if error["expected"] is None else "wrong actor"
                out.write(
                    f"  {kind}: {error['name'][:80]} ({error['company_number']}) -> {error['predicted']} "
                    f"(score {error['score']}, {', '.join(error['reasons'])})"
                    + (f"; expected {error['expected']}" if error["expected"] else "")
                )
            else:
                out.write(
                    f"  false negative: {error['name'][:80]} ({error['company_number']}) -> expected {error['expected']}"
                )
