"""Decisions that last: the file's format and checks, and their effect on the clusters of real-shaped
files (tests/fixtures/good/dupes.csv, described in tests/dedupe/test_engine.py; a generated export
with its ground truth)."""

from __future__ import annotations

import polars as pl
import pytest
from labels import WHEN, decisions

from benchmarks import generate as gen
from crmclean import api
from crmclean.dedupe.decisions import (
    append_decision,
    consistent,
    fit_threshold,
    load_decisions,
    record_keys,
    undo_last,
)
from crmclean.errors import InputError
from crmclean.io.read import ROW

DUPES = "tests/fixtures/good/dupes.csv"


def groups(result: api.Deduplication) -> dict[int, int]:
    frame = result.clusters
    return dict(zip(frame.get_column(ROW).to_list(), frame.get_column("cluster_id").to_list(), strict=True))


@pytest.fixture(scope="module")
def plain() -> dict[int, int]:
    return groups(api.dedupe(DUPES))


# --------------------------------------------------------------------------- the file


def test_load_keeps_the_last_decision_per_pair_in_either_order(tmp_path):
    path = tmp_path / "decisions.csv"
    path.write_text(
        "left,right,decision,decided_at\n"
        f"C001,C002,same,{WHEN}\n"
        "\n"
        f"C002,C001,different,2026-12-01T11:00:00+00:00\n"
        f'"C,9",C003,same,{WHEN}\n',
        encoding="utf-8",
    )
    loaded = load_decisions(path)
    assert loaded.select("left", "right", "decision", "line").rows() == [
        ("C002", "C001", "different", 4),
        ("C,9", "C003", "same", 5),
    ]


