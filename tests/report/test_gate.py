"""The gate: limits, the `gate:` section, command-line thresholds and their verdicts."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from crmclean.errors import RulesError, UsageError
from crmclean.report.model import build_report
from crmclean.rules.gate import Gate, Limit, default_gate, parse_limit, with_flags
from crmclean.rules.load import load_rules


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5%", Limit(0.05, True)),
        (" 0.5 % ", Limit(0.005, True)),
        (10, Limit(10, False)),
        ("10", Limit(10, False)),
    ],
)
def test_parse_limit(raw, expected):
    limit = parse_limit(raw)
    assert limit.share == expected.share and limit.amount == pytest.approx(expected.amount)


@pytest.mark.parametrize("raw", [0.05, -1, "101%", True, "five", "5 percent", None])
def test_bad_limits(raw):
    with pytest.raises(ValueError):
        parse_limit(raw)


def test_limit_trips_strictly_above():
    five = parse_limit("5%")
    assert not five.above(1, 0.05) and five.above(1, 0.0501)
    assert parse_limit(0).above(1, 0.01) and not parse_limit(0).above(0, 0.0)
    assert str(five) == "5%" and str(parse_limit("0.5%")) == "0.5%" and str(parse_limit(3)) == "3"


def gate(**section) -> Gate:
    return Gate.model_validate(section)


def statuses(report) -> dict:
    return {(i.kind, i.rule, i.column): i.status for i in report.gate.items}


def test_default_gate_fails_on_any_error(validated, loaded):
    report = build_report(validated, rules=loaded.rules)
    assert report.verdict == "fail" and report.exit_code() == 1 and report.exit_code(no_fail=True) == 0
    got = statuses(report)
    assert got[("check", "email", "email")] == "fail"
    assert got[("check", "freshness", "updated_at")] == "warn"  # warnings warn
    assert ("check", "unique_id", "customer_id") not in got  # nothing found, nothing to judge
    quarantined = build_report(validated, rules=loaded.rules, gate=default_gate(quarantine=True))
    assert quarantined.verdict == "warn" and quarantined.exit_code() == 0


def test_thresholds_replace_the_default(validated, loaded):
    g = gate(
        checks=[
            {"rule": "*", "fail": "10%"},
            {"rule": "email", "column": "email", "warn": "1%", "fail": "5%"},
            {"rule": "freshness", "warn": "30%"},
            {"role": "tax_id", "fail": 2},
        ]
    )
    report = build_report(validated, rules=loaded.rules, gate=g)
    got = statuses(report)
    assert got[("check", "email", "email")] == "fail"  # 8.3 % > 5 %
    assert got[("check", "freshness", "updated_at")] == "warn"  # the specific entry, not `*` (37.5 % > 10 %)
    assert got[("check", "tax_id", "tax_id")] == "pass"  # 2 rows, not above 2
    assert got[("check", "phone", "phone")] == "pass"  # 4.2 % < 10 %
    assert ("check", "unique_id", "customer_id") not in got  # `*` does not list checks without findings
    assert report.gate.status_of("email", "email") == "fail"
    email = next(i for i in report.gate.items if i.rule == "email")
    assert email.limit == "5%" and "2 rows (8.3 %)" in email.message and "fail above 5%" in email.message


def test_default_null_lets_unnamed_errors_pass(validated, loaded):
    report = build_report(validated, rules=loaded.rules, gate=gate(default=None))
    assert report.verdict == "warn" and report.exit_code() == 0


def test_min_fill_rate_and_unknown_role(validated, loaded):
    g = gate(
        default=None,
        min_fill_rate=[
            {"role": "email", "warn": "99%", "fail": "80%"},
            {"column": "company", "fail": "50%"},
            {"role": "mobile", "fail": "10%"},
        ],
    )
    report = build_report(validated, rules=loaded.rules, gate=g)
    fill = {i.column: i for i in report.gate.items if i.kind == "fill"}
    assert fill["email"].status == "warn"  # 95.8 % < 99 %
    assert fill["company"].status == "fail" and "37.5 % filled" in fill["company"].message
    assert (
        fill["mobile"].status == "fail" and fill["mobile"].message == "no column with role mobile in the file"
    )
    assert report.verdict == "fail"


def test_duplicate_share(validated, loaded, duplicates):
    g = gate(default=None, max_duplicate_share="20%")
    assert g.max_duplicate_share.fail == Limit(0.2, True)  # a scalar is the fail limit
    report = build_report(validated, rules=loaded.rules, gate=g, duplicates=duplicates)  # 5 / 24 = 20.8 %
    (dup,) = [i for i in report.gate.items if i.kind == "duplicates"]
    assert dup.status == "fail" and dup.rows == 5
    not_measured = build_report(validated, rules=loaded.rules, gate=g)
    assert [i.status for i in not_measured.gate.items if i.kind == "duplicates"] == ["pass"]


def test_an_entry_that_matches_nothing_warns(validated, loaded):
    report = build_report(
        validated, rules=loaded.rules, gate=gate(default=None, checks=[{"rule": "emial", "fail": 1}])
    )
    (item,) = [i for i in report.gate.items if i.rule == "emial"]
    assert item.status == "warn" and "a typo?" in item.message


def test_gate_section_in_a_rules_file(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(
        "extends: default\ngate:\n  checks:\n    - {rule: email, warn: 1%, fail: 5%}\n"
        "  max_duplicate_share: {warn: 5%}\n  baseline_tolerance: 1%\n",
        encoding="utf-8",
    )
    g = load_rules(path).rules.gate
    assert g.checks[0].fail == Limit(0.05, True) and g.baseline_tolerance == Limit(0.01, True)
    assert g.default is not None  # unnamed errors still fail


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("  checks:\n    - {rule: email, wran: 1%}\n", "line 4: unknown key `wran`"),
        ("  checks:\n    - {rule: email, fail: 0.05}\n", "0.05 is not a limit"),
        ("  checks:\n    - {fail: 5%}\n", "name a `rule`"),
        ("  baseline_tolerance: 3\n", "baseline_tolerance is a share"),
    ],
)
def test_gate_errors_are_located(tmp_path, section, message):
    path = tmp_path / "rules.yaml"
    path.write_text("version: 1\ngate:\n" + section, encoding="utf-8")
    with pytest.raises(RulesError, match=message.replace("`", ".").replace("(", ".")):
        load_rules(path)


def test_flags():
    base = Gate.model_validate({"checks": [{"rule": "email", "fail": "5%"}]})
    g = with_flags(
        base,
        fail=[
            "email=10%",
            "phone:Телефон=3",
            "*:tax_id=2%",
            "*=20%",
            "fill:email=80%",
            "fill:Телефон=50%",
            "duplicates=15%",
        ],
        warn=["email=1%"],
        tolerance="1%",
    )
    assert base.checks[0].fail == Limit(0.05, True)  # not modified
    entries = {(e.rule, e.column): (e.warn, e.fail) for e in g.checks}
    assert entries[("email", None)] == (Limit(0.01, True), Limit(0.1, True))  # same selector: replaced
    assert entries[("phone", "Телефон")] == (None, Limit(3, False))
    assert entries[("*", "tax_id")] == (None, Limit(0.02, True))
    assert entries[("*", None)] == (None, Limit(0.2, True))
    assert [(f.role, f.column) for f in g.min_fill_rate] == [("email", None), (None, "Телефон")]
    assert g.max_duplicate_share.fail == Limit(0.15, True)
    assert g.baseline_tolerance == Limit(0.01, True)
    assert with_flags(None) is None


@pytest.mark.parametrize("spec", ["email", "=5%", "email=", "email=5 rows", "email=0.05"])
def test_bad_flags_are_usage_errors(spec):
    with pytest.raises(UsageError, match="--gate-fail"):
        with_flags(None, fail=[spec])
    with pytest.raises(UsageError):
        with_flags(None, tolerance="3")


def test_gate_model_refuses_unknown_keys():
    with pytest.raises(ValidationError):
        Gate.model_validate({"checks": [], "max_duplicates": "5%"})
