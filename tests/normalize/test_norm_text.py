"""Tests for crmclean.normalize.text: whitespace, NFC, case, title_name, fold, transliterate."""

from __future__ import annotations

import re
import unicodedata

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmclean.normalize.text import (
    PLAIN_LETTERS,
    _title_name_value,
    collapse_whitespace,
    fold,
    lower,
    map_unique,
    map_unique_series,
    nfc,
    title_name,
    transliterate,
    upper,
)

FUNCTIONS = [collapse_whitespace, nfc, lower, upper, title_name, fold, transliterate]
IDEMPOTENT = [collapse_whitespace, nfc, title_name, fold, transliterate]

texts = st.lists(st.one_of(st.none(), st.text(max_size=30)), max_size=25)


def run(fn, values: list[str | None]) -> list[str | None]:
    return fn(pl.Series("col", values, dtype=pl.String)).to_list()


# --------------------------------------------------------------------------- map_unique


def test_map_unique_calls_once_per_unique_value_and_keeps_order() -> None:
    calls: list[str] = []

    def shout(v: str) -> str:
        calls.append(v)
        return v.upper() + "!"

    s = pl.Series("x", ["a", "b", None, "a", "b", "a"])
    out = map_unique(s, shout)
    assert out.to_list() == ["A!", "B!", None, "A!", "B!", "A!"]
    assert out.name == "x"
    assert sorted(calls) == ["a", "b"]


def test_map_unique_other_dtypes_and_none_results() -> None:
    s = pl.Series("x", ["abc", None, "", "abc"])
    assert map_unique(s, len, return_dtype=pl.Int64).to_list() == [3, None, 0, 3]
    assert map_unique(s, lambda v: v or None).to_list() == ["abc", None, None, "abc"]
    struct = pl.Struct({"a": pl.String})
    out = map_unique(s, lambda v: {"a": v[:1]}, return_dtype=struct)
    assert out.struct.field("a").to_list() == ["a", None, "", "a"]


def test_map_unique_empty_and_all_null() -> None:
    assert map_unique(pl.Series("x", [], dtype=pl.String), str.upper).to_list() == []
    assert map_unique(pl.Series("x", [None, None]), str.upper).to_list() == [None, None]


def test_map_unique_series() -> None:
    s = pl.Series("x", ["b", "a", None, "b"])
    assert map_unique_series(s, lambda u: u.str.to_uppercase()).to_list() == ["B", "A", None, "B"]


# --------------------------------------------------------------------------- whitespace, case


def test_collapse_whitespace() -> None:
    values = [
        "  Иван\u00a0\u00a0Петров ",
        "a\u2007b\u202fc\td\ne\r\nf",
        "zero\u200bwidth\ufeff",
        "\ufeffООО «Ромашка»",
        "Nguyễn  Văn\u3000An",
        " \t\n\u00a0\u200b ",
        "",
        None,
        "ok",
    ]
    assert run(collapse_whitespace, values) == [
        "Иван Петров",
        "a b c d e f",
        "zerowidth",
        "ООО «Ромашка»",
        "Nguyễn Văn An",
        None,
        None,
        None,
        "ok",
    ]


def test_nfc_composes() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn São Paulo Йошкар-Ола")
    assert decomposed != "Nguyễn São Paulo Йошкар-Ола"
    assert run(nfc, [decomposed, None]) == ["Nguyễn São Paulo Йошкар-Ола", None]


def test_lower_upper() -> None:
    assert run(lower, ["ИВАН Petrov", "NGUYỄN", "JOÃO", None]) == [
        "иван petrov",
        "nguyễn",
        "joão",
        None,
    ]
    assert run(upper, ["иван", "đặng", "joão", None]) == ["ИВАН", "ĐẶNG", "JOÃO", None]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("o'neil", "O'Neil"),
        ("d'artagnan", "D'Artagnan"),
        ("O’CONNOR", "O’Connor"),
        ("mcdonald", "McDonald"),
        ("MCDONALD", "McDonald"),
        ("anna-maria", "Anna-Maria"),
        ("da silva", "da Silva"),
        ("DA SILVA", "da Silva"),
        ("maria DAS GRAÇAS", "Maria das Graças"),
        ("joão pedro DOS SANTOS", "João Pedro dos Santos"),
        ("ludwig VAN beethoven", "Ludwig van Beethoven"),
        ("VAN MORRISON", "Van Morrison"),
        ("ИВАН ПЕТРОВ", "Иван Петров"),
        ("петров-водкин", "Петров-Водкин"),
        ("мар'яна В'ЯЧЕСЛАВ", "Мар'яна В'ячеслав"),
        ("NGUYỄN VĂN AN", "Nguyễn Văn An"),
        ("LE VAN AN", "Le Van An"),
        ("trần thị thu hà", "Trần Thị Thu Hà"),
        ("j.r.r. TOLKIEN", "J.R.R. Tolkien"),
        ("  john   SMITH ", "  John   Smith "),
        ("3rd", "3rd"),
    ],
)
def test_title_name(raw: str, expected: str) -> None:
    assert run(title_name, [raw]) == [expected]


def test_title_name_only_changes_case() -> None:
    values = ["ẞTRASSE straße", "İSTANBUL", "ǅURO", "ǈubljana"]
    out = run(title_name, values)
    assert [len(v) for v in out] == [len(v) for v in values]
    assert [v.casefold() for v in out] == [v.casefold() for v in values]


