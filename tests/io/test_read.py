"""Reading real export shapes: encodings, delimiters, quoting, formats, and `_row`."""

from __future__ import annotations

import io
import sys

import polars as pl
import pytest

from crmclean.io.read import ROW, ReadOptions, read_table


def test_cp1251_semicolon_crlf_keeps_leading_zeros(good):
    table = read_table(good / "ru_cp1251_semicolon.csv")
    assert (table.encoding, table.delimiter, table.format) == ("cp1251", ";", "csv")
    assert table.columns[:4] == ["Код клиента", "Фамилия", "Имя", "Отчество"]
    first = table.frame.row(0, named=True)
    assert first["Код клиента"] == "007"
    assert first["Индекс"] == "012345"
    assert first["Телефон"] == "+7 912 345-67-89"
    assert table.frame.get_column("Имя").to_list() == ["Иван", "Алёна", "Пётр"]
    assert table.frame.row(2, named=True)["Отчество"] is None  # empty cell -> null
    assert table.frame.get_column(ROW).to_list() == [1, 2, 3]
    assert all(dtype == pl.String for name, dtype in table.frame.schema.items() if name != ROW)


def test_utf8_bom_crlf_quoted_newline_and_quotes(good):
    table = read_table(good / "br_utf8_bom_crlf.csv")
    assert table.encoding == "utf-8-sig"
    assert table.columns[0] == "Nome"  # BOM is gone from the first header
    rows = table.frame.rows(named=True)
    assert rows[0]["Endereço"] == "Rua Augusta, 1500\r\napto 12"
    assert rows[1]["Endereço"] == 'Av. Paulista, "Conjunto" 5'
    assert rows[0]["CEP"] == "01310-100"
    assert rows[1]["CPF"] == "98765432100"


def test_utf16_tab_separated(good):
    table = read_table(good / "vn_utf16.txt")
    assert table.encoding.startswith("utf-16")
    assert table.delimiter == "\t"
    assert table.columns == ["Họ", "Tên", "Số điện thoại", "Email"]
    assert table.frame.row(1, named=True)["Họ"] == "Trần Thị Thu"


def test_pipe_delimiter_detected(good):
    table = read_table(good / "us_pipe.csv")
    assert table.delimiter == "|"
    assert table.frame.row(0, named=True)["postcode"] == "02134"


def test_forced_delimiter_and_encoding(good):
    table = read_table(good / "ru_cp1251_semicolon.csv", ReadOptions(delimiter=";", encoding="cp1251"))
    assert table.frame.height == 3


def test_cp1252_portuguese_detected_not_central_european(tmp_path):
    path = tmp_path / "pt.csv"
    path.write_bytes("nome,cidade\nJosé,São Paulo\nJoão,Brasília\n".encode("cp1252"))
    table = read_table(path)
    assert table.encoding == "cp1252"
    assert table.frame.get_column("cidade").to_list() == ["São Paulo", "Brasília"]


def test_blank_lines_skipped_but_row_numbers_kept(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_bytes(b"name,city\nIvan,Moscow\n\nPetr,Kazan\r\n\r\n")
    table = read_table(path)
    assert table.frame.get_column(ROW).to_list() == [1, 3]
    assert table.skipped_blank == 2


def test_xlsx_sheets_text_cells_and_blank_row(good):
    table = read_table(good / "customers.xlsx")
    assert table.format == "xlsx"
    assert table.frame.get_column("ID").to_list() == ["007", "008"]
    assert table.frame.get_column("ZIP").to_list() == ["02134", "01310-100"]
    assert table.frame.get_column(ROW).to_list() == [1, 3]  # the empty spreadsheet row keeps its number
    other = read_table(good / "customers.xlsx", ReadOptions(sheet="Other"))
    assert other.columns == ["x"]
    by_index = read_table(good / "customers.xlsx", ReadOptions(sheet="2"))
    assert by_index.columns == ["x"]


def test_ndjson_and_json(good, tmp_path):
    table = read_table(good / "customers.ndjson")
    assert table.frame.get_column("id").to_list() == ["0012345678", "0012345679"]
    assert table.frame.get_column("age").to_list() == [None, "42"]
    path = tmp_path / "a.json"
    path.write_text('[{"id": "007", "n": 1.5}, {"id": "008"}]', encoding="utf-8")
    assert read_table(path).frame.get_column("id").to_list() == ["007", "008"]


def test_parquet_is_read_as_strings(tmp_path):
    path = tmp_path / "a.parquet"
    pl.DataFrame({"id": ["007", "008"], "n": [1, 2]}).write_parquet(path)
    table = read_table(path)
    assert table.frame.get_column("id").to_list() == ["007", "008"]
    assert table.frame.get_column("n").to_list() == ["1", "2"]


def test_stdin(monkeypatch, good):
    data = (good / "ru_cp1251_semicolon.csv").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    table = read_table("-")
    assert table.name == "<stdin>"
    assert table.frame.height == 3


def test_million_row_shape_is_not_needed_for_correctness_but_many_rows_work(tmp_path):
    rows = "\n".join(f'{i:07d},"a, {i}",+7 912 {i % 1000:03d}-00-00' for i in range(20_000))
    path = tmp_path / "many.csv"
    path.write_text("id,addr,phone\n" + rows + "\n", encoding="utf-8")
    table = read_table(path)
    assert table.frame.height == 20_000
    assert table.frame.row(19_999, named=True) == {
        ROW: 20_000,
        "id": "0019999",
        "addr": "a, 19999",
        "phone": "+7 912 999-00-00",
    }


@pytest.mark.parametrize("fmt", ["xml", "CSV"])
def test_unknown_format_is_a_usage_error(good, fmt):
    from crmclean.errors import UsageError

    with pytest.raises(UsageError):
        read_table(good / "us_pipe.csv", ReadOptions(format=fmt))
