"""Tests for crmclean.normalize.names: full-name splitting, name order, patronymics."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmclean.normalize.names import is_patronymic, name_order, split_full_name

COLUMNS = ["first_name", "middle_name", "last_name"]


def split(values: list[str | None], order: str = "auto") -> list[tuple[str | None, ...]]:
    df = split_full_name(pl.Series("full_name", values, dtype=pl.String), order=order)
    assert df.columns == COLUMNS
    assert all(dtype == pl.String for dtype in df.dtypes)
    return df.rows()


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        # western
        ("John Michael Smith", ("John", "Michael", "Smith")),
        ("John Smith", ("John", None, "Smith")),
        ("Smith, John", ("John", None, "Smith")),
        ("Smith, John Michael", ("John", "Michael", "Smith")),
        ("John Smith, Jr.", ("John", None, "Smith Jr.")),
        ("Ludwig van Beethoven", ("Ludwig", None, "van Beethoven")),
        ("Maria da Silva", ("Maria", None, "da Silva")),
        ("João Pedro da Silva", ("João", "Pedro", "da Silva")),
        ("da Silva", (None, None, "da Silva")),
        ("An Nguyen", ("An", None, "Nguyen")),
        # eastern Slavic with a patronymic: Ф-И-О and И-О-Ф
        ("Петров Иван Сергеевич", ("Иван", "Сергеевич", "Петров")),
        ("Иван Сергеевич Петров", ("Иван", "Сергеевич", "Петров")),
        ("Петрова Анна Ильинична", ("Анна", "Ильинична", "Петрова")),
        ("Бабич Иван Петрович", ("Иван", "Петрович", "Бабич")),
        ("Иван Петрович Бабич", ("Иван", "Петрович", "Бабич")),
        ("Иван Сергеевич", ("Иван", "Сергеевич", None)),
        ("Ленин Владимир Ильич", ("Владимир", "Ильич", "Ленин")),
        ("Шевченко Тарас Григорович", ("Тарас", "Григорович", "Шевченко")),
        ("Коваленко Олена Іванівна", ("Олена", "Іванівна", "Коваленко")),
        ("Мельник Ірина Сергіївна", ("Ірина", "Сергіївна", "Мельник")),
        ("Бондар Олег Миколайович", ("Олег", "Миколайович", "Бондар")),
        ("Алиев Рашид Ахмед оглы", ("Рашид", "Ахмед оглы", "Алиев")),
        ("Петров, Иван Сергеевич", ("Иван", "Сергеевич", "Петров")),
        ("Petrov Ivan Sergeevich", ("Ivan", "Sergeevich", "Petrov")),
        # two Cyrillic words without a patronymic
        ("Иван Петров", ("Иван", None, "Петров")),
        ("Петров Иван", ("Иван", None, "Петров")),
        ("Петрова Ирина", ("Ирина", None, "Петрова")),
        ("Ирина Петрова", ("Ирина", None, "Петрова")),
        ("Шевченко Тарас", ("Тарас", None, "Шевченко")),
        ("Мария Коваленко", ("Мария", None, "Коваленко")),
        ("Иван Бабич", ("Иван", None, "Бабич")),
        # Vietnamese
        ("Nguyễn Văn An", ("An", "Văn", "Nguyễn")),
        ("Trần Thị Thu Hà", ("Hà", "Thị Thu", "Trần")),
        ("NGUYEN VAN AN", ("AN", "VAN", "NGUYEN")),
        ("Lê Hoa", ("Hoa", None, "Lê")),
        ("Đặng Thị Mai", ("Mai", "Thị", "Đặng")),
        ("Nguyễn, Văn An", ("An", "Văn", "Nguyễn")),
        # single words, blanks, messy whitespace
        ("Madonna", ("Madonna", None, None)),
        ("Иван", ("Иван", None, None)),
        ("  John \u00a0 Smith\u200b ", ("John", None, "Smith")),
        ("", (None, None, None)),
        ("   ", (None, None, None)),
        (None, (None, None, None)),
    ],
)
def test_split_auto(full: str | None, expected: tuple[str | None, ...]) -> None:
    assert split([full]) == [expected]


def test_split_forced_orders() -> None:
    values = ["Петров Иван Сергеевич", "Nguyễn Văn An", "John Michael Smith", "Solo", None]
    assert split(values, "western") == [
        ("Петров", "Иван", "Сергеевич"),
        ("Nguyễn", "Văn", "An"),
        ("John", "Michael", "Smith"),
        ("Solo", None, None),
        (None, None, None),
    ]
    assert split(values, "eastern_slavic") == [
        ("Иван", "Сергеевич", "Петров"),
        ("Văn", "An", "Nguyễn"),
        ("Michael", "Smith", "John"),
        ("Solo", None, None),
        (None, None, None),
    ]
    assert split(values, "vietnamese") == [
        ("Сергеевич", "Иван", "Петров"),
        ("An", "Văn", "Nguyễn"),
        ("Smith", "Michael", "John"),
        ("Solo", None, None),
        (None, None, None),
    ]
    assert split(["Trần Thị Thu Hà"], "vietnamese") == [("Hà", "Thị Thu", "Trần")]
    assert split(["Smith, John"], "eastern_slavic") == [("John", None, "Smith")]


def test_split_unknown_order_is_a_usage_error() -> None:
    with pytest.raises(ValueError, match="unknown name order"):
        split_full_name(pl.Series(["x"]), order="klingon")  # type: ignore[arg-type]


def test_split_keeps_length_and_order() -> None:
    values = ["Иван Петров", None, "Nguyễn Văn An", "Иван Петров", "John Smith"] * 3
    rows = split(values)
    assert len(rows) == len(values)
    assert rows[0] == rows[3] == ("Иван", None, "Петров")
    assert rows[1] == (None, None, None)
    assert rows[2] == ("An", "Văn", "Nguyễn")
    assert rows[4] == ("John", None, "Smith")


def test_name_order() -> None:
    s = pl.Series(
        "full_name",
        [
            "Петров Иван Сергеевич",
            "Иван Сергеевич Петров",
            "Петров Иван",
            "Иван Петров",
            "Nguyễn Văn An",
            "Tran Thi Ha",
            "John Smith",
            "Madonna",
            None,
            " ",
        ],
    )
    out = name_order(s)
    assert out.name == "full_name"
    assert out.to_list() == [
        "eastern_slavic",
        "western",
        "eastern_slavic",
        "western",
        "vietnamese",
        "vietnamese",
        "western",
        "western",
        None,
        None,
    ]


@pytest.mark.parametrize(
    "token",
    ["Сергеевич", "Иванович", "Ивановна", "Сергеевна", "Ильич", "Никитична", "Ильинична",
     "Миколайович", "Іванівна", "Сергіївна", "СЕРГЕЕВИЧ", "Алексеевич"],
)  # fmt: skip
def test_is_patronymic_true(token: str) -> None:
    assert is_patronymic(token)


@pytest.mark.parametrize("token", ["Петров", "Иван", "Шевченко", "Sergeevich", "ович", "", "ич", "Nguyễn"])
def test_is_patronymic_false(token: str) -> None:
    assert not is_patronymic(token)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=40)), max_size=25))
def test_never_raises(values: list[str | None]) -> None:
    s = pl.Series("n", values, dtype=pl.String)
    for order in ("auto", "western", "eastern_slavic", "vietnamese"):
        df = split_full_name(s, order=order)
        assert df.height == len(values)
        assert df.columns == COLUMNS
        for value, row in zip(values, df.rows(), strict=True):
            if value is None:
                assert row == (None, None, None)
    assert name_order(s).len() == len(values)
    for value in values:
        if value is not None:
            is_patronymic(value)
