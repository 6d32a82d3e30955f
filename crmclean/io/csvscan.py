"""Delimiter sniffing and a vectorized structural check of CSV text.

Polars parses CSV at native speed but pads short rows silently and turns blank lines into rows, so a
ragged export would pass unnoticed. This module checks the structure *before* trusting the parse,
without a Python loop over rows: it reads the physical lines as one column (no quoting), counts
quotes and delimiters per line in Polars, follows quote parity to find where each record starts, and
counts fields per record (quoted segments removed first). Result: the line of the first ragged row or
unclosed quote, the number of such rows, and which records are blank lines.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import polars as pl

from crmclean.errors import InputError
from crmclean.io.header import check_names

DELIMITERS = (",", ";", "\t", "|")
QUOTE = '"'
SAMPLE_BYTES = 64 * 1024
# Bytes that may serve as a "never occurs" separator for reading whole lines as one column.
_LINE_SEPARATORS = (b"\x1f", b"\x1e", b"\x1d", b"\x1c", b"\x01", b"\x02")


@dataclass(frozen=True)
class Structure:
    """What the scan learned: record count and blank records (0-based data record indexes)."""

    records: int  # data records, header excluded, blank ones included
    blank: list[int]  # data record indexes that are blank lines
    start_lines: pl.Series  # 1-based physical line where each data record starts


def _sample_text(data: bytes) -> str:
    head = data[:SAMPLE_BYTES]
    if len(data) > SAMPLE_BYTES:  # cut at the last full line, and never inside a UTF-8 sequence
        cut = head.rfind(b"\n")
        head = head[: cut + 1] if cut > 0 else head
    return head.decode("utf-8", errors="ignore")


def _records(sample: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter, quotechar=QUOTE)
    rows = []
    try:
        for row in reader:
            if row:
                rows.append(row)
    except csv.Error:
        pass
    return rows


def sniff_delimiter(data: bytes) -> str:
    """Pick the delimiter that splits the header into most fields, consistently across the sample."""
    sample = _sample_text(data)
    best, best_score = ",", (0.0, 0)
    for delim in DELIMITERS:
        rows = _records(sample, delim)
        if len(rows) > 1 and len(data) > SAMPLE_BYTES:
            rows = rows[:-1]  # the last sampled record may be cut
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(len(r) == width for r in rows) / len(rows)
        score = (consistent, width)
        if score > best_score:
            best, best_score = delim, score
    return best


def read_header(data: bytes, delimiter: str, name: str) -> list[str]:
    """The header's names, trimmed; empty and duplicate names are errors that name them."""
    sample = _sample_text(data)
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter, quotechar=QUOTE)
    try:
        header = next(reader, None)
    except csv.Error as err:
        raise InputError(f"cannot parse the header: {err}", file=name, line=1) from None
    if not header:
        raise InputError("the first line is blank; expected the header", file=name, line=1)
    names = [h.strip().lstrip("\ufeff").strip() for h in header]
    check_names(names, name)
    return names


def _lines(data: bytes) -> pl.Series:
    sep = next((s for s in _LINE_SEPARATORS if s not in data), None)
    if sep is None:  # pathological: every candidate byte occurs; fall back to Python splitting
        return pl.Series("l", data.decode("utf-8").split("\n")[: data.count(b"\n") + 1])
    frame = pl.read_csv(
        data,
        has_header=False,
        separator=sep.decode(),
        quote_char=None,
        infer_schema=False,
        empty_string_is_null=False,
        new_columns=["l"],
        raise_if_empty=False,
    )
    return frame.get_column("l").fill_null("")


def scan(data: bytes, delimiter: str, width: int, name: str) -> Structure:
    """Check that every record has ``width`` fields and every quote closes; locate the first fault."""
    lines = pl.DataFrame({"l": _lines(data)}).with_row_index("line", offset=1)
    q = pl.col("l").str.count_matches(QUOTE, literal=True)
    per_line = lines.with_columns(
        q=q,
        start=((q.cum_sum() - q) % 2 == 0),
        blank=pl.col("l").str.strip_chars_end("\r") == "",
    ).with_columns(record=pl.col("start").cum_sum() - 1)

    if per_line.get_column("q").sum() % 2:
        last = per_line.filter(pl.col("start")).get_column("line").max()
        raise InputError(
            "a quoted field is never closed (an unclosed quote, or a stray quote inside an unquoted value) "
            "in the record starting here",
            file=name,
            line=int(last),
            hint="close the quote, or escape quotes inside a field by doubling them",
        )

    # Fields per record: delimiters outside quoted segments, plus one. Most records are one line
    # and are counted in place; only records spanning lines (quoted newlines) are grouped.
    quoted_segment = rf"{QUOTE}[^{QUOTE}]*{QUOTE}"

    def fields(text: pl.Expr) -> pl.Expr:
        return text.str.replace_all(quoted_segment, "").str.count_matches(delimiter, literal=True) + 1

    single_line = pl.col("start") & pl.col("start").shift(-1, fill_value=True)
    singles = per_line.filter(single_line).select("record", "line", "blank", fields=fields(pl.col("l")))
    multi_ids = per_line.filter(~pl.col("start")).get_column("record").unique()
    multis = (
        per_line.filter(pl.col("record").is_in(multi_ids.implode()))
        .group_by("record", maintain_order=True)
        .agg(line=pl.col("line").first(), text=pl.col("l").str.join("\n"), blank=pl.lit(False))
        .select("record", "line", "blank", fields=fields(pl.col("text")))
    )
    records = pl.concat([singles, multis.cast(singles.schema)]).sort("record")
    data_records = records.slice(1)
    bad = data_records.filter(~pl.col("blank") & (pl.col("fields") != width))
    if bad.height:
        first = bad.row(0, named=True)
        more = f" (and {bad.height - 1} more rows like it)" if bad.height > 1 else ""
        found = first["fields"]
        raise InputError(
            f"row has {found} fields, the header has {width}{more}",
            file=name,
            line=int(first["line"]),
            hint="a missing or extra delimiter, or an unquoted delimiter inside a value",
        )
    blank = data_records.with_row_index("i").filter(pl.col("blank")).get_column("i").to_list()
    return Structure(
        records=data_records.height,
        blank=blank,
        start_lines=data_records.get_column("line"),
    )
