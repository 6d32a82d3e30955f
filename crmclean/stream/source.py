"""Read a CSV export as chunks of records, with the checks and the numbering of ``read_table``.

Two passes over the file, each holding one chunk (plus one read block) in memory:

1. :func:`plan` decodes the file block by block (encoding decided once, as
   :func:`crmclean.io.encoding.decode_to_utf8` decides it for the whole file), cuts it into chunks of
   ``chunk_rows`` records at record boundaries (quote-aware, :func:`crmclean.io.csvscan.record_starts`),
   and runs every check ``read_table`` runs, chunk by chunk, with physical line numbers and record
   numbers continuing across chunks. It also keeps what must be decided on the whole file: the sample
   of values column roles are detected from (the first ``schema.SAMPLE`` distinct values per column,
   as ``detect_roles`` sees them on the whole frame), the largest cell per column, and the ``_row``
   values of a file written by an earlier crmclean step. A file with several faults gets the error
   ``read_table`` would raise: the first fault of the kind it checks first.
2. :func:`chunks` streams the file again and yields each chunk as the frame ``read_table`` would hold
   for those rows (``_row`` numbered from the chunk's first record, blank lines skipped but counted).

The structure checks run on the header plus one chunk at a time, so a cut never falls inside a quoted
field: only the last piece of a file can end inside quotes, which is the "never closed" error. A
record that never ends (an unclosed quote early in a large file) would make a chunk grow without
bound; past ``MAX_RECORD_BYTES`` the rest of the file is only followed for quote parity, in order to
report the unclosed quote where ``read_table`` would.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import polars as pl
import polars.selectors as cs

from crmclean.errors import InputError, UsageError
from crmclean.io import codepage, csvscan, read
from crmclean.io.encoding import (
    _BOMS,
    _canonical,
    _is_utf8,
    _looks_utf16,
    line_of,
)
from crmclean.io.read import MAX_COLUMNS, MAX_FIELD_BYTES, ROW, ReadOptions, Table
from crmclean.schema import SAMPLE

BLOCK_BYTES = 16 << 20  # read size; a block is cut at its last newline
LEGACY_SAMPLE = 1 << 20  # decode_to_utf8 detects a legacy code page on the first MiB
MAX_RECORD_BYTES = 64 << 20  # a record longer than this is a broken file, never customer data
MAX_LINE_BYTES = 256 << 20  # a physical line longer than this is refused before decoding

# Fixed-width encodings: a newline is a whole code unit, found at an aligned offset.
_WIDE = {
    "utf-16-le": (2, b"\n\x00"),
    "utf-16-be": (2, b"\x00\n"),
    "utf-32-le": (4, b"\n\x00\x00\x00"),
    "utf-32-be": (4, b"\x00\x00\x00\n"),
}

# read_table checks in this order; of several faults, the first kind wins (then the first in the file).
P_NUL, P_BOM, P_EMPTY, P_HEADER, P_QUOTE, P_RAGGED, P_PARSE, P_HEIGHT, P_FIELD, P_ROW, P_NODATA = range(11)


@dataclass(frozen=True)
class Chunk:
    """A run of data records: byte range in the UTF-8 text, first physical line and record."""

    index: int
    start: int  # offset in the decoded text (the header is at 0)
    end: int
    first_line: int  # 1-based physical line of its first record
    first_record: int  # 0-based data record (header excluded, blank lines included)
    records: int  # data records, blank lines included
    blank: list[int]  # 0-based positions of blank records within the chunk
    rows: int  # records that are not blank lines: the chunk frame's height


@dataclass
class Plan:
    """What pass 1 learned: how to decode, the dialect, the chunks and the role sample."""

    path: Path
    name: str
    encoding: str  # as Table.encoding reports it (utf-8, utf-8-sig, cp1251, utf-16-le, ...)
    codec: str | None  # Python codec for the raw bytes; None: UTF-8, passed through
    skip: int  # bytes of byte-order mark before the text
    delimiter: str
    header: list[str]
    header_bytes: bytes
    chunks: list[Chunk]
    sample: pl.DataFrame  # role detection sample: first SAMPLE distinct values per column
    rows: int
    skipped_blank: int
    monotonic: bool = True  # _row increases through the file (always, unless given in the source)
    spooled: bool = False  # path is a temporary copy of standard input
    notes: list[str] = field(default_factory=list)  # what the reader decided (Table.notes)

    def table(self) -> Table:
        """A Table over the role sample, for ``pipeline.make_context`` (roles as on the whole file)."""
        return Table(
            frame=self.sample,
            name=self.name,
            format="csv",
            encoding=self.encoding,
            delimiter=self.delimiter,
            skipped_blank=self.skipped_blank,
            notes=list(self.notes),
        )

    def frames(self) -> Iterator[tuple[Chunk, pl.DataFrame]]:
        return chunks(self)

    def close(self) -> None:
        if self.spooled:
            self.path.unlink(missing_ok=True)


@dataclass
class Whole:
    """A Table already in memory, as a source of one batch (the same run as a planned CSV)."""

    source: Table

    def __post_init__(self) -> None:
        rows = self.source.frame.height
        self.rows = rows
        self.chunks = [Chunk(0, 0, 0, 1, 0, rows, [], rows)]
        numbers = self.source.frame.get_column(ROW)
        self.monotonic = bool(numbers.is_sorted())

    def table(self) -> Table:
        return self.source

    def frames(self) -> Iterator[tuple[Chunk, pl.DataFrame]]:
        yield self.chunks[0], self.source.frame

    def close(self) -> None:
        return None


Batches = Plan | Whole


def batches(
    source: str | Path,
    options: ReadOptions | None = None,
    chunk_rows: int | None = None,
    batch_bytes: int = 24 << 20,
) -> Batches:
    """The source of a run: a planned CSV file, read in batches of ``chunk_rows`` records (None: as
    many as about ``batch_bytes`` hold, by the length of the first MiB's lines); anything
    else read whole (:func:`crmclean.io.read.read_table`) as one batch: other formats, standard input,
    and the CSV layouts the planner does not follow (carriage-return-only line endings, blank lines
    above the header), which ``read_table`` rewrites before parsing."""
    options = options or ReadOptions()
    path = Path(source)
    if str(source) == "-" or not path.is_file():
        return Whole(read.read_table(source, options))
    with path.open("rb") as f:
        head = f.read(LEGACY_SAMPLE)
    fmt = options.format or read._format_from_extension(path) or read._sniff_format(head[:4096])
    plain = head.lstrip(b"\xef\xbb\xbf")
    if fmt != "csv" or (b"\r" in head and b"\n" not in head) or re.match(rb"[ \t]*\r?\n", plain):
        return Whole(read.read_table(source, options))
    if chunk_rows is None:
        line_bytes = max(1.0, len(head) / max(1, head.count(b"\n")))
        chunk_rows = max(1, int(batch_bytes / line_bytes))
    return plan(path, options, chunk_rows)


# --- decoding ---------------------------------------------------------------------------------


class _Decoder:
    """Raw blocks (each ending at a newline) to UTF-8, with the located errors of decode_to_utf8."""

    def __init__(
        self, name: str, mode: str, codec: str | None, validate: bool = True, label: str | None = None
    ) -> None:
        self.name = name
        self.mode = mode  # "utf8-strict" | "codec" | "auto" (undecided while ASCII) | "utf8-auto"
        self.codec = codec
        self.label = label or codec or "utf-8"  # the encoding as error messages name it
        self.validate = validate
        self.head = b""  # first LEGACY_SAMPLE raw bytes, for the legacy code page guess
        self.encoding: str | None = None
        self.note = ""  # how a legacy code page was settled, as decode_to_utf8 notes it

    def decode(self, raw: bytes, offset: int, line: int) -> bytes:
        if self.mode == "auto":
            if raw.isascii():
                return raw
            self._decide(raw)
        if self.mode == "codec":
            try:
                return raw.decode(self.codec).encode("utf-8")  # type: ignore[arg-type]
            except UnicodeDecodeError as err:
                raise self._strict_error(raw, err.start, offset, line, self.label) from None
        if self.validate and not _is_utf8(raw):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as err:
                if self.mode == "utf8-strict":
                    raise self._strict_error(raw, err.start, offset, line, "utf-8") from None
                raise InputError(
                    f"byte 0x{raw[err.start]:02x} is not valid UTF-8, but the text before it is UTF-8: "
                    "the file mixes encodings",
                    file=self.name,
                    line=line - 1 + line_of(raw, err.start),
                    hint="re-export the file as UTF-8, or pass --encoding to force one encoding",
                ) from None
        return raw

    def _decide(self, raw: bytes) -> None:
        """The first non-ASCII byte decides, as in decode_to_utf8: a valid UTF-8 sequence there means
        UTF-8 (a later invalid byte is then a mixed file); an invalid one, a legacy code page."""
        p = _first_non_ascii(raw)
        try:
            raw[p : p + 4].decode("utf-8")
            valid = True
        except UnicodeDecodeError as err:
            valid = err.start > 0
        if valid:
            self.mode, self.encoding = "utf8-auto", "utf-8"
        else:
            choice = codepage.choose(self.head[:LEGACY_SAMPLE], self.name)
            self.codec = self.encoding = self.label = choice.encoding
            self.note = f"encoding {choice.encoding} chosen from {choice.reason}" if choice.reason else ""
            self.mode = "codec"

    def _strict_error(self, raw: bytes, start: int, offset: int, line: int, encoding: str) -> InputError:
        return InputError(
            f"byte 0x{raw[start]:02x} at offset {offset + start} is not valid {encoding}",
            file=self.name,
            line=line - 1 + line_of(raw, start),
            hint="pass --encoding with the file's real encoding",
        )


def _first_non_ascii(raw: bytes) -> int:
    lo, hi = 0, len(raw)
    while hi - lo > 4096:  # bisect on isascii (C speed) down to a small window
        mid = (lo + hi) // 2
        if raw[lo:mid].isascii():
            lo = mid
        else:
            hi = mid
    return lo + next(i for i, b in enumerate(raw[lo:hi]) if b > 0x7F)


def _open(path: Path, name: str, options: ReadOptions) -> BinaryIO:
    try:
        if path.is_dir():
            raise OSError
        return path.open("rb")
    except OSError:
        read.read_table(path, options)  # raises the located error read_table gives
        raise


def _decoder_for(head: bytes, name: str, encoding: str | None) -> tuple[_Decoder, int, str | None]:
    """Decoder, BOM length and reported encoding, decided on the head as decode_to_utf8 decides."""
    for bom, enc in _BOMS:
        if head.startswith(bom) and (encoding is None or _canonical(encoding).startswith(enc[:6])):
            codec = enc.replace("-sig", "")
            if codec == "utf-8":
                return _Decoder(name, "utf8-strict", None), len(bom), enc
            return _Decoder(name, "codec", codec), len(bom), enc
    if encoding is not None:
        enc = _canonical(encoding)
        if enc == "utf-8":
            return _Decoder(name, "utf8-strict", None), 0, "utf-8"
        codec = {"utf-16": "utf-16-le", "utf-32": "utf-32-le"}.get(enc, enc)  # no BOM: as Python reads
        return _Decoder(name, "codec", codec, label=enc), 0, enc
    utf16 = _looks_utf16(head)
    if utf16:
        return _Decoder(name, "codec", utf16), 0, utf16
    return _Decoder(name, "auto", None), 0, None


def _raw_blocks(f: BinaryIO, codec: str | None, name: str) -> Iterator[bytes]:
    """Raw blocks that end just after a newline (a whole code unit), except the file's last."""
    unit, newline = _WIDE.get(codec or "", (1, b"\n"))
    carry = b""
    while True:
        data = f.read(BLOCK_BYTES)
        if not data:
            if carry:
                yield carry
            return
        buf = carry + data if carry else data
        cut = buf.rfind(newline)
        while cut >= 0 and cut % unit:
            cut = buf.rfind(newline, 0, cut + len(newline) - 1)
        if cut < 0:
            if len(buf) > MAX_LINE_BYTES:
                raise InputError(
                    f"a line longer than {MAX_LINE_BYTES >> 20} MiB: not a customer export",
                    file=name,
                    hint="check the file (binary data?) and its encoding (--encoding)",
                )
            carry = buf
            continue
        cut += len(newline)
        carry = buf[cut:]
        yield buf[:cut]


def _decoded(f: BinaryIO, decoder: _Decoder, name: str) -> Iterator[tuple[bytes, int]]:
    """(UTF-8 text block, its first physical line); blocks end at a newline except the last."""
    offset, raw_line, line = 0, 1, 1
    for raw in _raw_blocks(f, decoder.codec, name):
        text = decoder.decode(raw, offset, raw_line)
        yield text, line
        offset += len(raw)
        raw_line += raw.count(b"\n")
        line += text.count(b"\n")


# --- pass 1: plan ---------------------------------------------------------------------------------


class _Faults:
    """The error read_table would raise: the first fault of the kind it checks first."""

    def __init__(self) -> None:
        self.priority = P_NODATA + 1
        self.error: InputError | None = None

    def wants(self, priority: int) -> bool:
        return priority < self.priority

    def add(self, priority: int, error: InputError) -> None:
        if priority < self.priority:
            self.priority, self.error = priority, error


def _spool_stdin() -> Path:
    fd, tmp = tempfile.mkstemp(prefix="crmclean-stdin-", suffix=".csv")
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(sys.stdin.buffer, out, 1 << 20)
    return Path(tmp)


def plan(source: str | Path, options: ReadOptions | None = None, chunk_rows: int = 100_000) -> Plan:
    """Pass 1: check the whole file as read_table does and cut it into chunks of ``chunk_rows`` records.

    Raises what read_table raises, with the same message and line. ``source`` is a path or ``-``
    (standard input, copied to a temporary file first: the data is read twice).
    """
    options = options or ReadOptions()
    if chunk_rows < 1:
        raise UsageError(f"chunk_rows must be at least 1, got {chunk_rows}")
    if options.format is not None and options.format not in read.FORMATS:
        raise UsageError(f"unknown format {options.format!r}; expected one of {', '.join(read.FORMATS)}")
    if options.delimiter is not None:
        read._check_delimiter(options.delimiter)
    spooled = str(source) == "-"
    path = _spool_stdin() if spooled else Path(source)
    name = "<stdin>" if spooled else str(path)
    try:
        with _open(path, name, options) as f:
            head = f.read(4096)
            fmt = options.format or (None if spooled else read._format_from_extension(path))
            fmt = fmt or read._sniff_format(head)
            read._check_magic(head, fmt, name)
            if fmt != "csv":
                raise UsageError(
                    f"chunked reading is for CSV text, not {fmt}",
                    file=name,
                    hint="read it whole (crmclean.io.read.read_table)",
                )
            f.seek(0)
            result = _plan(f, path, name, options, chunk_rows)
    except BaseException:
        if spooled:
            path.unlink(missing_ok=True)
        raise
    result.spooled = spooled
    return result


def _plan(f: BinaryIO, path: Path, name: str, options: ReadOptions, chunk_rows: int) -> Plan:
    head = f.read(LEGACY_SAMPLE)
    decoder, skip, encoding = _decoder_for(head, name, options.encoding)
    decoder.head = head  # a legacy code page is guessed on the file's first MiB, as for the whole file
    f.seek(skip)
    faults = _Faults()
    state = _PlanState(name, options, chunk_rows, faults)
    for text, line in _decoded(f, decoder, name):
        state.feed(text, line)
    state.finish()
    if faults.error is not None:
        raise faults.error
    return Plan(
        path=path,
        name=name,
        encoding=encoding or decoder.encoding or "utf-8",
        codec=decoder.codec,
        skip=skip,
        delimiter=state.delimiter,
        header=state.header,
        header_bytes=state.header_bytes,
        chunks=state.chunks,
        sample=state.sample_frame(),
        rows=state.rows,
        skipped_blank=state.blank,
        monotonic=state.monotonic,
        notes=[decoder.note] if decoder.note else [],
    )


class _PlanState:
    """Pass 1, fed one decoded block at a time."""

    def __init__(self, name: str, options: ReadOptions, chunk_rows: int, faults: _Faults) -> None:
        self.name, self.options, self.chunk_rows, self.faults = name, options, chunk_rows, faults
        self.head = b""  # decoded text until the dialect is known
        self.content = False  # a non-whitespace byte seen
        self.delimiter = ""
        self.header: list[str] = []
        self.header_bytes = b""
        self.buf = b""  # decoded text from self.start (a record start) on, not yet in a chunk
        self.start = 0
        self.line = 1  # physical line at self.start
        self.cut: int | None = None  # where the pending chunk ends, while it is moved past quotes
        self.cut_q = 0  # quotes in buf before cut
        self.line_bytes = 256  # average line length, to guess where the n-th line ends
        self.in_quotes = False  # while draining
        self.draining = False
        self.long_line = 0  # line of the record that grew past MAX_RECORD_BYTES
        self.drain_line = 0  # line of the last record start seen while draining
        self.chunks: list[Chunk] = []
        self.records = 0
        self.rows = 0
        self.blank = 0
        self.parsed_rows = 0  # for the "mixes quoting styles" check over the whole file
        self.ragged: csvscan.Ragged | None = None
        self.ragged_count = 0
        self.field_max: dict[str, tuple[int, int, int | None]] = {}  # column -> (size, record, line)
        self.samples: dict[str, pl.Series] = {}
        self.given_rows: list[pl.Series] = []
        self.monotonic = True
        self.last_row = 0

    # -- input

    def feed(self, text: bytes, line: int) -> None:
        if self.faults.wants(P_NUL):
            try:
                read.check_text(text, self.name, first_line=line)
            except InputError as err:
                self.faults.add(P_NUL if "NUL" in err.message else P_BOM, err)
        if not self.content and text.strip():
            self.content = True
        if not self.header:
            self.head += text
            if len(self.head) <= csvscan.SAMPLE_BYTES and text.endswith(b"\n"):
                return  # the dialect is sniffed on at least SAMPLE_BYTES, as on the whole file
            text, self.head = self.head, b""
            if not self._dialect(text):
                return
        self._records(text)

    def _dialect(self, text: bytes) -> bool:
        if not text.strip():  # blank so far: the whole file may be (the no-content error comes first)
            self.head = text
            return False
        if not self.faults.wants(P_HEADER):
            self.header = ["?"]  # a NUL or BOM fault decides; only decoding matters from here
            return False
        try:
            self.delimiter = self.options.delimiter or csvscan.sniff_delimiter(text)
            self.header = csvscan.read_header(text, self.delimiter, self.name)
            if len(self.header) > MAX_COLUMNS:
                raise InputError(
                    f"the header has {len(self.header)} columns; crmclean reads at most {MAX_COLUMNS}",
                    file=self.name,
                    line=1,
                    hint="check the delimiter (--delimiter), or split the export",
                )
        except InputError as err:
            self.faults.add(P_HEADER, err)
            self.header = ["?"]
            return False
        return True

    def _records(self, text: bytes) -> None:
        if self.draining:
            self._drain(text)
            return
        if not self.faults.wants(P_QUOTE):
            return
        self.buf = self.buf + text if self.buf else text
        while True:
            end = self._cut_at()
            if end is None:
                break
            self._take(end)
        if self.cut is not None and len(self.buf) - self.cut > MAX_RECORD_BYTES:
            self._begin_drain()

    def _cut_at(self) -> int | None:
        """Where the current chunk (or the header) ends: after ``chunk_rows`` lines, moved on line by
        line while the quotes before the cut are unbalanced, so the cut is a record boundary (the rule
        csvscan.scan starts records by). None: more text is needed."""
        buf = self.buf
        if self.cut is None:
            n = self.chunk_rows if self.header_bytes else 1
            cut = _line_end(buf, n, n * self.line_bytes)
            if cut is None:
                return None
            self.cut, self.cut_q = cut, buf.count(b'"', 0, cut)
        while self.cut_q % 2:
            nxt = buf.find(b"\n", self.cut)
            if nxt < 0:
                return None
            self.cut_q += buf.count(b'"', self.cut, nxt + 1)
            self.cut = nxt + 1
        end, self.cut = self.cut, None
        return end

    def _take(self, size: int) -> None:
        piece, self.buf = self.buf[:size], self.buf[size:]
        start, line = self.start, self.line
        lines = piece.count(b"\n")
        self.start, self.line = start + size, line + lines
        if not self.header_bytes:
            self.header_bytes = piece
            return
        self.line_bytes = max(1, size // max(lines, 1))
        self._chunk(piece, start, start + size, line)

    def finish(self) -> None:
        if not self.content:
            message = "the file has no content; expected a header and data rows"
            self.faults.add(P_EMPTY, InputError(message, file=self.name))
            return
        if not self.header and self.head:
            text, self.head = self.head, b""
            if self._dialect(text):
                self._records(text)
        if self.draining:
            if self.in_quotes:
                self.faults.add(P_QUOTE, csvscan.unclosed_quote_error(self.name, self.drain_line))
            else:
                self.faults.add(
                    P_QUOTE,
                    InputError(
                        f"a record longer than {MAX_RECORD_BYTES >> 20} MiB starts here: a quote that "
                        "closes much later, or not a customer export",
                        file=self.name,
                        line=self.long_line,
                        hint="close the quote, or escape quotes inside a field by doubling them",
                    ),
                )
        elif self.faults.wants(P_QUOTE) and self.buf:
            data, self.buf = self.buf, b""
            if not self.header_bytes:
                if data.count(b'"') % 2:  # the header itself never closes its quote
                    self.faults.add(P_QUOTE, csvscan.unclosed_quote_error(self.name, 1))
                self.header_bytes, data = data, b""
                self.line += self.header_bytes.count(b"\n")
            if data:
                self._chunk(data, self.start, self.start + len(data), self.line)
        if self.faults.wants(P_RAGGED) and self.ragged is not None:
            ragged = csvscan.Ragged(self.ragged_count, self.ragged.line, self.ragged.fields)
            self.faults.add(P_RAGGED, csvscan.ragged_error(ragged, len(self.header), self.name))
        if self.faults.wants(P_HEIGHT) and self.parsed_rows != self.records:
            self.faults.add(
                P_HEIGHT,
                InputError(
                    f"parsed {self.parsed_rows} rows but found {self.records} records; "
                    "the file mixes quoting styles",
                    file=self.name,
                    hint="export again with standard CSV quoting",
                ),
            )
        if self.faults.wants(P_FIELD):
            for column in self.header:
                size, index, line = self.field_max.get(column, (0, 0, None))
                if size > MAX_FIELD_BYTES:
                    self.faults.add(P_FIELD, read.field_size_error(self.name, column, size, index, line))
                    break
        if self.faults.wants(P_ROW) and self.given_rows:
            rows = pl.concat(self.given_rows)
            if rows.is_duplicated().any():
                self.faults.add(
                    P_ROW,
                    InputError(
                        f"column {ROW!r} is reserved for source row numbers, but holds other values",
                        file=self.name,
                        column=ROW,
                        hint=f"rename the column, or keep {ROW} as crmclean wrote it",
                    ),
                )
        if self.faults.wants(P_NODATA) and self.rows == 0:
            self.faults.add(P_NODATA, InputError("has a header but no data rows", file=self.name))

    # -- one chunk

    def _chunk(self, piece: bytes, start: int, end: int, line: int) -> None:
        name, width = self.name, len(self.header)
        data = self.header_bytes + piece
        offset = line - 1 - self.header_bytes.count(b"\n")
        try:
            structure, ragged = csvscan.scan_records(data, self.delimiter, width, name, line_offset=offset)
        except InputError as err:  # only the file's last piece can end inside quotes
            self.faults.add(P_QUOTE, err)
            return
        first = self.records
        self.records += structure.records
        rows = structure.records - len(structure.blank)
        self.chunks.append(
            Chunk(len(self.chunks), start, end, line, first, structure.records, structure.blank, rows)
        )
        self.rows += rows
        self.blank += len(structure.blank)
        if ragged is not None:
            self.ragged = self.ragged or ragged
            self.ragged_count += ragged.count
        if not self.faults.wants(P_PARSE) or self.ragged is not None:
            return
        try:
            frame = read.parse_csv(data, name, self.delimiter, self.header)
        except InputError as err:
            self.faults.add(P_PARSE, err)
            return
        self.parsed_rows += frame.height
        if not self.faults.wants(P_FIELD) or frame.height != structure.records:
            return
        self._field_sizes(frame, first, structure.start_lines)
        if not self.faults.wants(P_ROW):
            return
        try:
            finished = read._finish(frame, name, skip=structure.blank, first_row=first + 1)
        except InputError as err:
            self.faults.add(P_ROW, err)
            return
        if ROW in frame.columns:
            given = finished.get_column(ROW)
            self.given_rows.append(given)
            if given.len():
                self.monotonic = self.monotonic and given.is_sorted() and int(given[0]) > self.last_row
                self.last_row = int(given[-1])
        self._sample(finished)

    def _field_sizes(self, frame: pl.DataFrame, first: int, start_lines: pl.Series) -> None:
        cols = [c for c in frame.columns if c != ROW]
        if not cols or frame.height == 0:
            return
        maxima = (cs.by_name(c).str.len_bytes().max().alias(str(i)) for i, c in enumerate(cols))
        sizes = frame.select(maxima).row(0)
        for i, c in enumerate(cols):
            size = sizes[i] or 0
            if size > self.field_max.get(c, (0, 0, None))[0]:
                idx = int(frame.get_column(c).str.len_bytes().arg_max())  # type: ignore[arg-type]
                self.field_max[c] = (size, first + idx, int(start_lines[idx]))

    def _sample(self, frame: pl.DataFrame) -> None:
        for c in self.header:
            if c == ROW:
                continue
            have = self.samples.get(c)
            if have is not None and have.len() >= SAMPLE:
                continue
            values = frame.get_column(c).drop_nulls()
            for part in (values.head(4 * SAMPLE), values):  # a prefix usually holds enough
                new = part.unique(maintain_order=True).head(SAMPLE)
                merged = new if have is None else pl.concat([have, new]).unique(maintain_order=True)
                if merged.len() >= SAMPLE or part.len() == values.len():
                    break
            self.samples[c] = merged.head(SAMPLE)

    def sample_frame(self) -> pl.DataFrame:
        """The sample as one frame: each column's values first, nulls after (drop_nulls removes them)."""
        height = max((s.len() for s in self.samples.values()), default=0)
        columns = {}
        for c in (c for c in self.header if c != ROW):
            s = self.samples.get(c, pl.Series(c, [], dtype=pl.String))
            columns[c] = pl.concat([s, pl.repeat(None, height - s.len(), dtype=pl.String, eager=True)])
        frame = pl.DataFrame(columns) if columns else pl.DataFrame()
        return frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))

    # -- a record that never ends

    def _begin_drain(self) -> None:
        """A record past MAX_RECORD_BYTES: follow only quote parity to the end of the file, for the
        line of the last record start (the unclosed quote's, as csvscan.scan reports it)."""
        starts, self.in_quotes = csvscan.record_starts(self.buf)
        last = int(starts[-1]) if starts.len() else 0
        self.long_line = self.drain_line = self.line + self.buf[:last].count(b"\n")
        self.line += self.buf.count(b"\n")
        self.start += len(self.buf)
        self.buf, self.cut, self.draining = b"", None, True

    def _drain(self, text: bytes) -> None:
        starts, self.in_quotes = csvscan.record_starts(text, self.in_quotes)
        if starts.len():
            self.drain_line = self.line + text[: int(starts[-1])].count(b"\n")
        self.start += len(text)
        self.line += text.count(b"\n")


