"""Golden records of the master: one profile per live customer code, survivorship per field across
sources, with lineage (which record of which source gave each value, and why).

The work is :func:`crmclean.dedupe.merge.golden_records` on the master's normalized values per role;
``dedupe.source_priority`` ranks the master's source names (``--source-name``, default the file
name), so ``source_priority`` survivorship works across exports without a source column.
Survivorship rules of a master name roles (``role: email`` or ``column: email``).
"""

from __future__ import annotations

import polars as pl

from crmclean.context import Context
from crmclean.dedupe.engine import CLUSTER_ID, CLUSTER_SIZE
from crmclean.dedupe.merge import golden_records
from crmclean.io.read import ROW
from crmclean.master.batch import CODE, RECORD_KEY, SEQ, SOURCE
from crmclean.master.store import LINEAGE_SCHEMA
from crmclean.rules.load import LoadedRules
from crmclean.schema import ROLES

RECORDS, SOURCES = "records", "sources"


def role_columns(index: pl.DataFrame) -> list[str]:
    return [r for r in ROLES if r in index.columns]


def code_order(frame: pl.DataFrame) -> pl.DataFrame:
    """Sorted by code age (length first, so CUST-10000000 comes after CUST-9999999)."""
    return frame.sort(pl.col(CODE).str.len_chars(), pl.col(CODE), maintain_order=True)


def golden(index: pl.DataFrame, loaded: LoadedRules) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(golden, lineage) for every code in ``index`` (pass only the touched codes' records)."""
    roles = role_columns(index)
    settings = loaded.rules.dedupe
    if settings.source_priority:
        settings = settings.model_copy(update={"source_column": SOURCE})
    frame = index.select(pl.col(SEQ).cast(pl.UInt32).alias(ROW), SOURCE, *roles)
    clusters = index.select(
        pl.col(SEQ).cast(pl.UInt32).alias(ROW),
        pl.col(CODE).alias(CLUSTER_ID),
        pl.len().over(CODE).cast(pl.UInt32).alias(CLUSTER_SIZE),
    )
    ctx = Context([SOURCE, *roles], {r: r for r in roles}, loaded.rules.settings)
    result = golden_records(frame, clusters, ctx, settings)
    sources = index.group_by(CODE).agg(pl.col(SOURCE).unique().sort().str.join("; ").alias(SOURCES))
    records = (
        result.records.rename({CLUSTER_ID: CODE, CLUSTER_SIZE: RECORDS})
        .join(sources, on=CODE, how="left")
        .select(CODE, pl.col(RECORDS).cast(pl.Int64), SOURCES, *[pl.col(r).cast(pl.String) for r in roles])
    )
    seqs = index.select(
        pl.col(SEQ).cast(pl.UInt32).alias("source_row"), RECORD_KEY, SOURCE, pl.col(ROW).cast(pl.Int64)
    )
    lineage = (
        result.lineage.rename({CLUSTER_ID: CODE})
        .filter(pl.col("column") != SOURCE)
        .with_columns(pl.col("source_row").cast(pl.UInt32))
        .join(seqs, on="source_row", how="left", maintain_order="left")
        .select(list(LINEAGE_SCHEMA))
        .cast(LINEAGE_SCHEMA)
    )
    return code_order(records), lineage


def replace_codes(
    old_golden: pl.DataFrame,
    old_lineage: pl.DataFrame,
    index: pl.DataFrame,
    touched: set[str],
    gone: set[str],
    loaded: LoadedRules,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Golden and lineage with the ``touched`` codes recomputed and the ``gone`` ones removed."""
    drop = pl.col(CODE).is_in(list(touched | gone))
    fresh_golden, fresh_lineage = golden(index.filter(pl.col(CODE).is_in(list(touched))), loaded)
    records = pl.concat([old_golden.filter(~drop), fresh_golden], how="diagonal_relaxed")
    lineage = pl.concat([old_lineage.filter(~drop), fresh_lineage], how="diagonal_relaxed")
    order = records.get_column(CODE)
    lineage = (
        lineage.join(
            pl.DataFrame({CODE: order, "_o": pl.int_range(order.len(), eager=True)}), on=CODE, how="left"
        )
        .sort("_o", maintain_order=True)
        .drop("_o")
    )
    return code_order(records), lineage
