"""Pairwise de-duplication quality, and the `dedupe` benchmark stages.

Quality is pairwise: a *pair* of rows is predicted to match when both rows have the same cluster id,
and truly matches when both have the same entity id. Precision = TP / predicted pairs, recall = TP /
true pairs, F1 their harmonic mean. Pairs are counted per group, never enumerated::

    predicted pairs = sum over clusters            C(n, 2)
    true pairs      = sum over entities            C(n, 2)
    TP              = sum over (cluster, entity)   C(n, 2)

so scoring 1,000,000 rows is one group-by. A row without a cluster (or entity) id is a singleton.
When nothing is predicted precision is 1.0 (no false claims), when nothing is true recall is 1.0.

Command line (the parent process, ``python -m benchmarks``, calls these through suite.py):

    python -m benchmarks.dedupe_quality score OUT.csv TRUTH.csv      # P/R/F1 of a dedupe output
    python -m benchmarks.dedupe_quality standin IN.csv -o OUT.csv    # stand-in predictor (see below)

The stand-in predictor (exact match on the lowercased e-mail, or on given name + surname + birth
date for files without an e-mail column) writes what ``crmclean dedupe`` writes. It proves the
harness while the real command is missing and is used only then; results say which ran.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CLUSTER = "cluster_id"


# --------------------------------------------------------------------------------------------- metric
@dataclass(frozen=True)
class PairScores:
    precision: float
    recall: float
    f1: float
    true_positives: int
    predicted_pairs: int
    true_pairs: int

    @property
    def false_positives(self) -> int:
        return self.predicted_pairs - self.true_positives

    @property
    def false_negatives(self) -> int:
        return self.true_pairs - self.true_positives

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("precision", "recall", "f1"):
            d[k] = round(d[k], 6)
        return d


def _pairs(frame: pl.DataFrame, keys: list[str]) -> int:
    """Sum of C(n, 2) over the groups of `keys`."""
    if frame.height == 0:
        return 0
    n = frame.group_by(keys).len()["len"].cast(pl.Int64)
    return int((n * (n - 1) // 2).sum())


def _singletons(col: str) -> pl.Expr:
    """The id as a string; a null id becomes a unique id of its own (that row is a singleton)."""
    return (
        pl.when(pl.col(col).is_null())
        .then(pl.concat_str(pl.lit("\x00singleton:"), pl.col("_i").cast(pl.String)))
        .otherwise(pl.col(col).cast(pl.String))
        .alias(col)
    )


def pair_scores(predicted: Sequence[Any] | pl.Series, truth: Sequence[Any] | pl.Series) -> PairScores:
    """Pairwise precision/recall/F1 of a clustering (row -> cluster id) against truth (row -> entity id).

    Both are aligned by position. Ids may be of any type; null means "a group of its own".
    """
    p = predicted if isinstance(predicted, pl.Series) else pl.Series(list(predicted), dtype=pl.Object)
    t = truth if isinstance(truth, pl.Series) else pl.Series(list(truth), dtype=pl.Object)
    if len(p) != len(t):
        raise ValueError(f"predicted has {len(p)} rows, truth has {len(t)}")
    p, t = (_as_string(s) for s in (p, t))
    frame = pl.DataFrame({"p": p, "t": t}).with_row_index("_i")
    frame = frame.with_columns(_singletons("p"), _singletons("t"))
    tp, pred, true = _pairs(frame, ["p", "t"]), _pairs(frame, ["p"]), _pairs(frame, ["t"])
    precision = tp / pred if pred else 1.0
    recall = tp / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(precision, recall, f1, tp, pred, true)


def _as_string(s: pl.Series) -> pl.Series:
    if s.dtype == pl.Object:  # plain Python values: keep None as null, the rest by value and type
        return pl.Series(
            s.name, [None if v is None else f"{type(v).__name__}:{v}" for v in s.to_list()], dtype=pl.String
        )
    return s.cast(pl.String)


def score_frames(predicted: pl.DataFrame, truth: pl.DataFrame, row: str = "row") -> PairScores:
    """Scores from `predicted` (row, cluster_id) and `truth` (row, entity_id), joined on `row`.

    Every truth row counts; a truth row missing from `predicted` is a singleton.
    """
    joined = truth.select(pl.col(row).cast(pl.Int64), pl.col("entity_id")).join(
        predicted.select(pl.col(row).cast(pl.Int64), pl.col(CLUSTER)), on=row, how="left"
    )
    return pair_scores(joined[CLUSTER], joined["entity_id"])


def read_truth(path: str | Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False).select(
        pl.col("row").cast(pl.Int64), pl.col("entity_id").cast(pl.String)
    )


def read_clusters(path: str | Path) -> pl.DataFrame:
    """(row, cluster_id) from a dedupe output: `_row` when written, else the position (1-based)."""
    out = pl.read_csv(path, infer_schema=False, columns=None)
    if CLUSTER not in out.columns:
        raise ValueError(f"{path}: no {CLUSTER!r} column (columns: {out.columns})")
    row = pl.col("_row").cast(pl.Int64) if "_row" in out.columns else pl.int_range(1, pl.len() + 1)
    return out.select(row.alias("row"), pl.col(CLUSTER))


def merged_hard_negatives(predicted: pl.DataFrame, hard_negatives: str | Path) -> dict[str, int]:
    """How many look-alike pairs of *different* customers (the generator's hard_negatives.csv:
    households, namesakes, colleagues) a clustering (row, cluster_id) put in one cluster, by kind."""
    pairs = pl.read_csv(hard_negatives, schema_overrides={"row_a": pl.Int64, "row_b": pl.Int64})
    ids = predicted.select(pl.col("row").cast(pl.Int64), pl.col(CLUSTER).cast(pl.String))
    joined = pairs.join(ids.rename({"row": "row_a", CLUSTER: "a"}), on="row_a", how="left").join(
        ids.rename({"row": "row_b", CLUSTER: "b"}), on="row_b", how="left"
    )
    merged = joined.with_columns((pl.col("a") == pl.col("b")).fill_null(False).alias("merged"))
    counts = merged.group_by("kind").agg(pl.col("merged").sum(), pl.len().alias("pairs")).sort("kind")
    return {f"{k}_merged": f"{m}/{n}" for k, m, n in counts.iter_rows()}


def quality(predicted: pl.DataFrame, truth: pl.DataFrame, hard_negatives: Path | None = None) -> dict:
    """Pairwise scores of (row, cluster_id) against truth, plus merged hard negatives when given."""
    out = score_frames(predicted, truth).to_dict()
    if hard_negatives is not None and hard_negatives.exists():
        out["hard_negatives"] = merged_hard_negatives(predicted, hard_negatives)
    return out


# ----------------------------------------------------------------------------------------- link mode
def link_clustering(
    n_existing: int,
    new_to_existing: pl.Series,
    new_clusters: pl.Series | None = None,
) -> pl.Series:
    """One clustering over EXISTING rows then NEW rows, from a pre-import link result.

    `new_to_existing[j]` is the 1-based EXISTING row that NEW row j+1 matched (null: new customer);
    `new_clusters` optionally groups the unmatched NEW rows among themselves (duplicates inside NEW).
    """
    existing = pl.Series([f"E{i}" for i in range(1, n_existing + 1)], dtype=pl.String)
    link = new_to_existing.cast(pl.Int64)
    own = (
        new_clusters.cast(pl.String)
        if new_clusters is not None
        else pl.Series([str(j) for j in range(1, len(link) + 1)], dtype=pl.String)
    )
    new = (
        pl.DataFrame({"link": link, "own": own})
        .select(
            pl.when(pl.col("link").is_not_null())
            .then(pl.concat_str(pl.lit("E"), pl.col("link").cast(pl.String)))
            .otherwise(pl.concat_str(pl.lit("N"), pl.col("own")))
        )
        .to_series()
    )
    return pl.concat([existing, new])


# ---------------------------------------------------------------------------------------- stand-in
def _standin_key(frame: pl.DataFrame) -> pl.Expr:
    cols = {c.lower(): c for c in frame.columns}
    if "email" in cols:
        return pl.col(cols["email"]).str.strip_chars().str.to_lowercase()
    parts = [cols[c] for c in ("given_name", "surname", "date_of_birth") if c in cols]
    return pl.concat_str([pl.col(c).str.strip_chars().str.to_lowercase() for c in parts], separator="|")


def standin(path: str, out: str, against: str | None = None) -> None:
    """Exact-key clustering with the output shape of `crmclean dedupe` (stand-in, see module doc)."""
    frame = pl.read_csv(path, infer_schema=False)
    frame = frame.with_row_index("_i").with_columns(_standin_key(frame).alias("_key"))
    frame = frame.with_columns(
        pl.when(pl.col("_key").is_null())
        .then(pl.col("_i"))
        .otherwise(pl.col("_i").min().over("_key"))
        .add(1)
        .cast(pl.String)
        .alias(CLUSTER)
    ).with_columns(
        pl.len().over(CLUSTER).alias("cluster_size"),
        pl.when(pl.len().over(CLUSTER) > 1).then(1.0).otherwise(None).alias("match_score"),
    )
    if against is not None:
        existing = pl.read_csv(against, infer_schema=False).with_row_index("_e", offset=1)
        existing = existing.with_columns(_standin_key(existing).alias("_key"))
        first = existing.filter(pl.col("_key").is_not_null()).group_by("_key").agg(pl.col("_e").min())
        frame = frame.join(first, on="_key", how="left", maintain_order="left").rename({"_e": "existing_row"})
    frame.drop("_i", "_key").write_csv(out)


# --------------------------------------------------------------------------------- crmclean runner
@cache
def crmclean_dedupe_available() -> bool:
    """True when `python -m crmclean dedupe --help` works (the real command has landed)."""
    cmd = [sys.executable, "-m", "crmclean", "dedupe", "--help"]
    done = subprocess.run(cmd, capture_output=True, cwd=ROOT, check=False)
    return done.returncode == 0


def crmclean_dedupe_cmd(
    path: Path, out: Path, against: Path | None = None, standin_: bool = False
) -> list[str]:
    head = (
        [sys.executable, "-m", "benchmarks.dedupe_quality", "standin"]
        if standin_
        else [
            sys.executable,
            "-m",
            "crmclean",
            "dedupe",
        ]
    )
    cmd = [*head, str(path), "-o", str(out)]
    if against is not None:
        cmd += ["--against", str(against)]
    return cmd


LINK_COLUMNS = ("existing_row",)  # written by `crmclean dedupe NEW --against EXISTING`: 1-based row


def read_link(out: Path) -> tuple[pl.Series, pl.Series | None]:
    """From a `dedupe NEW --against EXISTING` output: NEW row -> matched EXISTING row, and NEW clusters.

    Only rows with ``status == existing`` count as linked; ``review`` rows (a possible match left for a
    person to decide) and ``new`` rows are not links.
    """
    frame = pl.read_csv(out, infer_schema=False)
    col = next((c for c in LINK_COLUMNS if c in frame.columns), None)
    if col is None:
        raise ValueError(f"{out}: no column naming the matched EXISTING row (columns: {frame.columns})")
    if "_row" in frame.columns:
        frame = frame.sort(pl.col("_row").cast(pl.Int64))
    link = pl.col(col).cast(pl.Int64)
    if "status" in frame.columns:
        link = pl.when(pl.col("status") == "existing").then(link)
    clusters = frame[CLUSTER] if CLUSTER in frame.columns else None
    return frame.select(link.alias(col)).to_series(), clusters


# ------------------------------------------------------------------------------------------ stages
def result_row(
    stage: str, tool: str, dataset: str, rows: int, seconds: float, peak_mib: int, **extra
) -> dict:
    return {
        "stage": stage,
        "tool": tool,
        "dataset": dataset,
        "rows": rows,
        "seconds": round(seconds, 3),
        "rows_per_second": round(rows / seconds) if seconds else None,
        "peak_mib": peak_mib,
        **extra,
    }


def run_crmclean_dedupe(
    path: Path, truth: pl.DataFrame, dataset: str, stage: str = "dedupe", hard_negatives: Path | None = None
) -> dict:
    """`crmclean dedupe IN -o OUT` in a child process: wall time, peak RSS, pairwise quality."""
    from benchmarks.suite import run_child

    real = crmclean_dedupe_available()
    with tempfile.TemporaryDirectory(prefix="crmclean-dedupe-") as tmp:
        out = Path(tmp) / "out.csv"
        _, seconds, peak = run_child(crmclean_dedupe_cmd(path, out, standin_=not real), f"{stage} {dataset}")
        scores = quality(read_clusters(out), truth, hard_negatives)
    tool = "crmclean" if real else "stand-in (exact e-mail)"
    return result_row(stage, tool, dataset, truth.height, seconds, peak, **scores)


def run_crmclean_link(
    new: Path, existing: Path, truth_new: pl.DataFrame, truth_existing: pl.DataFrame, dataset: str, stage: str
) -> dict:
    """`crmclean dedupe NEW --against EXISTING -o OUT`: scored as one clustering over both files."""
    from benchmarks.suite import run_child

    real = crmclean_dedupe_available()
    with tempfile.TemporaryDirectory(prefix="crmclean-link-") as tmp:
        out = Path(tmp) / "out.csv"
        cmd = crmclean_dedupe_cmd(new, out, against=existing, standin_=not real)
        _, seconds, peak = run_child(cmd, f"{stage} {dataset}")
        link, clusters = read_link(out)
    predicted = link_clustering(truth_existing.height, link, clusters)
    truth = pl.concat([truth_existing["entity_id"], truth_new["entity_id"]])
    scores = pair_scores(predicted, truth)
    rows = truth_existing.height + truth_new.height
    tool = "crmclean" if real else "stand-in (exact e-mail)"
    return result_row(stage, tool, dataset, rows, seconds, peak, **scores.to_dict())


def stage_dedupe(rows: int) -> list[dict]:
    from benchmarks.suite import dataset

    path = dataset(rows)
    truth = read_truth(path.parent / "truth.csv")
    return [run_crmclean_dedupe(path, truth, "generated", hard_negatives=path.parent / "hard_negatives.csv")]


def stage_dedupe_splink(rows: int) -> list[dict]:
    from benchmarks.splink_baseline import run_splink_dedupe
    from benchmarks.suite import dataset

    path = dataset(rows)
    truth = read_truth(path.parent / "truth.csv")
    hard = path.parent / "hard_negatives.csv"
    return [
        run_splink_dedupe(path, truth, "generated", profile="crm", stage="dedupe_splink", hard_negatives=hard)
    ]


# --------------------------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.dedupe_quality",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("score", help="pairwise P/R/F1 of a dedupe output against truth.csv")
    s.add_argument("out")
    s.add_argument("truth")
    s.add_argument("--hard-negatives", help="the generator's hard_negatives.csv: count merged look-alikes")
    st = sub.add_parser("standin", help="exact-key stand-in for `crmclean dedupe`")
    st.add_argument("input")
    st.add_argument("-o", "--output", required=True)
    st.add_argument("--against")
    args = ap.parse_args(argv)
    if args.cmd == "score":
        hard = Path(args.hard_negatives) if args.hard_negatives else None
        print(json.dumps(quality(read_clusters(args.out), read_truth(args.truth), hard)))
    else:
        standin(args.input, args.output, args.against)


if __name__ == "__main__":
    main()
