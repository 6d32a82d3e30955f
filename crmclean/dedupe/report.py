"""Dedupe results as files: the pairs file and the review file (the counts: ``dedupe.summary``)."""

from __future__ import annotations

import polars as pl

from crmclean.dedupe.block import RID
from crmclean.dedupe.compare import FIELDS
from crmclean.dedupe.engine import DedupeResult
from crmclean.io.read import ROW, Table


def _rows(found: DedupeResult) -> pl.DataFrame:
    return found.keys.select(RID, ROW)


def pair_rows(found: DedupeResult, review: float, n_existing: int | None = None) -> pl.DataFrame:
    """Compared pairs at or above the review band (and every pair merged): source rows, blocking keys,
    similarity per field, total evidence, score and decision. In link mode (``n_existing``: how many
    stacked records come from EXISTING) ``side_a`` / ``side_b`` say which file each row is in."""
    rows = _rows(found)
    kept = found.pairs.filter((pl.col("score") >= review) | (pl.col("decision") == "match"))
    out = kept.join(rows.rename({RID: "a", ROW: "row_a"}), on="a").join(
        rows.rename({RID: "b", ROW: "row_b"}), on="b"
    )
    sides = []
    if n_existing is not None:
        sides = [
            pl.when(pl.col(x) < n_existing)
            .then(pl.lit("existing"))
            .otherwise(pl.lit("new"))
            .alias(f"side_{x}")
            for x in ("a", "b")
        ]
    return out.sort("a", "b").select(
        *sides,
        "row_a",
        "row_b",
        "via",
        *[pl.col(f).round(3) for f in FIELDS],
        "swapped",
        pl.col("total").round(2),
        pl.col("score").round(4),
        "decision",
        "decided_by",
    )


def review_rows(found: DedupeResult, tables: tuple[Table, ...]) -> pl.DataFrame:
    """Pairs in the review band with both records' values side by side (``<column>_a``, ``_b``)."""
    stacked = pl.concat(
        [t.frame.with_columns(pl.all().cast(pl.String)).drop(ROW) for t in tables], how="diagonal_relaxed"
    ).with_row_index(RID)
    stacked = stacked.with_columns(pl.col(RID).cast(pl.UInt32))
    rows = _rows(found)
    pairs = found.pairs.filter(pl.col("decision") == "review").select("a", "b", "score", "decided_by")
    data = [c for c in stacked.columns if c != RID]
    out = (
        pairs.join(rows.rename({RID: "a", ROW: "row_a"}), on="a")
        .join(rows.rename({RID: "b", ROW: "row_b"}), on="b")
        .join(stacked.rename(lambda c: "a" if c == RID else f"{c}_a"), on="a")
        .join(stacked.rename(lambda c: "b" if c == RID else f"{c}_b"), on="b")
        .sort("score", "a", "b", descending=[True, False, False])
    )
    side_by_side = [name for c in data for name in (f"{c}_a", f"{c}_b")]
    return out.select("row_a", "row_b", pl.col("score").round(4), "decided_by", *side_by_side)
