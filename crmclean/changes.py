"""The cell-level change log: which rule changed which cell, from what, to what."""

from __future__ import annotations

import polars as pl

from crmclean.io.read import ROW

SCHEMA = {ROW: pl.Int64, "column": pl.String, "before": pl.String, "after": pl.String, "rule": pl.String}


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMA)


def diff(rows: pl.Series, before: pl.Series, after: pl.Series, column: str, rule: str) -> pl.DataFrame:
    """Rows where ``after`` differs from ``before`` (nulls compared as values)."""
    changed = before.ne_missing(after)
    return pl.DataFrame(
        {
            ROW: rows.filter(changed),
            "column": pl.Series([column] * int(changed.sum()), dtype=pl.String),
            "before": before.filter(changed),
            "after": after.filter(changed),
            "rule": pl.Series([rule] * int(changed.sum()), dtype=pl.String),
        },
        schema=SCHEMA,
    )
