"""Read a customer export into a frame of strings with ``_row``, or fail with a located error.

Every column is read as a string (no type guessing: ``007``, ``+7 912...`` and ``01310-100`` survive
byte for byte); empty cells become null. ``_row`` is the 1-based data record number in the source
(header excluded); blank lines and empty spreadsheet rows are not data and are skipped, but they keep
their number, so ``_row`` always points at the same place in the source.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import polars.selectors as cs

from crmclean.errors import InputError, UsageError
from crmclean.io import csvscan
from crmclean.io.encoding import decode_to_utf8, line_of
from crmclean.io.header import check_names, shown

ROW = "_row"
FORMATS = ("csv", "xlsx", "parquet", "json", "ndjson")
MAX_COLUMNS = 2048
MAX_FIELD_BYTES = 1 << 20  # 1 MiB: larger cells are broken exports, not customer data
MAX_XLSX_UNCOMPRESSED = 1 << 30
MAX_XLSX_RATIO = 200

_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
}


@dataclass(frozen=True)
class ReadOptions:
    """How to read a source; ``None`` means detect."""

    format: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    sheet: str | None = None  # Excel sheet name, or a 1-based index given as digits


@dataclass
class Table:
    """A source read into memory: the frame and what was learned about the source."""

    frame: pl.DataFrame
    name: str
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    skipped_blank: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return [c for c in self.frame.columns if c != ROW]


def read_table(source: str | Path, options: ReadOptions | None = None) -> Table:
    """Read ``source`` (a path, or ``-`` for standard input) into a :class:`Table`."""
    options = options or ReadOptions()
    if options.format is not None and options.format not in FORMATS:
        raise UsageError(f"unknown format {options.format!r}; expected one of {', '.join(FORMATS)}")
    if options.delimiter is not None:
        _check_delimiter(options.delimiter)
    if str(source) == "-":
        name = "<stdin>"
        raw = sys.stdin.buffer.read()
        fmt = options.format or _sniff_format(raw)
    else:
        path = Path(source)
        name = str(path)
        raw = _read_bytes(path)
        fmt = options.format or _format_from_extension(path) or _sniff_format(raw)
    _check_magic(raw, fmt, name)
    if fmt == "csv":
        table = _read_csv(raw, name, options)
    elif fmt == "xlsx":
        table = _read_xlsx(raw, name, options)
    elif fmt == "parquet":
        table = _read_parquet(raw, name)
    else:
        table = _read_json(raw, name, ndjson=(fmt == "ndjson"))
    _check_table(table)
    return table


def _check_delimiter(delimiter: str) -> None:
    if len(delimiter) != 1 or delimiter in ('"', "\n", "\r"):
        raise UsageError(
            f"--delimiter must be one character other than a quote or newline, got {delimiter!r}"
        )


def _read_bytes(path: Path) -> bytes:
    try:
        if path.is_dir():
            raise InputError("is a directory, expected a file", file=str(path))
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", file=str(path)) from None
    except PermissionError:
        raise InputError("permission denied: cannot read the file", file=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory, expected a file", file=str(path)) from None
    except OSError as err:
        raise InputError(f"cannot read the file: {err.strerror}", file=str(path)) from None


def _format_from_extension(path: Path) -> str | None:
    return _EXTENSIONS.get(path.suffix.lower())


def _sniff_format(raw: bytes) -> str:
    if raw.startswith(b"PK\x03\x04"):
        return "xlsx"
    if raw.startswith(b"PAR1"):
        return "parquet"
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"["):
        return "json"
    if head.startswith(b"{"):
        return "ndjson"
    return "csv"


def _check_magic(raw: bytes, fmt: str, name: str) -> None:
    """A file must be what its extension (or --input-format) says."""
    if not raw:
        raise InputError("the file is empty; expected a header and data rows", file=name)
    actual = _sniff_format(raw)
    binary = {"xlsx": "an Excel/zip file", "parquet": "a Parquet file"}
    if fmt in binary and actual != fmt:
        raise InputError(
            f"is not {binary[fmt]} (its content does not start like one)",
            file=name,
            hint="check the file, or pass --input-format with its real format",
        )
    if fmt not in binary and actual in binary:
        raise InputError(
            f"looks like {binary[actual]}, not {fmt} text",
            file=name,
            hint=f"rename it or pass --input-format {actual}",
        )


# --- CSV --------------------------------------------------------------------------------------


def _read_csv(raw: bytes, name: str, options: ReadOptions) -> Table:
    decoded = decode_to_utf8(raw, name, options.encoding)
    data = decoded.data
    check_text(data, name)
    if not data.strip():
        raise InputError("the file has no content; expected a header and data rows", file=name)
    notes = [decoded.note] if decoded.note else []
    data, cr_only = csvscan.cr_to_lf(data)
    if cr_only:
        notes.append("line endings are carriage returns only (old Mac export); read as newlines")
    data, skipped = csvscan.skip_leading_blank_lines(data)
    if skipped:
        notes.append(f"{skipped} blank line(s) before the header skipped; the header is line {skipped + 1}")
    header_line = skipped + 1
    delimiter = options.delimiter or csvscan.sniff_delimiter(data)
    header = csvscan.read_header(data, delimiter, name, line=header_line)
    if len(header) == 1 and options.delimiter is None:
        hidden = csvscan.hidden_delimiter(data, delimiter)
        if hidden is not None:
            char, count = hidden
            raise InputError(
                f"read as one column, but the rows are split by {char!r} into {count} fields "
                "(another delimiter, or a title line above the header?)",
                file=name,
                line=header_line,
                hint=f"pass --delimiter {char!r}, or remove the lines above the header",
            )
    if len(header) > MAX_COLUMNS:
        raise InputError(
            f"the header has {len(header)} columns; crmclean reads at most {MAX_COLUMNS}",
            file=name,
            line=header_line,
            hint="check the delimiter (--delimiter), or split the export",
        )
    structure, ragged = csvscan.scan_records(data, delimiter, len(header), name, line_offset=skipped)
    if ragged is not None:
        raise csvscan.ragged_error(ragged, len(header), name)
    frame = parse_csv(data, name, delimiter, header)
    if frame.height != structure.records:
        raise InputError(
            f"parsed {frame.height} rows but found {structure.records} records; "
            "the file mixes quoting styles",
            file=name,
            hint="export again with standard CSV quoting",
        )
    _check_field_sizes(frame, name, structure.start_lines)
    frame = _finish(frame, name, skip=structure.blank)
    return Table(
        frame=frame,
        name=name,
        format="csv",
        encoding=decoded.encoding,
        delimiter=delimiter,
        skipped_blank=len(structure.blank),
        notes=notes,
    )


def check_text(data: bytes, name: str, first_line: int = 1) -> None:
    """Refuse decoded text with a NUL byte or a byte-order mark after the start; ``first_line`` is
    the line ``data`` starts at, for a piece of a larger file."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(
            "contains a NUL byte: not a text export (binary file, or UTF-16 without a byte-order mark?)",
            file=name,
            line=first_line - 1 + line_of(data, nul),
            hint="pass --encoding utf-16 if it is Excel 'Unicode text'",
        )
    bom = data.find("\ufeff".encode())
    if bom >= 0:
        raise InputError(
            "byte-order mark in the middle of the file (were two exports concatenated?)",
            file=name,
            line=first_line - 1 + line_of(data, bom),
            hint="remove the extra header and mark, or export again",
        )


