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
