"""Link mode: which NEW rows are customers already in EXISTING (``dedupe NEW --against EXISTING``).

Both files are clustered together (EXISTING records are never compared with each other: that file is
the reference, not the subject). A NEW row whose cluster holds an EXISTING record is that customer;
the rest are new customers, possibly duplicated inside NEW.

A person's decisions (``--decisions``) name NEW records as in ``dedupe`` (the customer id when
unique in NEW, else ``row:N``) and EXISTING records by ``existing:`` and the same key
(``existing:C042``, ``existing:row:7``); an EXISTING customer id that no NEW record has names its
record without the prefix too. ``same`` makes a NEW row that EXISTING customer (or joins two NEW
rows), ``different`` keeps them apart whatever the scores.
"""

from __future__ import annotations

import polars as pl

from crmclean.dedupe.block import RID
from crmclean.dedupe.decisions import ROW_PREFIX
from crmclean.dedupe.engine import CLUSTER_ID, CLUSTER_SIZE, MATCH_SCORE, DedupeResult
from crmclean.io.read import ROW

EXISTING_ROW, EXISTING_ID, EXISTING_SCORE, STATUS = "existing_row", "existing_id", "existing_score", "status"
EXISTING_PREFIX = "existing:"


def link_keys(
    existing: tuple[pl.Series, pl.DataFrame], new: tuple[pl.Series, pl.DataFrame]
) -> dict[str, int]:
    """Record name -> stacked ``_rid`` (EXISTING first). Each side: the source row of each of its
    records (by position) and ``_row``, ``key`` of every row of its file
    (:func:`crmclean.pipeline.keys_of_records`)."""
    by_key: dict[str, int] = {}
    offset = 0
    for prefix, (rows, keys) in ((EXISTING_PREFIX, existing), ("", new)):
        rid_of_row = {int(r): offset + i for i, r in enumerate(rows.to_list())}
        for row, key in keys.select(ROW, "key").iter_rows():
            rid = rid_of_row.get(int(row))
            if rid is None:
                continue
            by_key[prefix + key] = rid
            by_key[f"{prefix}{ROW_PREFIX}{int(row)}"] = rid
            if prefix and not key.startswith(ROW_PREFIX):
                by_key.setdefault(key, rid)  # an EXISTING id; a NEW record's same key wins below
        offset += rows.len()
    return by_key


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
