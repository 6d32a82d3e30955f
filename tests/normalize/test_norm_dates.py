"""Tests for crmclean.normalize.dates: parsing many date shapes to pl.Date and ISO strings."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmclean.normalize.dates import guess_date_order, normalize_date, parse_dates

D = dt.date(1990, 12, 31)
DATEISH = st.text(alphabet=st.sampled_from(list("0123456789./- :TZ+деканбрягjuntháng")), max_size=25)


def _s(values: list[str | None]) -> pl.Series:
    return pl.Series("d", values, dtype=pl.String)


def _one(value: str, **kwargs: object) -> dt.date | None:
    return parse_dates(_s([value]), **kwargs).item()  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value",
    [
        "1990-12-31",
        "1990/12/31",
        "1990.12.31",
        "19901231",
        "31.12.1990",
        "31/12/1990",
        "12/31/1990",
        "31-12-1990",
        "31.12.90",
        "  31 . 12 . 1990 ",
        "1990-12-31T10:00:00",
        "1990-12-31 10:00",
        "31.12.1990 10:00:00",
        "1990-12-31T10:00:00Z",
        "1990-12-31T23:30:00+03:00",
        "1990-12-31T23:30:00.123-0500",
        "12/31/1990 10:00 PM",
        "33238",
        "33238.75",
        "31 декабря 1990",
        "31 декабря 1990 г.",
        "31 дек 1990",
        "31 Дек. 1990",
        "31 грудня 1990 р.",
        "31 de dezembro de 1990",
        "31 dez 1990",
        "ngày 31 tháng 12 năm 1990",
        "31 tháng 12, 1990",
        "December 31, 1990",
        "Dec 31 1990",
        "31 December 1990",
        "31-Dec-90",
        "Mon, 31 Dec 1990 10:00:00 +0000",
        "31 diciembre 1990",
        "31. Dezember 1990",
    ],
)
def test_parse_dates_formats(value: str) -> None:
    assert _one(value) == D


def test_parse_dates_dtype_nulls_and_order() -> None:
    s = _s(["31.12.1990", None, "garbage", "", "1990-12-31", "31.02.1990", "29.02.2000"])
    out = parse_dates(s)
    assert out.dtype == pl.Date
    assert out.name == "d"
    assert out.to_list() == [D, None, None, None, D, None, dt.date(2000, 2, 29)]


def test_invalid_calendar_dates_are_null() -> None:
    s = _s(["31.02.1990", "29.02.1900", "1990-13-01", "00.12.1990", "32/01/2000", "19900230"])
    assert parse_dates(s).to_list() == [None] * 6


@pytest.mark.parametrize(
    ("value", "order", "expected"),
    [
        ("01.02.2003", "auto", dt.date(2003, 2, 1)),  # ambiguous -> day first
        ("01/02/2003", "dmy", dt.date(2003, 2, 1)),
        ("01/02/2003", "mdy", dt.date(2003, 1, 2)),
        ("12/31/1990", "auto", D),  # 31 can only be the day
        ("31/12/1990", "auto", D),
        ("12/31/1990", "dmy", None),  # strict
        ("31/12/1990", "mdy", None),
        ("90/12/31", "ymd", D),
        ("31.12.90", "ymd", D),  # not y/m/d: read as auto
        ("1990-12-31", "mdy", D),  # year-first is always y-m-d
    ],
)
def test_parse_dates_order(value: str, order: str, expected: dt.date | None) -> None:
    assert _one(value, order=order) == expected


def test_two_digit_year_pivot() -> None:
    yy = dt.date.today().year % 100
    later = f"{(yy + 1) % 100:02d}"
    assert _one(f"01.01.{yy:02d}") == dt.date(2000 + yy, 1, 1)
    if yy < 99:
        assert _one(f"01.01.{later}") == dt.date(1900 + yy + 1, 1, 1)
    assert _one("31.12.90") == D
    assert _one("01.01.05") == dt.date(2005, 1, 1)


def test_excel_serials() -> None:
    s = _s(["45000", "45000.5", "1", "99999", "100000", "1990", "19901231", "-5", "0"])
    assert parse_dates(s).to_list() == [
        dt.date(2023, 3, 15),
        dt.date(2023, 3, 15),
        dt.date(1899, 12, 31),
        dt.date(2173, 10, 13),
        None,  # more than 5 digits
        None,  # a bare year is not a serial
        D,  # compact y-m-d, not a serial
        None,
        None,
    ]
    assert parse_dates(_s(["45000"]), excel_serials=False).to_list() == [None]


def test_bad_order_raises() -> None:
    with pytest.raises(ValueError, match="order"):
        parse_dates(_s(["1990-12-31"]), order="yolo")


def test_normalize_date() -> None:
    s = _s(["31.12.1990", "1990-12-31T10:00:00Z", "31 декабря 1990", "unknown", None, "45000"])
    assert normalize_date(s).to_list() == [
        "1990-12-31",
        "1990-12-31",
        "1990-12-31",
        "unknown",
        None,
        "2023-03-15",
    ]
    assert normalize_date(_s(["01/02/2003"]), order="mdy").to_list() == ["2003-01-02"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["31/12/1990", "01/02/2000", "15.03.1985"], "dmy"),
        (["12/31/1990", "01/02/2000", "03/15/1985"], "mdy"),
        (["1990-12-31", "2000-01-02"], "ymd"),
        (["01/02/2000", "03/04/2001"], "ambiguous"),
        (["12/31/1990", "31/12/1990"], "ambiguous"),
        (["garbage", None], "ambiguous"),
        ([], "ambiguous"),
    ],
)
def test_guess_date_order(values: list[str | None], expected: str) -> None:
    assert guess_date_order(_s(values)) == expected


def test_same_length_and_order_with_duplicates() -> None:
    values = ["31.12.1990", None, "1990-01-02", "x", "31.12.1990"] * 100
    out = parse_dates(_s(values))
    assert out.len() == len(values)
    assert out.to_list()[:5] == [D, None, dt.date(1990, 1, 2), None, D]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=30), DATEISH), max_size=15))
def test_never_raises(values: list[str | None]) -> None:
    s = _s(values)
    for order in ("auto", "dmy", "mdy", "ymd"):
        assert parse_dates(s, order=order).len() == len(values)
    assert guess_date_order(s) in {"dmy", "mdy", "ymd", "ambiguous"}


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=30),
            DATEISH,
            st.dates().map(lambda d: d.strftime("%d.%m.%Y")),
            st.dates().map(lambda d: d.strftime("%m/%d/%y")),
            st.integers(0, 200000).map(str),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_normalize_date_idempotent(values: list[str]) -> None:
    for order in ("auto", "mdy"):
        once = normalize_date(_s(values), order=order)
        assert normalize_date(once, order=order).to_list() == once.to_list()


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=dt.date(1, 1, 1)))
def test_roundtrip_iso_and_dmy(d: dt.date) -> None:
    iso = f"{d.year:04d}-{d.month:02d}-{d.day:02d}"
    dmy = f"{d.day:02d}.{d.month:02d}.{d.year:04d}"
    assert parse_dates(_s([iso, dmy])).to_list() == [d, d]


def test_dominant_shape_fast_path_equals_general_parser_on_mixed_columns():
    """The column's dominant exact shape is read by strptime, the rest by the general parser; the
    result is the general parser's on every value, in every order, ambiguous d/m vs m/d included."""
    import random

    from crmclean.normalize.dates import _dominant, _parse_unique

    rng = random.Random(18)
    for main in range(6):
        values = []
        for _ in range(3000):
            y, m, d = rng.randrange(1, 2100), rng.randrange(0, 14), rng.randrange(0, 33)
            if rng.random() < 0.7:
                m, d = rng.randrange(1, 13), rng.randrange(1, 29)
            clock = f"{rng.randrange(0, 26):02d}:{rng.randrange(0, 61):02d}:{rng.randrange(0, 61):02d}"
            forms = [
                f"{y:04d}-{m:02d}-{d:02d}T{clock}",
                f"{y:04d}-{m:02d}-{d:02d}",
                f"{d:02d}.{m:02d}.{y:04d}",
                f"{d:02d}/{m:02d}/{y:04d}",
                f"{m:02d}/{d:02d}/{y:04d}",
                f"{y:04d}-{m:02d}-{d:02d} {clock}",
                f"{d}.{m}.{y}",
                f"{d:02d}.{m:02d}.{y % 100:02d}",
                f"0000-{m:02d}-{d:02d}",
                f" {y:04d}-{m:02d}-{d:02d} ",
                f"{y:04d}-{m:02d}-{d:02d}T{clock}Z",
                "2024-12-31T23:59:60",
            ]
            values.append(forms[main] if rng.random() < 0.7 else rng.choice(forms))
        column = pl.Series(values)
        for order in ("auto", "dmy", "mdy", "ymd"):
            assert parse_dates(column, order).to_list() == _parse_unique(column, order, True).to_list()
        assert _dominant(column.unique(), "auto") is not None or main == 4
