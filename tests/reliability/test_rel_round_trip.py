"""Round trip: what crmclean writes, crmclean reads back value for value.

What each format keeps, as asserted below:

- Every format keeps every non-empty string exactly: leading zeros, a leading ``+``, Cyrillic,
  Vietnamese, emoji, embedded CR/LF, quotes, delimiters, leading and trailing spaces, control
  characters, and ``_row``.
- Empty string vs null: the files differ (CSV writes ``""`` for an empty string and nothing for null;
  JSON/NDJSON/Parquet keep the distinction; Excel keeps neither), but crmclean's reader treats an empty
  cell as missing in every format, so both read back as null. Nothing downstream can tell them apart.
- Header names are trimmed on read (``" name "`` comes back as ``"name"``); they must be non-empty,
  unique, and not ``*`` or ``^...$``.
- CSV: values containing NUL or U+FEFF are written, but refused on reading (a NUL byte or a byte-order
  mark inside text is the signature of a broken export). A single-column row whose only value is
  empty is a blank line, skipped on read (``_row`` numbering is kept); frames crmclean writes carry
  ``_row``, so their rows are never blank.
- CSV in cp1251: only characters cp1251 has can be written (anything else is an OutputError naming
  the character); reading it back needs ``--encoding cp1251`` to be exact for any content, while
  detection gets real Cyrillic text right. UTF-16 output carries a BOM and is detected.
- Excel: a cell holds at most 32,767 characters (longer values are an OutputError, not truncated);
  a row with every cell empty or blank is skipped on read unless it carries ``_row``.
- Formula escaping (on by default for CSV and Excel) changes values on purpose: ``'`` is prefixed to
  risky values; it is reversible (strip one leading ``'``) and is off with ``formulas=False``.
"""

from __future__ import annotations

import re

import polars as pl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from paths import EXAMPLE

from crmclean.cli import main
from crmclean.errors import InputError, OutputError
from crmclean.io.read import ROW, ReadOptions, read_table
from crmclean.io.write import EXCEL_MAX_CHARS, escape_formulas, write_table

# (id, extension, write_table options, read_table options)
TARGETS = [
    ("csv", "csv", {}, ReadOptions()),
    ("csv-semicolon", "csv", {"delimiter": ";"}, ReadOptions(delimiter=";")),
    ("csv-tab", "tsv", {"delimiter": "\t"}, ReadOptions(delimiter="\t")),
    ("csv-utf16", "csv", {"encoding": "utf-16"}, ReadOptions()),
    ("csv-cp1251", "csv", {"encoding": "cp1251"}, ReadOptions(encoding="cp1251")),
    ("xlsx", "xlsx", {}, ReadOptions()),
    ("parquet", "parquet", {}, ReadOptions()),
    ("json", "json", {}, ReadOptions()),
    ("ndjson", "ndjson", {}, ReadOptions()),
]
IDS = [t[0] for t in TARGETS]

REAL = [
    "007",
    "0012345678",
    "01310-100",
    "+79123456789",
    "+7 912 345-67-89",
    "+55 (11) 98765-4321",
    "-12.5",
    "=SUM(A1:A2)",
    "@mention",
    "Иван Петрович Сидоров",
    "Пётр Ёлкин",
    "Nguyễn Thị Thu Hằng",
    "Trần Văn Đức 😀👨‍👩‍👧",
    'José "Zé" da Silva',
    "O'Neil; Smith, Jr.\t|pipe",
    "line1\nline2",
    "windows\r\nline",
    "old mac\rline",
    "  leading",
    "trailing  ",
    "   ",
    "\ttab first",
    "a\x01control",
    "_x0041_",
    "[bold]not markup[/]",
    "x" * 5000,
]


def _cp1251_safe(value: str) -> bool:
    try:
        value.encode("cp1251")
    except UnicodeEncodeError:
        return False
    return True


def _frame(columns: dict[str, list[str | None]]) -> pl.DataFrame:
    height = len(next(iter(columns.values())))
    data = {ROW: pl.Series(range(1, height + 1), dtype=pl.Int64)}
    data.update({name: pl.Series(values, dtype=pl.String) for name, values in columns.items()})
    return pl.DataFrame(data)


def _expected(frame: pl.DataFrame) -> list[tuple]:
    """What the reader gives back: the same values, with '' as null."""
    strings = [c for c in frame.columns if c != ROW]
    return frame.with_columns(pl.col(c).replace("", None) for c in strings).rows()


def _round_trip(frame: pl.DataFrame, folder, ext, write_options, read_options) -> pl.DataFrame:
    target = folder / f"out.{ext}"
    write_table(frame, target, formulas=False, **write_options)
    return read_table(target, read_options).frame


@pytest.mark.parametrize(("name", "ext", "write_options", "read_options"), TARGETS, ids=IDS)
def test_real_values_round_trip_exactly(tmp_path, name, ext, write_options, read_options):
    values = [v for v in REAL if _cp1251_safe(v)] if name == "csv-cp1251" else REAL
    frame = _frame({"value": values, "copy": list(reversed(values))})
    back = _round_trip(frame, tmp_path, ext, write_options, read_options)
    assert back.columns == frame.columns
    assert back.schema[ROW] == pl.Int64
    assert back.rows() == frame.rows()


