"""A findings summary: counts per column, rule and severity, with a few masked examples.

Used by `validate` and `clean` for their terminal output and JSON; the full quality report builds
on the same counts.
"""

from __future__ import annotations

import polars as pl

from crmclean.mask import mask_value

EXAMPLES = 3


def summarize(findings: pl.DataFrame, roles: dict[str, str], *, show_values: bool = False) -> list[dict]:
    """One entry per (column, rule, severity, message), most findings first."""
    groups = (
        findings.group_by(["column", "rule", "severity", "message"])
        .agg(
            pl.len().alias("count"),
            pl.col("_row").min().alias("first_row"),
            pl.col("value").drop_nulls().unique(maintain_order=True).head(EXAMPLES).alias("examples"),
        )
        .sort(["count", "column", "rule", "message"], descending=[True, False, False, False])
    )
    out = []
    for row in groups.iter_rows(named=True):
        role = roles.get(row["column"])
        examples = row["examples"] if show_values else [mask_value(v, role) for v in row["examples"]]
        out.append({**row, "examples": examples})
    return out


def counts(findings: pl.DataFrame) -> dict[str, int]:
    severity = findings.get_column("severity")
    return {
        "findings": findings.height,
        "errors": int((severity == "error").sum()),
        "warnings": int((severity == "warning").sum()),
        "rows_with_errors": findings.filter(pl.col("severity") == "error").get_column("_row").n_unique(),
    }
