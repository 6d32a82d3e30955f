"""Numbers as the reports write them, shared by every renderer."""

from __future__ import annotations


def pct(rate: float | None) -> str:
    """0.0123 -> '1.2 %'; shares of exactly 0 or 1 print without decimals."""
    if rate is None:
        return "-"
    if rate in (0, 1):
        return f"{rate * 100:.0f} %"
    return f"{rate * 100:.1f} %"


def rows_text(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


def decisions_text(info: dict) -> str:
    """One line on what a person's decisions did (``decisions.Labels.summary``): how many were
    applied, ``same`` (must-links) and ``different`` (cannot-links), those about records not in the
    file, those not applied, and whether the match threshold was fitted to them."""
    text = f"{info['same']:,} same, {info['different']:,} different applied"
    if info["not_in_file"]:
        examples = ", ".join(info["not_in_file_examples"])
        text += f"; {info['not_in_file']:,} about records not in this file (e.g. {examples})"
    if info["conflicts"]:
        text += f"; {info['conflicts']:,} same not applied (a different contradicts them)"
    if info.get("threshold"):
        text += f"; {info['threshold']}"
    return text
