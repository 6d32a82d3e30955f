"""``master add``: link a new batch against the master.

Each new record either attaches to an existing code, joins other new records under a new code, or
bridges two (or more) codes: then the codes merge, the oldest survives and the others are retired
(a ``merged`` event says which, and ``state.json`` keeps ``retired -> survivor`` so an old code still
leads to its customer). Records whose key is already in the master are skipped: adding the same file
twice changes nothing. Only the touched codes' golden records and lineage are recomputed.

The master's records are never compared with each other (``exclude``), only with the new records;
they are scored with the evidence and value counts the build stored (:mod:`crmclean.master.scoring`),
the counts after the batch being the master's plus the batch's, as a one-shot run would count them.
A batch that would retire more than ``max_merge_share`` of the live codes stops before writing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from crmclean.dedupe.block import RID
from crmclean.dedupe.decisions import DecisionsSource, Labels
from crmclean.dedupe.engine import MATCH_SCORE
from crmclean.io.read import ROW, ReadOptions
from crmclean.master import golden as G
from crmclean.master import store
from crmclean.master.batch import (
    BATCH,
    CODE,
    RECORD_KEY,
    SEQ,
    SOURCE,
    Batch,
    content_hashes,
    default_source,
    number_copies,
    read_batch,
)
from crmclean.master.build import _batch_info, count, order_index
from crmclean.master.codes import Allocator, code_number
from crmclean.master.decisions import Applied, Reshaped, reshape, resolve
from crmclean.master.decisions import load as load_decisions
from crmclean.master.keys import candidates, key_frame
from crmclean.master.linkage import decide, problems
from crmclean.master.scoring import Scoring, frequencies, merge_counts
from crmclean.progress import NO_PROGRESS, Progress
from crmclean.progress import step as progress_step
from crmclean.rules.load import LoadedRules

DEFAULT_MAX_MERGE_SHARE = 0.05
#: timestamp, event, customer_code, other_code, record_key, source, score (store.EVENT_SCHEMA)
Event = tuple[str, str, str, str | None, str | None, str | None, float | None]


@dataclass
class Added:
    records: int  # in the batch
    known: int  # already in the master (skipped)
    attached: int = 0
    created: int = 0  # new codes
    merged: int = 0  # codes retired by merges
    compared_with: int = 0  # master records the batch was compared with
    merges: list[tuple[str, str]] = field(default_factory=list)  # (survivor, retired)
    written: bool = False
    master: store.Master | None = None
    decisions: Applied | None = None  # a person's decisions and what they did

    def summary(self) -> dict:
        return {
            "records": self.records,
            "already_in_master": self.known,
            "attached": self.attached,
            "new_codes": self.created,
            "merged_codes": self.merged,
            "compared_with": self.compared_with,
            "written": self.written,
        } | ({} if self.decisions is None else {"decisions": self.decisions.summary()})


def link(
    master: store.Master,
    batch: Batch,
    timestamp: str,
    max_merge_share: float,
    progress: Progress = NO_PROGRESS,
    applied: Applied | None = None,
) -> Added:
    """The master after ``batch`` (in memory), or a :class:`store.MasterGateError`. ``applied``: a
    person's decisions (:mod:`crmclean.master.decisions`): first the master is made to agree with
    those on two of its records (codes split or merged), then the batch is linked with the others
    as must-links and cannot-links."""
    loaded = store.stored_rules(master.state)
    settings = loaded.rules.dedupe
    prefix = master.prefix
    keys = number_copies(content_hashes(batch.records))
    fresh = ~keys.is_in(master.index.get_column(RECORD_KEY).implode())
    result = Added(batch.height, int((~fresh).sum()), decisions=applied)
    start = int(master.state["next_seq"])
    number = len(master.state["batches"])
    new_index = (
        batch.index.with_columns(keys.alias(RECORD_KEY), pl.lit(number, dtype=pl.Int64).alias(BATCH))
        .filter(fresh)
        .with_columns(pl.int_range(start, start + int(fresh.sum()), dtype=pl.Int64).alias(SEQ))
    )
    allocator = Allocator(prefix, master.state["codes"]["next"])
    scoring = Scoring.of_master(master, settings)
    labels = Labels()
    reshaped = None
    if applied is not None:
        labels = resolve(
            applied,
            pl.concat([master.index, new_index], how="diagonal_relaxed"),
            _rows(batch, keys, master, new_index),
        )
        reshaped = reshape(master, labels, scoring, allocator, applied, timestamp)
        if reshaped.changed:
            state = dict(master.state)
            state["retired"] = {
                c: reshaped.retired.get(s, s) for c, s in master.state["retired"].items()
            } | reshaped.retired
            master = replace(master, state=state, index=reshaped.index, records=reshaped.records)
        else:
            reshaped = None
    if not fresh.any():
        if reshaped is None:
            return result
        nothing_new = new_index.with_columns(pl.lit(None, dtype=pl.String).alias(CODE))
        result.master = _apply(
            master, batch, nothing_new, {}, reshaped.events, allocator, timestamp, loaded, reshaped
        )
        result.master.counts = scoring.counts
        count(result.master)
        return result
    # master records a decision ties to a new record are linked with the batch, candidates or not
    decided = {a for a, b in [*labels.same, *labels.different] if a < start <= b}
    near = candidates(master.index, new_index, settings)
    wanted = pl.concat([near, pl.Series(SEQ, sorted(decided), dtype=pl.Int64)]).unique()
    old = master.index.filter(pl.col(SEQ).is_in(wanted.implode())).sort(SEQ)
    result.compared_with = old.height
    batch_keys = key_frame(new_index)
    stacked = scoring.prepare(pl.concat([key_frame(old), batch_keys]), batch=batch_keys)
    side = pl.Series([True] * old.height + [False] * new_index.height)
    at = {int(q): i for i, q in enumerate(old.get_column(SEQ).to_list())}
    at |= {start + i: old.height + i for i in range(new_index.height)}

    def positions(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
        return sorted((min(at[a], at[b]), max(at[a], at[b])) for a, b in pairs if a in at and b in at)

    with progress_step(progress, "linking the batch to the master", None, "records"):
        linked = scoring.clusters(
            stacked, exclude=side, same=positions(labels.same), different=positions(labels.different)
        )
    clusters = linked.sort(RID).with_columns(
        pl.concat(
            [old.get_column(CODE), pl.repeat(None, new_index.height, dtype=pl.String, eager=True)]
        ).alias(CODE)
    )
    found_problems, lonely = problems(clusters, old.height)
    decision = decide(found_problems, master.index, new_index, scoring, prefix, labels.same, labels.different)
    rows = new_index.select(RECORD_KEY, SOURCE).rows()
    match_score = dict(
        zip(range(new_index.height), clusters.get_column(MATCH_SCORE).to_list()[old.height :], strict=True)
    )
    assigned: dict[int, str] = {}
    created: set[str] = set()
    merges: dict[str, tuple[str, str | None, float | None]] = {}  # retired -> (survivor, key, score)
    attached_to_existing = 0
    for group in decision.groups:
        if group.codes:
            survivor = group.codes[0]
            bridge = rows[group.new[0]][0] if group.new else None
            for code in group.codes[1:]:
                merges[code] = (survivor, bridge, decision.merge_scores.get(code))
            for n in group.new:
                assigned[n] = survivor
            attached_to_existing += len(group.new)
        elif group.new:
            code = allocator.new()
            created.add(code)
            for n in group.new:
                assigned[n] = code
    by_label: dict[int, str] = {}
    for n, label in sorted(lonely.items()):
        if label not in by_label:
            by_label[label] = allocator.new()
            created.add(by_label[label])
        assigned[n] = by_label[label]
    scores = {n: decision.scores.get(n, match_score.get(n)) for n in assigned}
    events: list[Event] = []
    opened: set[str] = set()
    for n in range(new_index.height):
        code = assigned[n]
        key, source = rows[n]
        if code in created and code not in opened:
            opened.add(code)
            events.append((timestamp, "created", code, None, key, source, None))
        else:
            events.append((timestamp, "attached", code, None, key, source, scores.get(n)))
    assigned_list = [assigned[n] for n in range(new_index.height)]
    live = master.golden.height
    result.merged = len(merges)
    result.merges = sorted(
        ((s, c) for c, (s, _k, _x) in merges.items()), key=lambda p: code_number(prefix, p[1])
    )
    if merges and live and len(merges) / live > max_merge_share:
        shown = ", ".join(f"{c} -> {s}" for s, c in result.merges[:10])
        more = f" and {len(merges) - 10} more" if len(merges) > 10 else ""
        raise store.MasterGateError(
            f"{batch.file}: the batch would merge {len(merges):,} of {live:,} customer codes "
            f"({len(merges) / live:.1%}), more than the allowed {max_merge_share:.1%} ({shown}{more}); "
            "nothing was written",
            hint="check the batch, or allow it with --max-merge-share",
        )
    result.created = len(created)
    result.attached = attached_to_existing
    merge_events = [
        (timestamp, "merged", s, c, key, None if key is None else _source_of(key, rows), score)
        for c, (s, key, score) in sorted(merges.items(), key=lambda m: code_number(prefix, m[0]))
    ]
    new_index = new_index.with_columns(pl.Series(CODE, assigned_list, dtype=pl.String))
    earlier = [] if reshaped is None else reshaped.events
    result.master = _apply(
        master,
        batch,
        new_index,
        merges,
        earlier + merge_events + events,
        allocator,
        timestamp,
        loaded,
        reshaped,
    )
    # the counts are sums over records: the batch's are added to the master's
    result.master.counts = merge_counts(scoring.counts, frequencies(batch_keys))
    count(result.master)
    return result


def _rows(batch: Batch, keys: pl.Series, master: store.Master, new_index: pl.DataFrame) -> pl.DataFrame:
    """``_row``, ``seq`` of every row of the batch: a new record's seq, or the master record's with
    the same record key (a row already in the master)."""
    seqs = pl.concat([master.index.select(RECORD_KEY, SEQ), new_index.select(RECORD_KEY, SEQ)])
    return (
        batch.index.select(ROW)
        .with_columns(keys.alias(RECORD_KEY))
        .join(seqs, on=RECORD_KEY, how="inner")
        .select(ROW, SEQ)
    )


def _source_of(key: str, rows: list[tuple[str, str]]) -> str | None:
    return next((s for k, s in rows if k == key), None)


def _apply(
    master: store.Master,
    batch: Batch,
    new_index: pl.DataFrame,
    merges: dict[str, tuple[str, str | None, float | None]],
    events: list[Event],
    allocator: Allocator,
    timestamp: str,
    loaded: LoadedRules,
    reshaped: Reshaped | None = None,
) -> store.Master:
    retired = {c: s for c, (s, _k, _x) in merges.items()}
    recode = pl.col(CODE).replace(retired) if retired else pl.col(CODE)
    index = order_index(pl.concat([master.index.with_columns(recode), new_index], how="diagonal_relaxed"))
    fresh_keys = new_index.get_column(RECORD_KEY)
    new_records = (
        batch.records.with_columns(number_copies(content_hashes(batch.records)).alias(RECORD_KEY))
        .filter(pl.col(RECORD_KEY).is_in(fresh_keys.implode()))
        .join(new_index.select(RECORD_KEY, CODE), on=RECORD_KEY, how="left", maintain_order="left")
    )
    records = pl.concat([master.records.with_columns(recode), new_records], how="diagonal_relaxed")
    head = [RECORD_KEY, CODE, SOURCE, ROW]
    records = records.select(*head, *[c for c in records.columns if c not in head])
    touched = set(new_index.get_column(CODE).unique().to_list()) | set(retired.values())
    gone = set(retired)
    if reshaped is not None:  # codes the decisions split or merged before the batch was linked
        touched = (touched | {retired.get(c, c) for c in reshaped.touched}) - gone
        gone |= set(reshaped.retired)
    golden, lineage = G.replace_codes(master.golden, master.lineage, index, touched, gone, loaded)
    state = dict(master.state)
    state["codes"] = {**state["codes"], "next": allocator.next}
    state["next_seq"] = int(master.state["next_seq"]) + new_index.height
    # a code retired earlier that pointed to a code retired now follows it to the new survivor
    state["retired"] = {c: retired.get(s, s) for c, s in master.state["retired"].items()} | retired
    state["batches"] = [
        *master.state["batches"],
        _batch_info(batch, len(master.state["batches"]), batch.height, new_index.height, timestamp),
    ]
    added = store.event_frame([dict(zip(store.EVENT_SCHEMA, e, strict=True)) for e in events])
    out = store.Master(state, index, records, golden, lineage, pl.concat([master.events, added]))
    count(out)
    return out


def add(
    root: str | Path,
    file: str,
    source: str | None = None,
    options: ReadOptions | None = None,
    max_merge_share: float = DEFAULT_MAX_MERGE_SHARE,
    progress: Progress = NO_PROGRESS,
    decisions: DecisionsSource | None = None,
) -> Added:
    """Add ``file`` to the master at ``root``: written as a new version unless nothing changes.
    ``decisions``: a decisions file (or frame) whose ``same`` and ``different`` outrank every score
    (:mod:`crmclean.master.decisions`)."""
    root = Path(root)
    applied = None if decisions is None else load_decisions(decisions)
    with store.locked(root):
        master = store.load(root)
        loaded = store.stored_rules(master.state)
        batch = read_batch(file, source or default_source(file), loaded, options, progress)
        timestamp = store.now_utc()
        result = link(master, batch, timestamp, max_merge_share, progress, applied)
        if result.master is not None:
            if applied is not None:
                result.master.state["decisions"] = [
                    *result.master.state.get("decisions", []),
                    applied.state(timestamp),
                ]
            store.write(root, result.master)
            result.written = True
    return result
