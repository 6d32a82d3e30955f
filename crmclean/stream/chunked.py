"""Validate and clean a CSV export chunk by chunk, with the results of the eager pipeline.

Per chunk of records: fill, normalize and every check that looks at one row at a time, exactly as
``pipeline.prepare`` and ``pipeline.validate`` run them (same functions, same rules, one Context for the
whole file). What needs the whole file is decided on the whole file:

- column roles: pass 1 keeps the sample ``detect_roles`` judges (first distinct values per column);
- ``unique`` checks (one column or several): only the normalized key columns (and the columns of the
  check's ``when:``) are kept across chunks, with a hash of the key, a few bytes per row; after the
  last chunk the check runs once, on the rows whose key hash occurs more than once (a superset of the
  duplicates), and its findings are merged into each chunk's findings by ``_row``;
- ``date_order: auto`` needs nothing global: it decides per row from that row's country
  (``steps.parse_dates_for_rows``), never per column;
- ``today`` is read once per run, so a run that passes midnight judges every row on the same day.

Outputs are appended chunk by chunk (crmclean.stream.sink) and renamed into place only after every
chunk passed the row-conservation check (each chunk: rows in == cleaned + rejected, each row once) and
the totals agree. Findings and the change log keep the eager order: findings by row (then column, rule,
message, and the rules' order of checks); the change log by fill/normalize step, then row.

When a ``unique`` check has severity ``error``, which rows are rejected is known only after the last
chunk: each chunk's read and prepared frames then wait in a spool folder (Arrow IPC files, about the size
of the input) until the duplicates are known. Memory stays at about one chunk plus the key columns.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from crmclean import changes as change_log
from crmclean import pipeline
from crmclean.context import Context
from crmclean.io.read import ROW, ReadOptions, Table
from crmclean.io.write import PRIVATE
from crmclean.normalize.phonebook import PhoneBook
from crmclean.progress import NO_PROGRESS, Progress
from crmclean.progress import step as progress_step
from crmclean.rules.load import LoadedRules
from crmclean.schema import RoleGuess
from crmclean.stream import source
from crmclean.stream.sink import ChunkWriter, can_stream
from crmclean.stream.stages import CANDIDATE, CHECK, CHUNK, Batch, Stages
from crmclean.tally import Tally
from crmclean.validate import findings as F
from crmclean.validate.checks import run_check

DEFAULT_CHUNK_ROWS = 100_000
BATCH_BYTES = 24 << 20  # ~100k records of a typical export: a batch peaks at ~250 MiB in memory
PHONEBOOK_LIMIT = 1_000_000  # parsed (number, region) pairs kept between chunks
FINDINGS_ORDER = [ROW, "column", "rule", "message", CHECK]


def batch_bytes() -> int:
    """About how many bytes of CSV make a batch: ``CRMCLEAN_STREAM_MIN_BYTES`` when set (tests force
    one-record batches with 1), else BATCH_BYTES. It tunes memory and speed only: every batch size
    gives the same findings, outputs and report."""
    return max(1, int(os.environ.get("CRMCLEAN_STREAM_MIN_BYTES", BATCH_BYTES)))


def appendable(outputs: tuple[str | None, ...]) -> bool:
    """Whether every output given can be written batch by batch (CSV, NDJSON, Parquet)."""
    return all(can_stream(o) for o in outputs if o)


class BoundedPhoneBook(PhoneBook):
    """The run's phone book, emptied between batches whenever it holds more than ``limit`` parsed
    pairs: a number seen again in a later batch is parsed again (same result), memory stays at
    ``limit`` plus one batch, and a batch's later stages (checks on the E.164 its normalize wrote)
    always find what its earlier ones parsed."""

    def __init__(self, limit: int = PHONEBOOK_LIMIT) -> None:
        super().__init__()
        self.limit = limit

    def trim(self) -> None:
        """Between batches: forget everything when over the limit."""
        if self._table is not None and self._table.height > self.limit:
            self._table = None


@dataclass
class ChunkResult:
    """One chunk's share of the run, for callers that aggregate as they go (reports)."""

    index: int
    frame: pl.DataFrame  # as read (read_table's frame, these rows)
    prepared: pl.DataFrame  # filled and normalized
    changes: pl.DataFrame
    findings: pl.DataFrame  # final: unique-check findings included
    cleaned: pl.DataFrame | None = None  # clean only
    rejected: pl.DataFrame | None = None


