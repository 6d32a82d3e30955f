"""The frictionless validation baseline (benchmarks/validate_baseline.py) and how crmclean's findings
are counted beside it. frictionless is only in the `bench` extra: its tests are skipped without it.
"""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from benchmarks import suite
from benchmarks import validate_baseline as vb
from benchmarks.generate import write

HEADER = "customer_id,email,phone,company,country,birth_date,created_at,updated_at,tax_id,segment"
FRESH = f"{date.today() - timedelta(days=30)}T10:00:00"
FUTURE = (date.today() + timedelta(days=400)).isoformat()


def _csv(tmp_path: Path, *rows: str) -> str:
    path = tmp_path / "customers.csv"
    path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
    return str(path)


def test_frictionless_findings_by_row_and_column(tmp_path: Path) -> None:
    pytest.importorskip("frictionless")
    good = f"ivan@mail.ru,+7 912 345-67-89,,RU,31.12.1990,2024-01-02T03:04:05,{FRESH},7707083893,B2C"
    path = _csv(
        tmp_path,
        f"1,{good}",  # row 1: clean
        "2,ivan@@mail.ru,+7 912 3,,RU,31.02.1990,2024-01-02T03:04:05,2001-01-01T00:00:00,12,B2C",
        f"3,,,,RU,{FUTURE},2024-01-02T03:04:05,{FRESH},,B2B",  # no contact, future birth, B2B without company
        f"2,anna@mail.ru,(+84) 912 345 678,Acme,VN,1990-12-31,2024-01-02T03:04:05,{FRESH},,VIP",
    )
    rows, found = vb.validate_frictionless(path)
    assert rows == 4
    assert found == sorted(
        {
            (2, "email", "email"),
            (2, "phone", "phone"),
            (2, "birth_date", "birth_date"),  # 31 February: no such day
            (2, "updated_at", "freshness"),
            (2, "tax_id", "tax_id"),  # too short for any country's shape
            (3, "email", "contactable"),
            (3, "phone", "contactable"),
            (3, "birth_date", "birth_date"),  # after today
            (3, "company", "b2b_company"),
            (4, "customer_id", "unique_id"),  # frictionless flags the repeat, not the first
            (4, "segment", "segment"),
        }
    )


def test_frictionless_on_a_generated_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("frictionless")
    write(tmp_path, rows=400, seed=3, fmt="csv")
    path = str(tmp_path / "customers.csv")
    rows, found = vb.validate_frictionless(path)
    assert rows == 400
    with (tmp_path / "defects.csv").open(encoding="utf-8") as f:
        seeded = [(int(r["row"]), r["column"], r["defect"]) for r in csv.DictReader(f)]
    cells = {(row, column) for row, column, _ in found}
    # what a Table Schema can express is found; a tax-id checksum is not
    for kind in ("invalid_email", "invalid_phone", "future_date", "missing_required"):
        cases = [(r, c) for r, c, d in seeded if d == kind]
        assert cases and all(cell in cells for cell in cases), kind
    assert not any((r, c) in cells for r, c, d in seeded if d == "bad_tax_id")
    vb.main(["frictionless", path])
    printed = json.loads(capsys.readouterr().out)
    assert printed["rows"] == 400 and printed["findings"] == len(found)
    assert printed["flagged_rows"] == len({r for r, _, _ in found})
    assert printed["seeded_found"] == vb.seeded_found(path, found)


def test_crmclean_summary_counts_like_the_baselines(tmp_path: Path) -> None:
    (tmp_path / "defects.csv").write_text(
        "row,column,defect\n1,email,invalid_email\n2,email,missing_required\n2,phone,missing_required\n"
        "3,tax_id,bad_tax_id\n4,city,whitespace\n",
        encoding="utf-8",
    )
    findings = pl.DataFrame(
        {
            "_row": [1, 1, 2, 2, 4, 5],
            "column": ["email", "email", "email / phone", "phone", "city", "updated_at"],
            "rule": ["email", "email", "contactable", "normalize:phone", "trim", "freshness"],
            "severity": ["error", "error", "error", "fixed", "warning", "warning"],
        }
    )
    summary = vb.crmclean_summary(findings, str(tmp_path / "customers.csv"))
    # (1, email, email) once; contactable is one per column; the fixed line is not a finding
    assert summary == {"findings": 5, "flagged_rows": 4, "seeded_found": 0.75}  # tax id on row 3 missed
    seeded_only = [(1, "email", "email"), (2, "email", "contactable"), (2, "phone", "contactable")]
    assert vb.seeded_found(str(tmp_path / "customers.csv"), seeded_only) == 0.75


def test_frictionless_is_a_compared_stage() -> None:
    assert "validate_frictionless" in suite.COMPARE
    assert suite.VERSUS["validate_frictionless"] == "validate"
    assert (100_000, "validate_frictionless") in suite.plan(["validate", "validate_frictionless"], None)
    assert suite.plan(["validate", "validate_frictionless"], "300000") == [
        (300_000, "validate"),
        (300_000, "validate_frictionless"),
    ]
