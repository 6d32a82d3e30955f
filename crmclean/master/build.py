"""``master build``: several exports (any header language) cleaned, deduped across all of them, and
written as a new master with one customer code per cluster.

Codes are handed out in the order of each cluster's first record (files in the order given, rows in
file order), so the same inputs always give the same codes. Every record gets an event: ``created``
for the first record of a code, ``attached`` for the others (with its match score).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from crmclean.dedupe.decisions import DecisionsSource
from crmclean.dedupe.engine import MATCH_SCORE, find_duplicates
from crmclean.errors import UsageError
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
    number_copies,
    read_batch,
)
from crmclean.master.codes import Allocator, check_prefix
from crmclean.master.decisions import Applied, resolve
from crmclean.master.decisions import load as load_decisions
from crmclean.master.keys import key_frame
from crmclean.master.scoring import Scoring, frequencies
from crmclean.progress import NO_PROGRESS, Progress
from crmclean.rules.load import LoadedRules


@dataclass
class Built:
    master: store.Master
    records: int
    customers: int
    path: Path | None = None
    decisions: Applied | None = None


def assemble(
    batches: list[Batch],
    loaded: LoadedRules,
    prefix: str,
    timestamp: str,
    progress: Progress = NO_PROGRESS,
    applied: Applied | None = None,
) -> store.Master:
    """The master of ``batches`` (in memory; :func:`build` writes it); ``applied``: a person's
    decisions (:mod:`crmclean.master.decisions`), must-links and cannot-links of the clustering."""
    state = store.new_state(loaded, check_prefix(prefix))
    hashes = pl.concat([content_hashes(b.records) for b in batches])
    keys = number_copies(hashes)  # the hash covers the source name: copies are numbered per source
    index = pl.concat(
        [b.index.with_columns(pl.lit(i, dtype=pl.Int64).alias(BATCH)) for i, b in enumerate(batches)],
        how="diagonal_relaxed",
    )
    n = index.height
    index = index.with_columns(pl.int_range(n, dtype=pl.Int64).alias(SEQ), keys.alias(RECORD_KEY))
    match_keys = key_frame(index)
    decided = None
    if applied is not None:
        # `row:N` names a row of the file only when there is one file
        rows = index.select(ROW, SEQ) if len(batches) == 1 else None
        decided = resolve(applied, index, rows)
        state["decisions"] = [applied.state(timestamp)]
    # the threshold is not fitted to the decisions: every later batch scores with the rules'
    found = find_duplicates(match_keys, loaded.rules.dedupe, labels=decided, progress=progress, fit=False)
    scoring = Scoring.from_found(found, loaded.rules.dedupe, frequencies(match_keys))
    state["evidence"] = scoring.to_state()
    clusters = found.clusters.sort("_rid")
    labels = clusters.get_column("cluster")
    firsts = labels.unique().sort()  # a cluster's label is its smallest _rid, i.e. its first record
    allocator = Allocator(state["codes"]["prefix"])
    codes = dict(zip(firsts.to_list(), allocator.take(firsts.len()), strict=True))
    index = index.with_columns(labels.replace_strict(codes, return_dtype=pl.String).alias(CODE))
    state["codes"]["next"] = allocator.next
    state["next_seq"] = n
    first = clusters.get_column("_rid") == labels
    events = pl.DataFrame(
        {
            "timestamp": pl.repeat(timestamp, n, dtype=pl.String, eager=True),
            "event": pl.select(
                pl.when(pl.lit(first)).then(pl.lit("created")).otherwise(pl.lit("attached"))
            ).to_series(),
            "customer_code": index.get_column(CODE),
            "other_code": pl.repeat(None, n, dtype=pl.String, eager=True),
            "record_key": index.get_column(RECORD_KEY),
            "source": index.get_column(SOURCE),
            "score": pl.Series(clusters.get_column(MATCH_SCORE)).cast(pl.Float64),
        }
    ).with_columns(pl.when(pl.col("event") == "created").then(None).otherwise(pl.col("score")).alias("score"))
    records = pl.concat([b.records for b in batches], how="diagonal_relaxed").with_columns(
        index.get_column(RECORD_KEY), index.get_column(CODE)
    )
    records = records.select(
        RECORD_KEY,
        CODE,
        SOURCE,
        ROW,
        *[c for c in records.columns if c not in (RECORD_KEY, CODE, SOURCE, ROW)],
    )
    golden, lineage = G.golden(index, loaded)
    state["batches"] = [_batch_info(b, i, b.height, b.height, timestamp) for i, b in enumerate(batches)]
    master = store.Master(
        state, order_index(index), records, golden, lineage, events.cast(store.EVENT_SCHEMA), scoring.counts
    )
    count(master)
    return master


def order_index(index: pl.DataFrame) -> pl.DataFrame:
    head = [SEQ, RECORD_KEY, CODE, SOURCE, ROW, BATCH]
    return index.select(*head, *[c for c in index.columns if c not in head])


def count(master: store.Master) -> None:
    master.state["counts"] = {
        "records": master.index.height,
        "customers": master.golden.height,
        "retired_codes": len(master.state["retired"]),
        "batches": len(master.state["batches"]),
    }
    master.state["frequencies"] = {"file": store.FREQUENCIES, "values": master.counts.height}


def _batch_info(batch: Batch, number: int, records: int, new: int, timestamp: str) -> dict:
    return {
        "batch": number,
        "source": batch.source,
        "file": batch.file,
        "sha256": batch.sha256,
        "records": records,
        "new_records": new,
        "at": timestamp,
    }


def build(
    root: str | Path,
    files: list[str],
    loaded: LoadedRules,
    sources: list[str] | None = None,
    prefix: str = "CUST-",
    options: ReadOptions | None = None,
    progress: Progress = NO_PROGRESS,
    decisions: DecisionsSource | None = None,
) -> Built:
    """Build a new master at ``root`` from ``files`` (``sources``: one name per file, default the file
    names). ``progress`` (crmclean.progress) is told each step. ``decisions``: a decisions file (or
    frame) whose ``same`` and ``different`` outrank every score (:mod:`crmclean.master.decisions`)."""
    from crmclean.master.batch import default_source

    root = Path(root)
    if not files:
        raise UsageError("give at least one export to build the master from")
    names = list(sources) if sources else [default_source(f) for f in files]
    if len(names) != len(files):
        raise UsageError(f"{len(names)} --source-name for {len(files)} files; give one per file, in order")
    if store.is_master(root):
        raise UsageError(
            f"{root} already holds a master", hint="use `crmclean master add`, or build into a new folder"
        )
    check_prefix(prefix)
    applied = None if decisions is None else load_decisions(decisions)
    batches = [read_batch(f, name, loaded, options, progress) for f, name in zip(files, names, strict=True)]
    master = assemble(batches, loaded, prefix, store.now_utc(), progress, applied)
    with store.locked(root):
        path = store.write(root, master)
    return Built(master, master.index.height, master.golden.height, path, applied)
