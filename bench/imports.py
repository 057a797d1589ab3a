"""The import budget: 10,000 rows with duplicate detection against the synthetic actors <= 35 s
and <= 220 MB peak RSS (the owners issue: through ``directory.bulk.save_actors``, no slower and no
bigger than the importer's own write path was on this machine; the first budget was 60 s, 500 MB).

``measure(backend, env)`` is called by ``python -m bench`` on each prepared database. A CSV of
10,000 realistic actors (semicolons, Windows-1252, as Belgian spreadsheets save them) is written:
about one row in ten is a duplicate of an existing synthetic actor (its name with a legal form such
as "ASBL"/"VZW", or its company number given to it for the bench), a few rows are wrong (postcode
outside the territory, swapped coordinates, bad company number, no name) and a few repeat an
earlier row. `manage.py import_data` runs in its own process; its peak resident memory comes from
wait4(). The database is left as it was found: what the import created is deleted and the fields
it filled on existing actors are emptied again.

Alone, on a database that `python -m bench` prepared (or any other):
    python -m bench.imports [--database-url sqlite:///var/bench/bench.sqlite3] [--rows 10000]
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import ROOT, WORK_DIR
from .report import Row, say, table
from .servers import environment, internal, setup_django

BUDGET_SECONDS = 35
BUDGET_MB = 220
ROWS = 10_000
DUPLICATE_SHARE = 10  # one row in ten is a duplicate
BAD_SHARE = 100  # one row in a hundred is wrong
SOURCE = "bench-imports"
# Fields an import may fill on existing actors: emptied again by the cleanup where they were empty.
FILLABLE = ("company_number", "email", "phone", "website", "acronym")

PREFIXES = ["Collectif", "Maison des jeunes", "Atelier", "Comité de quartier", "Buurtwerk", "Centre", "Réseau"]
TOPICS = ["solidaire", "des habitants", "vélo", "alphabétisation", "santé", "culture", "logement", "emploi"]
STREETS = ["Rue Haute", "Chaussée de Gand", "Avenue Louise", "Rue de Flandre", "Boulevard Anspach", "Rue Neuve"]
POSTCODES = ["1000", "1020", "1030", "1040", "1050", "1060", "1070", "1080", "1090", "1140", "1150", "1160", "1170"]
LEGAL_FORMS = ["ASBL", "asbl", "VZW", "a.s.b.l.", "vzw"]
HEADER = [
    "Nom",
    "Numéro BCE",
    "Rue",
    "Code postal",
    "Commune",
    "Latitude",
    "Longitude",
    "E-mail",
    "Téléphone",
    "Site web",
    "Description",
]


def company_number(n):
    """A valid Belgian company number (mod-97 check) from a counter."""
    base = 4_000_000 + n  # "04000000" + n: eight digits starting with 0, then the check
    return f"0{base:07d}{97 - base % 97:02d}"


# --- in the bench's environment (python -m bench.imports --internal setup|cleanup) -------------


def _state_file():
    return WORK_DIR / "imports-bench-state.json"


def _setup(rows, path):
    """Give company numbers to some synthetic actors and write the CSV; remember what to undo."""
    from django.db import transaction

    from directory.models import Actor

    _cleanup()
    rng = random.Random(4)
    synthetic = list(
        Actor.objects.filter(is_synthetic=True, company_number="", email="", phone="", website="")
        .order_by("pk")
        .values_list("pk", "name_fr")[:5000]
    )
    duplicates = rng.sample(synthetic, min(len(synthetic), rows // DUPLICATE_SHARE))
    by_number = duplicates[: len(duplicates) // 2]  # these get a company number, the others match by name
    with transaction.atomic():
        for i, (pk, _name) in enumerate(by_number):
            Actor.all_objects.filter(pk=pk).update(company_number=company_number(900_000 + i))
    state = {
        "max_actor": Actor.all_objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        "numbered": [pk for pk, _ in by_number],
        "duplicates": [pk for pk, _ in duplicates],
        "filled_before": {
            name: list(Actor.all_objects.exclude(**{name: ""}).values_list("pk", flat=True)) for name in FILLABLE
        },
        **_history_marks(),
    }
    _state_file().write_text(json.dumps(state))
    lines = [";".join(HEADER)]
    duplicate_at = set(rng.sample(range(rows), len(duplicates)))
    pending = list(enumerate(duplicates))
    for n in range(rows):
        postcode = rng.choice(POSTCODES)
        lat, lon = 50.82 + rng.random() * 0.06, 4.31 + rng.random() * 0.09
        street = f"{rng.choice(STREETS)} {rng.randint(1, 300)}"
        if n in duplicate_at and pending:
            i, (pk, name) = pending.pop()
            number = company_number(900_000 + i) if i < len(by_number) else ""
            name = f"{name} {rng.choice(LEGAL_FORMS)}" if not number else f"{name.upper()}"
            cells = [name, number, "", "", "", "", "", f"info@dup{n}.invalid", "", "", ""]
        else:
            name = f"{rng.choice(PREFIXES)} {rng.choice(TOPICS)} {n} {rng.choice(LEGAL_FORMS)}"
            cells = [
                name,
                company_number(n) if rng.random() < 0.5 else "",
                street,
                postcode,
                "",
                f"{lat:.6f}".replace(".", ","),
                f"{lon:.6f}".replace(".", ","),
                f"contact@asso{n}.invalid",  # .invalid: reserved, never delivered
                f"02 {rng.randint(200, 799)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                f"https://www.asso{n}.invalid/",
                f"Une initiative de quartier à {postcode} ; écoute, entraide et ateliers.",
            ]
            if n % BAD_SHARE == 7:
                cells[3] = "9999"  # outside the territory
            elif n % BAD_SHARE == 23:
                cells[5], cells[6] = cells[6], cells[5]  # swapped
            elif n % BAD_SHARE == 41:
                cells[1] = "0123.456.789"  # bad check digits
            elif n % BAD_SHARE == 59:
                cells[0] = ""  # no name
            elif n % BAD_SHARE == 77 and n > 100:
                cells = lines[-1].split(";")  # the previous row again
                lines.append(";".join(cells))
                continue
        lines.append(";".join(c.replace(";", ",") for c in cells))
    Path(path).write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252", errors="replace"))
    return {"actors": Actor.objects.count(), "rows": rows, "duplicates": len(duplicates)}


def _history_models():
    from directory.models import Actor, Place
    from maillage.models import ChangeSet

    return (
        ("actor_history", Actor.history.model),
        ("place_history", Place.history.model),
        ("actor_places_history", Actor.history.model.places.model),
        ("change_sets", ChangeSet),
    )


def _history_marks():
    marks = {}
    for label, model in _history_models():
        pk = model._meta.pk.name
        marks[label] = model.objects.order_by(f"-{pk}").values_list(pk, flat=True).first() or 0
    return marks


def _cleanup():
    from django.db import transaction

    from directory.models import Actor, Place
    from imports.models import ImportRun, Source
    from maillage import data_version
    from search.models import Document

    path = _state_file()
    if not path.exists():
        return {}
    state = json.loads(path.read_text())
    with transaction.atomic():
        for run in ImportRun.objects.filter(source__name=SOURCE):
            if run.payload:
                run.payload.delete(save=False)
        ImportRun.objects.filter(source__name=SOURCE).delete()
        Source.objects.filter(name=SOURCE).delete()
        new_actors = Actor.all_objects.filter(pk__gt=state["max_actor"])
        place_ids = list(Actor.places.through.objects.filter(actor__in=new_actors).values_list("place_id", flat=True))
        created = new_actors.count()
        Actor.places.through.objects.filter(actor__in=new_actors).delete()
        Document.objects.filter(kind="actor", object_id__gt=state["max_actor"]).delete()
        new_actors._raw_delete(new_actors.db)  # no signals: the search documents went just above
        for start in range(0, len(place_ids), 2000):
            Place.objects.filter(pk__in=place_ids[start : start + 2000])._raw_delete(Place.objects.db)
        # Fields the duplicates filled on existing actors, and the company numbers given for the bench.
        numbered = state["numbered"]
        for start in range(0, len(numbered), 500):
            Actor.all_objects.filter(pk__in=numbered[start : start + 500]).update(company_number="")
        for name, kept in state["filled_before"].items():
            Actor.all_objects.exclude(**{name: ""}).exclude(pk__in=kept).update(**{name: ""})
        for label, model in _history_models():  # the import's records, then its change set
            if label in state:
                pk = model._meta.pk.name
                model.objects.filter(**{f"{pk}__gt": state[label]}).delete()
        data_version.bump(data_version.ACTORS)
    path.unlink()
    return {"deleted": created}


def _internal(mode, rows, path):
    setup_django()
    result = _setup(rows, path) if mode == "setup" else _cleanup()
    print(json.dumps(result))


# --- from the bench -----------------------------------------------------------------------------


def _django(env, mode, rows=ROWS, path=""):
    return internal("bench.imports", env, mode, "--rows", rows, "--path", path)


def run_import(env, path):
    """(seconds, peak RSS in kB, the command's last line) of one `manage.py import_data`."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "manage.py", "import_data", str(path), "--source", SOURCE, "--format", "csv"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=err,
        )
        _, status, usage = os.wait4(process.pid, 0)  # this child's own peak, not the bench's others
        seconds = time.monotonic() - started
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        lines = out.read().decode().strip().splitlines()
        if code:
            raise RuntimeError(f"import_data failed:\n{err.read().decode()[-3000:]}")
    return seconds, usage.ru_maxrss, lines[-1] if lines else ""


