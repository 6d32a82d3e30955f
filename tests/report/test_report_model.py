"""The Report computed from a real run: counts, per-column stats, checks, quality score."""

from __future__ import annotations

import polars as pl
import pytest

from crmclean.io.read import read_table
from crmclean.pipeline import check_table
from crmclean.report.model import build_report, constituents
from crmclean.rules.load import load_rules


def test_counts_and_columns(validated, loaded):
    report = build_report(validated, rules=loaded.rules)
    assert report.rows == 24 and report.rows_cleaned is None and report.rows_rejected is None
    assert report.counts == {"findings": 95, "errors": 8, "warnings": 9, "fixed": 78, "rows_with_errors": 6}
    by_name = {c.column: c for c in report.columns}
    assert list(by_name) == validated.prepared.table.columns
    email = by_name["email"]
    assert (email.role, email.filled, email.flagged) == ("email", 23, 2)
    assert email.valid_rate == pytest.approx(21 / 23)
    assert email.errors == 3  # two invalid emails + one `contactable` (email / phone) finding
    assert [p.message for p in email.top_problems] == [
        "invalid email: domain has no dot",
        "invalid email: missing domain",
    ]
    first = by_name["first_name"]  # filled from full_name by the default rules
    assert first.filled_before == 20 and first.filled == 24
    assert by_name["company"].valid_rate == 1.0


def test_checks_list_every_check_that_ran(validated, loaded):
    report = build_report(validated, rules=loaded.rules)
    checks = {(c.rule, c.column): c for c in report.checks}
    email = checks[("email", "email")]
    assert (email.severity, email.count, email.rows) == ("error", 2, 2)
    assert email.rate == pytest.approx(2 / 24)
    assert email.examples == ["jo***@gmail"]  # those of its first message only
    assert [g.examples for g in email.groups] == [["jo***@gmail"], ["ta***@"]]
    assert checks[("contactable", "email / phone")].rows == 1
    assert checks[("unique_id", "customer_id")].count == 0  # ran, found nothing: still listed
    assert checks[("freshness", "updated_at")].severity == "warning"
    # most rows first: errors and warnings, then repairs, then the checks that found nothing
    problems = sorted((c.rows for c in report.checks if c.severity != "fixed" and c.rows), reverse=True)
    repairs = sorted((c.rows for c in report.checks if c.severity == "fixed" and c.rows), reverse=True)
    nothing = [0] * sum(not c.rows for c in report.checks)
    assert [c.rows for c in report.checks] == problems + repairs + nothing
    # without the rules, only checks with findings are known
    assert all(c.count for c in build_report(validated).checks)


def test_quality_score_definition(validated, loaded):
    report = build_report(validated, rules=loaded.rules)
    q = report.quality
    role_columns = [c for c in report.columns if c.role]
    assert q.cells == 24 * len(role_columns)
    assert q.ready_after == sum(c.filled - c.flagged for c in role_columns)
    repaired = validated.findings.filter(pl.col("severity") == "fixed").select("_row", "column").unique()
    assert q.ready_before == q.ready_after - _repaired_ready_cells(validated, repaired)
    assert 0 < q.before < q.after < 1


def _repaired_ready_cells(validated, repaired: pl.DataFrame) -> int:
    """Cells ready after but not before: filled, no error or warning, and repaired (a fixed finding)."""
    problems = validated.findings.filter(pl.col("severity") != "fixed").select("_row", "column").unique()
    frame = validated.prepared.frame
    n = 0
    for row, column in repaired.iter_rows():
        value = frame.filter(pl.col("_row") == row).get_column(column)[0]
        bad = problems.filter((pl.col("_row") == row) & (pl.col("column") == column)).height
        n += bool(value and value.strip()) and not bad
    return n


def test_cleaned_rows_add_up(cleaned, loaded):
    report = build_report(cleaned, rules=loaded.rules)
    assert report.rows_cleaned + report.rows_rejected == report.rows == 24
    assert report.rows_rejected == report.counts["rows_with_errors"]


def test_multi_column_values_are_masked_part_by_part(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text(
        "email,phone,city\nanna.k@mail.ru,+7 912 345-67-89,Kazan\nanna.k@mail.ru,+7 912 345-67-89,Kazan\n",
        encoding="utf-8",
    )
    rules = tmp_path / "r.yaml"
    rules.write_text("validate:\n  - {check: unique, columns: [email, phone]}\n", encoding="utf-8")
    loaded = load_rules(rules)
    report = build_report(check_table(read_table(data), loaded), rules=loaded.rules)
    (check,) = report.checks
    assert check.column == "email + phone"
    assert check.examples == ["an***@mail.ru | +7 *** ***-67-89"]
    shown = build_report(check_table(read_table(data), loaded), rules=loaded.rules, show_values=True)
    assert shown.checks[0].examples == ["anna.k@mail.ru | +7 912 345-67-89"]


def test_constituents():
    columns = {"email", "phone", "a + b"}
    assert constituents("email", columns) == ["email"]
    assert constituents("email / phone", columns) == ["email", "phone"]
    assert constituents("a + b", columns) == ["a + b"]
    assert constituents("email + nope", columns) == []
