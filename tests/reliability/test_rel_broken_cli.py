"""Hostile and broken input through the CLI: exit 2, exactly one located line on stderr, no traceback.

Every file of the broken corpus (tests/fixtures/broken) and every generated case of issue #7 has
its full expected message asserted here, word for word, as a user sees it. The reader-level
assertions (line, column, exception type) are in tests/io/test_read_broken.py.
"""

from __future__ import annotations

import errno
import io
import os
import sys
import zipfile
from pathlib import Path

import polars as pl
import pytest
from paths import EXAMPLE, FIXTURES

from crmclean.cli import main
from crmclean.errors import OutputError, UsageError
from crmclean.io import write as write_module
from crmclean.io.read import read_table
from crmclean.io.write import check_distinct_outputs, write_table

BROKEN = FIXTURES / "broken"

# file -> (extra options, what follows "error: <path>")
CORPUS = {
    "bad.json": ([], ", line 2, column 18: invalid JSON: Expecting ',' delimiter"),
    "bad_line.ndjson": ([], ", line 2, column 16: invalid JSON: Expecting ',' delimiter"),
    "bom_in_middle.csv": (
        [],
        ", line 3: byte-order mark in the middle of the file (were two exports concatenated?) "
        "(remove the extra header and mark, or export again)",
    ),
    "duplicate_header.csv": (
        [],
        ", line 1: duplicate column name(s) in the header: 'name' "
        "(rename the columns so each name is unique)",
    ),
    "empty.csv": ([], ": the file is empty; expected a header and data rows"),
    "empty_header.csv": (
        [],
        ", line 1: empty column name in the header at position 2 (give every column a name)",
    ),
    "garbage.csv": (
        [],
        ": does not look like text in any supported encoding (binary file?) "
        "(pass --encoding if it is text, or --input-format if it is Excel/Parquet/JSON)",
    ),
    "header_only.csv": ([], ": has a header but no data rows"),
    "invalid_utf8_forced.csv": (
        ["--encoding", "utf-8"],
        ", line 3: byte 0xff at offset 10 is not valid utf-8 (pass --encoding with the file's real encoding)",
    ),
    "mixed_encoding.csv": (
        [],
        ", line 4: byte 0xf2 is not valid UTF-8, but the text before it is UTF-8: the file mixes encodings "
        "(re-export the file as UTF-8, or pass --encoding to force one encoding)",
    ),
    "nested.json": (
        [],
        ": column(s) 'phones' hold nested values (lists or objects); crmclean reads flat tables "
        "(flatten the export first)",
    ),
    "not_excel.xlsx": (
        [],
        ": is not an Excel/zip file (its content does not start like one) "
        "(check the file, or pass --input-format with its real format)",
    ),
    "nul_byte.csv": (
        [],
        ", line 2: contains a NUL byte: not a text export "
        "(binary file, or UTF-16 without a byte-order mark?) "
        "(pass --encoding utf-16 if it is Excel 'Unicode text')",
    ),
    "ragged.csv": (
        [],
        ", line 3: row has 2 fields, the header has 3 "
        "(a missing or extra delimiter, or an unquoted delimiter inside a value)",
    ),
    "unclosed_quote.csv": (
        [],
        ", line 3: a quoted field is never closed (an unclosed quote, or a stray quote inside an unquoted "
        "value) in the record starting here "
        "(close the quote, or escape quotes inside a field by doubling them)",
    ),
    "zip_named.csv": (
        [],
        ": looks like an Excel/zip file, not csv text (rename it or pass --input-format xlsx)",
    ),
}


def _error_line(capsys, args: list[str]) -> str:
    code = main(args)
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert captured.out == ""
    assert "Traceback" not in captured.err
    lines = captured.err.rstrip("\n").split("\n")
    assert len(lines) == 1, captured.err
    return lines[0]


def test_every_corpus_file_has_an_expected_message():
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(CORPUS)


@pytest.mark.parametrize("name", sorted(CORPUS))
@pytest.mark.parametrize("command", ["profile", "validate"])
def test_corpus_file(capsys, name, command):
    options, expected = CORPUS[name]
    path = str(BROKEN / name)
    assert _error_line(capsys, [command, path, *options]) == f"error: {path}{expected}"


def test_corpus_file_through_clean_writes_nothing(capsys, tmp_path):
    path = str(BROKEN / "ragged.csv")
    line = _error_line(
        capsys, ["clean", path, "-o", str(tmp_path / "out.csv"), "--rejects", str(tmp_path / "r.csv")]
    )
    assert line == f"error: {path}{CORPUS['ragged.csv'][1]}"
    assert list(tmp_path.iterdir()) == []


