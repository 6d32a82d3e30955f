"""`validate` and `clean` with formats, --report, the gate flags and baselines: exit codes as CI sees them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from crmclean.cli import main
from crmclean.io.read import read_table


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")


def run_json(capsys, *args: str) -> tuple[int, dict]:
    code = main(["validate", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text("email,phone\nivan@mail.ru,+7 912 345-67-89\n", encoding="utf-8")
    return path


def test_pass_warn_fail_and_no_fail(capsys, example, good_file):
    assert run_json(capsys, str(good_file))[1]["gate"]["verdict"] == "pass"
    assert main(["validate", str(good_file), "-q"]) == 0
    code, data = run_json(capsys, str(example))
    assert code == 1 and data["gate"]["verdict"] == "fail"  # no gate: any error fails
    code, data = run_json(capsys, str(example), "--gate-fail", "*=50%", "--gate-warn", "*=5%")
    assert code == 0 and data["gate"]["verdict"] == "warn"  # warnings are allowed
    code, data = run_json(capsys, str(example), "--gate-fail", "*=50%", "--gate-fail", "email=5%")
    assert code == 1 and [i["rule"] for i in data["gate"]["items"] if i["status"] == "fail"] == ["email"]
    code, data = run_json(capsys, str(example), "--no-fail")
    assert code == 0 and data["gate"]["verdict"] == "fail"


def test_gate_from_rules_file(capsys, example, tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "extends: default\ngate:\n  default: null\n  min_fill_rate:\n    - {role: company, fail: 50%}\n",
        encoding="utf-8",
    )
    code, data = run_json(capsys, str(example), "--rules", str(rules))
    assert code == 1 and [i["kind"] for i in data["gate"]["items"] if i["status"] == "fail"] == ["fill"]
    assert (
        main(["validate", str(example), "--rules", str(rules), "--gate-fail", "fill:company=30%", "-q"]) == 0
    )


def test_baseline_regression(capsys, example, tmp_path):
    head = tmp_path / "head.csv"
    head.write_text(
        "".join(example.read_text(encoding="utf-8").splitlines(keepends=True)[:9]), encoding="utf-8"
    )
    baseline = tmp_path / "baseline.json"
    lenient = ["--gate-fail", "*=50%"]
    assert main(["validate", str(head), *lenient, "--save-baseline", str(baseline), "-q"]) == 0
    assert main(["validate", str(head), *lenient, "--baseline", str(baseline), "-q"]) == 0
    code = main(["validate", str(example), *lenient, "--baseline", str(baseline)])
    out = capsys.readouterr().out
    assert code == 1
    assert "email findings on email rose from 0 % to 8.3 %" in " ".join(out.split())
    assert main(["validate", str(example), *lenient, "--baseline", str(baseline), "--no-fail", "-q"]) == 0
    wide = ["--baseline-tolerance", "10%"]
    assert main(["validate", str(example), *lenient, "--baseline", str(baseline), *wide, "-q"]) == 0


def test_report_file_and_terminal(capsys, example, tmp_path):
    target = tmp_path / "junit.xml"
    assert main(["validate", str(example), "--report", str(target)]) == 1
    out = capsys.readouterr().out
    assert "Findings by rule" in out and "ta***@" in out  # the human report on the terminal
    assert ET.parse(target).getroot().tag == "testsuites"  # the format from the extension
    md = tmp_path / "summary.txt"
    assert main(["validate", str(example), "--report", str(md), "--format", "markdown", "--quiet"]) == 1
    assert capsys.readouterr().out == ""
    assert md.read_text(encoding="utf-8").startswith("## ❌ crmclean:")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--gate-fail", "email"], "expected SELECTOR=LIMIT"),
        (["--gate-warn", "email=0.05"], "is not a limit"),
        (["--report", "r.pdf"], "cannot tell the report format"),
        (["--report", "-"], "needs a file name"),
        (["--baseline", "missing.json"], "no such baseline file"),
        (["--format", "yaml"], "yaml"),
    ],
)
def test_usage_errors_exit_2(capsys, example, args, message):
    assert main(["validate", str(example), *args]) == 2
    assert message in capsys.readouterr().err


def test_report_never_overwrites_the_input(capsys, tmp_path, good_file):
    assert main(["validate", str(good_file), "--report", str(good_file), "--format", "json"]) == 2
    assert good_file.read_text(encoding="utf-8").startswith("email,phone")


def test_clean_reports_on_stderr_and_gates(capsys, example, tmp_path):
    out, rej, report = tmp_path / "c.csv", tmp_path / "r.csv", tmp_path / "report.json"
    assert main(["clean", str(example), "-o", str(out), "--rejects", str(rej), "--report", str(report)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "18 cleaned · 6 rejected" in captured.err
    data = json.loads(report.read_text(encoding="utf-8"))
    assert (data["rows_cleaned"], data["rows_rejected"]) == (18, 6)
    assert data["gate"]["verdict"] == "warn"  # errors quarantined in --rejects: warn, not fail
    # without --rejects, rejects go beside the output (nothing is lost), so errors still only warn
    assert main(["clean", str(example), "-o", str(out), "-q"]) == 0
    assert read_table(str(out.with_name(f"{out.stem}.rejects.csv"))).frame.height == 6
    gate = ["--gate-fail", "email=5%"]
    assert main(["clean", str(example), "-o", str(out), "--rejects", str(rej), *gate, "-q"]) == 1
    assert main(["clean", str(example), "-o", "-", "--rejects", str(rej), "-q"]) == 0
    assert capsys.readouterr().out.startswith("_row,customer_id")  # stdout stays the data
    assert main(["clean", str(example), "-o", str(out), "--format", "json"]) == 2  # --format needs --report
