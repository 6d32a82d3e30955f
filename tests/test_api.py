"""The library API: paths or DataFrames in, result objects with Polars frames and a report out."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import polars as pl
import pytest

import crmclean
from crmclean.errors import RulesError, UsageError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "examples" / "customers.csv")


def test_validate_a_dataframe_finds_the_bad_email_on_row_1():
    result = crmclean.validate(pl.DataFrame({"email": ["a@b", "x@example.com"]}))
    assert result.findings.select("_row", "column", "severity").rows() == [(1, "email", "error")]
    assert result.exit_code == 1
    assert "a@b" not in result.report.render("markdown")  # masked by default


def test_dataframe_of_any_dtype_is_checked_as_strings_and_keeps_its_values():
    frame = pl.DataFrame({"customer_id": [7, 8], "email": ["x@example.com", "y@example.com"]})
    result = crmclean.clean(frame)
    assert result.cleaned.get_column("customer_id").to_list() == ["7", "8"]
    assert result.cleaned.get_column("_row").to_list() == [1, 2]


def test_dataframe_with_its_own_row_numbers_keeps_them():
    frame = pl.DataFrame({"_row": [10, 20], "email": ["bad", "x@example.com"]})
    assert crmclean.validate(frame).findings.get_column("_row").to_list() == [10]
    with pytest.raises(UsageError, match="unique whole numbers"):
        crmclean.validate(pl.DataFrame({"_row": [1, 1], "email": ["a", "b"]}))


def test_rules_by_bundled_name_path_and_mapping():
    by_name = crmclean.validate(EXAMPLE, rules="b2b")
    by_path = crmclean.validate(EXAMPLE, rules=ROOT / "rules" / "b2b.yaml")
    assert by_name.findings.equals(by_path.findings)
    assert "b2b_tax_id" in by_name.findings.get_column("rule").to_list()
    mapping = crmclean.validate(EXAMPLE, rules={"extends": "default", "settings": {"default_region": "RU"}})
    assert mapping.loaded.rules.settings.default_region == "RU"
    with pytest.raises(RulesError, match="bundled sets: b2b, default"):
        crmclean.load_rules("nope")  # neither a file nor a bundled name
    with pytest.raises(RulesError, match="invalid rules"):
        crmclean.load_rules({"validate": [{"check": "no_such_check"}]})


def test_clean_keeps_every_row_and_the_report_counts_them():
    result = crmclean.clean(EXAMPLE)
    rows = sorted(result.cleaned.get_column("_row").to_list() + result.rejected.get_column("_row").to_list())
    assert rows == list(range(1, 25))
    assert (result.report.rows_cleaned, result.report.rows_rejected) == (18, 6)
    assert result.report.verdict == "warn"  # rows with errors are quarantined in `rejected`


def test_run_gives_every_output_and_a_gate_from_options():
    strict = crmclean.ReportOptions(gate_fail=["*=0"])
    result = crmclean.run(EXAMPLE, report=strict)
    assert set(result.outputs()) == {
        "cleaned",
        "rejects",
        "changes",
        "findings",
        "clusters",
        "golden",
        "lineage",
    }
    assert result.golden.height == result.clusters.get_column("cluster_id").n_unique()
    assert result.exit_code == 1 and result.report.duplicates is not None


def test_dedupe_link_and_explain():
    found = crmclean.dedupe(EXAMPLE)
    assert found.clusters.height == 24 and found.golden.height < 24
    assert found.duplicates.records == 24
    first = found.pairs.row(0, named=True)
    explained = crmclean.explain(EXAMPLE, str(first["row_a"]), str(first["row_b"]))
    assert explained.explanation.total == pytest.approx(first["total"], abs=0.01)
    frame = pl.read_csv(EXAMPLE, infer_schema=False)
    linked = crmclean.link(frame.slice(12), frame.slice(0, 12))
    assert linked.annotated.height == 12 and set(linked.summary["link"]) == {"existing", "review", "new"}


def test_api_names_are_functions_even_after_every_submodule_is_imported():
    for info in pkgutil.walk_packages(crmclean.__path__, "crmclean."):
        if not info.name.endswith("__main__"):  # that one runs the CLI
            importlib.import_module(info.name)
    assert callable(crmclean.validate) and callable(crmclean.dedupe) and callable(crmclean.profile)


def _python_examples(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize(
    "code",
    [
        pytest.param(code, id=f"{path.name}-{i}")
        for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
        for i, code in enumerate(_python_examples(path))
    ],
)
def test_every_python_example_in_the_docs_runs(code, monkeypatch):
    monkeypatch.chdir(ROOT)
    try:
        exec(compile(code, "<example>", "exec"), {})
    except SystemExit as stop:  # examples may end with the exit code a script would return
        assert stop.code in (0, 1)


def test_extends_names_exactly_the_bundled_rule_sets():
    from typing import get_args

    from crmclean.rules.load import bundled_names
    from crmclean.rules.model import Rules

    assert sorted(get_args(Rules.model_fields["extends"].annotation)) == sorted([*bundled_names(), "none"])
