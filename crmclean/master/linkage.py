"""Which code a batch's records join: average linkage in which every existing code is one group.

:meth:`crmclean.master.scoring.Scoring.clusters` (dedupe's blocking, scoring and cohesive clusters,
with the master excluded from comparing with itself, on the build's stored evidence and counts)
proposes, per new record, the master records it matches. That alone would attach a record to a code
on the strength of one record of the code, while a one-shot ``dedupe`` would weigh the customer's
other records too (average linkage: a record joins a cluster when it is close to the cluster as a
whole). So where a cluster holds master records, the whole of each code involved is brought in,
every pair across groups is scored, and groups merge, best average first, while the average evidence
between them (log-odds, clipped as dedupe's clusters clip it) reaches that of ``dedupe.match``,
starting from one group per existing code (codes never split here) and one per new record. A group
ending with one code is that customer; with several, the codes merge (the oldest survives); with
none, its new records are a new customer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations

import polars as pl

from crmclean.dedupe.block import RID
from crmclean.dedupe.cluster import LOG_ODDS_RANGE, MAX_COMPONENT, UNSCORED
from crmclean.master.batch import CODE
from crmclean.master.codes import code_number
from crmclean.master.keys import key_frame
from crmclean.master.scoring import Scoring


@dataclass
class Group:
    codes: list[str]  # oldest first
    new: list[int]  # new records (positions in the batch's new index)


@dataclass
class Problem:
    codes: set[str] = field(default_factory=set)
    new: list[int] = field(default_factory=list)


@dataclass
class Decision:
    groups: list[Group]  # groups with at least one code, and groups of new records only
    scores: dict[int, float]  # new record -> its mean score with the other members of its group
    merge_scores: dict[str, float]  # retired code -> the score of the average evidence it merged at


def problems(clusters: pl.DataFrame, n_old: int) -> tuple[list[Problem], dict[int, int]]:
    """Clusters that hold master records, joined where they share a code; and, per new record of a
    cluster without master records, that cluster's label."""
    owners: dict[int, set[str]] = {}
    for label, code in clusters.filter(pl.col(CODE).is_not_null()).select("cluster", CODE).iter_rows():
        owners.setdefault(label, set()).add(code)
    parent = {label: label for label in owners}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_label: dict[str, int] = {}
    for label, codes in owners.items():
        for code in codes:
            if code in first_label:
                a, b = find(first_label[code]), find(label)
                parent[max(a, b)] = min(a, b)
            else:
                first_label[code] = label
    found: dict[int, Problem] = {}
    lonely: dict[int, int] = {}
    for rid, label in clusters.filter(pl.col(CODE).is_null()).select(RID, "cluster").iter_rows():
        if label in owners:
            problem = found.setdefault(find(label), Problem())
            problem.new.append(rid - n_old)
        else:
            lonely[rid - n_old] = label
    for label, codes in owners.items():
        if find(label) in found:
            found[find(label)].codes |= codes
    return list(found.values()), lonely


