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
import re
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


def cr_to_lf(data: bytes) -> tuple[bytes, bool]:
    """Text whose lines end in a carriage return alone (old Mac exports) with newlines instead, as
    Python's csv module reads it, and whether that was the case. A file with any newline is left
    as it is (its lone carriage returns are inside values)."""
    if b"\n" in data or b"\r" not in data:
        return data, False
    # A carriage return inside a quoted value stays one (csv keeps it); the others end records.
    pieces = pl.Series([data], dtype=pl.Binary).cast(pl.String).str.split("\r").explode()
    q = pieces.str.count_matches(QUOTE, literal=True)
    balanced = (q.cum_sum() % 2) == 0
    ends = pl.select(pl.when(balanced).then(pl.lit("\n")).otherwise(pl.lit("\r")).alias("e")).to_series()
    ends[-1] = ""
    joined = (pieces + ends).str.join("")
    return joined.item().encode("utf-8"), True


_LEADING_BLANK = re.compile(rb"(?:[ \t]*\r?\n)+")


def skip_leading_blank_lines(data: bytes) -> tuple[bytes, int]:
    """``data`` from its first non-blank line, and how many blank lines came before it (csvkit
    skips them too: the header is the first line with content)."""
    found = _LEADING_BLANK.match(data)
    if found is None:
        return data, 0
    return data[found.end() :], data.count(b"\n", 0, found.end())


def _csv_error(err: csv.Error) -> str:
    """csv's message, without its advice about Python's file modes."""
    text = str(err)
    if "new-line character seen in unquoted field" in text:
        return "a carriage return inside an unquoted value"
    return text


# Characters that split the lines of a one-column reading: the usual delimiters, for which the
# header may be a title line, and rarer ones, which must split the header too.
_USUAL = (",", ";", "\t", "|")
_RARE = ("+", ":", "?", "!", "#", "$", "%", "&", "*", "^", "~", "=", "\\")
CONSISTENT = 0.9  # share of data lines that must split into the same number of fields


def hidden_delimiter(data: bytes, chosen: str) -> tuple[str, int] | None:
    """For text read as one column: a character that splits (nearly) every data line of the sample
    into the same number of fields (two or more), and that number. Such a file is a table with a
    delimiter crmclean does not pick by itself, or with a title line above its header: read as one
    column, every row would be one long value."""
    sample = _sample_text(data)
    lines = pl.Series("l", sample.split("\n")).str.strip_chars_end("\r")
    lines = lines.filter(lines != "")
    if lines.len() < 3:
        return None
    header, rows = lines[0], lines.slice(1)
    for char in _USUAL + _RARE:
        if char == chosen:
            continue
        fields = rows.str.count_matches(char, literal=True) + 1
        top = fields.value_counts(sort=True).row(0)
        if top[0] < 2 or top[1] < CONSISTENT * rows.len():
            continue
        if char in _RARE and header.count(char) + 1 != top[0]:
            continue
        return char, int(top[0])
    return None


def read_header(data: bytes, delimiter: str, name: str, line: int = 1) -> list[str]:
    """The header's names, trimmed; empty and duplicate names are errors that name them. ``line``:
    the physical line the header is on, for errors."""
    sample = _sample_text(data)
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, quotechar=QUOTE)
    try:
        header = next(reader, None)
    except csv.Error as err:
        raise InputError(f"cannot parse the header: {_csv_error(err)}", file=name, line=line) from None
    if not header:
        raise InputError("the first line is blank; expected the header", file=name, line=line)
    names = [h.strip().lstrip("\ufeff").strip() for h in header]
    check_names(names, name, line=line)
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


def unclosed_quote_error(name: str, line: int) -> InputError:
    return InputError(
        "a quoted field is never closed (an unclosed quote, or a stray quote inside an unquoted value) "
        "in the record starting here",
        file=name,
        line=line,
        hint="close the quote, or escape quotes inside a field by doubling them",
    )


@dataclass(frozen=True)
class Ragged:
    """Data records whose field count differs from the header's: how many, and the first one."""

    count: int
    line: int
    fields: int


def ragged_error(ragged: Ragged, width: int, name: str) -> InputError:
    more = f" (and {ragged.count - 1} more rows like it)" if ragged.count > 1 else ""
    return InputError(
        f"row has {ragged.fields} fields, the header has {width}{more}",
        file=name,
        line=ragged.line,
        hint="a missing or extra delimiter, or an unquoted delimiter inside a value",
    )


def scan(data: bytes, delimiter: str, width: int, name: str) -> Structure:
    """Check that every record has ``width`` fields and every quote closes; locate the first fault."""
    structure, ragged = scan_records(data, delimiter, width, name)
    if ragged is not None:
        raise ragged_error(ragged, width, name)
    return structure


def scan_records(
    data: bytes, delimiter: str, width: int, name: str, line_offset: int = 0
) -> tuple[Structure, Ragged | None]:
    """:func:`scan` without raising for ragged rows: they are counted and the first one returned.

    ``data`` starts with the header record. ``line_offset`` is added to every line reported, for a
    piece of a larger file (a header followed by a chunk of its records).
    """
    lines = pl.DataFrame({"l": _lines(data)}).with_row_index("line", offset=1 + line_offset)
    q = pl.col("l").str.count_matches(QUOTE, literal=True)
    per_line = lines.with_columns(
        q=q,
        start=((q.cum_sum() - q) % 2 == 0),
        blank=pl.col("l").str.strip_chars_end("\r") == "",
    ).with_columns(record=pl.col("start").cum_sum() - 1)

    if per_line.get_column("q").sum() % 2:
        last = per_line.filter(pl.col("start")).select(pl.col("line").max()).item()
        raise unclosed_quote_error(name, int(last))

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
    ragged = None
    if bad.height:
        first = bad.row(0, named=True)
        ragged = Ragged(count=bad.height, line=int(first["line"]), fields=first["fields"])
    blank = data_records.with_row_index("i").filter(pl.col("blank")).get_column("i").to_list()
    structure = Structure(
        records=data_records.height,
        blank=blank,
        start_lines=data_records.get_column("line"),
    )
    return structure, ragged


def record_starts(data: bytes, in_quotes: bool = False) -> tuple[pl.Series, bool]:
    """Byte offsets in ``data`` (UTF-8 text) where a record starts, and whether ``data`` ends inside a
    quoted field. Quote-aware, as :func:`scan` counts records: a line starts a record when the quotes
    before it are balanced, so a newline inside a quoted field is not a boundary. ``in_quotes``: the
    text before ``data`` left a quoted field open. The position just after a final newline is not
    included (the next piece's offset 0). Vectorized: no Python loop over lines.
    """
    if not data:
        return pl.Series("offset", [], dtype=pl.Int64), in_quotes
    text = pl.Series([data], dtype=pl.Binary).cast(pl.String)
    lines = text.str.split("\n").explode().alias("l")
    if data.endswith(b"\n"):
        lines = lines.slice(0, lines.len() - 1)
    per_line = pl.DataFrame({"l": lines}).select(
        offset=(pl.col("l").str.len_bytes().cast(pl.Int64) + 1).cum_sum().shift(1, fill_value=0),
        q=pl.col("l").str.count_matches(QUOTE, literal=True).cast(pl.Int64),
    )
    before = per_line.get_column("q").cum_sum() - per_line.get_column("q") + int(in_quotes)
    starts = per_line.get_column("offset").filter(before % 2 == 0)
    ends_open = (int(per_line.get_column("q").sum()) + int(in_quotes)) % 2 == 1
    return starts, ends_open
