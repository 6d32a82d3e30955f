"""The Dask engine for a batched run: each batch's stages (fill, normalize, row checks, ``unique`` keys)
run on the workers; everything else stays where the local engine has it, on the client.

The run's :class:`~crmclean.stream.stages.Stages` (rules, the file's Context) and its plan are sent
once to every worker (``scatter(broadcast=True)``): a worker loads them, and its phone book fills,
once per run, not per batch. A task gets a batch index, reads that batch's byte range of the file
itself (the path must be readable by every worker at the same path), and returns the
:class:`~crmclean.stream.stages.Batch`. The client takes the results in batch order, merges the
tallies, appends the outputs (the sink stays on the client) and decides the ``unique`` checks after
the last batch, exactly as the local engine does: same findings, same output bytes, same report.

At most ``window`` batches are in flight (default: two per worker), so the client holds a bounded
number of results while it writes them in order. A file in a legacy encoding is decoded from its
start by every task (the plan's offsets are in the decoded text), so Dask pays off on UTF-8 files;
a source that is not a planned CSV (stdin, Excel, ...) is one batch in memory, run on the client.

Dedupe: :func:`dask_match_keys` builds the match keys of the prepared rows on the workers; blocking,
scoring, evidence and clustering run on the client as they do locally.
"""

from __future__ import annotations

import os
import uuid
from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING

import polars as pl

from crmclean.context import Context
from crmclean.dedupe.keys import match_keys
from crmclean.pipeline import KeysOf
from crmclean.stream import source
from crmclean.stream.chunked import BatchMap, local_batches
from crmclean.stream.stages import Batch, Stages, portable

if TYPE_CHECKING:
    from distributed import Client


def _in_worker() -> None:
    """A Dask worker process is daemonic and may not start processes: the per-value pool
    (crmclean.normalize.parallel) stays off there; the workers are the parallelism."""
    os.environ["CRMCLEAN_WORKERS"] = "1"


def _workers(client: Client) -> int:
    """How many workers the cluster has now (at least one)."""
    return max(1, len(client.scheduler_info().get("workers", {})))


def _batch(stages: Stages, plan: source.Plan, index: int) -> Batch:
    """On a worker: batch ``index`` read from the file and put through the stages."""
    _in_worker()
    ((chunk, frame),) = source.chunks(plan, {index})
    return stages.batch(chunk.index, frame)


def dask_batches(client: Client, window: int | None = None) -> BatchMap:
    """A BatchMap (crmclean.stream.chunked) that runs the batches on ``client``'s workers."""

    def run(stages: Stages, plan: source.Batches) -> Iterator[Batch]:
        if not isinstance(plan, source.Plan) or len(plan.chunks) < 2:
            yield from local_batches(stages, plan)
            return
        size = window or 2 * _workers(client)
        staged, planned = client.scatter([stages, plan], broadcast=True, hash=False)
        run_id = uuid.uuid4().hex
        pending: deque = deque()
        try:
            for chunk in plan.chunks:
                key = f"crmclean-batch-{run_id}-{chunk.index}"
                pending.append(client.submit(_batch, staged, planned, chunk.index, key=key, pure=False))
                if len(pending) >= size:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            client.cancel([*pending, staged, planned])

    return run


def _match_keys(frame: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    _in_worker()
    return match_keys(frame, ctx)


def dask_match_keys(client: Client, parts: int | None = None) -> KeysOf:
    """``crmclean.dedupe.keys.match_keys`` on ``client``'s workers: the prepared rows cut into
    ``parts`` slices (default: two per worker), each slice's keys built on a worker (one record's keys
    depend on that record only), stacked back in row order. Blocking, scoring and clustering stay on
    the client, so the clusters are the local engine's."""

    def keys(frame: pl.DataFrame, ctx: Context) -> pl.DataFrame:
        count = parts or 2 * _workers(client)
        size = max(1, -(-frame.height // count))
        if frame.height <= size:
            return match_keys(frame, ctx)
        shared = client.scatter(portable(ctx), broadcast=True, hash=False)
        try:
            futures = [
                client.submit(_match_keys, frame.slice(start, size), shared, pure=False)
                for start in range(0, frame.height, size)
            ]
            return pl.concat(client.gather(futures))
        finally:
            client.cancel([shared])

    return keys