@pytest.mark.parametrize(
    ("line", "column", "says"),
    [
        (f"C001,C002,maybe,{WHEN}", "decision", "neither 'same' nor 'different'"),
        (f"C001,,same,{WHEN}", "right", "record key is empty"),
        (f"C001,C001,same,{WHEN}", "right", "paired with itself"),
        ("C001,C002,same,yesterday", "decided_at", "not an ISO 8601"),
        ("C001,C002,same", None, "3 fields where 4 were expected"),
    ],
)
def test_a_bad_line_is_an_input_error_naming_its_line(tmp_path, line, column, says):
    path = tmp_path / "decisions.csv"
    path.write_text(f"left,right,decision,decided_at\nC005,C006,same,{WHEN}\n{line}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_decisions(path)
    assert err.value.line == 3 and err.value.column == column and says in str(err.value)
    assert str(path) in str(err.value)


def test_a_bad_header_or_a_missing_file_is_an_input_error(tmp_path):
    path = tmp_path / "decisions.csv"
    path.write_text("a,b,decision,when\n", encoding="utf-8")
    with pytest.raises(InputError, match="left,right,decision,decided_at"):
        load_decisions(path)
    with pytest.raises(InputError, match="no such decisions file"):
        load_decisions(tmp_path / "none.csv")


def test_append_writes_the_header_once_and_undo_removes_the_last(tmp_path):
    path = tmp_path / "decisions.csv"
    append_decision(path, "C001", "C002", "same")
    append_decision(path, "row:7", "C001", "different")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "left,right,decision,decided_at" and len(lines) == 3
    assert lines[2].startswith("row:7,C001,different,20")
    assert oct(path.stat().st_mode & 0o777) == "0o600"  # decisions name customers
    assert undo_last(path).decision == "different"
    assert load_decisions(path).select("left", "right", "decision").rows() == [("C001", "C002", "same")]


def test_record_keys_are_unique_ids_else_row_numbers():
    frame = pl.DataFrame({ROW: [1, 2, 3, 4], "id": [" A1 ", "B2", "B2", None]})
    assert record_keys(frame, "id").to_list() == ["A1", "row:2", "row:3", "row:4"]
    assert record_keys(frame, None).to_list() == ["row:1", "row:2", "row:3", "row:4"]


def test_a_chain_of_same_never_overrides_a_different():
    kept, dropped = consistent([(1, 2), (2, 3), (4, 5)], [(1, 3)])
    assert kept == [(1, 2), (4, 5)] and dropped == [(2, 3)]


# --------------------------------------------------------------------------- the clusters


def test_without_decisions_the_clusters_are_unchanged(plain):
    empty = groups(api.dedupe(DUPES, decisions=decisions()))
    assert empty == plain


def test_same_joins_records_the_scores_keep_apart(plain):
    # rows 16 and 18: Anna Ivanova twice, other birth dates; rows 8 and 12 were never compared
    assert plain[16] != plain[18] and plain[8] != plain[12]
    result = api.dedupe(DUPES, decisions=decisions(("C016", "C018", "same"), ("row:8", "C012", "same")))
    c = groups(result)
    assert c[16] == c[18] and c[8] == c[12]
    assert c[9] != c[8]  # An Van Nguyen agrees with row 8, not with William Smith: on average, apart
    pairs = result.pairs.filter(pl.col("row_a").is_in([8, 16]) & pl.col("row_b").is_in([12, 18]))
    assert set(pairs.select("row_a", "row_b", "decision", "decided_by").rows()) == {
        (8, 12, "match", "decision"),
        (16, 18, "match", "decision"),
    }


def test_different_splits_a_cluster_even_through_a_chain(plain):
    # rows 1, 2, 3: Иван Петров, IVAN PETROV, Ivan Petrov, all merged by score
    assert plain[1] == plain[2] == plain[3]
    result = api.dedupe(DUPES, decisions=decisions(("C001", "C003", "different")))
    c = groups(result)
    assert c[1] != c[3]
    assert c[2] in (c[1], c[3])  # row 2 goes with the side it agrees with best on average
    # and a chain of `same` decisions does not override it either
    chained = api.dedupe(
        DUPES,
        decisions=decisions(
            ("C001", "C002", "same"), ("C002", "C003", "same"), ("C001", "C003", "different")
        ),
    )
    c = groups(chained)
    assert c[1] == c[2] != c[3]
    assert chained.decisions["conflicts"] == 1
    assert (
        chained.pairs.filter((pl.col("row_a") == 1) & (pl.col("row_b") == 3)).get_column("decision")
    ).to_list() == ["no_match"]


def test_decided_pairs_leave_the_review_band(plain):
    # 17~18 is the cohesion split of dupes.csv: in review before, decided after
    before = api.dedupe(DUPES).review.select("row_a", "row_b").rows()
    assert (17, 18) in before
    result = api.dedupe(DUPES, decisions=decisions(("C017", "C018", "different")))
    assert (17, 18) not in result.review.select("row_a", "row_b").rows()


def test_decisions_about_records_not_in_the_file_are_reported():
    result = api.dedupe(
        DUPES, decisions=decisions(("C001", "C999", "same"), ("row:500", "C002", "different"))
    )
    info = result.decisions
    assert info["not_in_file"] == 2 and info["not_in_file_examples"] == ["C999", "row:500"]
    assert info["same"] == info["different"] == 0
    assert "not enough labelled pairs" in info["threshold"]


def test_explain_names_the_decision():
    made = decisions(("C001", "C003", "different"))
    e = api.explain(DUPES, "C001", "C003", decisions=made).explanation
    assert (e.decision, e.decided_by, e.label, e.decided_at) == ("no_match", "decision", "different", WHEN)
    e = api.explain(DUPES, "C001", "C003").explanation
    assert (e.decision, e.decided_by, e.label) == ("match", "score", None)


# --------------------------------------------------------------------------- the threshold


def test_fit_keeps_the_threshold_when_the_labels_agree_and_moves_it_when_they_do_not():
    same = [8.0, 9.0, 10.0, 12.0, 15.0] * 3
    different = [-12.0, -9.0, -6.0, -3.0, 1.0]
    kept = fit_threshold(same, different, 0.9)  # 0.9 is +3.17 log-odds: between 1 and 8
    assert kept.fitted and kept.match == 0.9 and kept.errors == 0
    strict = fit_threshold(same, [*different, 5.0, 6.0], 0.9)  # a steward who calls 5 and 6 different
    assert strict.fitted and strict.match > 0.98 and strict.errors == 0
    assert "0.9 ->" in strict.describe()
    few = fit_threshold(same[:10], different[:4], 0.9)
    assert not few.fitted and few.match == 0.9 and "not enough labelled pairs" in few.describe()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("generated")
    gen.write(out, 1000, 11)
    path = out / "customers.csv"
    result = api.dedupe(path)
    found = result.deduped.duplicates
    rows = found.keys.select("_rid", ROW)
    truth = pl.read_csv(out / "truth.csv")
    pairs = (
        found.pairs.join(rows.rename({"_rid": "a", ROW: "row_a"}), on="a")
        .join(rows.rename({"_rid": "b", ROW: "row_b"}), on="b")
        .join(truth.rename({"row": "row_a", "entity_id": "ea"}), on="row_a")
        .join(truth.rename({"row": "row_b", "entity_id": "eb"}), on="row_b")
        .with_columns(odds=pl.col("total") - found.offset, truly=pl.col("ea") == pl.col("eb"))
    )
    return path, result, pairs


def test_labels_from_a_stricter_steward_raise_the_threshold(generated):
    path, result, pairs = generated
    ids = result.table.frame.select(ROW, "customer_id")
    key = dict(ids.iter_rows())
    matched = pairs.filter(pl.col("decision") == "match").sort("odds", "row_a", "row_b")
    weakest = matched.head(5)  # the steward calls the five weakest merges different
    strong = matched.tail(15)
    rows = [(key[a], key[b], "different") for a, b in weakest.select("row_a", "row_b").iter_rows()]
    rows += [(key[a], key[b], "same") for a, b in strong.select("row_a", "row_b").iter_rows()]
    refitted = api.dedupe(path, decisions=decisions(*rows))
    info = refitted.decisions
    assert info["threshold_fitted"] and info["match"] > 0.9, info
    assert "fitted to 20 labelled pairs (15 same, 5 different)" in info["threshold"]
    found = refitted.deduped.duplicates
    assert found.match == info["match"]
    # every remaining merge scores at the fitted threshold, or a person or the cluster decided it
    merged = found.pairs.filter(pl.col("decision") == "match")
    assert merged.filter((pl.col("score") < found.match) & (pl.col("decided_by") == "score")).height == 0
    # and the rows of every input row are still there, each once
    assert refitted.clusters.height == result.clusters.height


def test_labels_that_agree_with_the_scores_keep_the_threshold(generated):
    path, result, pairs = generated
    key = dict(result.table.frame.select(ROW, "customer_id").iter_rows())
    same = pairs.filter(pl.col("truly")).sort("odds").head(12)
    different = pairs.filter(~pl.col("truly")).sort("odds", descending=True).head(12)
    rows = [(key[a], key[b], "same") for a, b in same.select("row_a", "row_b").iter_rows()]
    rows += [(key[a], key[b], "different") for a, b in different.select("row_a", "row_b").iter_rows()]
    info = api.dedupe(path, decisions=decisions(*rows)).decisions
    assert not info["threshold_fitted"] and info["match"] == 0.9
    assert "kept: it fits the 24 labelled pairs" in info["threshold"]
