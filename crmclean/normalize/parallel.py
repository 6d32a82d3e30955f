"""Run a pure-Python per-value function over unique values, in parallel when it pays off.

Libraries such as phonenumbers and email-validator are pure Python, so threads do not help. For
large sets of unique values the values are split into chunks and mapped in a process pool (one
worker per usable CPU). The pool uses the ``spawn`` start method: ``fork`` is unsafe once Polars'
thread pool is running. It is created lazily, reused across calls and shut down at exit. When the
pool cannot be used (a sandbox without processes, a broken worker) the work silently runs
in-process instead, so callers never see the difference except in speed.

``CRMCLEAN_WORKERS`` (environment) caps the number of worker processes; ``1`` keeps everything
in-process. As with any ``spawn`` pool, a *script* that calls crmclean on large inputs needs the
usual ``if __name__ == "__main__":`` guard (the CLI and ``python -m crmclean`` are fine).

Also here: :func:`join_back`, the one way normalizers join per-unique results back to the rows.
"""

from __future__ import annotations

import atexit
import math
import multiprocessing
import os
import pickle
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import repeat
from typing import TypeVar

import polars as pl

V = TypeVar("V")
T = TypeVar("T")

_CHUNKS_PER_WORKER = 4
#: Fewer unique values than this stay in-process: below it, starting the pool costs more than it saves.
MIN_PARALLEL = 20000

_pool: ProcessPoolExecutor | None = None
_pool_workers = 0


def worker_count() -> int:
    """Worker processes to use: the CPUs this process may run on (affinity-aware), capped by
    ``CRMCLEAN_WORKERS`` when set; at least 1."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - non-Linux
        cpus = os.cpu_count() or 1
    cap = os.environ.get("CRMCLEAN_WORKERS", "").strip()
    if cap.isdigit() and int(cap) > 0:
        cpus = min(cpus, int(cap))
    return max(1, cpus)


def _shutdown_pool() -> None:
    global _pool, _pool_workers
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
    _pool = None
    _pool_workers = 0


def _get_pool(workers: int) -> ProcessPoolExecutor:
    global _pool, _pool_workers
    if _pool is None or _pool_workers != workers:
        _shutdown_pool()
        _pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
        _pool_workers = workers
    return _pool


atexit.register(_shutdown_pool)


def _apply_chunk(fn: Callable[[V], T], chunk: Sequence[V]) -> list[T]:
    return [fn(v) for v in chunk]


def map_unique_parallel(
    values: Sequence[V],
    fn: Callable[[V], T],
    min_parallel: int | None = None,
    workers: int | None = None,
) -> list[T]:
    """Return ``[fn(v) for v in values]``, using a process pool for large inputs.

    ``values`` should already be unique (that is the caller's job: it is what makes per-value
    libraries affordable). ``fn`` must be a module-level function, and its arguments and results
    picklable (strings, tuples, ...). With fewer than ``min_parallel`` values (default
    :data:`MIN_PARALLEL`), or one CPU, the work stays in-process. Result order always matches ``values``.
    """
    n = len(values)
    min_parallel = MIN_PARALLEL if min_parallel is None else min_parallel
    workers = worker_count() if workers is None else max(1, workers)
    if n == 0:
        return []
    if n < min_parallel or workers < 2:
        return [fn(v) for v in values]
    size = math.ceil(n / (workers * _CHUNKS_PER_WORKER))
    chunks = [values[i : i + size] for i in range(0, n, size)]
    try:
        pool = _get_pool(workers)
        out: list[T] = []
        for part in pool.map(_apply_chunk, repeat(fn), chunks):
            out.extend(part)
        return out
    except (BrokenProcessPool, OSError, pickle.PicklingError):
        _shutdown_pool()
        return [fn(v) for v in values]


def join_back(
    keys: pl.DataFrame, lookup: pl.DataFrame, on: list[str], *, nulls_equal: bool = False
) -> pl.DataFrame:
    """Left-join per-unique ``lookup`` results onto ``keys`` rows, keeping row count and order.

    ``lookup`` must be unique on ``on``. Rows whose key is absent from ``lookup`` (or null, unless
    ``nulls_equal``) get nulls. Returns the lookup's non-key columns only.
    """
    joined = keys.select(on).join(lookup, on=on, how="left", maintain_order="left", nulls_equal=nulls_equal)
    return joined.drop(on)
