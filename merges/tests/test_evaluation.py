import json
from io import StringIO

import pytest
from django.core.management import call_command

from merges import evaluation


@pytest.fixture
def demo_data(territory):
    from demo.services import load_demo

    load_demo()


def test_labels_file_names_rows_by_company_number_only():
    data = json.loads(evaluation.LABELS_FILE.read_text(encoding="utf-8"))
    rows = data["rows"]
    assert len(rows) >= 200
    assert {tuple(sorted(r)) for r in rows} <= {("company_number", "expected", "name", "note")}
    positives = [r for r in rows if r["expected"]]
    assert positives and all(r["note"] for r in positives)
    assert len({r["company_number"] for r in rows}) == len(rows)


@pytest.mark.django_db
def test_precision_and_recall_on_the_subsidies_sample(demo_data):
    if not evaluation.default_data_file().exists():
        pytest.skip("the shared subsidies file is absent")
    out = StringIO()
    call_command("evaluate_duplicates", stdout=out)
    text = out.getvalue()
    figures = evaluation.run()
    print(text)
    assert figures["labelled"] >= 200
    assert figures["positives"] >= 10
    assert figures["precision"] >= 0.8, text
    assert figures["recall"] >= 0.8, text
    assert "Precision:" in text and "Recall:" in text


@pytest.mark.django_db
def test_evaluation_without_company_numbers_reports_names_of_misses(demo_data):
    if not evaluation.default_data_file().exists():
        pytest.skip("the shared subsidies file is absent")
    out = StringIO()
    call_command("evaluate_duplicates", "--without", "company_number", stdout=out)
    figures = evaluation.run(drop=("company_number",))
    print(out.getvalue())
    for error in figures["errors"]:
        assert error["name"] in out.getvalue() or error["name"][:80] in out.getvalue()
