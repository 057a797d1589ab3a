"""Precision and recall of the duplicate detection on a hand-labelled sample.

The sample (``merges/data/subsidies-2022-labels.json``) names rows of the City's 2022 list of
subsidised associations by company number, each with the demo actor it is (a slug) or null. The
rows' other fields (address, position) are read from the subsidies file itself, so the sample
holds no copy of it.
"""

import json
from pathlib import Path

from django.conf import settings

from directory import duplicates
from directory.models import Actor
from directory.validators import normalise_company_number

LABELS_FILE = Path(__file__).resolve().parent / "data" / "subsidies-2022-labels.json"
DATA_NAME = "brussels-subsidised-associations-2022.json"

COLUMN_NUMBER = "Le numéro de BCE du bénéficiaire de la subvention"
COLUMN_NAME = "Nom du bénéficiaire de la subvention"
COLUMN_POSTCODE = "Code postal"
COLUMN_LAT = "Latitude"
COLUMN_LON = "Longitude"


def default_data_file():
    return Path(settings.SHARED_DIR) / "data" / DATA_NAME


def _float(text):
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if value else None


def row_fields(row):
    """A subsidies row as ``find_duplicates`` fields."""
    fields = {"name": row.get(COLUMN_NAME, ""), "company_number": row.get(COLUMN_NUMBER, "")}
    lat, lon = _float(row.get(COLUMN_LAT)), _float(row.get(COLUMN_LON))
    if lat is not None and lon is not None:
        fields["lat"], fields["lon"] = lat, lon
    postcode = str(row.get(COLUMN_POSTCODE) or "").strip()
    if postcode and postcode != "0":
        fields["postcode"] = postcode
    return fields


def labelled_pairs(labels, rows):
    """[(fields, expected actor id or None, label row)] for every labelled row found in ``rows``.

    Raises ValueError when a label names a row or an actor that does not exist.
    """
    by_number = {normalise_company_number(r.get(COLUMN_NUMBER)) or r.get(COLUMN_NUMBER): r for r in rows}
    slugs = {label["expected"] for label in labels if label.get("expected")}
    ids = dict(Actor.objects.filter(slug__in=slugs).values_list("slug", "id"))
    missing = slugs - set(ids)
    if missing:
        raise ValueError("Actors not found: " + ", ".join(sorted(missing)))
    pairs = []
    for label in labels:
        number = normalise_company_number(label["company_number"]) or label["company_number"]
        row = by_number.get(number)
        if row is None:
            raise ValueError(f"Row not found in the data: {label['company_number']}")
        pairs.append((row_fields(row), ids.get(label.get("expected")), label))
    return pairs


def run(labels_file=None, data_file=None, threshold=duplicates.PROBABLE, drop=()):
    """Evaluate; returns (figures dict of ``duplicates.evaluate``, errors list).

    ``drop``: fields left out of every row (e.g. ``("company_number",)`` to measure the names and
    positions alone). ``figures["errors"]``: the rows predicted wrong, with names and slugs."""
    labels = json.loads(Path(labels_file or LABELS_FILE).read_text(encoding="utf-8"))["rows"]
    rows = json.loads(Path(data_file or default_data_file()).read_text(encoding="utf-8"))
    pairs = labelled_pairs(labels, rows)
    for fields, _expected, _label in pairs:
        for name in drop:
            fields.pop(name, None)
    figures = duplicates.evaluate([(fields, expected) for fields, expected, _label in pairs], threshold=threshold)
    slugs = dict(Actor.objects.values_list("id", "slug"))
    errors = []
    index = duplicates.get_index()
    for fields, expected, label in pairs:
        found = [c for c in duplicates.find_duplicates(fields, limit=1, index=index) if c.score >= threshold]
        predicted = found[0] if found else None
        if (predicted.actor_id if predicted else None) != expected:
            errors.append(
                {
                    "name": label["name"],
                    "company_number": label["company_number"],
                    "expected": slugs.get(expected),
                    "predicted": predicted.slug if predicted else None,
                    "score": predicted.score if predicted else None,
                    "reasons": list(predicted.reasons) if predicted else [],
                }
            )
    figures["errors"] = errors
    figures["labelled"] = len(pairs)
    figures["positives"] = sum(1 for _f, expected, _l in pairs if expected is not None)
    return figures