@pytest.mark.parametrize(("name", "ext", "write_options", "read_options"), TARGETS, ids=IDS)
def test_empty_string_and_null_both_read_back_as_null(tmp_path, name, ext, write_options, read_options):
    frame = _frame({"a": ["", None, "x"], "b": [None, "", ""]})
    back = _round_trip(frame, tmp_path, ext, write_options, read_options)
    assert back.rows() == [(1, None, None), (2, None, None), (3, "x", None)]


def test_csv_file_itself_tells_empty_from_null(tmp_path):
    write_table(_frame({"a": ["", None]}), tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text() == '_row,a\n1,""\n2,\n'


# Any string but NUL and U+FEFF (CSV-only refusals, tested below); surrogates cannot be encoded.
text = st.text(st.characters(exclude_characters="\x00\ufeff", exclude_categories=["Cs"]), max_size=12)
cell = st.one_of(st.none(), text, st.sampled_from(REAL[:-1]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
@pytest.mark.parametrize(("name", "ext", "write_options", "read_options"), TARGETS, ids=IDS)
def test_any_values_round_trip(tmp_path_factory, data, name, ext, write_options, read_options):
    width = data.draw(st.integers(1, 3), label="width")
    height = data.draw(st.integers(1, 5), label="height")
    columns = {
        f"c{i}": data.draw(st.lists(cell, min_size=height, max_size=height), label=f"c{i}")
        for i in range(width)
    }
    if name == "csv-cp1251":
        assume(all(v is None or _cp1251_safe(v) for values in columns.values() for v in values))
    frame = _frame(columns)
    back = _round_trip(frame, tmp_path_factory.mktemp(name), ext, write_options, read_options)
    assert back.columns == frame.columns
    assert back.rows() == _expected(frame)


@pytest.mark.parametrize("ext", ["csv", "xlsx", "parquet", "json", "ndjson"])
def test_header_names_round_trip_but_are_trimmed(tmp_path, ext):
    frame = pl.DataFrame(
        {"Код клиента": ["007"], "Số điện thoại": ["+84 912 345 678"], " e-mail ": ["a@b.c"]}
    )
    back = _round_trip(frame, tmp_path, ext, {}, ReadOptions())
    assert back.columns == [ROW, "Код клиента", "Số điện thoại", "e-mail"]
    assert back.row(0) == (1, "007", "+84 912 345 678", "a@b.c")


@pytest.mark.parametrize(
    ("char", "message"), [("\x00", "NUL byte"), ("\ufeff", "byte-order mark in the middle")]
)
def test_csv_cannot_carry_nul_or_bom_in_values(tmp_path, char, message):
    frame = _frame({"a": ["ok", f"bad{char}value"]})
    target = tmp_path / "out.csv"
    write_table(frame, target)
    with pytest.raises(InputError, match=message) as info:
        read_table(target)
    assert info.value.line == 3
    # the binary formats keep them
    for ext in ("parquet", "json", "ndjson", "xlsx"):
        assert _round_trip(frame, tmp_path, ext, {}, ReadOptions()).rows() == frame.rows()


def test_single_column_empty_row_without_row_column_is_a_blank_line(tmp_path):
    frame = pl.DataFrame({"a": ["x", None, "y"]})
    back = _round_trip(frame, tmp_path, "csv", {}, ReadOptions())
    assert back.rows() == [(1, "x"), (3, "y")]  # skipped, but numbering still points at the source
    assert _round_trip(_frame({"a": ["x", None, "y"]}), tmp_path, "csv", {}, ReadOptions()).height == 3


def test_xlsx_row_with_only_row_number_is_kept(tmp_path):
    """Regression: the Excel reader took such a row for a blank spreadsheet row and dropped it."""
    frame = _frame({"a": ["x", None, "   ", None], "b": [None, None, "", "y"]})
    back = _round_trip(frame, tmp_path, "xlsx", {}, ReadOptions())
    assert back.rows() == [(1, "x", None), (2, None, None), (3, "   ", None), (4, None, "y")]
    # without _row, rows with nothing but blanks are blank spreadsheet rows and are skipped
    plain = pl.DataFrame({"a": ["x", None, "   ", "y"]})
    assert _round_trip(plain, tmp_path, "xlsx", {}, ReadOptions()).rows() == [(1, "x"), (4, "y")]


def test_xlsx_refuses_values_longer_than_a_cell_instead_of_truncating(tmp_path):
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"previous")
    fits = _frame({"notes": ["x" * EXCEL_MAX_CHARS]})
    write_table(fits, target)
    assert read_table(target).frame.rows() == fits.rows()
    too_long = _frame({"id": ["1", "2"], "notes": ["short", "y" * (EXCEL_MAX_CHARS + 1)]})
    with pytest.raises(OutputError) as info:
        write_table(too_long, target)
    assert info.value.column == "notes"
    assert "32,768 characters does not fit in an Excel cell (32,767 at most)" in info.value.message
    assert read_table(target).frame.rows() == fits.rows()  # the previous output is untouched


def test_cp1251_detected_for_cyrillic_and_unencodable_refused(tmp_path):
    frame = _frame({"Фамилия": ["Ёлкин", "Сидорова"], "Город": ["Москва", "Санкт-Петербург"]})
    target = tmp_path / "out.csv"
    write_table(frame, target, encoding="cp1251", delimiter=";")
    table = read_table(target)
    assert (table.encoding, table.delimiter) == ("cp1251", ";")
    assert table.frame.rows() == frame.rows()
    with pytest.raises(OutputError, match=re.escape("character 'ễ' (U+1EC5) cannot be written in cp1251")):
        write_table(_frame({"name": ["Nguyễn"]}), tmp_path / "vn.csv", encoding="cp1251")


def test_utf16_output_has_a_bom_and_is_detected(tmp_path):
    frame = _frame({"Họ": ["Nguyễn", "Trần"], "Tên": ["Thu Hằng", "Đức"]})
    target = tmp_path / "out.txt"
    write_table(frame, target, encoding="utf-16", delimiter="\t")
    assert target.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    table = read_table(target)
    assert table.encoding.startswith("utf-16") and table.delimiter == "\t"
    assert table.frame.rows() == frame.rows()


# --- formula escaping: what it changes, and that it can be undone ------------------------------------

RISKY = re.compile(r"^[=+\-@\t\r]")


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.one_of(text, st.sampled_from(REAL[:-1]), text.map(lambda v: "=" + v)), max_size=8))
def test_escaping_only_prefixes_a_quote_and_is_reversible(values):
    escaped = escape_formulas(pl.DataFrame({"v": pl.Series(values, dtype=pl.String)})).get_column("v")
    for original, out in zip(values, escaped.to_list(), strict=True):
        if out != original:
            assert RISKY.match(original) and out == "'" + original
        elif RISKY.match(original):  # left alone only when it is a phone number or a plain number
            assert re.fullmatch(r"\+[0-9 ()\-.]+|[+-]?[0-9]+([.,][0-9]+)?", original)


