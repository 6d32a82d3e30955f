"""One chunked validation split into partitions processed independently, then merged.

These are the tasks a distributed engine would schedule (docs/scaling.md): the driver plans the file
once (:func:`crmclean.stream.plan`: dialect, chunk byte ranges, the role sample) and pins the run's
day (:func:`pin_today`); each worker gets the plan, the rules and a set of chunk indexes, and writes,
per chunk, its row-level findings and the key columns of the ``unique`` checks
(:func:`process_partition`); the driver then decides the ``unique`` checks on all keys and merges
(:func:`merge_partitions`). Workers share nothing but the plan and a folder; the merged findings are
those of ``validate_file`` (and of ``pipeline.check_table``) on the whole file.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from crmclean.rules.load import LoadedRules
from crmclean.stream import source
from crmclean.stream.run import StreamValidated, _Run, pin_today

__all__ = ["merge_partitions", "pin_today", "process_partition"]


def process_partition(plan: source.Plan, loaded: LoadedRules, indexes: list[int], folder: str | Path) -> int:
    """Worker: fill, normalize and row-level checks on the chunks ``indexes``; writes
    ``findings-<chunk>.arrow`` and ``keys-<check>-<chunk>.arrow`` into ``folder``. Returns the rows done.
    ``loaded`` should come from :func:`pin_today` on the driver, so every worker judges the same day."""
    folder = Path(folder)
    run = _Run(plan, loaded, {}, [], False, None, None)
    rows = 0
    for chunk, frame in source.chunks(plan, set(indexes)):
        prepared, _ = run._prepare(frame)
        run._validate(prepared, chunk.index).write_ipc(folder / f"findings-{chunk.index}.arrow")
        for check, keys in run.keys.items():
            if keys:
                pl.concat(keys).write_ipc(folder / f"keys-{check}-{chunk.index}.arrow")
                run.keys[check] = []
        rows += frame.height
    return rows


def merge_partitions(plan: source.Plan, loaded: LoadedRules, folder: str | Path) -> StreamValidated:
    """Driver: the ``unique`` checks on every partition's keys, then each chunk's final findings, in
    the order of the whole-file run (``result.findings``)."""
    folder = Path(folder)
    run = _Run(plan, loaded, {}, [], True, None, None)
    run.spool = folder
    for check in run.keys:
        files = sorted(folder.glob(f"keys-{check}-*.arrow"), key=lambda f: int(f.stem.rsplit("-", 1)[1]))
        run.keys[check] = [pl.read_ipc(f) for f in files]
    run._finalize()
    run._totals()
    run.result.findings = run._all_findings()
    return run.result
