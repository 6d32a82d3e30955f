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
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

import polars as pl

from crmclean.dedupe.block import RID
from crmclean.dedupe.cluster import LOG_ODDS_RANGE, MAX_COMPONENT, UNSCORED
from crmclean.master.batch import CODE, SEQ
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
    same: Sequence[tuple[int, int]] = (),
    different: Sequence[tuple[int, int]] = (),
) -> Decision:
    """Average linkage over code groups and new records, for every problem at once, on the pairs'
    log-odds as :func:`crmclean.dedupe.cluster.cluster` does (so a batch joins a customer as a
    one-shot run would join the records). ``same`` and ``different``: a person's decisions (seq
    pairs, a < b): the groups of a ``same`` start as one (unless a ``different`` runs between them),
    groups between which a ``different`` runs never merge."""
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
    # a record's number among the ids below, by seq: code members first, then the batch's records
    id_of = {int(q): i for i, q in enumerate(members.get_column(SEQ).to_list())}
    id_of |= {int(q): n_members + i for i, q in enumerate(new_index.get_column(SEQ).to_list())}
    must = [(id_of[a], id_of[b]) for a, b in same if a in id_of and b in id_of]
    apart = frozenset(
        (min(id_of[a], id_of[b]), max(id_of[a], id_of[b])) for a, b in different if a in id_of and b in id_of
    )
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
        ids = [[i if kind == "c" else n_members + i for kind, i in g] for g in groups]
        if not small:  # too big to score in full: every code and record of it stays apart but the oldest
            first = set(ids[0])
            told = {n for n in p.new if any(_crosses(first, [n_members + n], apart))}
            decision.groups.append(Group(codes[:1], [n for n in p.new if n not in told]))
            decision.groups.extend(Group([c], []) for c in codes[1:])
            decision.groups.extend(Group([], [n]) for n in sorted(told))
            continue
        tags: list[tuple[list[str], list[int]]] = [([c], []) for c in codes] + [([], [n]) for n in p.new]
        merged = _average_linkage(ids, odds, at_least, UNSCORED, must, apart)
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


def _crosses(g: set[int] | list[int], h: list[int], apart: frozenset[tuple[int, int]]) -> list[bool]:
    return [(min(x, y), max(x, y)) in apart for x in g for y in h]


def _average_linkage(
    ids: list[list[int]],
    score: dict[tuple[int, int], float],
    threshold: float,
    missing: float = 0.0,
    must: Sequence[tuple[int, int]] = (),
    apart: frozenset[tuple[int, int]] = frozenset(),
) -> list[tuple[list[int], dict[int, float]]]:
    """Groups of ``ids`` (indices into it), merged best average first while the average cross score
    is at least ``threshold``; per result, the average at which each group after its first joined
    (by index into ``ids``: code groups come first, so that says when a code merged). A person's
    decisions (pairs of ids' members): the groups of a ``must`` pair are merged first, two groups
    between which an ``apart`` pair runs never."""
    groups: list[tuple[list[int], list[int], dict[int, float]]] = [
        ([k], list(g), {}) for k, g in enumerate(ids)
    ]

    def link(g: list[int], h: list[int]) -> float:
        if apart and any(_crosses(g, h, apart)):
            return -math.inf
        total = sum(score.get((min(x, y), max(x, y)), missing) for x in g for y in h)
        return total / (len(g) * len(h))

    for x, y in must:
        gx = next((k for k, g in enumerate(groups) if x in g[1]), None)
        gy = next((k for k, g in enumerate(groups) if y in g[1]), None)
        if gx is None or gy is None or gx == gy:
            continue
        value = link(groups[gx][1], groups[gy][1])
        if value == -math.inf:  # a `different` runs between the two groups: it wins
            continue
        (px, mx, ax), (py, my, ay) = groups[gx], groups[gy]
        start = (sorted(px + py), mx + my, {**ax, **ay, max(min(px), min(py)): value})
        groups = [g for k, g in enumerate(groups) if k not in (gx, gy)] + [start]
        groups.sort(key=lambda g: g[0][0])

    while len(groups) > 1:
        best, bi, bj = -math.inf, -1, -1
        for i, j in combinations(range(len(groups)), 2):
            value = link(groups[i][1], groups[j][1])
            if value > best + 1e-12:
                best, bi, bj = value, i, j
        if best < threshold or best == -math.inf:
            break
        (pi, gi, ai), (pj, gj, aj) = groups[bi], groups[bj]
        joined = {**ai, **aj, max(min(pi), min(pj)): best}  # the younger group's head joins now
        merged = (sorted(pi + pj), gi + gj, joined)
        groups = [g for k, g in enumerate(groups) if k not in (bi, bj)] + [merged]
        groups.sort(key=lambda g: g[0][0])
    return [(parts, at) for parts, _, at in groups]
