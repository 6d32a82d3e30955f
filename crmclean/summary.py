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
        examples = row["examples"]
        if not show_values:
            examples = [mask_finding_value(v, row["column"], roles) for v in examples]
        out.append({**row, "examples": examples})
    return out


def mask_finding_value(value: str | None, column: str, roles: dict[str, str]) -> str | None:
    """Mask a finding's value by the role of its column. A multi-column check labels its column
    ``a + b`` (or ``a / b``) and joins values with `` | ``: each part is masked by its own column's role;
    parts whose role is unknown are masked as text, never shown as they are."""
    if value is None or column in roles:
        return mask_value(value, roles.get(column))
    for sep in (" + ", " / "):
        names = column.split(sep)
        parts = value.split(" | ")
        if len(names) > 1 and len(names) == len(parts):
            return " | ".join(mask_value(v, roles.get(n)) or "" for v, n in zip(parts, names, strict=True))
    return mask_value(value, None)


def counts(findings: pl.DataFrame) -> dict[str, int]:
    severity = findings.get_column("severity")
    return {
        "findings": findings.height,
        "errors": int((severity == "error").sum()),
        "warnings": int((severity == "warning").sum()),
        "fixed": int((severity == "fixed").sum()),
        "rows_with_errors": findings.filter(pl.col("severity") == "error").get_column("_row").n_unique(),
    }
