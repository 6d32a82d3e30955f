"""Fit the evidence to the file: Fellegi-Sunter weights estimated by EM on the candidate pairs.

Each field's similarity falls in a level (the thresholds of :data:`compare.EVIDENCE`, plus "below
all", plus missing). For a match the levels follow distribution ``m``, for a non-match ``u``; the
evidence of a level is ``log2(m / u)``. Expectation-maximisation alternates between the posterior
probability that each comparison pattern is a match and the ``m``, ``u`` and match share that
explain the patterns best. It starts from the built-in evidence, so on a typical CRM export it stays
close to it, and moves where the data says otherwise: in a file where one record in five has a
mistyped first name, a different first name counts less against a match than in one where names
are clean. The work is over distinct comparison patterns (hundreds), not pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from polars.expr.whenthen import ChainedThen, Then

from crmclean.dedupe.compare import EVIDENCE, FIELDS, OFFSET, household_rule

MAX_POINTS = 12.0
ITERATIONS = 60


def level_expr(field: str) -> pl.Expr:
    """0 for the strongest level of ``field`` ... len(levels) for "below every level"; null missing."""
    levels, _ = EVIDENCE[field]
    sim = pl.col(field)
    expr: Then | ChainedThen = pl.when(sim.is_null()).then(None)
    for i, (at_least, _points) in enumerate(levels):
        expr = expr.when(sim >= at_least - 1e-6).then(i)
    return expr.otherwise(len(levels)).cast(pl.UInt8).alias(field)


def prior() -> dict[str, list[float]]:
    return {f: [p for _, p in EVIDENCE[f][0]] + [EVIDENCE[f][1]] for f in FIELDS}


#: Below these, the file is too small to learn from: the built-in evidence is used.
MIN_PAIRS = 400
MIN_MATCHES = 40.0
MAX_SHARE = 0.5


@dataclass
class Fit:
    table: dict[str, list[float]]
    offset: float
    converged: bool
    iterations: int
    matches: float  # expected number of matching candidate pairs
    pairs: int = 0

    @property
    def usable(self) -> bool:
        # a file where most candidate pairs look like one customer is one the fit cannot separate
        return self.converged and self.matches >= MIN_MATCHES and self.matches <= MAX_SHARE * self.pairs


def fit(sims: pl.DataFrame, weights: dict[str, float]) -> tuple[dict[str, list[float]], float]:
    """Evidence per field level and the offset (minus the log2 prior odds of a match)."""
    out = fit_em(sims, weights, min_pairs=0)
    return out.table, out.offset


def fit_em(sims: pl.DataFrame, weights: dict[str, float], min_pairs: int = MIN_PAIRS) -> Fit:
    """EM over the comparison patterns. Pairs the household rule decides (``household``, see
    :func:`crmclean.dedupe.compare.household_rule`) are held fixed as non-matches: they teach what a
    household shares, and never that sharing a phone makes one person."""
    table = prior()
    rule = pl.col("household") if "household" in sims.columns else household_rule()
    if "tf_email" not in sims.columns:
        rule = pl.lit(False)
    patterns = (
        sims.select(*[level_expr(f) for f in FIELDS], rule.fill_null(False).alias("_held"))
        .group_by([*FIELDS, "_held"])
        .len()
    )
    if patterns.height < 2 or sims.height < min_pairs:
        return Fit(table, OFFSET, False, 0, 0.0)
    held = patterns.get_column("_held").to_numpy().astype(bool)
    counts = patterns.get_column("len").to_numpy().astype(float)
    levels = {f: patterns.get_column(f).to_numpy() for f in FIELDS}  # float with nan for missing
    present = {f: ~np.isnan(levels[f].astype(float)) for f in FIELDS}
    idx = {f: np.nan_to_num(levels[f].astype(float), nan=0).astype(int) for f in FIELDS}
    active = [f for f in FIELDS if weights.get(f, 1.0) != 0]

    def logit(points: dict[str, list[float]], offset: float) -> np.ndarray:
        total = np.full(len(counts), -offset)
        for f in active:
            total += np.where(present[f], np.asarray(points[f])[idx[f]] * weights.get(f, 1.0), 0.0)
        return total

    g = np.where(held, 0.0, 1.0 / (1.0 + np.exp2(-logit(table, OFFSET))))
    offset = OFFSET
    converged, done = False, 0
    for done in range(1, ITERATIONS + 1):  # noqa: B007
        share = float((g * counts).sum() / counts.sum())
        share = min(max(share, 1e-6), 1 - 1e-6)
        learned = {}
        for f in FIELDS:
            n = len(table[f])
            on = present[f]
            m = np.bincount(idx[f][on], weights=(g * counts)[on], minlength=n) + 0.5
            u = np.bincount(idx[f][on], weights=((1 - g) * counts)[on], minlength=n) + 0.5
            learned[f] = list(np.clip(np.log2((m / m.sum()) / (u / u.sum())), -MAX_POINTS, MAX_POINTS))
        offset = -float(np.log2(share / (1 - share)))
        g_new = np.where(held, 0.0, 1.0 / (1.0 + np.exp2(-logit(learned, offset))))
        table = learned
        if np.max(np.abs(g_new - g)) < 1e-4:
            converged = True
            break
        g = g_new
    matches = float((g * counts).sum())
    return Fit(table, offset, converged and bool(np.isfinite(offset)), done, matches, int(counts.sum()))
