"""A person's decisions (``--decisions``, :mod:`crmclean.dedupe.decisions`) on the records of a master.

A record of the master is named by its ``customer_id`` value (when filled and unique among the
master's records and the batch's), by its record key (the content hash, always), or, for a record of
the one file being read (``master add``'s batch, a ``master build`` of one file), by ``row:N``.

``same`` is a must-link, ``different`` a cannot-link no chain of other pairs overrides, in ``build``
(the clustering of :func:`crmclean.dedupe.engine.find_duplicates` honours them) and in ``add``:

- before the batch is linked, the master itself is made to agree with the decisions on two of its
  records (:func:`reshape`): a ``different`` between two records of one code **splits** the code
  (average linkage inside the code, from the ``same`` groups, merging wherever no ``different``
  forbids it: so it splits once, where the evidence is weakest); the part holding the code's oldest
  record keeps the code, every other part gets a new code and a ``split`` event per record
  (customer_code the new code, other_code the old one). A ``same`` between two codes merges them
  (the oldest survives, a ``merged`` event), unless a ``different`` runs between the two.
- the batch is then linked with the decisions on its records as links and vetoes
  (:mod:`crmclean.master.linkage`).

A decision already true of the master changes nothing, so adding a batch again with the same
decisions changes nothing. The threshold is never fitted to the decisions here: every batch is
scored with the rules the master was built with.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import polars as pl

from crmclean.dedupe.cluster import LOG_ODDS_RANGE, average_linkage, components
from crmclean.dedupe.decisions import (
    ROW_PREFIX,
    DecisionsSource,
    Groups,
    Labels,
    load_decisions,
    resolve_keys,
)
from crmclean.io.read import ROW
from crmclean.master import store
from crmclean.master.batch import CODE, RECORD_KEY, SEQ, SOURCE
from crmclean.master.codes import Allocator, code_number
from crmclean.master.keys import key_frame
from crmclean.master.scoring import Scoring

ID = "customer_id"  # the role column of the index


@dataclass
class Applied:
    """The decisions file and what it did to the master."""

    frame: pl.DataFrame  # the decisions (load_decisions)
    file: str | None = None
    sha256: str | None = None
    labels: Labels | None = None  # on seq numbers
    splits: list[tuple[str, str]] = field(default_factory=list)  # (new code, old code)
    merges: list[tuple[str, str]] = field(default_factory=list)  # (survivor, retired)
    refused: int = 0  # `same` between codes not merged: a `different` runs between them

    def summary(self) -> dict[str, object]:
        info: dict[str, object] = dict(self.labels.summary()) if self.labels is not None else {}
        info |= {"split_codes": len(self.splits), "merged_codes": len(self.merges), "refused": self.refused}
        return info

    def state(self, timestamp: str) -> dict[str, object]:
        """What ``state.json`` keeps of it (under ``decisions``, one entry per command that used one)."""
        labels = self.labels or Labels()
        return {
            "at": timestamp,
            "file": self.file,
            "sha256": self.sha256,
            "loaded": labels.loaded,
            "same": len(labels.same) + len(labels.conflicts),
            "different": len(labels.different),
            "not_in_master": labels.unknown,
            "split_codes": len(self.splits),
            "merged_codes": len(self.merges),
        }


def load(source: DecisionsSource) -> Applied:
    if isinstance(source, pl.DataFrame):
        return Applied(load_decisions(source), "<decisions frame>")
    return Applied(load_decisions(source), str(source), store.file_sha256(source))


def key_map(index: pl.DataFrame, rows: pl.DataFrame | None = None) -> dict[str, int]:
    """Record name -> seq: every record's record key, its customer id when filled and unique in
    ``index``, and ``row:N`` for ``rows`` (``_row``, ``seq``: the records of the file being read)."""
    by_key: dict[str, int] = {}
    if ID in index.columns:
        value = pl.col(ID).cast(pl.String).str.strip_chars()
        unique = value.is_not_null() & (value != "") & (pl.len().over(value) == 1)
        ids = index.select(SEQ, value.alias("id"), unique.alias("u")).filter(pl.col("u"))
        by_key.update((i, int(s)) for s, i, _ in ids.iter_rows())
    if rows is not None:
        by_key.update((f"{ROW_PREFIX}{int(r)}", int(s)) for r, s in rows.select(ROW, SEQ).iter_rows())
    by_key.update((k, int(s)) for s, k in index.select(SEQ, RECORD_KEY).iter_rows())
    return by_key


def resolve(applied: Applied, index: pl.DataFrame, rows: pl.DataFrame | None = None) -> Labels:
    applied.labels = resolve_keys(applied.frame, key_map(index, rows))
    return applied.labels


# --------------------------------------------------------------------------- the master itself


@dataclass
class Reshaped:
    index: pl.DataFrame
    records: pl.DataFrame
    events: list[tuple[str, str, str, str | None, str | None, str | None, float | None]]
    touched: set[str]  # codes whose golden record must be recomputed
    retired: dict[str, str]  # retired -> survivor

    @property
    def changed(self) -> bool:
        return bool(self.touched or self.retired)


def reshape(
    master: store.Master,
    labels: Labels,
    scoring: Scoring,
    allocator: Allocator,
    applied: Applied,
    timestamp: str,
) -> Reshaped:
    """The master's index and records after the decisions on two of its records: codes split
    where a ``different`` holds inside one, codes merged where a ``same`` runs between two."""
    index, records = master.index, master.records
    prefix = master.prefix
    n_master = int(master.state["next_seq"])
    inside = [p for p in labels.different if p[1] < n_master]
    together = [p for p in labels.same if p[1] < n_master]
    code_of = dict(zip(index.get_column(SEQ).to_list(), index.get_column(CODE).to_list(), strict=True))
    info = {int(s): (k, src) for s, k, src in index.select(SEQ, RECORD_KEY, SOURCE).iter_rows()}
    events: list[tuple[str, str, str, str | None, str | None, str | None, float | None]] = []
    touched: set[str] = set()
    # splits: a `different` between two records of one code
    split_codes = sorted(
        {code_of[a] for a, b in inside if code_of[a] == code_of[b]}, key=lambda c: code_number(prefix, c)
    )
    new_code: dict[int, str] = {}
    for code in split_codes:
        members = index.filter(pl.col(CODE) == code).sort(SEQ)
        seqs = members.get_column(SEQ).to_list()
        at = {s: i for i, s in enumerate(seqs)}
        apart = frozenset((at[a], at[b]) for a, b in inside if a in at and b in at)
        atoms_pairs = [(at[a], at[b]) for a, b in together if a in at and b in at]
        atoms = (
            dict(enumerate(components(len(seqs), [a for a, _ in atoms_pairs], [b for _, b in atoms_pairs])))
            if atoms_pairs
            else None
        )
        scores = _pair_odds(scoring, members)
        groups = average_linkage(list(range(len(seqs))), scores, -math.inf, 0.0, atoms=atoms, apart=apart)
        groups.sort(key=lambda g: g[0])  # the part with the oldest record keeps the code
        touched.add(code)
        for group in groups[1:]:
            fresh = allocator.new()
            touched.add(fresh)
            applied.splits.append((fresh, code))
            for position in group:
                seq = seqs[position]
                new_code[seq] = fresh
                key, source = info[seq]
                events.append((timestamp, "split", fresh, code, key, source, None))
    if new_code:
        code_of.update(new_code)
        recode = pl.col(SEQ).replace_strict(new_code, default=pl.col(CODE), return_dtype=pl.String)
        index = index.with_columns(recode.alias(CODE))
        by_key = {info[s][0]: c for s, c in new_code.items()}
        records = records.with_columns(
            pl.col(RECORD_KEY)
            .replace_strict(by_key, default=pl.col(CODE), return_dtype=pl.String)
            .alias(CODE)
        )
    # merges: a `same` between two codes, unless a `different` runs between them
    apart_pairs = [p for p in labels.different if p[1] < n_master]
    linked: Groups[str] = Groups()
    find = linked.find
    retired: dict[str, str] = {}
    for a, b in together:
        ca, cb = find(code_of[a]), find(code_of[b])
        if ca == cb:
            continue
        if linked.kept_apart(ca, cb, ((code_of[x], code_of[y]) for x, y in apart_pairs)):
            applied.refused += 1
            continue
        survivor, gone = sorted((ca, cb), key=lambda c: code_number(prefix, c))
        linked.join(survivor, gone)
        key, source = info[a if ca == gone else b]  # the decided record on the retired side
        retired[gone] = survivor
        events.append((timestamp, "merged", survivor, gone, key, source, None))
    if retired:
        final = {c: find(c) for c in retired}
        applied.merges.extend(
            sorted(((s, c) for c, s in final.items()), key=lambda p: code_number(prefix, p[1]))
        )
        events = [
            (t, e, final.get(c, c) if e == "merged" else c, o, k, s, x) for t, e, c, o, k, s, x in events
        ]
        index = index.with_columns(pl.col(CODE).replace(final))
        records = records.with_columns(pl.col(CODE).replace(final))
        touched |= set(final.values())
        touched -= set(final)
        retired = final
    return Reshaped(index, records, events, touched, retired)


def _pair_odds(scoring: Scoring, members: pl.DataFrame) -> dict[tuple[int, int], float]:
    """Every pair of ``members`` (positions), scored as the build scored: clipped log-odds."""
    n = members.height
    if n < 2:
        return {}
    keys = scoring.prepare(key_frame(members))
    a = [i for i in range(n) for _ in range(i + 1, n)]
    b = [j for i in range(n) for j in range(i + 1, n)]
    pairs = pl.DataFrame({"a": a, "b": b}, schema={"a": pl.UInt32, "b": pl.UInt32})
    scored = scoring.score_pairs(keys, pairs)
    lo, hi = LOG_ODDS_RANGE
    evidence = (pl.col("total") - scoring.offset).clip(lo, hi).cast(pl.Float64)
    return {(int(x), int(y)): float(o) for x, y, o in scored.select("a", "b", evidence).iter_rows()}
