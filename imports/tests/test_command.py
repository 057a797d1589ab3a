import json

import pytest
from django.core.management import call_command
from django.utils.translation import gettext

from directory.models import Actor
from imports.models import ImportRun, Source

CSV = (
    "Nom;Numéro BCE;Code postal\n"
    "Les Amis du Parc asbl;0203.071.973;1050\n"
    ";;1000\n"
    "Repair Café Molenbeek;;1080\n"
    "Doublon des Amis;BE0203071973;1050\n"
).encode("cp1252")


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("import_data", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "federation.csv"
    path.write_bytes(CSV)
    return path


def test_import_prints_mapping_rows_and_counts(territory, csv_file):
    code, out, err = run(str(csv_file), "--source", "Fédération")
    assert code == 0, err
    assert "name" in out and "<- Nom" in out  # the mapping guessed
    assert "row 3" in out and "error" in out
    assert "row 5" in out and "skipped" in out
    assert gettext("Same record as row %(row)s.") % {"row": 2} in out
    assert f"{gettext('Created')}: 2" in out
    assert Actor.objects.count() == 2
    source = Source.objects.get(name="Fédération")
    assert source.mapping["name"] == "Nom"  # saved on the source
    code, out, err = run(str(csv_file), "--source", "Fédération")
    assert f"{gettext('Unchanged')}: 2" in out and Actor.objects.count() == 2


def test_dry_run_writes_nothing(territory, csv_file):
    code, out, err = run(str(csv_file), "--dry-run")
    assert code == 0
    assert f"{gettext('Created')}: 2" in out
    assert Actor.objects.count() == 0
    assert not Source.objects.exists()


def test_given_mapping_and_strict_failure(territory, csv_file, tmp_path):
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"name": "Nom", "postcode": "Code postal"}))
    code, out, err = run(str(csv_file), "--mapping", str(mapping), "--strict", "--format", "csv")
    assert code == 1
    assert "strict" in err
    assert Actor.objects.count() == 0
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


def test_missing_file_and_bad_url(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("import_data", "/nonexistent/file.csv")
    with pytest.raises(CommandError):
        call_command("import_data", "ftp://example.org/x.csv")