def decide(
    found: list[Problem],
    master_index: pl.DataFrame,
    new_index: pl.DataFrame,
    scoring: Scoring,
    prefix: str,
) -> Decision:
    """Average linkage over code groups and new records, for every problem at once, on the pairs'
    log-odds as :func:`crmclean.dedupe.cluster.cluster` does (so a batch joins a customer as a
    one-shot run would join the records)."""
    match = scoring.settings.match
    at_least = (
        math.log2(match / (1 - match))
        if 0 < match < 1
        else (LOG_ODDS_RANGE[1] if match else LOG_ODDS_RANGE[0])
    )
    wanted = sorted({c for p in found for c in p.codes})
    members = master_index.filter(pl.col(CODE).is_in(wanted))
    by_code: dict[str, list[int]] = {}
    for position, code in enumerate(members.get_column(CODE).to_list()):
        by_code.setdefault(code, []).append(position)
    n_members = members.height
    batch_keys = key_frame(new_index)
    keys = scoring.prepare(pl.concat([key_frame(members), batch_keys]), batch=batch_keys)
    plans = []
    a_list: list[int] = []
    b_list: list[int] = []
    for p in found:
        codes = sorted(p.codes, key=lambda c: code_number(prefix, c))
        groups = [[("c", i) for i in by_code[c]] for c in codes] + [[("n", n)] for n in p.new]
        size = sum(len(g) for g in groups)
        plans.append((p, codes, groups, size <= MAX_COMPONENT))
        if size > MAX_COMPONENT:
            continue
        ids = [[i if kind == "c" else n_members + i for kind, i in g] for g in groups]
        for g, h in combinations(range(len(ids)), 2):
            for x in ids[g]:
                for y in ids[h]:
                    a_list.append(min(x, y))
                    b_list.append(max(x, y))
    score: dict[tuple[int, int], float] = {}  # probability, for the events
    odds: dict[tuple[int, int], float] = {}  # clipped log-odds, for the linkage (as dedupe clusters)
    if a_list:
        pairs = pl.DataFrame({"a": a_list, "b": b_list}, schema={"a": pl.UInt32, "b": pl.UInt32}).unique()
        scored = scoring.score_pairs(keys, pairs)
        lo, hi = LOG_ODDS_RANGE
        evidence = (pl.col("total") - scoring.offset).clip(lo, hi).cast(pl.Float64)
        for a, b, s, o in scored.select("a", "b", "score", evidence.alias("o")).iter_rows():
            score[(a, b)] = float(s)
            odds[(a, b)] = float(o)
    decision = Decision([], {}, {})
    for p, codes, groups, small in plans:
        if not small:  # too big to score in full: every code and record of it stays apart but the oldest
            decision.groups.append(Group(codes[:1], p.new))
            decision.groups.extend(Group([c], []) for c in codes[1:])
            continue
        ids = [[i if kind == "c" else n_members + i for kind, i in g] for g in groups]
        tags: list[tuple[list[str], list[int]]] = [([c], []) for c in codes] + [([], [n]) for n in p.new]
        merged = _average_linkage(ids, odds, at_least, UNSCORED)
        for parts, at in merged:
            group_codes = sorted({c for k in parts for c in tags[k][0]}, key=lambda c: code_number(prefix, c))
            group_new = sorted(n for k in parts for n in tags[k][1])
            decision.groups.append(Group(group_codes, group_new))
            for k, value in at.items():
                if k < len(codes):
                    # the score of the average evidence between the two groups when they merged
                    decision.merge_scores[codes[k]] = round(1.0 / (1.0 + 2.0 ** (-value)), 3)
            everyone = [x for k in parts for x in ids[k]]
            for n in group_new:
                me = n_members + n
                others = [score.get((min(me, x), max(me, x)), 0.0) for x in everyone if x != me]
                if others:
                    decision.scores[n] = round(sum(others) / len(others), 3)
    return decision


def _average_linkage(
    ids: list[list[int]], score: dict[tuple[int, int], float], threshold: float, missing: float = 0.0
) -> list[tuple[list[int], dict[int, float]]]:
    """Groups of ``ids`` (indices into it), merged best average first while the average cross score
    is at least ``threshold``; per result, the average at which each group after its first joined
    (by index into ``ids``: code groups come first, so that says when a code merged)."""
    groups: list[tuple[list[int], list[int], dict[int, float]]] = [
        ([k], list(g), {}) for k, g in enumerate(ids)
    ]

    def link(g: list[int], h: list[int]) -> float:
        total = sum(score.get((min(x, y), max(x, y)), missing) for x in g for y in h)
        return total / (len(g) * len(h))

    while len(groups) > 1:
        best, bi, bj = -math.inf, -1, -1
        for i, j in combinations(range(len(groups)), 2):
            value = link(groups[i][1], groups[j][1])
            if value > best + 1e-12:
                best, bi, bj = value, i, j
        if best < threshold:
            break
        (pi, gi, ai), (pj, gj, aj) = groups[bi], groups[bj]
        joined = {**ai, **aj, max(min(pi), min(pj)): best}  # the younger group's head joins now
        merged = (sorted(pi + pj), gi + gj, joined)
        groups = [g for k, g in enumerate(groups) if k not in (bi, bj)] + [merged]
        groups.sort(key=lambda g: g[0][0])
    return [(parts, at) for parts, _, at in groups]
