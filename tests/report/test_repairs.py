"""Repairs are findings: what fill and normalize change shows in `validate` as severity `fixed`,
counted per column and rule in every format and selectable in the gate, never an error."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import polars as pl
import pytest

from crmclean.cli import main
from crmclean.io.read import read_table
from crmclean.pipeline import check_table, clean
from crmclean.report.baseline import from_report
from crmclean.report.formats import render
from crmclean.report.model import build_report
from crmclean.rules.gate import with_flags
from crmclean.rules.load import load_rules

EXPORT = """\
name,email,phone,country,birth_date
Maria Silva,maria.silva @gmail.com,+7 912 345-67-89,RU,1985-03-15
Ivan Petrov,Ivan.Petrov@Mail.RU,+79123456780,RU,1990-01-02
Anna Kuznetsova,  anna.k@yandex.ru ,+79123456781,RU,1979-12-31
Oleg Smirnov,<oleg@mail.ru>,+79123456782,RU,1980-05-05
Olga Ivanova,olga@mail.ru,+79123456783,RU,1970-07-07
Petr Sidorov,petr@mail.ru,+79123456784,RU,1960-06-06
"""


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(EXPORT, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def loaded():
    return load_rules(None)


def test_a_repaired_email_is_a_fixed_finding(export, loaded, tmp_path):
    findings = check_table(read_table(export), loaded).findings
    fixed = findings.filter(pl.col("severity") == "fixed")
    email = fixed.filter(pl.col("column") == "email").sort("_row")
    assert email.select("_row", "rule", "value", "message").rows() == [
        (1, "normalize:email", "maria.silva @gmail.com", "email repaired: spaces around @ removed"),
        (4, "normalize:email", "<oleg@mail.ru>", "email repaired: <> removed"),
    ]
    # cosmetic: letter case (row 2) and surrounding spaces (row 3) make no finding
    assert fixed.filter(pl.col("column") == "email", pl.col("_row").is_in([2, 3])).height == 0
    phone = fixed.filter(pl.col("column") == "phone")
    assert phone.get_column("_row").to_list() == [1]  # only the one not already in E.164
    assert phone.get_column("message").to_list() == ["phone rewritten in E.164 (international form)"]
    # and `validate --findings` writes them
    out = tmp_path / "findings.csv"
    assert main(["validate", str(export), "--findings", str(out), "-q"]) == 0
    written = pl.read_csv(out)
    assert written.filter(pl.col("severity") == "fixed").height == fixed.height > 0


def test_repairs_are_never_errors_and_reject_nothing(export, loaded):
    cleaned = clean(read_table(export), loaded)
    assert cleaned.rejected.height == 0 and cleaned.cleaned.height == 6
    report = build_report(cleaned, rules=loaded.rules)
    assert report.counts["errors"] == 0 and report.counts["fixed"] == 3
    assert report.verdict == "pass"  # the default gate does not judge repairs
    email = next(c for c in report.columns if c.column == "email")
    assert (email.fixed, email.fixed_rows, email.valid_rate) == (2, 2, 1.0)
    check = next(c for c in report.checks if c.rule == "normalize:email")
    assert (check.severity, check.rows) == ("fixed", 2)
    assert [g.examples for g in check.groups] == [["<o***@mail.ru>"], ["ma***@gmail.com"]]
    # quality: a repaired cell is ready after, not before; a cosmetic change is ready both times
    assert report.quality.ready_after - report.quality.ready_before == 3


def test_every_format_counts_repairs(export, loaded):
    report = build_report(check_table(read_table(export), loaded), rules=loaded.rules)
    human = render(report, "human", width=200)
    assert "3 repairs (fixed)" in human and "normalize:email · email" in human
    doc = json.loads(render(report, "json"))
    assert doc["fixed"] == 3
    assert {c["rule"]: c["severity"] for c in doc["checks"] if c["column"] == "email"}[
        "normalize:email"
    ] == "fixed"
    assert next(c for c in doc["columns"] if c["column"] == "email")["fixed"] == 2
    root = ET.fromstring(render(report, "junit"))
    cases = {(c.get("classname"), c.get("name")) for c in root.iter("testcase")}
    assert ("crmclean.normalize:email", "email") in cases and (
        "crmclean.normalize:date",
        "birth_date",
    ) in cases
    assert any(p.get("name") == "fixed" and p.get("value") == "3" for p in root.iter("property"))
    markdown = render(report, "markdown")
    assert "repairs (fixed) | 3" in markdown and "| normalize:email | email | fixed | 1 |" in markdown
    assert "3 repairs" in render(report, "github")
    assert '<span class="status fixed">fixed</span>' in render(report, "html")


def test_the_gate_judges_repairs_only_when_asked(export, loaded):
    validated = check_table(read_table(export), loaded)
    # 2 of 6 rows had their email repaired (33 %)
    failing = with_flags(None, fail=["fixed:email=5%"])
    report = build_report(validated, rules=loaded.rules, gate=failing)
    assert report.verdict == "fail"
    (item,) = report.gate.failures
    assert (item.rule, item.column, item.rows) == ("normalize:email", "email", 2)
    assert item.message == "2 rows (33.3 %) repaired; fail above 5%"
    assert build_report(
        validated, rules=loaded.rules, gate=with_flags(None, fail=["fixed:email=40%"])
    ).verdict == ("pass")
    # by column name too, and by the rule's exact name
    assert build_report(validated, gate=with_flags(None, fail=["fixed:phone=0"])).verdict == "fail"
    assert build_report(validated, gate=with_flags(None, fail=["normalize:email=1"])).verdict == "fail"
    assert build_report(validated, gate=with_flags(None, fail=["normalize:email:email=2"])).verdict == "pass"
    # a wildcard and the default are about errors and warnings: repairs do not trip them
    assert build_report(validated, rules=loaded.rules, gate=with_flags(None, fail=["*=0"])).verdict == "pass"


def test_a_repair_entry_in_the_rules_file(export, tmp_path):
    rules = tmp_path / "r.yaml"
    rules.write_text(
        "extends: default\ngate:\n  checks:\n    - {severity: fixed, role: email, warn: 10%, fail: 50%}\n",
        encoding="utf-8",
    )
    loaded = load_rules(rules)
    report = build_report(check_table(read_table(export), loaded), rules=loaded.rules, gate=loaded.rules.gate)
    assert report.verdict == "warn"
    assert [(i.rule, i.status) for i in report.gate.warnings] == [("normalize:email", "warn")]


def test_more_repairs_is_not_a_baseline_regression(export, loaded):
    validated = check_table(read_table(export), loaded)
    report = build_report(validated, rules=loaded.rules)
    baseline = from_report(report)
    baseline.checks = {k: 0.0 for k in baseline.checks}  # a baseline with no repairs at all
    again = build_report(validated, rules=loaded.rules, baseline=baseline)
    assert not [
        i for i in again.gate.items if i.kind == "baseline" and i.rule and i.rule.startswith("normalize:")
    ]


def test_examples_belong_to_their_message(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("birth_date\n2999-03-01\n13/13/1985\n1980-01-01\n", encoding="utf-8")
    loaded = load_rules(None)
    report = build_report(check_table(read_table(data), loaded), rules=loaded.rules)
    check = next(c for c in report.checks if c.rule == "birth_date")
    assert [(g.message[:13], g.examples) for g in check.groups] == [
        ("in the future", ["****-**-01"]),
        ("not a date (e", ["**/**/**85"]),
    ]
    assert check.examples == ["****-**-01"]
    github = render(report, "github")
    line = next(x for x in github.splitlines() if "birth_date" in x and x.startswith("::error"))
    assert "in the future (e.g. ****-**-01); not a date" in line
    assert "in the future (e.g. ****-**-01, **/**/**85)" not in line


def test_a_repair_selector_that_matches_nothing_is_reported(export, loaded):
    validated = check_table(read_table(export), loaded)
    report = build_report(validated, rules=loaded.rules, gate=with_flags(None, fail=["fixed:Emial=5%"]))
    assert [i.message for i in report.gate.warnings] == [
        "no check of this run matches the gate entry `column Emial, severity fixed` (a typo?)"
    ]
    # a repair entry for a column that had nothing to repair is judged, and passes
    report = build_report(validated, rules=loaded.rules, gate=with_flags(None, fail=["fixed:country=0"]))
    assert report.verdict == "pass" and report.gate.items[0].message == "0 rows (0 %) repaired; within 0"
