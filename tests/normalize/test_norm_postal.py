"""Tests for crmclean.normalize.postal: per-country canonical postal codes and validity."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmclean.normalize.postal import POSTAL_COUNTRIES, normalize_postal, postal_valid

POSTALISH = st.text(alphabet=st.sampled_from(list("0123456789 -.ABKsw\u00a0")), max_size=14)


def _s(values: list[str | None]) -> pl.Series:
    return pl.Series("zip", values, dtype=pl.String)


@pytest.mark.parametrize(
    ("country", "raw", "expected"),
    [
        ("BR", "01310100", "01310-100"),
        ("BR", "01310-100", "01310-100"),
        ("BR", "01.310-100", "01310-100"),
        ("BR", "1310100", "01310-100"),  # leading zero lost by a spreadsheet
        ("RU", " 101000 ", "101000"),
        ("RU", "101 000", "101000"),
        ("UA", "01001", "01001"),
        ("VN", "700000", "700000"),
        ("VN", "10000", "10000"),
        ("US", "90210", "90210"),
        ("US", "02134", "02134"),
        ("US", "2134", "02134"),
        ("US", "123456789", "12345-6789"),
        ("US", "12345 6789", "12345-6789"),
        ("GB", "sw1a1aa", "SW1A 1AA"),
        ("GB", " SW1A   1AA ", "SW1A 1AA"),
        ("GB", "ec1a1bb", "EC1A 1BB"),
        ("GB", "m11ae", "M1 1AE"),
        ("DE", "01067", "01067"),
        ("DE", "1067", "01067"),
        ("FR", "75001", "75001"),
        ("ES", "08001", "08001"),
        ("IT", "00184", "00184"),
        ("CA", "k1a0b6", "K1A 0B6"),
        ("CA", "K1A-0B6", "K1A 0B6"),
        ("NL", "1234ab", "1234 AB"),
        ("PT", "1000001", "1000-001"),
        ("PT", "1000-001", "1000-001"),
        ("PL", "00950", "00-950"),
        ("JP", "1000001", "100-0001"),
        ("JP", "100-0001", "100-0001"),
        ("SE", "11455", "114 55"),
        ("RU", "not a zip", "not a zip"),
        ("RU", "1234567", "1234567"),  # wrong length: unchanged
    ],
)
def test_normalize_postal_by_country(country: str, raw: str, expected: str) -> None:
    assert normalize_postal(_s([raw]), country).to_list() == [expected]


def test_unknown_country_trims_and_collapses_only() -> None:
    s = _s(["  sw1a   1aa ", "01310100", "\u00a00123\u00a0", None])
    expected = ["sw1a 1aa", "01310100", "0123", None]
    assert normalize_postal(s, None).to_list() == expected
    assert normalize_postal(s, "ZZ").to_list() == expected
    assert normalize_postal(s).to_list() == expected


def test_per_row_country_series() -> None:
    s = _s(["01310100", "101000", "sw1a1aa", "k1a0b6", "2134", "2134", None, "12345"])
    c = pl.Series(["br", " RU", "UK", "CA", "US", None, "BR", "garbage"])
    assert normalize_postal(s, c).to_list() == [
        "01310-100",
        "101000",
        "SW1A 1AA",
        "K1A 0B6",
        "02134",
        "2134",
        None,
        "12345",
    ]
    assert postal_valid(s, c).to_list() == [True, True, True, True, True, None, None, None]


def test_postal_valid() -> None:
    s = _s(
        [
            "01310-100",
            "01310-10",
            "101000",
            "10100",
            "SW1A 1AA",
            "SW1A",
            "K1A 0B6",
            "D1A 0B6",
            "1234 AB",
            "0123 AB",
            "",
            None,
        ]
    )
    c = pl.Series(["BR", "BR", "RU", "RU", "GB", "GB", "CA", "CA", "NL", "NL", "RU", "RU"])
    assert postal_valid(s, c).to_list() == [
        True,
        False,
        True,
        False,
        True,
        False,
        True,
        False,
        True,
        False,
        False,
        None,
    ]
    assert postal_valid(_s(["12345"]), None).to_list() == [None]
    assert postal_valid(_s(["12345"]), "XX").to_list() == [None]


def test_country_series_length_mismatch() -> None:
    with pytest.raises(ValueError, match="rows"):
        normalize_postal(_s(["1", "2"]), pl.Series(["RU"]))


def test_same_length_and_order() -> None:
    values = ["01310100", None, "1310100", "x"] * 50
    out = normalize_postal(_s(values), "BR")
    assert out.len() == len(values)
    assert out.to_list()[:4] == ["01310-100", None, "01310-100", "x"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.text(max_size=20), POSTALISH), max_size=15),
    st.sampled_from([None, "ZZ", *sorted(POSTAL_COUNTRIES)]),
)
def test_never_raises(values: list[str | None], country: str | None) -> None:
    s = _s(values)
    assert normalize_postal(s, country).len() == len(values)
    assert postal_valid(s, country).len() == len(values)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.text(max_size=20), POSTALISH), min_size=1, max_size=10),
    st.sampled_from([None, *sorted(POSTAL_COUNTRIES)]),
)
def test_normalize_postal_idempotent(values: list[str], country: str | None) -> None:
    once = normalize_postal(_s(values), country)
    assert normalize_postal(once, country).to_list() == once.to_list()