def _line_end(buf: bytes, n: int, guess: int) -> int | None:
    """Offset just after the ``n``-th newline of ``buf`` (None if it has fewer): counted in C from a
    guessed position, then stepped over the few newlines between the guess and the answer."""
    pos = min(len(buf), max(guess, 1))
    found = buf.count(b"\n", 0, pos)
    if found >= n:
        i = pos
        for _ in range(found - n + 1):
            i = buf.rfind(b"\n", 0, i)
        return i + 1
    i = pos
    for _ in range(n - found):
        j = buf.find(b"\n", i)
        if j < 0:
            return None
        i = j + 1
    return i


# --- pass 2: chunks -------------------------------------------------------------------------------


def chunks(p: Plan, only: set[int] | None = None) -> Iterator[tuple[Chunk, pl.DataFrame]]:
    """Pass 2: each chunk as read_table's frame holds those rows (strings, '' -> null, ``_row``).

    ``only``: just these chunk indexes (a partition). A UTF-8 file is then read at the chunks' byte
    ranges directly (decoded offsets are file offsets there); other encodings are decoded from the
    start, skipping the text of other chunks.
    """
    wanted = [c for c in p.chunks if only is None or c.index in only]
    if only is not None and p.codec is None:
        with p.path.open("rb") as f:
            for chunk in wanted:
                f.seek(p.skip + chunk.start)
                yield chunk, _frame(p, chunk, f.read(chunk.end - chunk.start))
        return
    decoder = _Decoder(p.name, "codec" if p.codec else "utf8-strict", p.codec, validate=False)
    with p.path.open("rb") as f:
        f.seek(p.skip)
        texts = _decoded(f, decoder, p.name)
        buffer, at = b"", 0  # decoded text from offset `at` on
        for chunk in wanted:
            parts, size = [buffer], len(buffer)
            while at + size < chunk.end:
                text, _ = next(texts)
                if at + size + len(text) <= chunk.start:  # all before this chunk: skip it
                    at, size, parts = at + size + len(text), 0, []
                    continue
                parts.append(text)
                size += len(text)
            buffer = b"".join(parts)[chunk.start - at :]
            at = chunk.start
            yield chunk, _frame(p, chunk, buffer[: chunk.end - at])


def _frame(p: Plan, chunk: Chunk, piece: bytes) -> pl.DataFrame:
    frame = read.parse_csv(p.header_bytes + piece, p.name, p.delimiter, p.header)
    return read._finish(frame, p.name, skip=chunk.blank, first_row=chunk.first_record + 1)
