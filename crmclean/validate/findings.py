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


# --- repairs: what fill and normalize changed, as findings of severity `fixed` --------------------

FIXED = "fixed"

# A change is cosmetic when before and after are the same text once whitespace (trimmed, runs
# collapsed; blank is empty), Unicode normal form (NFC) and letter case are set aside: nothing a
# reader, a mail server or a match key tells apart. Every other change is a repair.
_STEP_MESSAGES = {
    "normalize:phone": "phone rewritten in E.164 (international form)",
    "normalize:date": "date rewritten as YYYY-MM-DD",
    "normalize:country": "country rewritten as its ISO code",
    "normalize:postal_code": "postal code rewritten in its country's format",
    "normalize:company": "company name normalized (legal form, quotes)",
    "fill:default": "empty cell filled with the rule's default",
    "fill:coalesce": "empty cell filled from another column",
    "fill:map": "value replaced from the fill map",
    "fill:country_from_phone": "empty country filled from the phone's calling code",
    "fill:names_from_full_name": "empty name part filled from the full name",
    "fill:website_from_email": "empty website filled from the email's domain",
}


def _fold(e: pl.Expr) -> pl.Expr:
    return (
        e.cast(pl.String)
        .str.normalize("NFC")
        .str.to_lowercase()
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
        .fill_null("")
    )


def _email_message() -> pl.Expr:
    """What normalize:email did, from the value as it was (each part only when it applied)."""
    before = pl.col("before")
    ws = r"[\s\u200b\u200c\u200d\u2060\ufeff]"
    parts = [
        pl.when(before.str.contains(r"^\s*<[^<>]*@[^<>]*>")).then(pl.lit("<> removed")),
        pl.when(before.str.contains(r"[^<>\s][^<>]*<[^<>]*@[^<>]*>")).then(
            pl.lit("display name and <> removed")
        ),
        pl.when(before.str.contains(r"(?i)mailto:")).then(pl.lit("mailto: removed")),
        pl.when(before.str.contains("\uff20", literal=True)).then(pl.lit("fullwidth ＠ replaced")),
        pl.when(before.str.contains(rf"\S{ws}+@|@{ws}+\S")).then(pl.lit("spaces around @ removed")),
        pl.when(before.str.contains(r"[.,;:]" + rf"{ws}*$")).then(pl.lit("trailing punctuation removed")),
        pl.when(before.str.contains(r"[\u200b\u200c\u200d\u2060\ufeff\u00a0]")).then(
            pl.lit("invisible characters removed")
        ),
    ]
    detail = pl.concat_str(parts, separator=", ", ignore_nulls=True)
    return pl.concat_str(
        [pl.lit("email repaired: "), pl.when(detail != "").then(detail).otherwise(pl.lit("cleaned"))]
    )


def repairs(changes: pl.DataFrame) -> pl.DataFrame:
    """Findings of severity ``fixed`` for the change log's repairs (cosmetic changes left out): one per
    changed cell and step, ``rule`` the step (``normalize:email``, ``fill:default``...), ``value`` the
    cell before the step, ``message`` what was done. Never errors: no row is rejected for them."""
    if changes.height == 0:
        return empty()
    rule = pl.col("rule")
    known = pl.col("rule").replace_strict(_STEP_MESSAGES, default=None, return_dtype=pl.String)
    message = (
        pl.when(rule == "normalize:email")
        .then(_email_message())
        .when(known.is_not_null())
        .then(known)
        .when(rule.str.starts_with("fill:"))
        .then(pl.lit("empty cell filled by ") + rule)
        .otherwise(pl.lit("value rewritten by ") + rule)
    )
    return (
        changes.lazy()
        .filter(_fold(pl.col("before")) != _fold(pl.col("after")))
        .select(
            pl.col(ROW),
            pl.col("column"),
            pl.col("rule"),
            pl.lit(FIXED).alias("severity"),
            pl.col("before").cast(pl.String).alias("value"),
            message.cast(pl.String).alias("message"),
        )
        .collect()
    )
