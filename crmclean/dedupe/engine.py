"""Duplicate detection from end to end: keys -> candidate pairs -> scores -> cohesive clusters."""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from crmclean.dedupe.block import RID, Blocking, candidate_pairs
from crmclean.dedupe.cluster import cluster
from crmclean.dedupe.compare import (
    OFFSET,
    score,
    score_pairs,
    similarities,
    with_frequencies,
    with_value_codes,
)
from crmclean.dedupe.decisions import DIFFERENT, SAME, Labels, fit_threshold
from crmclean.dedupe.learn import MIN_PAIRS, fit_em
from crmclean.progress import NO_PROGRESS, Progress
from crmclean.rules.model import DedupeRules

CLUSTER_ID, CLUSTER_SIZE, MATCH_SCORE = "cluster_id", "cluster_size", "match_score"
PAIRS_PER_SLICE = 500_000
PAIRS_PER_TICK = 50_000  # with a watcher, smaller slices: the bar moves (the similarities are the same)


@dataclass
class DedupeResult:
    """What :func:`find_duplicates` found: the records' keys, every scored pair and the clusters
    (counted by :func:`crmclean.dedupe.summary.summarize`)."""

    keys: pl.DataFrame  # _rid, _row, match keys
    pairs: pl.DataFrame  # every scored pair: a, b (_rid), via, similarities, points, total, score, decision
    clusters: pl.DataFrame  # _rid, _row, cluster (smallest _rid), cluster_id, cluster_size, match_score
    blocking: Blocking
    evidence: str = "built-in"  # "learned" (EM on this file) or "built-in (why)"
    table: dict[str, list[float]] | None = None  # learned evidence per field level; None: built-in
    offset: float = OFFSET
    labels: Labels | None = None  # a person's decisions, as applied (None: no decisions file)
    match: float = 0.9  # the match threshold used: the rules', or the one fitted to the decisions
    review: float = 0.5  # the review band's floor used (lowered to a fitted threshold under it)

    @property
    def compared(self) -> int:
        return self.pairs.height

    @property
    def duplicate_records(self) -> int:
        """Records that would disappear in a merge: cluster members beyond the first."""
        return self.clusters.height - self.clusters.get_column("cluster").n_unique()


def with_rid(keys: pl.DataFrame) -> pl.DataFrame:
    return keys.with_row_index(RID).with_columns(pl.col(RID).cast(pl.UInt32))


def find_duplicates(
    keys: pl.DataFrame,
    settings: DedupeRules,
    exclude: pl.Series | None = None,
    labels: Labels | None = None,
    *,
    progress: Progress = NO_PROGRESS,
    fit: bool = True,
) -> DedupeResult:
    """Cluster the records of ``keys`` (from :func:`crmclean.dedupe.keys.match_keys`, any number of
    files stacked; ``exclude`` marks records never compared with each other). ``labels``: a person's
    decisions on records of ``keys`` (:func:`crmclean.dedupe.decisions.resolve`); they outrank the
    scores, and fit the match threshold when there are enough of them (unless ``fit`` is false: the
    master keeps the rules' threshold, which every later batch scores with). ``progress`` is told the
    candidate pairs scored of the pairs planned."""
    progress.start("blocking candidate pairs", None, "records")
    keys = with_frequencies(with_rid(keys))
    blocking = candidate_pairs(keys, settings.blocking, settings.max_block, settings.window, exclude)
    progress.finish()
    weights = dict[str, float](settings.weights.items())
    # both records' keys side by side cost far more than the similarities: a slice at a time
    coded = with_value_codes(keys)
    progress.start("scoring candidate pairs", blocking.pairs.height, "pairs")
    size = PAIRS_PER_SLICE if progress is NO_PROGRESS else PAIRS_PER_TICK
    parts = []
    for part in blocking.pairs.iter_slices(size):
        parts.append(similarities(coded, part))
        progress.advance(part.height)
    sims = pl.concat(parts or [similarities(coded, blocking.pairs)])
    progress.finish()
    progress.start("learning evidence and clustering", None, "pairs")
    table, offset, evidence = None, OFFSET, "built-in"
    if settings.learn is not False:
        learned = fit_em(sims, weights, min_pairs=0 if settings.learn else MIN_PAIRS)
        if settings.learn or learned.usable:
            table, offset, evidence = learned.table, learned.offset, "learned"
        else:
            evidence = (
                "built-in (too few pairs to learn from)"
                if not learned.iterations
                else (
                    "built-in (the fit did not converge)"
                    if not learned.converged
                    else "built-in (too few likely duplicates to learn from)"
                )
            )
    scored = score(sims, weights, table, offset)
    del sims  # the scored frame holds every column of it
    match, review = settings.match, settings.review
    decided = None
    if labels is not None:
        decided = labels.frame()
        # decided pairs blocking did not propose are scored too: the story explain tells, and the fit
        missing = decided.select("a", "b").join(scored.select("a", "b"), on=["a", "b"], how="anti")
        if missing.height:
            extra = score_pairs(coded, missing.with_columns(via=pl.lit("decision")), weights, table, offset)
            scored = pl.concat([scored, extra.select(scored.columns)]).sort("a", "b")
        told = scored.join(decided, on=["a", "b"]).select("label", odds=pl.col("total") - offset)
        by_kind = {
            k: told.filter(pl.col("label") == k).get_column("odds").to_list() for k in (SAME, DIFFERENT)
        }
        if fit:
            labels.fit = fit_threshold(by_kind[SAME], by_kind[DIFFERENT], settings.match)
            match = labels.fit.match
            review = min(review, match)
    clusters_of, scored = cluster(
        keys.height,
        scored,
        match,
        lambda more: score_pairs(coded, more, weights, table, offset),
        offset,
        same=labels.same if labels is not None else (),
        different=labels.different if labels is not None else (),
    )
    if decided is not None:
        scored = scored.join(
            decided.rename({"label": "_label"}), on=["a", "b"], how="left", maintain_order="left"
        )
    else:
        scored = scored.with_columns(_label=pl.lit(None, dtype=pl.String))
    # labels are indexed by _rid, so a pair's two clusters are a gather, not a join
    a_cluster = clusters_of.gather(scored.get_column("a"))
    same = pl.lit(a_cluster) == pl.lit(clusters_of.gather(scored.get_column("b")))
    told_apart = pl.col("_label").is_not_null() & ~same  # a person decided: never left for review
    decision = (
        pl.when(same)
        .then(pl.lit("match"))
        .when(told_apart)
        .then(pl.lit("no_match"))
        .when(pl.col("score") >= review)
        .then(pl.lit("review"))
        .otherwise(pl.lit("no_match"))
    )
    by = (
        pl.when(pl.col("_label").is_not_null())
        .then(pl.lit("decision"))
        .otherwise(decided_by(same, match, offset))
    )
    columns = scored.with_columns(decision=decision, decided_by=by).drop("_label").get_columns()
    del scored, a_cluster, same, told_apart, decision, by
    scored = in_pair_order(columns)
    clusters = _describe(keys, clusters_of, scored)
    progress.finish()
    return DedupeResult(keys, scored, clusters, blocking, evidence, table, offset, labels, match, review)


