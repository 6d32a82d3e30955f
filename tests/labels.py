"""A person's decisions as the tests write them: a decisions frame (``left,right,decision,decided_at``)."""

from __future__ import annotations

import polars as pl

WHEN = "2026-12-01T10:00:00+00:00"


def decisions(*rows: tuple[str, str, str]) -> pl.DataFrame:
    """One decision per ``(left, right, decision)``, all decided at ``WHEN``."""
    return pl.DataFrame(
        [(a, b, d, WHEN) for a, b, d in rows],
        schema=["left", "right", "decision", "decided_at"],
        orient="row",
    )