def _ten_megabyte_field(folder: Path) -> tuple[Path, str]:
    path = folder / "huge_field.csv"
    path.write_bytes(b"name,notes\nIvan,ok\nPetr," + b"x" * (10 * 1024 * 1024) + b"\n")
    return path, (
        ", line 3, column 'notes': a value of 10,485,760 bytes; crmclean accepts cells up to 1,048,576 bytes "
        "(data row 2) (a broken export: an unclosed quote or binary data in a cell)"
    )


def _ten_thousand_columns(folder: Path) -> tuple[Path, str]:
    path = folder / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(10_000)) + "\n" + ",".join("1" * 10_000) + "\n")
    return path, (
        ", line 1: the header has 10000 columns; crmclean reads at most 2048 "
        "(check the delimiter (--delimiter), or split the export)"
    )


def _directory(folder: Path) -> tuple[Path, str]:
    path = folder / "export.csv"
    path.mkdir()
    return path, ": is a directory, expected a file"


def _missing(folder: Path) -> tuple[Path, str]:
    return folder / "missing.csv", ": no such file"


def _blank_lines_only(folder: Path) -> tuple[Path, str]:
    path = folder / "blank.csv"
    path.write_bytes(b"\r\n\n  \n")
    return path, ": the file has no content; expected a header and data rows"


def _header_only_crlf(folder: Path) -> tuple[Path, str]:
    path = folder / "header_only.csv"
    path.write_bytes(b"\xef\xbb\xbfname;email\r\n\r\n")
    return path, ": has a header but no data rows"


def _truncated_utf16(folder: Path) -> tuple[Path, str]:
    path = folder / "truncated.txt"
    path.write_bytes("a,b\n1,2\n".encode("utf-16-le")[:-1])
    return (
        path,
        ", line 2: byte 0x0a at offset 14 is not valid utf-16-le "
        "(pass --encoding with the file's real encoding)",
    )


def _zip_bomb(folder: Path) -> tuple[Path, str]:
    path = folder / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    with zipfile.ZipFile(path) as zf:
        packed = sum(i.compress_size for i in zf.infolist())
        total = sum(i.file_size for i in zf.infolist())
    return path, f": refusing to open: it would expand from {packed:,} to {total:,} bytes (zip bomb?)"


def _zip_not_workbook(folder: Path) -> tuple[Path, str]:
    path = folder / "other.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    return path, ": is a zip file but not an Excel workbook (no xl/ part)"


def _damaged_zip(folder: Path) -> tuple[Path, str]:
    path = folder / "damaged.xlsx"
    path.write_bytes(b"PK\x03\x04" + os.urandom(64))
    return path, ": is not a valid Excel file (damaged zip container)"


def _random_binary_named_csv(folder: Path) -> tuple[Path, str]:
    path = folder / "random.csv"
    path.write_bytes(bytes(range(256)) * 16)
    return path, (
        ": does not look like text in any supported encoding (binary file?) "
        "(pass --encoding if it is text, or --input-format if it is Excel/Parquet/JSON)"
    )


def _parquet_named_csv(folder: Path) -> tuple[Path, str]:
    path = folder / "export.csv"
    pl.DataFrame({"a": ["1"]}).write_parquet(path)
    return path, ": looks like a Parquet file, not csv text (rename it or pass --input-format parquet)"


def _pattern_header(folder: Path) -> tuple[Path, str]:
    path = folder / "star.csv"
    path.write_text("id,*\n1,2\n")
    return path, (
        ", line 1: column name(s) '*' in the header: crmclean cannot tell such a name from a pattern "
        "('*' means every column, '^...$' a regular expression) (rename the column)"
    )


def _reserved_row_column(folder: Path) -> tuple[Path, str]:
    path = folder / "row.csv"
    path.write_text("_row,name\nfirst,Ivan\n")
    return path, (
        ", column '_row': column '_row' is reserved for source row numbers, but holds other values "
        "(rename the column, or keep _row as crmclean wrote it)"
    )


GENERATED = [
    _ten_megabyte_field,
    _ten_thousand_columns,
    _directory,
    _missing,
    _blank_lines_only,
    _header_only_crlf,
    _truncated_utf16,
    _zip_bomb,
    _zip_not_workbook,
    _damaged_zip,
    _random_binary_named_csv,
    _parquet_named_csv,
    _pattern_header,
    _reserved_row_column,
]


@pytest.mark.parametrize("make", GENERATED, ids=[f.__name__.strip("_") for f in GENERATED])
def test_generated_hostile_input(capsys, tmp_path, make):
    path, expected = make(tmp_path)
    assert _error_line(capsys, ["profile", str(path)]) == f"error: {path}{expected}"


def test_unreadable_file(capsys, tmp_path):
    path = tmp_path / "locked.csv"
    path.write_text("a\n1\n")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: permissions do not stop reading, so this cannot be tested here")
        line = _error_line(capsys, ["profile", str(path)])
        assert line == f"error: {path}: permission denied: cannot read the file"
    finally:
        path.chmod(0o600)


