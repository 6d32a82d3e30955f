"""Baselines: saved rates, compared on the next run; regressions fail with a readable message."""

from __future__ import annotations

import json

import pytest

from crmclean.errors import UsageError
from crmclean.io.read import read_table
from crmclean.pipeline import check_table
from crmclean.report.baseline import SCHEMA, Baseline, from_report, load_baseline, save_baseline
from crmclean.report.model import build_report
from crmclean.rules.gate import Gate

LENIENT = Gate.model_validate({"checks": [{"rule": "*", "fail": "50%"}]})


def test_round_trip_holds_rates_not_values(validated, loaded, tmp_path):
    report = build_report(validated, rules=loaded.rules)
    path = tmp_path / "b.json"
    save_baseline(report, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema"] == SCHEMA and data["rows"] == 24
    assert "ta***@" not in path.read_text(encoding="utf-8") and "taras@" not in path.read_text(
        encoding="utf-8"
    )
    back = load_baseline(path)
    assert back.checks == from_report(report).checks and back.fill == from_report(report).fill
    assert back.checks[("email", "email")] == pytest.approx(2 / 24)
    assert back.origin == str(path)


def test_same_data_passes_and_regression_fails(loaded, validated, tmp_path, example):
    head = tmp_path / "head.csv"  # the first 8 rows: no invalid email yet
    head.write_text(
        "".join(example.read_text(encoding="utf-8").splitlines(keepends=True)[:9]), encoding="utf-8"
    )
    before = build_report(check_table(read_table(head), loaded), rules=loaded.rules, gate=LENIENT)
    baseline = from_report(before)
    assert baseline.checks[("email", "email")] == 0.0
    same = build_report(
        check_table(read_table(head), loaded), rules=loaded.rules, gate=LENIENT, baseline=baseline
    )
    assert same.verdict == "pass" and not [i for i in same.gate.items if i.kind == "baseline"]
    after = build_report(validated, rules=loaded.rules, gate=LENIENT, baseline=baseline)
    regressions = {i.rule: i for i in after.gate.items if i.kind == "baseline"}
    assert after.verdict == "fail" and after.exit_code() == 1
    assert "email findings on email rose from 0 % to 8.3 % of rows" in regressions["email"].message
    assert after.gate.status_of("email", "email") == "fail"
    assert "freshness" not in regressions  # 3 of 8 rows, then 9 of 24: the same rate


def test_tolerance(validated, loaded):
    report = build_report(validated, rules=loaded.rules)
    rates = from_report(report)
    slightly_better = Baseline(rows=24, checks={k: max(0.0, v - 0.004) for k, v in rates.checks.items()})
    within = build_report(validated, rules=loaded.rules, gate=LENIENT, baseline=slightly_better)
    assert within.verdict == "pass"  # 0.4 points < 0.5 points
    strict = Gate.model_validate({"checks": [{"rule": "*", "fail": "50%"}], "baseline_tolerance": "0.1%"})
    beyond = build_report(validated, rules=loaded.rules, gate=strict, baseline=slightly_better)
    assert beyond.verdict == "fail"


def test_fill_rate_and_duplicate_regressions(validated, loaded, duplicates):
    old = Baseline(rows=24, fill={"company": 0.9}, duplicate_share=0.05)
    report = build_report(validated, rules=loaded.rules, gate=LENIENT, baseline=old, duplicates=duplicates)
    messages = [i.message for i in report.gate.items if i.kind == "baseline"]
    assert any(m.startswith("fill rate of company fell from 90.0 % to 37.5 %") for m in messages)
    assert any(m.startswith("duplicate share rose from 5.0 % to 20.8 %") for m in messages)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such baseline file"),
        ("{not json", "not JSON"),
        ('{"schema": "crmclean.report/1"}', "not a crmclean baseline"),
        ('{"schema": "crmclean.baseline/1", "rows": 3}', "damaged"),
    ],
)
def test_bad_baseline_files(tmp_path, content, message):
    path = tmp_path / "b.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        load_baseline(path)