def measure(backend, env, say=print, rows=ROWS):
    """The bench's rows (bench.report.Row) for this backend."""
    say(backend, f"import of {rows:,} CSV rows (one in {DUPLICATE_SHARE} a duplicate) with duplicate detection")
    with tempfile.TemporaryDirectory(prefix="maillage-bench-import-") as folder:
        path = Path(folder) / "bench-import.csv"
        try:
            info = _django(env, "setup", rows, path)
            seconds, peak_kb, summary = run_import(env, path)
        finally:
            _django(env, "cleanup")
    say(backend, f"  {summary}")
    figure = f"import of {rows:,} rows, {info['actors']:,} actors"
    return [
        Row(
            backend,
            f"{figure}: time",
            size=f"{seconds:.1f} s",
            count=summary.split(" — ", 1)[-1][:60],
            budget=f"<= {BUDGET_SECONDS} s",
            ok=seconds <= BUDGET_SECONDS,
        ),
        Row(
            backend,
            f"{figure}: peak RSS",
            size=f"{peak_kb / 1024:.0f} MB",
            count="import_data process",
            budget=f"<= {BUDGET_MB} MB",
            ok=peak_kb <= BUDGET_MB * 1024,
        ),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=f"sqlite:///{WORK_DIR / 'bench.sqlite3'}")
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--internal", choices=["setup", "cleanup"], help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.internal:
        return _internal(args.internal, args.rows, args.path)
    env = environment(args.database_url, ROOT / "staticfiles", 0)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    rows = measure("database", env, say, rows=args.rows)
    print()
    print(table(rows))
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
