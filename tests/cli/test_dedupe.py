"""`crmclean dedupe` and `crmclean explain` as a user runs them."""

from __future__ import annotations

import json

import polars as pl
from paths import FIXTURES

from crmclean.cli import main
from crmclean.io.read import read_table

DUPES = str(FIXTURES / "good" / "dupes.csv")


def test_dedupe_writes_every_row_unchanged_plus_cluster_columns(tmp_path, capsys):
    names = ("out", "pairs", "golden", "lineage", "review")
    out, pairs, golden, lineage, review = (tmp_path / f"{n}.csv" for n in names)
    options = ["--pairs", pairs, "--golden", golden, "--lineage", lineage, "--review", review]
    code = main(["dedupe", DUPES, "-o", str(out), *map(str, options)])
    assert code == 0
    source = read_table(DUPES).frame
    result = read_table(str(out)).frame
    assert result.columns == [*source.columns, "cluster_id", "cluster_size", "match_score"]
    assert result.select(source.columns).equals(source)  # values untouched, every row, same order
    assert "18 rows · 7 duplicates in 6 clusters" in capsys.readouterr().err
    pair_frame = pl.read_csv(pairs)
    assert {"row_a", "row_b", "via", "email", "first_name", "score", "decision"} <= set(pair_frame.columns)
    assert pair_frame.filter(pl.col("decision") == "match").height >= 7
    assert pl.read_csv(golden, infer_schema=False).height == 11
    assert set(pl.read_csv(lineage).columns) == {"cluster_id", "column", "value", "source_row", "strategy"}
    reviewed = pl.read_csv(review, infer_schema=False)
    assert {"row_a", "row_b", "score", "email_a", "email_b"} <= set(reviewed.columns)


def test_dedupe_json_summary(tmp_path, capsys):
    assert main(["dedupe", DUPES, "-o", str(tmp_path / "o.csv"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == "crmclean.dedupe/1"
    dup = data["duplicates"]  # the same object as report.json's `duplicates`
    assert dup["records"] == 18 and dup["duplicate_records"] == 7 and dup["clusters"] == 6
    assert dup["size_distribution"] == [
        {"size": 1, "clusters": 5},
        {"size": 2, "clusters": 5},
        {"size": 3, "clusters": 1},
    ]
    assert dup["largest"][0]["cluster_id"] == 1 and "email" in dup["largest"][0]["matched_on"]


def test_dedupe_against_existing(tmp_path, capsys):
    source = pl.read_csv(DUPES, infer_schema=False)
    existing, new, out = tmp_path / "existing.csv", tmp_path / "new.csv", tmp_path / "out.csv"
    source.head(9).write_csv(existing)
    source.tail(9).write_csv(new)
    assert main(["dedupe", str(new), "--against", str(existing), "-o", str(out)]) == 0
    result = pl.read_csv(out, infer_schema=False)
    assert result.height == 9 and {"status", "existing_row", "existing_id"} <= set(result.columns)
    assert "9 new" in capsys.readouterr().err  # the second half shares no customer with the first
    assert main(["dedupe", str(new), "--against", str(existing), "-o", str(out), "--golden", "g.csv"]) == 2


def test_explain_masks_by_default_and_names_the_decision(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["explain", DUPES, "C001", "C006"]) == 0
    out = capsys.readouterr().out
    assert "first_name" in out and "-12.0" in out and "different" in out
    assert "ivan.petrov@gmail.com" not in out and "natalia" not in out
    assert main(["explain", DUPES, "1", "2", "--show-values"]) == 0
    out = capsys.readouterr().out
    assert "ivanpetrov@gmail.com" in out and "same customer" in out


def test_explain_unknown_record_is_a_usage_error(capsys):
    assert main(["explain", DUPES, "C001", "C999"]) == 2
    assert "no record 'C999'" in capsys.readouterr().err
