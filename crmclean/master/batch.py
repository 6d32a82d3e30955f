"""One export read for the master: its records, their content-hash keys, match keys and the
normalized values per role, whatever the headers' language (roles map them onto one schema).

The record key is a hash of the source name and the record's (column, value) pairs, sorted by
column name, so the same record read again, even with its columns reordered or at another row, has
the same key; the n-th identical copy inside one source gets ``-n`` appended.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from crmclean import pipeline
from crmclean.context import Context
from crmclean.dedupe.keys import KEYS, match_keys
from crmclean.errors import InputError
from crmclean.io.read import ROW, ReadOptions, read_table
from crmclean.master.store import KEY_PREFIX, file_sha256
from crmclean.progress import NO_PROGRESS, Progress
from crmclean.progress import step as progress_step
from crmclean.rules.load import LoadedRules
from crmclean.schema import ROLES

RECORD_KEY, CODE, SOURCE, SEQ, BATCH = "record_key", "customer_code", "source", "seq", "batch"
RESERVED = (RECORD_KEY, CODE, SOURCE, SEQ, BATCH)


@dataclass
class Batch:
    source: str
    file: str
    sha256: str | None
    records: pl.DataFrame  # source, _row, every original column (record_key added by with_keys)
    index: pl.DataFrame  # source, _row, k_<key>..., roles...
    ctx: Context

    @property
    def height(self) -> int:
        return self.records.height


def canonical(frame: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """The normalized value of each role (its first column), named by role."""
    columns = [
        pl.col(c).cast(pl.String).alias(role) for role in ROLES if (c := ctx.first_of(role)) is not None
    ]
    return frame.select(columns) if columns else pl.DataFrame(height=frame.height)


def read_batch(
    path: str,
    source: str,
    loaded: LoadedRules,
    options: ReadOptions | None = None,
    progress: Progress = NO_PROGRESS,
) -> Batch:
    with progress_step(progress, f"reading {Path(path).name}", None, "rows"):
        table = read_table(path, options)
    for column in table.columns:
        if column in RESERVED:
            raise InputError(
                f"column {column!r} is a name the master adds itself",
                file=table.name,
                column=column,
                hint="rename the column in the export",
            )
    prepared = pipeline.prepare(table, loaded, progress)
    keys = match_keys(prepared.frame, prepared.ctx)
    rows = table.frame.get_column(ROW).cast(pl.Int64)
    head = pl.DataFrame(
        {SOURCE: pl.repeat(source, table.frame.height, dtype=pl.String, eager=True), ROW: rows}
    )
    index = pl.concat(
        [
            head,
            keys.select([pl.col(k).alias(KEY_PREFIX + k) for k in KEYS]),
            canonical(prepared.frame, prepared.ctx),
        ],
        how="horizontal",
    )
    records = pl.concat([head, table.frame.select(table.columns)], how="horizontal")
    return Batch(source, str(path), None if path == "-" else file_sha256(path), records, index, prepared.ctx)


def content_hashes(records: pl.DataFrame) -> pl.Series:
    """Hash of source + sorted (column, value) pairs of each record (original columns only)."""
    data = sorted(c for c in records.columns if c not in (ROW, *RESERVED))
    parts = [pl.col(SOURCE).fill_null("")]
    for c in data:
        parts.append(pl.when(pl.col(c).is_not_null()).then(pl.lit(c + "\x1f") + pl.col(c).cast(pl.String)))
    text = records.select(pl.concat_str(parts, separator="\x1e", ignore_nulls=True).alias("t")).to_series()
    digests = [hashlib.blake2b(t.encode(), digest_size=10).hexdigest() for t in text.to_list()]
    return pl.Series(RECORD_KEY, digests, dtype=pl.String)


def number_copies(hashes: pl.Series) -> pl.Series:
    """Record keys from content hashes: ``-n`` appended to the n-th identical copy (in order)."""
    frame = pl.DataFrame({"h": hashes}).with_columns(n=pl.int_range(pl.len()).over("h"))
    return frame.select(
        pl.when(pl.col("n") == 0).then(pl.col("h")).otherwise(pl.format("{}-{}", "h", "n")).alias(RECORD_KEY)
    ).to_series()


def default_source(path: str) -> str:
    return "stdin" if path == "-" else Path(path).name
