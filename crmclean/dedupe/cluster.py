"""Clusters from scored pairs, guarded against chaining.

Matching pairs are linked into connected components. A component of two records is one cluster.
In a bigger component, A~B and B~C do not make A~C: every pair of the component is scored (the
components are small, so this is cheap), and the component is rebuilt by average linkage: two groups
merge only while the *average* evidence (log2-odds, ``total - offset``) between their records is at
least the match threshold's, so a
record joins a cluster when it is close to the cluster as a whole, not to one member. A pair with
strong evidence against it (another birth date, another first name at one address) drags the
average below the threshold and keeps the groups apart.

A person's decisions (:mod:`crmclean.dedupe.decisions`) outrank the scores: a ``same`` pair is a
link whatever its score and its records start average linkage as one group, which is never split; a
``different`` pair's records are never merged, so a component that chains them together is rebuilt
and splits where the average evidence is weakest.

Cluster ids are deterministic: a cluster is named after the smallest ``_rid`` it holds, and every
tie is broken by ``_rid``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import combinations

import polars as pl

#: Components bigger than this are not scored in full (a generic shared value can chain thousands of
#: records); their missing pairs count as non-matches, which splits them apart.
MAX_COMPONENT = 200


def components(n: int, a: list[int], b: list[int]) -> list[int]:
    """Connected components (union-find); the label of each record is the smallest member's index."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y in zip(a, b, strict=True):
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)
    return [find(x) for x in range(n)]


#: Log2-odds a pair that was never scored counts with (only in components over MAX_COMPONENT).
UNSCORED = -20.0
#: Pair log-odds are clipped to this range before averaging, so one overwhelming pair (every field
#: agreeing) cannot carry a record that others flatly contradict, nor one veto a whole cluster.
LOG_ODDS_RANGE = (-20.0, 20.0)


def average_linkage(
    members: list[int],
    scores: dict[tuple[int, int], float],
    threshold: float,
    missing: float = 0.0,
    *,
    atoms: dict[int, int] | None = None,
    apart: frozenset[tuple[int, int]] = frozenset(),
) -> list[list[int]]:
    """Merge groups, best average first, while the average cross score reaches ``threshold``
    (``scores`` and ``threshold`` on one scale: probabilities or log-odds). A person's decisions:
    ``atoms`` (record -> its group of ``same`` decisions) are the starting groups, and two groups
    between which an ``apart`` pair (a ``different`` decision) runs never merge."""
    start: dict[int, list[int]] = {}
    for m in sorted(members):
        start.setdefault(atoms.get(m, m) if atoms else m, []).append(m)
    groups = sorted(start.values(), key=lambda g: g[0])

    def link(g: list[int], h: list[int]) -> float:
        if apart and any((min(x, y), max(x, y)) in apart for x in g for y in h):
            return float("-inf")
        total = sum(scores.get((min(x, y), max(x, y)), missing) for x in g for y in h)
        return total / (len(g) * len(h))

    while len(groups) > 1:
        best, best_i, best_j = float("-inf"), -1, -1
        for i, j in combinations(range(len(groups)), 2):
            value = link(groups[i], groups[j])
            if value > best + 1e-12:
                best, best_i, best_j = value, i, j
        if best < threshold or best == float("-inf"):
            break
        merged = sorted(groups[best_i] + groups[best_j])
        groups = [g for k, g in enumerate(groups) if k not in (best_i, best_j)] + [merged]
        groups.sort(key=lambda g: g[0])
    return groups


