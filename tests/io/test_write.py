"""Writing: atomic, every format round-trips byte for byte, formulas neutralized, input protected."""

from __future__ import annotations

import os

import polars as pl
import pytest

from crmclean.errors import OutputError, UsageError
from crmclean.io.read import ROW, read_table
from crmclean.io.write import escape_formulas, write_table

TRICKY = pl.DataFrame(
    {
        ROW: pl.Series([1, 2, 3], dtype=pl.Int64),
        "id": ["007", "0012345678", None],
        "phone": ["+79123456789", "8 (912) 345-67-89", "+7 912 345-67-89"],
        "name": ["Иван Петров", "Nguyễn Văn An", 'José "Zé", da Silva'],
        "note": ["line1\nline2", "a;b,c\td", "ё"],
    }
)


@pytest.mark.parametrize("ext", ["csv", "xlsx", "parquet", "json", "ndjson"])
def test_round_trip_every_format(tmp_path, ext):
    target = tmp_path / f"out.{ext}"
    write_table(TRICKY, target)
    back = read_table(target).frame
    assert back.columns == TRICKY.columns
    for column in TRICKY.columns:
        if column == ROW:
            assert back.get_column(ROW).to_list() == [1, 2, 3]
        else:
            assert back.get_column(column).to_list() == TRICKY.get_column(column).to_list()


def test_cp1251_output_and_unencodable_character(tmp_path):
    target = tmp_path / "out.csv"
    frame = pl.DataFrame({"name": ["Иван", "Пётр"]})
    write_table(frame, target, encoding="cp1251", delimiter=";")
    assert target.read_bytes() == "name\nИван\nПётр\n".encode("cp1251")
    with pytest.raises(OutputError, match="cannot be written in cp1251"):
        write_table(pl.DataFrame({"name": ["Nguyễn"]}), tmp_path / "vn.csv", encoding="cp1251")
    assert not (tmp_path / "vn.csv").exists()


def test_unencodable_character_error_names_row_and_column(tmp_path):
    frame = pl.DataFrame(
        {ROW: [4, 9], "name": ["Иван", "Nguyễn Văn An"], "city": ["Москва", "Hà Nội"]},
        schema_overrides={ROW: pl.Int64},
    )
    with pytest.raises(OutputError) as err:
        write_table(frame, tmp_path / "out.csv", encoding="cp1251")
    assert err.value.exit_code == 2
    assert err.value.column == "name"
    assert "source row 9" in str(err.value) and "U+1EC5" in str(err.value)
    with pytest.raises(OutputError, match="output row 2"):
        write_table(frame.drop(ROW), tmp_path / "out.csv", encoding="cp1251")
    with pytest.raises(OutputError, match="the header") as err:
        write_table(pl.DataFrame({"Tên": ["x"]}), tmp_path / "out.csv", encoding="cp1251")
    assert err.value.column == "Tên"


def test_unencodable_characters_replaced_or_transliterated(tmp_path):
    frame = pl.DataFrame({"name": ["Иван", "Nguyễn Văn An"], "note": ["a\nb", "ok"]})
    target = tmp_path / "out.csv"
    assert write_table(frame, target, encoding="cp1251", encoding_errors="replace") == 2
    assert target.read_bytes().decode("cp1251") == 'name,note\nИван,"a\nb"\nNguy?n V?n An,ok\n'
    assert write_table(frame, target, encoding="cp1251", encoding_errors="transliterate") == 2
    assert target.read_bytes().decode("cp1251") == 'name,note\nИван,"a\nb"\nNguyen Van An,ok\n'
    assert write_table(frame, target, encoding="utf-8", encoding_errors="transliterate") == 0
    with pytest.raises(UsageError, match="errors policy"):
        write_table(frame, target, encoding="cp1251", encoding_errors="ignore")


def test_formula_injection_is_neutralized_but_phones_and_numbers_are_kept():
    frame = pl.DataFrame(
        {
            "v": [
                '=HYPERLINK("x")',
                "+SUM(A1)",
                "-2+3",
                "@cmd",
                "\tTAB",
                "+79123456789",
                "-12.5",
                "Ivan",
                "+7 912 345-67-89",
                "=cmd|' /C calc'!A0",
            ]
        }
    )
    assert escape_formulas(frame).get_column("v").to_list() == [
        '\'=HYPERLINK("x")',
        "'+SUM(A1)",
        "'-2+3",
        "'@cmd",
        "'\tTAB",
        "+79123456789",
        "-12.5",
        "Ivan",
        "+7 912 345-67-89",
        "'=cmd|' /C calc'!A0",
    ]


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_formulas_escaped_in_csv_and_xlsx_unless_disabled(tmp_path, ext):
    frame = pl.DataFrame({"v": ["=1+1", "+79123456789"]})
    write_table(frame, tmp_path / f"on.{ext}")
    assert read_table(tmp_path / f"on.{ext}").frame.get_column("v").to_list() == ["'=1+1", "+79123456789"]
    write_table(frame, tmp_path / f"off.{ext}", formulas=False)
    assert read_table(tmp_path / f"off.{ext}").frame.get_column("v").to_list() == ["=1+1", "+79123456789"]


def test_refuses_to_overwrite_input_even_through_a_link(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("a\n1\n")
    link = tmp_path / "link.csv"
    os.symlink(source, link)
    frame = read_table(source).frame
    with pytest.raises(OutputError, match="refusing to overwrite the input"):
        write_table(frame, link, inputs=[str(source)])
    assert source.read_text() == "a\n1\n"


def test_atomic_no_temp_left_and_old_file_replaced(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    write_table(pl.DataFrame({"a": ["1"]}), target)
    assert target.read_text() == "a\n1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_failure_midway_leaves_previous_output_untouched(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with pytest.raises(OutputError):
        write_table(pl.DataFrame({"a": ["ß→Ω"]}), target, encoding="ascii")
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_bad_targets(tmp_path):
    with pytest.raises(OutputError, match="folder does not exist"):
        write_table(pl.DataFrame({"a": ["1"]}), tmp_path / "no" / "out.csv")
    with pytest.raises(UsageError, match="cannot tell the output format"):
        write_table(pl.DataFrame({"a": ["1"]}), tmp_path / "out.doc")
