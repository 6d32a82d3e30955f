"""Link mode: which NEW rows are customers already in EXISTING (``dedupe NEW --against EXISTING``).

Both files are clustered together (EXISTING records are never compared with each other: that file is
the reference, not the subject). A NEW row whose cluster holds an EXISTING record is that customer;
the rest are new customers, possibly duplicated inside NEW.
"""

from __future__ import annotations

import polars as pl

from crmclean.dedupe.block import RID
from crmclean.dedupe.engine import CLUSTER_ID, CLUSTER_SIZE, MATCH_SCORE, DedupeResult
from crmclean.io.read import ROW

EXISTING_ROW, EXISTING_ID, EXISTING_SCORE, STATUS = "existing_row", "existing_id", "existing_score", "status"


def link_columns(
    found: DedupeResult, existing: pl.Series, ids: pl.DataFrame | None, review: float
) -> pl.DataFrame:
    """Per NEW record (``_row``): cluster_id (smallest NEW row of its cluster), cluster_size (NEW rows
    in it), match_score, status, existing_row / existing_id (the smallest EXISTING row of its cluster
    and that row's customer id) and existing_score (best score with any EXISTING record). Status is
    ``existing`` (matched), ``review`` (an EXISTING record scores in the review band) or ``new``.

    ``existing`` marks the stacked records that come from EXISTING (they come first); ``ids`` maps
    EXISTING's ``_row`` to its customer id (column ``id``), or is None when it has no id column.
    """
    records = found.clusters.with_columns(is_existing=existing)
    n_existing = int(existing.sum())
    old = records.filter(pl.col("is_existing")).group_by("cluster").agg(pl.col(ROW).min().alias(EXISTING_ROW))
    best = (
        found.pairs.filter((pl.col("a") < n_existing) & (pl.col("b") >= n_existing))
        .group_by("b")
        .agg(pl.col("score").max().round(3).cast(pl.Float64).alias(EXISTING_SCORE))
        .rename({"b": RID})
    )
    new = records.filter(~pl.col("is_existing")).with_columns(
        pl.col(ROW).min().over("cluster").alias(CLUSTER_ID),
        pl.len().over("cluster").cast(pl.UInt32).alias(CLUSTER_SIZE),
    )
    out = new.join(old, on="cluster", how="left").join(best, on=RID, how="left")
    if ids is not None:
        out = out.join(ids.rename({ROW: EXISTING_ROW, "id": EXISTING_ID}), on=EXISTING_ROW, how="left")
    else:
        out = out.with_columns(pl.lit(None, dtype=pl.String).alias(EXISTING_ID))
    status = (
        pl.when(pl.col(EXISTING_ROW).is_not_null())
        .then(pl.lit("existing"))
        .when(pl.col(EXISTING_SCORE) >= review)
        .then(pl.lit("review"))
        .otherwise(pl.lit("new"))
    )
    return out.sort(RID).select(
        ROW,
        CLUSTER_ID,
        CLUSTER_SIZE,
        MATCH_SCORE,
        status.alias(STATUS),
        EXISTING_ROW,
        EXISTING_ID,
        EXISTING_SCORE,
    )