def test_empty_standard_input(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    assert (
        _error_line(capsys, ["profile", "-"])
        == "error: <stdin>: the file is empty; expected a header and data rows"
    )


def test_missing_sheet(capsys):
    path = str(FIXTURES / "good" / "customers.xlsx")
    line = _error_line(capsys, ["profile", path, "--sheet", "Nope"])
    assert line.startswith(f"error: {path}: no such sheet: 'Nope' (")


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            ["--encoding", "nope"],
            "error: unknown encoding 'nope' (use a Python codec name such as utf-8, cp1251, utf-16)",
        ),
        (
            ["--delimiter", "ab"],
            "error: --delimiter must be one character other than a quote or newline, got 'ab'",
        ),
        (
            ["--input-format", "xml"],
            "error: unknown format 'xml'; expected one of csv, xlsx, parquet, json, ndjson",
        ),
    ],
)
def test_bad_read_options(capsys, options, expected):
    assert _error_line(capsys, ["profile", str(BROKEN / "ragged.csv"), *options]) == expected


# --- outputs ------------------------------------------------------------------------------------

SOURCE = str(EXAMPLE)


@pytest.fixture
def clean_args(tmp_path, monkeypatch):
    monkeypatch.setenv("CRMCLEAN_WORKERS", "1")
    return ["clean", SOURCE, "--quiet", "--rejects", str(tmp_path / "rejects.csv")]


def test_output_folder_missing(capsys, tmp_path, clean_args):
    out = tmp_path / "no" / "out.csv"
    assert (
        _error_line(capsys, [*clean_args, "-o", str(out)])
        == f"error: {out}: the output folder does not exist"
    )


def test_output_is_a_directory(capsys, tmp_path, clean_args):
    out = tmp_path / "out.csv"
    out.mkdir()
    assert (
        _error_line(capsys, [*clean_args, "-o", str(out)])
        == f"error: {out}: is a directory, expected a file path"
    )


def test_output_is_the_input_through_a_link(capsys, tmp_path, clean_args):
    link = tmp_path / "link.csv"
    link.symlink_to(SOURCE)
    before = Path(SOURCE).read_bytes()
    line = _error_line(capsys, [*clean_args, "-o", str(link)])
    assert line == f"error: {link}: refusing to overwrite the input file (choose another output path)"
    assert Path(SOURCE).read_bytes() == before


def test_output_with_an_unknown_extension(capsys, tmp_path, clean_args):
    out = tmp_path / "out.doc"
    assert _error_line(capsys, [*clean_args, "-o", str(out)]) == (
        f"error: cannot tell the output format from {str(out)!r} (end the name with one of "
        ".csv, .json, .jsonl, .ndjson, .parquet, .pq, .tsv, .txt, .xlsx, or '-' for stdout)"
    )


def test_disk_full_keeps_the_previous_output_and_leaves_no_temp_file(
    capsys, tmp_path, clean_args, monkeypatch
):
    out = tmp_path / "out.csv"
    out.write_bytes(b"previous\n")

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(write_module.os, "fsync", full)
    line = _error_line(capsys, [*clean_args, "-o", str(out)])
    assert line == f"error: {out}: cannot write the file: No space left on device"
    assert out.read_bytes() == b"previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_read_only_output_folder(capsys, tmp_path, clean_args):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: permissions do not stop writing, so this cannot be tested here")
        out = folder / "out.csv"
        line = _error_line(capsys, [*clean_args, "-o", str(out)])
        assert line == f"error: {out}: permission denied: cannot write in the output folder"
    finally:
        folder.chmod(0o700)


def test_two_outputs_with_one_path_are_refused_by_the_library(tmp_path):
    out = tmp_path / "out.csv"
    link = tmp_path / "link.csv"
    link.symlink_to(out)
    check_distinct_outputs([str(out), None, "-", "-", str(tmp_path / "other.csv")])
    with pytest.raises(UsageError, match="are the same file") as info:
        check_distinct_outputs([str(out), str(link)])
    assert info.value.hint == "give each output its own path"


def test_clean_refuses_one_path_for_two_outputs(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("CRMCLEAN_WORKERS", "1")
    out = str(tmp_path / "same.csv")
    assert main(["clean", SOURCE, "--quiet", "-o", out, "--rejects", out]) == 2
    assert not Path(out).exists()


def test_xlsx_output_too_long_for_a_cell(tmp_path):
    """Library level (the CLI reaches it only with such data): refused, not silently truncated."""
    target = tmp_path / "out.xlsx"
    with pytest.raises(OutputError, match="does not fit in an Excel cell"):
        write_table(pl.DataFrame({"notes": ["x" * 40_000]}), target)
    assert not target.exists() and list(tmp_path.iterdir()) == []
    write_table(pl.DataFrame({"notes": ["x" * 40_000]}), tmp_path / "out.csv")
    assert read_table(tmp_path / "out.csv").frame.item(0, "notes") == "x" * 40_000
