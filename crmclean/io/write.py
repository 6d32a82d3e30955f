"""Write a frame to CSV, Excel, Parquet, JSON or NDJSON, atomically, or to standard output.

Atomic: the data goes to a temporary file in the target folder, is flushed to disk, then renamed
over the target, so a crash or Ctrl-C never leaves a half-written output. The input file is never a
valid target. Values that a spreadsheet would run as formulas are neutralized in CSV and Excel output
(OWASP CSV injection guidance), except phone numbers in E.164 and plain numbers.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import polars as pl
import polars.selectors as cs
from anyascii import anyascii

from crmclean.errors import OutputError, UsageError
from crmclean.io.csvscan import record_starts

ROW_COLUMN = "_row"  # crmclean.io.read.ROW (read imports this module's users, not the reverse)

PRIVATE = 0o600  # the default mode of every output: exports hold personal data
WRITE_FORMATS = ("csv", "xlsx", "parquet", "json", "ndjson")
_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
}
EXCEL_MAX_ROWS = 1_048_575  # one row for the header
EXCEL_MAX_CHARS = 32_767  # per cell; xlsxwriter silently truncates longer strings

# A value is a formula for a spreadsheet when it starts with one of these.
_FORMULA_START = r"^[=+\-@\t\r]"
# ...unless it is a phone number (E.164, or digits with the usual separators) or a plain number:
# such values are data, and carry no function name, quote or pipe an attack would need.
_SAFE = r"^(\+[1-9][0-9]{6,14}|\+[0-9][0-9 ()\-.]{5,20}[0-9]|[+-]?[0-9]+([.,][0-9]+)?)$"


def format_for(path: str, fmt: str | None = None) -> str:
    if fmt is not None:
        if fmt not in WRITE_FORMATS:
            raise UsageError(f"unknown output format {fmt!r}; expected one of {', '.join(WRITE_FORMATS)}")
        return fmt
    if path == "-":
        return "csv"
    found = _EXTENSIONS.get(Path(path).suffix.lower())
    if found is None:
        raise UsageError(
            f"cannot tell the output format from {path!r}",
            hint=f"end the name with one of {', '.join(sorted(_EXTENSIONS))}, or '-' for stdout",
        )
    return found


def escape_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix ``'`` to string values a spreadsheet would evaluate as a formula."""
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype != pl.String:
            continue
        col = cs.by_name(name)  # not pl.col: a column may be named "*" or "^...$"
        risky = col.str.contains(_FORMULA_START) & ~col.str.contains(_SAFE)
        exprs.append(pl.when(risky).then(pl.lit("'") + col).otherwise(col).alias(name))
    return frame.with_columns(exprs) if exprs else frame


def check_not_input(target: str, inputs: Iterable[str]) -> None:
    """Refuse to write over any of the inputs (same file, even through another path or a link)."""
    if target == "-":
        return
    for source in inputs:
        if source == "-":
            continue
        try:
            if os.path.samefile(target, source):
                raise OutputError(
                    "refusing to overwrite the input file", file=target, hint="choose another output path"
                )
        except FileNotFoundError:
            continue


def check_distinct_outputs(targets: Iterable[str | Path | None]) -> None:
    """Refuse two outputs of one command with the same path (even through a link): the second would
    replace the first, and its rows would be lost. Call before anything is written."""
    seen: dict[str, str] = {}
    for target in targets:
        if target is None or str(target) == "-":
            continue
        key = os.path.realpath(target)
        if key in seen:
            raise UsageError(
                f"{seen[key]!r} and {str(target)!r} are the same file",
                hint="give each output its own path",
            )
        seen[key] = str(target)


def write_table(
    frame: pl.DataFrame,
    target: str | Path,
    *,
    fmt: str | None = None,
    encoding: str = "utf-8",
    delimiter: str = ",",
    formulas: bool = True,
    inputs: Iterable[str] = (),
    mode: int | None = PRIVATE,
    encoding_errors: str = "strict",
) -> int:
    """Write ``frame`` to ``target`` (``-`` for stdout) atomically, in the format its name says.

    ``mode``: the file's permissions (default 0600: exports are personal data); None follows the umask.
    ``encoding_errors`` is what a CSV character ``encoding`` cannot hold becomes: ``strict`` (an
    OutputError naming its row and column), ``replace`` (``?``) or ``transliterate`` (its ASCII
    transliteration, ``ễ`` -> ``e``, by anyascii). Returns how many characters were so replaced.
    """
    target = str(target)
    fmt = format_for(target, fmt)
    check_errors_policy(encoding_errors)
    check_not_input(target, inputs)
    if formulas and fmt in ("csv", "xlsx"):
        frame = escape_formulas(frame)
    if fmt == "xlsx" and frame.height > EXCEL_MAX_ROWS:
        raise OutputError(
            f"{frame.height:,} rows do not fit in an Excel sheet ({EXCEL_MAX_ROWS:,} at most)",
            file=target,
            hint="write CSV or Parquet instead",
        )
    if fmt == "xlsx":
        _check_excel_cells(frame, target)
    replaced: list[int] = []
    payload = _encode(frame, fmt, encoding, delimiter, target, encoding_errors, replaced)
    if target == "-":
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
    else:
        write_bytes_atomic(Path(target), payload, mode=mode)
    return sum(replaced)