@dataclass
class StreamValidated:
    """What a batched validate found: the merged tally the full report is built from; the findings
    themselves only when kept."""

    table: Table  # name, format, encoding, delimiter, columns, notes; frame: what roles were judged on
    guesses: list[RoleGuess]
    ctx: Context
    rows: int  # data rows (blank lines excluded), as read_table's frame height
    chunks: int
    tally: Tally
    findings: pl.DataFrame | None = None  # with keep_findings=True

    @property
    def counts(self) -> dict[str, int]:
        """findings, errors, warnings, fixed, rows_with_errors."""
        return self.tally.counts

    @property
    def errors(self) -> int:
        return self.tally.counts["errors"]


@dataclass
class StreamCleaned(StreamValidated):
    rows_cleaned: int = 0
    rows_rejected: int = 0
    changes: int = 0  # cells changed (rows of the change log)


def validate_file(
    path: str | Path,
    loaded: LoadedRules,
    options: ReadOptions | None = None,
    *,
    chunk_rows: int | None = None,
    findings: str | None = None,
    keep_findings: bool = False,
    on_chunk: Callable[[ChunkResult], None] | None = None,
    spool_dir: str | Path | None = None,
    mode: int | None = PRIVATE,
    progress: Progress = NO_PROGRESS,
    map_batches: BatchMap | None = None,
) -> StreamValidated:
    """``pipeline.check_table(read_table(path, options), loaded)``, a chunk of ``chunk_rows`` records at a
    time: same findings, in the same order. ``findings``: also write them there (any format
    crmclean.stream.sink appends to), atomically. ``keep_findings``: keep them in the result too
    (memory: the findings). ``on_chunk`` gets each chunk's frames and final findings; ``progress``
    the rows done of the rows in the file; ``map_batches``: who runs each batch's stages (default
    :func:`local_batches`; crmclean.stream.workers for Dask)."""
    with progress_step(progress, f"scanning {Path(path).name}", None, "rows"):
        plan = source.batches(path, options, chunk_rows, batch_bytes())
    try:
        writers = {"findings": findings}
        write = {"mode": mode}
        run = _Run(plan, loaded, writers, [str(path)], keep_findings, on_chunk, spool_dir, write, map_batches)
        return run.run(progress)
    finally:
        plan.close()


def clean_file(
    path: str | Path,
    loaded: LoadedRules,
    options: ReadOptions | None = None,
    *,
    output: str,
    rejects: str | None = None,
    changes: str | None = None,
    findings: str | None = None,
    out_encoding: str = "utf-8",
    escape_formulas: bool = True,
    mode: int | None = PRIVATE,
    encoding_errors: str = "strict",
    chunk_rows: int | None = None,
    keep_findings: bool = False,
    on_chunk: Callable[[ChunkResult], None] | None = None,
    spool_dir: str | Path | None = None,
    progress: Progress = NO_PROGRESS,
    map_batches: BatchMap | None = None,
) -> StreamCleaned:
    """``pipeline.clean`` plus ``write_table`` of its outputs, a chunk at a time: the same rows in
    ``output`` (cleaned) and ``rejects`` (original values + ``_reasons``), the same change log and
    findings, byte for byte in CSV and NDJSON. Nothing is written unless every row lands in exactly
    one of cleaned or rejected; rows with errors are left out of ``output`` whether or not ``rejects``
    is given (as ``clean`` does). ``progress``: the rows done of the rows in the file."""
    with progress_step(progress, f"scanning {Path(path).name}", None, "rows"):
        plan = source.batches(path, options, chunk_rows, batch_bytes())
    try:
        writers = {"cleaned": output, "rejected": rejects, "changes": changes, "findings": findings}
        write = {
            "encoding": out_encoding,
            "formulas": escape_formulas,
            "mode": mode,
            "encoding_errors": encoding_errors,
        }
        run = _Run(plan, loaded, writers, [str(path)], keep_findings, on_chunk, spool_dir, write, map_batches)
        return run.run(progress)  # type: ignore[return-value]
    finally:
        plan.close()


BatchMap = Callable[[Stages, source.Batches], Iterator[Batch]]
"""How a run's batches go through their stages: in batch order, whoever does the work."""


def local_batches(stages: Stages, plan: source.Batches) -> Iterator[Batch]:
    """The local engine: each batch read and put through its stages in this process, one at a time."""
    for chunk, frame in plan.frames():
        yield stages.batch(chunk.index, frame)


def pin_today(loaded: LoadedRules) -> LoadedRules:
    """``loaded`` with ``settings.today`` set (to today, unless the rules set it): one day for the run."""
    settings = loaded.rules.settings
    if settings.today is not None:
        return loaded
    rules = loaded.rules.model_copy(update={"settings": settings.model_copy(update={"today": date.today()})})
    return dataclasses.replace(loaded, rules=rules)