def cluster(
    n: int,
    scored: pl.DataFrame,
    threshold: float,
    score_more: Callable[[pl.DataFrame], pl.DataFrame],
    offset: float = 5.0,
    same: Sequence[tuple[int, int]] = (),
    different: Sequence[tuple[int, int]] = (),
) -> tuple[pl.Series, pl.DataFrame]:
    """Cluster label per record (its cluster's smallest ``_rid``) and every scored pair, including the
    extra pairs scored inside components. ``score_more(pairs)`` scores pairs (a, b) on demand.

    ``same`` and ``different``: a person's decisions (``_rid`` pairs, a < b; ``same`` consistent
    with ``different``, see :func:`crmclean.dedupe.decisions.consistent`). ``same`` pairs are links
    whatever their score, and groups that average linkage never splits; a component that holds a
    ``different`` pair is rebuilt by average linkage, which never merges across it."""
    matches = scored.filter(pl.col("score") >= threshold)
    a_side = matches.get_column("a").to_list() + [a for a, _ in same]
    b_side = matches.get_column("b").to_list() + [b for _, b in same]
    labels = components(n, a_side, b_side)
    comp = pl.DataFrame({"rid": range(n), "comp": labels}, schema={"rid": pl.UInt32, "comp": pl.UInt32})
    # components over two records, and those where a `different` pair ended together, are rebuilt
    told_apart = sorted({labels[a] for a, b in different if labels[a] == labels[b]})
    sizes = comp.group_by("comp").len().filter((pl.col("len") > 2) | pl.col("comp").is_in(told_apart))
    if sizes.height == 0:
        return comp.get_column("comp").alias("cluster"), scored
    big = comp.join(sizes, on="comp").sort("comp", "rid")
    # every pair inside small-enough components that blocking did not propose
    inside = (
        big.filter(pl.col("len") <= MAX_COMPONENT)
        .select("comp", a="rid")
        .join(big.select("comp", b="rid"), on="comp")
        .filter(pl.col("a") < pl.col("b"))
        .select("a", "b")
    )
    missing = inside.join(scored.select("a", "b"), on=["a", "b"], how="anti")
    if missing.height:
        extra = score_more(missing.with_columns(via=pl.lit("cluster")))
        # appended unsorted: the caller orders the pairs once, at the end
        scored = pl.concat([scored, extra.select(scored.columns)])
    # cohesion on log-odds (the evidence), not on probabilities: averaging 0.9999 and 0.0001 says
    # nothing, averaging +25 and -8 points says the evidence for outweighs the evidence against
    lo, hi = LOG_ODDS_RANGE
    members = big.select(a="rid", comp="comp")
    in_big = (
        scored.select("a", "b", s=(pl.col("total") - offset).clip(lo, hi))
        .join(members, on="a")
        .join(members.rename({"a": "b", "comp": "comp_b"}), on="b")
        .filter(pl.col("comp") == pl.col("comp_b"))
        .drop("comp_b")
    )
    at_least = math.log2(threshold / (1 - threshold)) if 0 < threshold < 1 else (hi if threshold else lo)
    # a component whose every pair was scored and reaches the threshold stays whole (every average
    # does): average linkage runs only on the components where some pair falls short, or that hold
    # a pair a person told apart
    per_comp = in_big.group_by("comp").agg(n=pl.len(), low=pl.col("s").min())
    whole = (
        sizes.join(per_comp, on="comp", how="left")
        .filter(
            (pl.col("n") == pl.col("len").cast(pl.UInt64) * (pl.col("len") - 1) // 2)
            & (pl.col("low") > at_least + 1e-9)
            & ~pl.col("comp").is_in(told_apart)
        )
        .select("comp")
    )
    split = big.join(whole, on="comp", how="anti")
    in_split = in_big.join(whole, on="comp", how="anti")
    pair_scores: dict[int, dict[tuple[int, int], float]] = {}
    for comp_id, a, b, s in in_split.select("comp", "a", "b", "s").iter_rows():
        pair_scores.setdefault(comp_id, {})[(a, b)] = s
    atoms = dict(enumerate(components(n, [a for a, _ in same], [b for _, b in same]))) if same else None
    apart = frozenset(different)
    relabel: dict[int, int] = {}
    for comp_id, rids in split.group_by("comp", maintain_order=True).agg("rid").iter_rows():
        found = average_linkage(
            rids, pair_scores.get(comp_id, {}), at_least, UNSCORED, atoms=atoms, apart=apart
        )
        for group in found:
            for rid in group:
                relabel[rid] = group[0]
    out = [relabel.get(i, label) for i, label in enumerate(labels)]
    return pl.Series("cluster", out, dtype=pl.UInt32), scored