def in_pair_order(columns: list[pl.Series]) -> pl.DataFrame:
    """The frame of ``columns`` (among them ``a`` and ``b``, unique pairs) ordered by (a, b), as
    ``sort("a", "b")`` orders it, one column at a time: the list is emptied as each column is
    reordered, so the widest frame of the dedupe is never held twice (blocking's pairs come in
    order; only the pairs clustering or decisions added are not)."""
    names = [c.name for c in columns]
    frame = pl.DataFrame([columns[names.index("a")], columns[names.index("b")]])
    order = frame.select(pl.arg_sort_by("a", "b")).to_series()
    del frame
    if order.is_sorted():  # a permutation in ascending order is the identity: already in order
        return pl.DataFrame(columns)
    out = []
    while columns:
        out.append(columns.pop(0).gather(order))
    return pl.DataFrame(out)


#: Which step decided a pair (``decided_by``): its own score; the cluster it joined through others
#: (a score under the threshold, merged by cohesion); the cohesion check that kept a scoring pair in
#: two clusters; the household rule that withheld the shared home or office points; a person's
#: decision (the decisions file) about this very pair.
DECIDED_BY = ("score", "cluster", "cohesion split", "household rule", "decision")


def decided_by(same: pl.Expr, match: float, offset: float) -> pl.Expr:
    at_least = math.log2(match / (1 - match)) if 0 < match < 1 else (math.inf if match else -math.inf)
    over = pl.col("score") >= match
    rule = pl.col("household").fill_null(False)
    would = (pl.col("total") + pl.col("held").fill_null(0) - offset) >= at_least
    return (
        pl.when(same & over)
        .then(pl.lit("score"))
        .when(same)
        .then(pl.lit("cluster"))
        .when(over)
        .then(pl.lit("cohesion split"))
        .when(rule & would)
        .then(pl.lit("household rule"))
        .otherwise(pl.lit("score"))
    )


def _describe(keys: pl.DataFrame, labels: pl.Series, scored: pl.DataFrame) -> pl.DataFrame:
    """Per record: its cluster, the cluster's id (smallest source row), size, and the record's mean
    score with the other members (null for a record alone). ``scored`` carries the decisions."""
    frame = keys.select(RID, "_row").with_columns(cluster=labels)
    frame = frame.with_columns(
        pl.col("_row").min().over("cluster").alias(CLUSTER_ID),
        pl.len().over("cluster").cast(pl.UInt32).alias(CLUSTER_SIZE),
    )
    inside = scored.filter(pl.col("decision") == "match")  # the pairs inside a cluster
    per_record = (
        pl.concat([inside.select(rid="a", s="score"), inside.select(rid="b", s="score")])
        .group_by("rid")
        .agg(pl.col("s").sum())
    )
    frame = frame.join(per_record.rename({"rid": RID}), on=RID, how="left", maintain_order="left")
    mean = (pl.col("s") / (pl.col(CLUSTER_SIZE) - 1)).round(3)
    return frame.with_columns(
        pl.when(pl.col(CLUSTER_SIZE) > 1).then(mean).otherwise(None).cast(pl.Float64).alias(MATCH_SCORE)
    ).drop("s")