class _Run:
    def __init__(
        self,
        plan: source.Batches,
        loaded: LoadedRules,
        targets: dict[str, str | None],
        inputs: list[str],
        keep_findings: bool,
        on_chunk: Callable[[ChunkResult], None] | None,
        spool_dir: str | Path | None,
        write: dict | None = None,
        map_batches: BatchMap | None = None,
    ) -> None:
        self.plan, self.loaded = plan, pin_today(loaded)
        self.map = map_batches or local_batches
        self.clean = "cleaned" in targets
        self.keep, self.on_chunk, self.spool_dir = keep_findings, on_chunk, spool_dir
        table = plan.table()
        self.guesses, self.ctx = pipeline.make_context(table, self.loaded)
        self.ctx.phones = BoundedPhoneBook()
        if isinstance(plan, source.Plan):  # roles come from the sample; the region needs every row
            self.ctx.decide_regions(self._trimmed(frame) for _, frame in plan.frames())
        kind = StreamCleaned if self.clean else StreamValidated
        self.columns = table.columns
        self.result = kind(table, self.guesses, self.ctx, plan.rows, len(plan.chunks), Tally(self.columns))
        self.stages = Stages(self.loaded, self.ctx)
        self.checks = self.stages.checks
        self.global_checks = self.stages.global_checks
        self.keys: dict[int, list[pl.DataFrame]] = {i: [] for i in self.global_checks}
        self.defer_findings = bool(self.global_checks)
        self.defer_rows = self.clean and any(self.checks[i].severity == "error" for i in self.global_checks)
        self.in_order = plan.monotonic  # chunk order is _row order: append, else sort at the end
        self.kept: list[pl.DataFrame] = []  # final findings (keep_findings, or rows out of order)
        self.kept_rejected: list[pl.DataFrame] = []
        self.rows_in = 0
        write = write or {}
        self.writers: dict[str, ChunkWriter] = {}
        try:
            for role, target in targets.items():
                if target:
                    self.writers[role] = ChunkWriter(target, inputs=inputs, **write)
            if "changes" in self.writers:  # the header, even when nothing changes
                self.writers["changes"].append(change_log.empty())
        except BaseException:
            self._abort()
            raise

    # -- the run

    def run(self, progress: Progress = NO_PROGRESS) -> StreamValidated:
        spool = tempfile.TemporaryDirectory(prefix="crmclean-spool-", dir=self.spool_dir)
        try:
            self.spool = Path(spool.name)
            progress.start("cleaning" if self.clean else "validating", self.plan.rows, "rows")
            for batch in self.map(self.stages, self.plan):
                self._chunk(batch)
                progress.advance(batch.frame.height)
            progress.finish()
            if self.defer_findings:
                progress.start("checking across chunks", None, "rows")
                self._finalize()
                progress.finish()
            self._totals()
            for writer in self.writers.values():
                writer.commit()
        except BaseException:
            self._abort()
            raise
        finally:
            spool.cleanup()
        if self.keep:
            self.result.findings = self._all_findings()
        return self.result

    def _trimmed(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame``, once the phone book is back within its limit (between batches)."""
        self.ctx.phones.trim()
        return frame

    def _abort(self) -> None:
        for writer in self.writers.values():
            with contextlib.suppress(Exception):
                writer.abort()

    def _chunk(self, batch: Batch) -> None:
        """A batch after its stages (in batch order): change log out, findings final or kept for the end."""
        index, frame, prepared, partial = batch.index, batch.frame, batch.prepared, batch.partial
        for i, keys in batch.keys.items():
            self.keys[i].append(keys)
        changes = batch.changes
        if "changes" in self.writers:
            for segment, log in batch.logs:
                self.writers["changes"].append(log, segment)
        if self.clean:
            self.result.changes += changes.height  # type: ignore[attr-defined]
        if not self.defer_findings:
            self._emit(index, frame, prepared, changes, self._final(partial, None))
            return
        partial.write_ipc(self.spool / f"findings-{index}.arrow")
        if self.clean and not self.defer_rows:  # the unique checks only warn: rows are decided now
            self._rows(frame, prepared, partial)
        # the batch's tally (and, for clean, its rows when a unique check rejects) wait for the end
        frame.write_ipc(self.spool / f"frame-{index}.arrow")
        prepared.write_ipc(self.spool / f"prepared-{index}.arrow")
        changes.write_ipc(self.spool / f"changes-{index}.arrow")

    def _final(self, partial: pl.DataFrame, global_part: pl.DataFrame | None) -> pl.DataFrame:
        parts = [partial] if global_part is None else [partial, global_part]
        return pl.concat(parts).sort(FINDINGS_ORDER, maintain_order=True)

    def _finalize(self) -> None:
        """The unique checks on all key columns; their findings go to the chunks their rows are in."""
        found = [F.empty().with_columns(pl.lit(0, pl.Int32).alias(CHECK), pl.lit(0, pl.UInt32).alias(CHUNK))]
        for i in self.global_checks:
            if not self.keys[i]:
                continue
            keys = pl.concat(self.keys[i])
            self.keys[i] = []
            # Only rows whose candidate key occurs twice can be duplicates: the check runs on those,
            # not on every row (its group-by of all keys would hold a list per row of the file).
            keys = keys.filter(pl.col(CANDIDATE).is_duplicated() & pl.col(CANDIDATE).is_not_null())
            where = keys.select(ROW, CHUNK)
            result = run_check(keys.drop(CHUNK, CANDIDATE), self.checks[i], self.ctx)
            result = result.with_columns(pl.lit(i, pl.Int32).alias(CHECK))
            found.append(result.join(where, on=ROW, how="left", maintain_order="left"))
        by_chunk = pl.concat(found).partition_by(CHUNK, as_dict=True, include_key=False)
        for chunk in self.plan.chunks:
            partial = pl.read_ipc(self.spool / f"findings-{chunk.index}.arrow")
            final = self._final(partial, by_chunk.pop((chunk.index,), None))
            frame = pl.read_ipc(self.spool / f"frame-{chunk.index}.arrow")
            prepared = pl.read_ipc(self.spool / f"prepared-{chunk.index}.arrow")
            changes = pl.read_ipc(self.spool / f"changes-{chunk.index}.arrow")
            self._emit(chunk.index, frame, prepared, changes, final, rows=self.defer_rows)
            for name in ("findings", "frame", "prepared", "changes"):
                (self.spool / f"{name}-{chunk.index}.arrow").unlink(missing_ok=True)

    def _emit(self, index, frame, prepared, changes, final: pl.DataFrame, rows: bool = True) -> None:
        """A chunk's final findings (and, for clean, its rows) to the outputs, and to the tally."""
        out = final.drop(CHECK)
        self.result.tally.merge(Tally.of(frame, prepared, out, changes, self.columns))
        if self.in_order:
            if "findings" in self.writers:
                self.writers["findings"].append(out)
            if self.keep:
                self.kept.append(final)
        else:
            self.kept.append(final)
        cleaned = rejected = None
        if self.clean and rows:
            cleaned, rejected = self._rows(frame, prepared, final)
        if self.on_chunk is not None:
            self.on_chunk(ChunkResult(index, frame, prepared, changes, out, cleaned, rejected))

    def _rows(self, frame: pl.DataFrame, prepared: pl.DataFrame, found: pl.DataFrame):
        """pipeline.clean's split, on one chunk: errors -> rejects (as read + reasons), others cleaned."""
        cleaned, rejected = pipeline.split(frame, prepared, found)
        self.rows_in += frame.height
        result: StreamCleaned = self.result  # type: ignore[assignment]
        result.rows_cleaned += cleaned.height
        result.rows_rejected += rejected.height
        self.writers["cleaned"].append(cleaned)
        if "rejected" in self.writers:
            if self.in_order:
                self.writers["rejected"].append(rejected)
            else:
                self.kept_rejected.append(rejected)
        return cleaned, rejected

    def _all_findings(self) -> pl.DataFrame:
        if not self.kept:
            return F.empty()
        return pl.concat(self.kept).sort(FINDINGS_ORDER, maintain_order=True).drop(CHECK)

    def _totals(self) -> None:
        """Rows out of order (a ``_row`` column from an earlier step, not ascending): sorted outputs,
        as the eager pipeline sorts them; then the row totals."""
        if not self.in_order:
            findings = self._all_findings()
            if "findings" in self.writers:
                self.writers["findings"].append(findings)
            if "rejected" in self.writers:
                rejected = pl.concat(self.kept_rejected).sort(ROW) if self.kept_rejected else None
                if rejected is not None:
                    self.writers["rejected"].append(rejected)
            if not self.keep:
                self.kept = []
        if self.clean:
            result: StreamCleaned = self.result  # type: ignore[assignment]
            if self.rows_in != self.plan.rows or result.rows_cleaned + result.rows_rejected != self.rows_in:
                raise pipeline.ConservationError(
                    f"row conservation failed: {self.plan.rows} rows in, {result.rows_cleaned} cleaned + "
                    f"{result.rows_rejected} rejected; nothing was written"
                )
