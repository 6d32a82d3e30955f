"""Link mode (``dedupe NEW --against EXISTING``) with a person's decisions: NEW records named as in
``dedupe``, EXISTING ones as ``existing:<key>``; the same split of tests/fixtures/good/dupes.csv as
test_merge_link.py (EXISTING C001 C004 C010 C014; NEW C002 C003 = C001, C005 = C004, C011 = C010,
C006 household, C015 colleague of C014, C016 = C017 new)."""

from __future__ import annotations

import polars as pl
import pytest
from labels import WHEN, decisions
from paths import FIXTURES

from crmclean import api
from crmclean.cli import main

DUPES = str(FIXTURES / "good" / "dupes.csv")


@pytest.fixture
def files(tmp_path):
    source = pl.read_csv(DUPES, infer_schema=False)
    existing, new = tmp_path / "existing.csv", tmp_path / "new.csv"
    source.filter(pl.col("customer_id").is_in(["C001", "C004", "C010", "C014"])).write_csv(existing)
    fresh = ["C002", "C003", "C005", "C006", "C011", "C015", "C016", "C017"]
    source.filter(pl.col("customer_id").is_in(fresh)).write_csv(new)
    return new, existing


def by_id(result: api.Linkage) -> dict[str, dict]:
    return {r["customer_id"]: r for r in result.annotated.iter_rows(named=True)}


def test_decisions_in_link_mode(files):
    new, existing = files
    plain = by_id(api.link(new, existing))
    assert plain["C005"]["existing_id"] == "C004" and plain["C015"]["status"] == "new"
    told = decisions(
        ("C005", "existing:C004", "different"),  # a match told apart
        ("existing:row:4", "C015", "same"),  # C014 is the 4th row of EXISTING
        ("C016", "C017", "different"),  # a duplicate inside NEW told apart
        ("C002", "existing:C999", "same"),  # nobody
    )
    result = api.link(new, existing, decisions=told)
    out = by_id(result)
    assert out["C005"]["existing_id"] is None and out["C005"]["status"] != "existing"
    assert out["C015"]["existing_id"] == "C014" and out["C015"]["status"] == "existing"
    assert out["C016"]["cluster_id"] != out["C017"]["cluster_id"]
    # nothing else moved
    for cid in ("C002", "C003", "C006", "C011"):
        assert (out[cid]["status"], out[cid]["existing_id"]) == (
            plain[cid]["status"],
            plain[cid]["existing_id"],
        )
    info = result.decisions
    assert (info["same"], info["different"], info["not_in_file"]) == (1, 2, 1)
    assert info["not_in_file_examples"] == ["existing:C999"]
    assert result.summary["decisions"] == info
    pairs = result.pairs.filter(pl.col("decided_by") == "decision")
    assert pairs.height >= 2  # the decided pairs say so


def test_an_existing_id_no_new_record_has_names_it_without_the_prefix(files):
    new, existing = files
    out = by_id(api.link(new, existing, decisions=decisions(("C004", "C005", "different"))))
    assert out["C005"]["existing_id"] is None


def test_dedupe_against_takes_decisions_on_the_command_line(files, tmp_path, capsys):
    new, existing = files
    path = tmp_path / "d.csv"
    path.write_text(
        f"left,right,decision,decided_at\nC005,existing:C004,different,{WHEN}\n", encoding="utf-8"
    )
    out = tmp_path / "out.csv"
    argv = ["dedupe", str(new), "--against", str(existing), "-o", str(out), "--decisions", str(path)]
    assert main(argv) == 0
    said = " ".join(capsys.readouterr().err.split())
    assert "decisions: 0 same, 1 different applied" in said
    rows = {r["customer_id"]: r for r in pl.read_csv(out, infer_schema=False).iter_rows(named=True)}
    assert rows["C005"]["existing_id"] is None and rows["C002"]["existing_id"] == "C001"