def parse_csv(data: bytes, name: str, delimiter: str, header: list[str]) -> pl.DataFrame:
    """Parse UTF-8 CSV text that starts with its header into strings ('' kept), after the structure
    scan; one row per record, blank lines included."""
    try:
        return pl.read_csv(
            data,
            separator=delimiter,
            quote_char=csvscan.QUOTE,
            has_header=True,
            new_columns=header,
            infer_schema=False,
            empty_string_is_null=False,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as err:
        raise InputError(f"cannot parse as CSV: {_first_line(err)}", file=name) from None


def _first_line(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


def _finish(
    frame: pl.DataFrame, name: str, skip: list[int] | None = None, first_row: int = 1
) -> pl.DataFrame:
    """Conventions every reader ends with: ``_row`` Int64 first, strings, '' -> null, blanks out.

    ``skip`` holds 0-based positions of blank records; ``first_row`` numbers the first record (a
    chunk of a larger file starts further on). A ``_row`` column already in the source comes
    from an earlier crmclean step: it is kept (so chained commands keep pointing at the original
    export) when it holds unique positive whole numbers, and is an error otherwise.
    """
    cols = [c for c in frame.columns if c != ROW]
    # cs.by_name, not pl.col: a header may be "*" or "^...$", which pl.col reads as a wildcard or regex
    frame = frame.with_columns([pl.when(cs.by_name(c) != "").then(cs.by_name(c)).alias(c) for c in cols])
    if ROW in frame.columns:
        given = frame.get_column(ROW)
        rows = given.cast(pl.Int64, strict=False)
        if rows.null_count() or rows.is_duplicated().any() or (rows < 1).any():
            raise InputError(
                f"column {ROW!r} is reserved for source row numbers, but holds other values",
                file=name,
                column=ROW,
                hint=f"rename the column, or keep {ROW} as crmclean wrote it",
            )
        frame = frame.with_columns(rows.alias(ROW))
    else:
        frame = frame.with_row_index(ROW, offset=first_row).with_columns(pl.col(ROW).cast(pl.Int64))
    if skip:
        keep = pl.int_range(pl.len()).is_in(skip).not_()
        frame = frame.filter(keep)
    return frame.select(cs.by_name(ROW, *cols))


def _check_field_sizes(frame: pl.DataFrame, name: str, start_lines: pl.Series | None) -> None:
    cols = [c for c in frame.columns if c != ROW]
    if not cols or frame.height == 0:
        return
    sizes = frame.select(pl.max_horizontal(cs.by_name(*cols).str.len_bytes().max()).alias("m")).item()
    if sizes is None or sizes <= MAX_FIELD_BYTES:
        return
    for c in cols:
        lengths = frame.get_column(c).str.len_bytes()
        idx = lengths.arg_max()  # position = 0-based data record, blanks included
        if idx is not None and lengths[idx] > MAX_FIELD_BYTES:
            line = int(start_lines[idx]) if start_lines is not None else None
            raise field_size_error(name, c, int(lengths[idx]), idx, line)


def field_size_error(name: str, column: str, size: int, index: int, line: int | None) -> InputError:
    """A cell over MAX_FIELD_BYTES; ``index`` is its 0-based data record (blanks included)."""
    return InputError(
        f"a value of {size:,} bytes; crmclean accepts cells up to "
        f"{MAX_FIELD_BYTES:,} bytes (data row {index + 1})",
        file=name,
        line=line,
        column=column,
        hint="a broken export: an unclosed quote or binary data in a cell",
    )


# --- Excel ------------------------------------------------------------------------------------


def _check_zip(raw: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile:
        raise InputError("is not a valid Excel file (damaged zip container)", file=name) from None
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_XLSX_UNCOMPRESSED or total / packed > MAX_XLSX_RATIO:
        raise InputError(
            f"refusing to open: it would expand from {packed:,} to {total:,} bytes (zip bomb?)",
            file=name,
        )
    if not any(i.filename.startswith("xl/") for i in infos):
        raise InputError("is a zip file but not an Excel workbook (no xl/ part)", file=name)


def _read_xlsx(raw: bytes, name: str, options: ReadOptions) -> Table:
    _check_zip(raw, name)
    sheet = options.sheet
    kwargs: dict[str, Any] = {}
    if sheet is not None and sheet.isdigit():
        kwargs["sheet_id"] = int(sheet)
    elif sheet is not None:
        kwargs["sheet_name"] = sheet
    else:
        kwargs["sheet_id"] = 1
    try:
        frame = pl.read_excel(
            io.BytesIO(raw),
            engine="calamine",
            infer_schema_length=0,
            drop_empty_rows=False,
            drop_empty_cols=False,
            raise_if_empty=False,
            **kwargs,
        )
    except Exception as err:  # fastexcel raises its own exception family
        msg = _first_line(err)
        if "not found" in msg.lower() or "sheet" in msg.lower():
            raise InputError(f"no such sheet: {sheet!r} ({msg})", file=name) from None
        raise InputError(f"cannot read the workbook: {msg}", file=name) from None
    if frame.width == 0:
        raise InputError(
            f"sheet {sheet or '1'} is empty",
            file=name,
            hint=f"pass --sheet with the sheet that holds the table (the workbook has {_sheets(raw)})",
        )
    # calamine names a column without a header cell __UNNAMED__n: that is an empty name
    header = ["" if str(c).startswith("__UNNAMED__") else str(c).strip() for c in frame.columns]
    check_names(header, name)
    frame = frame.with_columns(pl.all().cast(pl.String))
    frame = _dates_without_midnight(frame, raw, kwargs)
    frame = frame.rename(dict(zip(frame.columns, header, strict=True)))
    # A row is blank when every cell is, `_row` included: a row crmclean wrote keeps its `_row` even
    # when all its values are empty, and must not be lost when the file is read back.
    cols = frame.columns
    blank = (
        frame.with_row_index("i")
        .filter(pl.all_horizontal(cs.by_name(*cols).is_null() | (cs.by_name(*cols).str.strip_chars() == "")))
        .get_column("i")
        .to_list()
        if cols
        else []
    )
    _check_field_sizes(frame, name, None)
    frame = _finish(frame, name, skip=blank)
    return Table(frame=frame, name=name, format="xlsx", sheet=sheet or "1", skipped_blank=len(blank))


def _sheets(raw: bytes) -> str:
    try:
        import fastexcel

        names = fastexcel.read_excel(raw).sheet_names
    except Exception:  # the workbook was read once already; a listing is only advice
        return "other sheets"
    return ", ".join(f"{i} {n!r}" for i, n in enumerate(names, start=1))


_MIDNIGHT = r"^\d{4}-\d{2}-\d{2} 00:00:00$"


def _dates_without_midnight(frame: pl.DataFrame, raw: bytes, sheet: dict[str, Any]) -> pl.DataFrame:
    """Date cells as ``1985-03-15``, not ``1985-03-15 00:00:00``.

    Read as text, a date cell and a datetime cell look the same (calamine writes both with a time).
    The columns that hold such text are read again as datetimes, which tells date cells (a value)
    from text cells (null); a date cell is one whose text is its datetime written out. In a column
    whose date cells are all at midnight they are dates and lose the time; a column where any date
    cell has a time of day keeps every time, so its values stay alike. Text is never changed.
    """
    suspects = [i for i, c in enumerate(frame.columns) if frame.get_column(c).str.contains(_MIDNIGHT).any()]
    if not suspects:
        return frame
    import fastexcel

    where: str | int = sheet.get("sheet_name") or int(sheet.get("sheet_id", 1)) - 1
    try:
        typed = (
            fastexcel.read_excel(raw).load_sheet(where, use_columns=suspects, dtypes="datetime").to_polars()
        )
    except Exception:  # the text read worked; without the typed one, values stay as calamine wrote them
        return frame
    if typed.height != frame.height or typed.width != len(suspects):
        return frame
    fixes = []
    for i, moment in zip(suspects, typed.get_columns(), strict=True):
        name = frame.columns[i]
        text = frame.get_column(name)
        is_date = moment.dt.strftime("%Y-%m-%d %H:%M:%S").eq_missing(text) & moment.is_not_null()
        if not is_date.any() or not text.filter(is_date).str.contains(_MIDNIGHT).all():
            continue
        fixes.append(
            pl.when(pl.Series(is_date)).then(cs.by_name(name).str.slice(0, 10)).otherwise(cs.by_name(name))
        )
    return frame.with_columns(fixes) if fixes else frame


# --- Parquet and JSON -------------------------------------------------------------------------


def _stringify(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    nested = [c for c, t in frame.schema.items() if t.is_nested()]
    if nested:
        raise InputError(
            f"column(s) {', '.join(repr(shown(c)) for c in nested)} hold nested values (lists or objects); "
            "crmclean reads flat tables",
            file=name,
            hint="flatten the export first",
        )
    check_names([c.strip() for c in frame.columns], name)
    return frame.rename({c: c.strip() for c in frame.columns}).with_columns(pl.all().cast(pl.String))


def _read_parquet(raw: bytes, name: str) -> Table:
    try:
        frame = pl.read_parquet(io.BytesIO(raw))
    except pl.exceptions.PolarsError as err:
        raise InputError(f"cannot read Parquet: {_first_line(err)}", file=name) from None
    frame = _finish(_stringify(frame, name), name)
    return Table(frame=frame, name=name, format="parquet")


def _read_json(raw: bytes, name: str, *, ndjson: bool) -> Table:
    data = decode_to_utf8(raw, name).data
    if not ndjson and data.lstrip().startswith(b"{"):
        ndjson = _object_per_line(data, name)
    try:
        frame = (
            pl.read_ndjson(io.BytesIO(data), infer_schema_length=None)
            if ndjson
            else pl.read_json(io.BytesIO(data), infer_schema_length=None)
        )
    except Exception:  # locate the error with the standard parser, which knows lines and columns
        _raise_json_error(data, name, ndjson=ndjson)
        raise
    if not ndjson and frame.width == 0 and data.strip() not in (b"[]",):
        raise InputError("expected a JSON array of objects, one per customer", file=name)
    frame = _finish(_stringify(frame, name), name)
    return Table(frame=frame, name=name, format="ndjson" if ndjson else "json")


def _object_per_line(data: bytes, name: str) -> bool:
    """A ``.json`` file that starts with an object: one JSON object is refused (it is a document,
    not a table, as an array of arrays is); one object per line is JSON Lines, read as such."""
    try:
        json.loads(data)
    except json.JSONDecodeError as err:
        if err.msg == "Extra data":  # a first value, then more: one object per line
            return True
        raise InputError(f"invalid JSON: {err.msg}", file=name, line=err.lineno, column=err.colno) from None
    except (UnicodeDecodeError, RecursionError):
        raise InputError("invalid JSON", file=name, line=1) from None
    raise InputError(
        "is a single JSON object, not a table; expected a JSON array of objects, one per customer",
        file=name,
        line=1,
        hint="wrap the records in [ ], or export one object per line (.ndjson)",
    )


def _raise_json_error(data: bytes, name: str, *, ndjson: bool) -> None:
    """Raise a located InputError for JSON Polars could not read. Called while handling the Polars
    error, every raise here is ``from None``: that error's message quotes the offending value (row
    data), which ``--debug`` would otherwise print as the context of the traceback."""
    text = data.decode("utf-8")
    if ndjson:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(
                    f"invalid JSON: {err.msg}", file=name, line=number, column=err.colno
                ) from None
            if not isinstance(value, dict):
                raise InputError("expected one JSON object per line", file=name, line=number) from None
    else:
        try:
            value = json.loads(text)
        except json.JSONDecodeError as err:
            raise InputError(
                f"invalid JSON: {err.msg}", file=name, line=err.lineno, column=err.colno
            ) from None
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise InputError("expected a JSON array of objects, one per customer", file=name) from None
    raise InputError("cannot read the JSON records (mixed value types in one field?)", file=name) from None


def _check_table(table: Table) -> None:
    if not table.columns:
        raise InputError("no columns found; expected a header", file=table.name, line=1)
    if table.frame.height == 0:
        raise InputError("has a header but no data rows", file=table.name)
