"""The broken corpus: every bad input is an InputError (exit 2) with a located, specific message."""

from __future__ import annotations

import os
import zipfile

import pytest

from crmclean.errors import ExitCode, InputError
from crmclean.io.read import MAX_COLUMNS, MAX_FIELD_BYTES, ReadOptions, read_table

CASES = [
    ("unclosed_quote.csv", 3, "never closed"),
    ("ragged.csv", 3, "row has 2 fields, the header has 3"),
    ("nul_byte.csv", 2, "NUL byte"),
    ("mixed_encoding.csv", 4, "mixes encodings"),
    ("duplicate_header.csv", 1, "duplicate column name(s) in the header: 'name'"),
    ("empty_header.csv", 1, "empty column name in the header at position 2"),
    ("bom_in_middle.csv", 3, "byte-order mark in the middle"),
    ("empty.csv", None, "the file is empty"),
    ("header_only.csv", None, "no data rows"),
    ("garbage.csv", None, None),
    ("not_excel.xlsx", None, "is not an Excel/zip file"),
    ("zip_named.csv", None, "looks like an Excel/zip file, not csv"),
    ("bad.json", 2, "invalid JSON: Expecting ',' delimiter"),
    ("nested.json", None, "nested values"),
    ("bad_line.ndjson", 2, "invalid JSON"),
]


@pytest.mark.parametrize(("name", "line", "message"), CASES, ids=[c[0] for c in CASES])
def test_broken_file_gives_located_error(broken, name, line, message):
    with pytest.raises(InputError) as info:
        read_table(broken / name)
    err = info.value
    assert err.exit_code == ExitCode.INPUT_ERROR
    assert err.file == str(broken / name)
    assert err.line == line
    if message:
        assert message in err.message
    text = str(err)
    assert "\n" not in text and text.startswith(str(broken / name))


def test_garbage_is_called_binary(broken):
    with pytest.raises(InputError) as info:
        read_table(broken / "garbage.csv")
    assert "NUL" in info.value.message or "binary" in info.value.message


def test_forced_encoding_reports_bad_byte_location(broken):
    with pytest.raises(InputError) as info:
        read_table(broken / "invalid_utf8_forced.csv", ReadOptions(encoding="utf-8"))
    assert info.value.line == 3
    assert "0xff" in info.value.message


def test_missing_file_directory_and_unreadable(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_table(tmp_path / "missing.csv")
    with pytest.raises(InputError, match="is a directory"):
        read_table(tmp_path)
    locked = tmp_path / "locked.csv"
    locked.write_text("a\n1\n")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as a user who can read any file (root)")
        with pytest.raises(InputError, match="permission denied"):
            read_table(locked)
    finally:
        locked.chmod(0o600)


def test_ten_megabyte_field_is_refused_with_location(tmp_path):
    path = tmp_path / "huge_field.csv"
    path.write_bytes(b"name,notes\nIvan,ok\nPetr," + b"x" * (10 * 1024 * 1024) + b"\n")
    with pytest.raises(InputError) as info:
        read_table(path)
    assert info.value.line == 3
    assert info.value.column == "notes"
    assert f"{MAX_FIELD_BYTES:,}" in info.value.message


def test_ten_thousand_columns_are_refused(tmp_path):
    path = tmp_path / "wide.csv"
    header = ",".join(f"c{i}" for i in range(10_000))
    path.write_text(header + "\n" + ",".join("1" for _ in range(10_000)) + "\n")
    with pytest.raises(InputError, match=f"10000 columns; crmclean reads at most {MAX_COLUMNS}"):
        read_table(path)


def test_zip_bomb_disguised_as_xlsx_is_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    with pytest.raises(InputError, match="zip bomb"):
        read_table(path)


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(InputError, match="not an Excel workbook"):
        read_table(path)


def test_missing_sheet(good):
    with pytest.raises(InputError, match="no such sheet"):
        read_table(good / "customers.xlsx", ReadOptions(sheet="Nope"))


def test_long_row_reports_line_past_quoted_newlines(tmp_path):
    path = tmp_path / "long.csv"
    path.write_bytes(b'a,b\n1,"x\ny"\n2,3,4\n')
    with pytest.raises(InputError) as info:
        read_table(path)
    assert info.value.line == 4
    assert "3 fields" in info.value.message
