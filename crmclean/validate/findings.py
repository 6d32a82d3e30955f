"""The findings table: one row per problem found, the common currency of reports and gates.

| _row | column | rule | severity | value | message |
"""

from __future__ import annotations

import polars as pl

from crmclean.io.read import ROW

SCHEMA = {
    ROW: pl.Int64,
    "column": pl.String,
    "rule": pl.String,
    "severity": pl.String,
    "value": pl.String,
    "message": pl.String,
}


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMA)


def build(
    frame: pl.DataFrame,
    bad: pl.Series | pl.Expr,
    *,
    column: str,
    rule: str,
    severity: str,
    message: pl.Series | pl.Expr | str,
    value: str | None = "column",
) -> pl.DataFrame:
    """Findings for the rows of ``frame`` where ``bad`` holds (nulls in ``bad`` mean no finding)."""
    msg = pl.lit(message) if isinstance(message, str) else message
    val = pl.col(column) if value == "column" and column in frame.columns else pl.lit(None, pl.String)
    return (
        frame.lazy()
        .select(
            pl.col(ROW),
            pl.lit(column).alias("column"),
            pl.lit(rule).alias("rule"),
            pl.lit(severity).alias("severity"),
            val.cast(pl.String).alias("value"),
            msg.cast(pl.String).alias("message"),
            (bad if isinstance(bad, pl.Expr) else pl.lit(bad)).fill_null(False).alias("_bad"),
        )
        .filter(pl.col("_bad"))
        .drop("_bad")
        .collect()
    )


def sort(findings: pl.DataFrame) -> pl.DataFrame:
    """Deterministic order: by row, then column, then rule."""
    return findings.sort([ROW, "column", "rule", "message"], maintain_order=True)