def _title_in_python(values: list[str]) -> list[str]:
    return [_title_name_value(v) for v in values]


def test_title_name_polars_path_agrees_letter_by_letter() -> None:
    """Every letter the Polars path handles, alone, first, inside and last in a word, in every case,
    and beside a second word: the same result as the per-value Python title case."""
    values = []
    for c in PLAIN_LETTERS:
        for x in {c, c.lower(), c.upper()}:
            values += [x, x + "ab", "ab" + x, "A" + x + "B", f"{x}{x} {x}", f" x{x}  {x}y "]
    assert run(title_name, values) == _title_in_python(values)


plain_words = st.lists(
    st.text(alphabet=PLAIN_LETTERS + "mcdaosvnrle", min_size=1, max_size=8), min_size=1, max_size=5
)


@given(st.lists(st.tuples(plain_words, st.sampled_from([" ", "  ", ", ", "-", "'"])), max_size=20))
@settings(max_examples=200)
def test_title_name_polars_path_agrees_on_names(names: list[tuple[list[str], str]]) -> None:
    """Plain names, with particles (da, van...), Mc, and shapes the Python path keeps: same result."""
    values = [sep.join(words) for words, sep in names]
    values += [v.upper() for v in values] + [f" {v} " for v in values]
    assert run(title_name, values) == _title_in_python(values)


# --------------------------------------------------------------------------- fold, transliterate


def test_fold() -> None:
    values = [
        "Иван Петров",
        "иван  петров",
        "ИВАН\u00a0ПЕТРОВ",
        "Nguyễn",
        "Đặng Thị Hồng",
        "Семён Фёдоров",
        "Андрей Сергей",
        "Київ",
        "O'Neil, Anna-Maria",
        "U.S.A.",
        "Straße",
        "«Ромашка»",
        "...",
        None,
    ]
    assert run(fold, values) == [
        "иван петров",
        "иван петров",
        "иван петров",
        "nguyen",
        "dang thi hong",
        "семен федоров",
        "андрей сергей",
        "киів",
        "oneil anna maria",
        "usa",
        "strasse",
        "ромашка",
        None,
        None,
    ]


def test_fold_keeps_short_i_but_not_yo() -> None:
    assert run(fold, ["Йошкар-Ола", "Ёлка"]) == ["йошкар ола", "елка"]
    decomposed = unicodedata.normalize("NFD", "Андрей")
    assert run(fold, [decomposed]) == ["андрей"]


def test_transliterate() -> None:
    values = [
        "Иван Петров",
        "IVAN PETROV",
        "Ivan Petrov",
        "Юлия",
        "Đặng",
        "Ñ",
        "Андрей Ольга",
        "Сергій Шевченко",
        "São Paulo",
        "ООО «Ромашка»",
        "中文",
        "!!!",
        None,
    ]
    assert run(transliterate, values) == [
        "ivan petrov",
        "ivan petrov",
        "ivan petrov",
        "yuliya",
        "dang",
        "n",
        "andrey olga",
        "sergiy shevchenko",
        "sao paulo",
        "ooo romashka",
        "zhongwen",
        None,
        None,
    ]


# --------------------------------------------------------------------------- shape and properties


@pytest.mark.parametrize("fn", FUNCTIONS)
def test_same_length_order_name_and_nulls(fn) -> None:
    values = ["Иван", None, "Nguyễn Văn An", "Иван", None, "João da Silva", ""]
    s = pl.Series("my_col", values, dtype=pl.String)
    out = fn(s)
    assert out.name == "my_col"
    assert out.len() == s.len()
    assert out.dtype == pl.String
    assert [v is None for v in out.to_list()[:5]] == [False, True, False, False, True]
    assert out[0] == out[3]


@pytest.mark.parametrize("fn", FUNCTIONS)
def test_empty_and_null_only_series(fn) -> None:
    assert fn(pl.Series("x", [], dtype=pl.String)).to_list() == []
    assert fn(pl.Series("x", [None, None], dtype=pl.String)).to_list() == [None, None]


@settings(max_examples=150, deadline=None)
@given(texts)
def test_never_raises_and_keeps_length(values: list[str | None]) -> None:
    for fn in FUNCTIONS:
        assert len(run(fn, values)) == len(values)


@settings(max_examples=150, deadline=None)
@given(texts)
def test_null_in_null_out(values: list[str | None]) -> None:
    for fn in FUNCTIONS:
        out = run(fn, values)
        for v, o in zip(values, out, strict=True):
            if v is None:
                assert o is None


@settings(max_examples=150, deadline=None)
@given(texts)
def test_idempotent(values: list[str | None]) -> None:
    for fn in IDEMPOTENT:
        once = run(fn, values)
        assert run(fn, once) == once, fn.__name__


@settings(max_examples=100, deadline=None)
@given(texts)
def test_keys_are_clean(values: list[str | None]) -> None:
    for v in run(transliterate, values):
        assert v is None or re.fullmatch(r"[a-z0-9]+( [a-z0-9]+)*", v), v
    for v in run(fold, values):
        assert v is None or (v == v.strip() and "  " not in v and v == v.lower()), v