@pytest.mark.parametrize("ext", ["csv", "xlsx", "parquet", "json", "ndjson"])
def test_escaping_applies_to_csv_and_xlsx_only(tmp_path, ext):
    frame = _frame({"v": ["=1+1", "+SUM(A1)", "-x", "@cmd", "\tx", "\rx", "+79123456789", "-12.5", "Ivan"]})
    target = tmp_path / f"out.{ext}"
    write_table(frame, target)  # escaping on: the default
    back = read_table(target).frame.get_column("v").to_list()
    if ext in ("csv", "xlsx"):
        assert back == ["'=1+1", "'+SUM(A1)", "'-x", "'@cmd", "'\tx", "'\rx", "+79123456789", "-12.5", "Ivan"]
    else:
        assert back == frame.get_column("v").to_list()


# --- through the CLI: every output row carries its source _row ---------------------------------------


@pytest.mark.parametrize("ext", ["csv", "xlsx", "parquet", "json", "ndjson"])
def test_clean_outputs_partition_the_input_rows(tmp_path, ext, monkeypatch):
    monkeypatch.setenv("CRMCLEAN_WORKERS", "1")
    source = str(EXAMPLE)
    cleaned, rejects = tmp_path / f"cleaned.{ext}", tmp_path / f"rejects.{ext}"
    assert main(["clean", source, "-o", str(cleaned), "--rejects", str(rejects), "--quiet"]) == 0
    rows_in = read_table(source).frame.get_column(ROW).to_list()
    kept = read_table(cleaned).frame.get_column(ROW).to_list()
    rejected = read_table(rejects).frame.get_column(ROW).to_list()
    assert kept and rejected
    assert sorted(kept + rejected) == rows_in
    # and the rejects keep the original values of their rows
    original = read_table(source).frame.filter(pl.col(ROW).is_in(rejected)).drop(ROW)
    back = read_table(rejects).frame.select(original.columns)
    if ext in ("csv", "xlsx"):  # escaping is on by default there; undo it to compare
        back = back.with_columns(pl.all().str.replace(r"^'([=+\-@\t\r])", "$1"))
    assert back.rows() == original.rows()


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_cli_escapes_formulas_by_default_and_not_with_the_flag(tmp_path, ext, monkeypatch):
    monkeypatch.setenv("CRMCLEAN_WORKERS", "1")
    source = tmp_path / "in.csv"
    source.write_text('id,note\n1,"=HYPERLINK(""http://x"",""y"")"\n2,@cmd\n3,+79123456789\n4,plain\n')
    risky = ['=HYPERLINK("http://x","y")', "@cmd", "+79123456789", "plain"]
    on, off = tmp_path / f"on.{ext}", tmp_path / f"off.{ext}"
    assert main(["clean", str(source), "-o", str(on), "--quiet"]) == 0
    assert main(["clean", str(source), "-o", str(off), "--quiet", "--no-escape-formulas"]) == 0
    assert read_table(on).frame.get_column("note").to_list() == ["'" + risky[0], "'@cmd", *risky[2:]]
    assert read_table(off).frame.get_column("note").to_list() == risky
