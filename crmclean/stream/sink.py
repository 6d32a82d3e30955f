"""Write an output chunk by chunk, atomically: the bytes ``write_table`` would write for the whole frame.

Chunks are encoded with ``crmclean.io.write``'s own encoder (formula escaping, output encoding and its
errors included) and appended to a temporary file in the target's folder; :meth:`ChunkWriter.commit`
flushes it to disk and renames it over the target, :meth:`ChunkWriter.abort` removes it. Nothing
appears at the target before the commit, as with ``write_table``.

CSV (and TSV/TXT) and NDJSON are byte-identical to ``write_table`` of the concatenated frame: each row is
encoded on its own, the header once. Parquet keeps the same rows in the same order, but is written as
one file of several row groups (bytes differ). JSON arrays and Excel are not written in chunks.

An output can have ordered *segments* (the change log: one per fill/normalize step, so steps keep the
order the eager pipeline gives them, whatever the chunk): each segment is a temporary file of its own,
concatenated in segment order on commit.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

import polars as pl

from crmclean.errors import OutputError, UsageError
from crmclean.io.write import (
    PRIVATE,
    _encode,
    check_errors_policy,
    check_not_input,
    escape_formulas,
    file_mode,
    format_for,
)

STREAM_FORMATS = ("csv", "ndjson", "parquet")


def can_stream(target: str, fmt: str | None = None) -> bool:
    """Whether ``target`` is written in a format this module appends to (csv, ndjson, parquet)."""
    try:
        return format_for(target, fmt) in STREAM_FORMATS
    except UsageError:
        return False


class ChunkWriter:
    """Append frames to ``target``; commit once. ``target`` may be ``-`` (stdout, on commit)."""

    def __init__(
        self,
        target: str | Path,
        *,
        fmt: str | None = None,
        encoding: str = "utf-8",
        delimiter: str = ",",
        formulas: bool = True,
        inputs: Iterable[str] = (),
        mode: int | None = PRIVATE,
        encoding_errors: str = "strict",
    ) -> None:
        self.target = str(target)
        self.fmt = format_for(self.target, fmt)
        if self.fmt not in STREAM_FORMATS:
            raise UsageError(
                f"chunked writing supports {', '.join(STREAM_FORMATS)} outputs, not {self.fmt}",
                file=self.target,
                hint="write CSV, NDJSON or Parquet for a large export",
            )
        check_not_input(self.target, inputs)
        check_errors_policy(encoding_errors)
        self.encoding, self.delimiter, self.formulas = encoding, delimiter, formulas
        self.mode, self.errors = mode, encoding_errors
        self.folder = self._folder()
        self.header: bytes | None = None
        self.empty: pl.DataFrame | None = None  # the schema, for a Parquet output with no rows
        self.rows = 0
        self._segments: dict[int, tuple[int, str]] = {}  # segment -> (fd, path)
        self._parts: dict[int, list[str]] = {}  # Parquet: segment -> part files
        self._closed = False

    def _folder(self) -> Path:
        if self.target == "-":
            return Path(tempfile.gettempdir())
        target = Path(self.target)
        folder = target.parent if str(target.parent) else Path(".")
        if not folder.is_dir():
            raise OutputError("the output folder does not exist", file=self.target)
        if target.is_dir():
            raise OutputError("is a directory, expected a file path", file=self.target)
        return folder

    def _temp(self, suffix: str = ".tmp") -> tuple[int, str]:
        name = Path(self.target).name if self.target != "-" else "stdout"
        try:
            return tempfile.mkstemp(prefix=f".{name}.", suffix=suffix, dir=self.folder)
        except PermissionError:
            raise OutputError(
                "permission denied: cannot write in the output folder", file=self.target
            ) from None

    def append(self, frame: pl.DataFrame, segment: int = 0) -> None:
        """Add rows after those already in ``segment`` (segments are joined in ascending order)."""
        if self.formulas and self.fmt == "csv":
            frame = escape_formulas(frame)
        if self.empty is None:
            self.empty = frame.clear()
        self.rows += frame.height
        if self.fmt == "parquet":
            fd, part = self._temp(".parquet")
            os.close(fd)
            self._parts.setdefault(segment, []).append(part)
            frame.write_parquet(part)
            return
        if self.header is None:
            self.header = self._encode(frame.clear())
        if frame.height == 0:
            return
        payload = self._encode(frame)
        if self.header and payload.startswith(self.header):
            payload = payload[len(self.header) :]
        if segment not in self._segments:
            self._segments[segment] = self._temp()
        os.write(self._segments[segment][0], payload)

    def _encode(self, frame: pl.DataFrame) -> bytes:
        return _encode(frame, self.fmt, self.encoding, self.delimiter, self.target, self.errors)

    def commit(self) -> None:
        """Join the segments, flush to disk, and rename over the target (or copy to stdout)."""
        fd, tmp = self._temp()
        try:
            os.fchmod(fd, file_mode(self.mode))
            with os.fdopen(fd, "wb") as out:
                if self.fmt == "parquet":
                    out.close()
                    parts = [p for s in sorted(self._parts) for p in self._parts[s]]
                    if parts:
                        pl.scan_parquet(parts).sink_parquet(tmp)
                    else:
                        (self.empty if self.empty is not None else pl.DataFrame()).write_parquet(tmp)
                    with open(tmp, "rb+") as again:
                        os.fsync(again.fileno())
                else:
                    out.write(self.header or b"")
                    for segment in sorted(self._segments):
                        seg_fd, seg_path = self._segments[segment]
                        os.close(seg_fd)
                        with open(seg_path, "rb") as part:
                            shutil.copyfileobj(part, out, 1 << 20)
                    self._segments = {s: (-1, p) for s, (_, p) in self._segments.items()}
                    out.flush()
                    os.fsync(out.fileno())
            if self.target == "-":
                with open(tmp, "rb") as done:
                    shutil.copyfileobj(done, sys.stdout.buffer, 1 << 20)
                sys.stdout.buffer.flush()
                os.unlink(tmp)
            else:
                os.replace(tmp, self.target)
        except BaseException as err:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            self.abort()
            if isinstance(err, OSError):  # disk full, read-only file system, quota: as write_table says
                raise OutputError(f"cannot write the file: {err.strerror or err}", file=self.target) from None
            raise
        self.abort()  # removes the segment and part files

    def abort(self) -> None:
        """Remove every temporary file; the target is left as it was."""
        for fd, path in self._segments.values():
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(path)
        for parts in self._parts.values():
            for path in parts:
                with contextlib.suppress(OSError):
                    os.unlink(path)
        self._segments, self._parts = {}, {}