def _check_excel_cells(frame: pl.DataFrame, target: str) -> None:
    """Refuse a value longer than an Excel cell holds, rather than let it be cut short."""
    strings = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not strings or frame.height == 0:
        return
    longest = frame.select(cs.by_name(*strings).str.len_chars().max()).row(0)
    for name, length in zip(strings, longest, strict=True):
        if length is not None and length > EXCEL_MAX_CHARS:
            raise OutputError(
                f"a value of {length:,} characters does not fit in an Excel cell "
                f"({EXCEL_MAX_CHARS:,} at most)",
                file=target,
                column=name,
                hint="write CSV or Parquet instead",
            )


def file_mode(mode: int | None) -> int:
    """The permissions a new output gets: ``mode``, or what the umask allows (None)."""
    if mode is not None:
        return mode
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_bytes_atomic(target: Path, payload: bytes, *, mode: int | None = PRIVATE) -> None:
    """Write ``payload`` to a temporary file beside ``target``, fsync it, and rename it over
    ``target``: a reader sees the old file or the whole new one. ``mode`` as in :func:`write_table`."""
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError("the output folder does not exist", file=str(target))
    if target.is_dir():
        raise OutputError("is a directory, expected a file path", file=str(target))
    tmp: str | None = None
    try:
        with _sigint_deferred():  # so that `tmp` is known to the cleanup below once the file exists
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        os.fchmod(fd, file_mode(mode))
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException as err:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(err, PermissionError) and tmp is None:
            raise OutputError(
                "permission denied: cannot write in the output folder", file=str(target)
            ) from None
        if isinstance(err, OSError):  # disk full, read-only file system, quota...
            raise OutputError(f"cannot write the file: {err.strerror or err}", file=str(target)) from None
        raise


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) back for the duration of the block, then deliver it.

    Creating the temporary file and learning its name are two steps; a KeyboardInterrupt between
    them would leave a file the cleanup does not know about. Only the main thread receives signals,
    so elsewhere this does nothing.
    """
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or previous is None:
        yield  # not the main thread, or a handler installed outside Python that could not be restored
        return
    pending: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, _frame: pending.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if pending:
            if callable(previous):
                previous(signal.SIGINT, None)  # the default handler raises KeyboardInterrupt
            elif previous == signal.SIG_DFL:
                signal.raise_signal(signal.SIGINT)


ENCODING_ERRORS = ("strict", "replace", "transliterate")


def check_errors_policy(policy: str) -> None:
    if policy not in ENCODING_ERRORS:
        raise UsageError(
            f"unknown encoding errors policy {policy!r}; expected one of {', '.join(ENCODING_ERRORS)}"
        )


def _encode(
    frame: pl.DataFrame,
    fmt: str,
    encoding: str,
    delimiter: str,
    target: str,
    errors: str = "strict",
    replaced: list[int] | None = None,
) -> bytes:
    """``frame`` as the bytes of ``fmt``; ``errors`` and ``replaced`` as in :func:`write_table`
    (``replaced`` collects the count of characters replaced)."""
    buffer = io.BytesIO()
    if fmt == "csv":
        text = frame.write_csv(separator=delimiter)
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise UsageError(f"unknown encoding {encoding!r}") from None
        count = [0]

        def substitute(err: UnicodeError) -> tuple[str, int]:
            assert isinstance(err, UnicodeEncodeError)
            chunk = err.object[err.start : err.end]
            count[0] += len(chunk)
            if errors == "replace":
                return "?" * len(chunk), err.end
            return "".join(anyascii(ch) or "?" for ch in chunk), err.end

        try:
            if errors == "strict":
                return text.encode(encoding)
            codecs.register_error(_HANDLER, substitute)
            return text.encode(encoding, errors=_HANDLER)
        except UnicodeEncodeError as err:
            raise _unencodable(frame, text, err, encoding, target) from None
        finally:
            if replaced is not None:
                replaced.append(count[0])
    if fmt == "parquet":
        frame.write_parquet(buffer)
    elif fmt == "json":
        frame.write_json(buffer)
    elif fmt == "ndjson":
        frame.write_ndjson(buffer)
    else:
        _write_xlsx(frame, buffer)
    return buffer.getvalue()


_HANDLER = "crmclean-substitute"


def _unencodable(
    frame: pl.DataFrame, text: str, err: UnicodeEncodeError, encoding: str, target: str
) -> OutputError:
    """The error for the first character ``encoding`` cannot hold, with its row and column."""
    bad = text[err.start]
    offset = len(text[: err.start].encode("utf-8"))
    starts, _ = record_starts(text.encode("utf-8"))
    record = int((starts <= offset).sum()) - 1  # 0: the header
    where, column = "the header", None
    if record == 0:
        column = next((c for c in frame.columns if bad in c), None)
    else:
        row = frame.row(record - 1, named=True)
        column = next((c for c, v in row.items() if isinstance(v, str) and bad in v), None)
        given = row.get(ROW_COLUMN)
        where = f"source row {given}" if isinstance(given, int) else f"output row {record}"
    return OutputError(
        f"character {bad!r} (U+{ord(bad):04X}) cannot be written in {encoding} ({where})",
        file=target,
        column=column,
        hint="use --out-encoding utf-8, or --out-errors replace|transliterate",
    )


def _write_xlsx(frame: pl.DataFrame, buffer: io.BytesIO) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("data")
    bold = workbook.add_format({"bold": True})
    for col, name in enumerate(frame.columns):
        sheet.write_string(0, col, name, bold)
    for r, row in enumerate(frame.iter_rows(), start=1):
        for col, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(r, col, value)  # never let Excel turn "007" into 7
            else:
                sheet.write(r, col, value)
    workbook.close()
