"""Tests for crmclean.normalize.country: country names and codes -> ISO alpha-2."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmclean.normalize.country import (
    country_code,
    country_codes,
    country_english_names,
    country_name_keys,
    country_rows,
    normalize_country,
)


def codes(values: list[str | None]) -> list[str | None]:
    return country_code(pl.Series("country", values, dtype=pl.String)).to_list()


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("usa", "US"),
        ("United States of America", "US"),
        ("Estados Unidos", "US"),
        ("США", "US"),
        ("Hoa Kỳ", "US"),
        ("Mỹ", "US"),
        ("UK", "GB"),
        ("Great Britain", "GB"),
        ("England", "GB"),
        ("Великобритания", "GB"),
        ("РФ", "RU"),
        ("Россия", "RU"),
        ("Российская Федерация", "RU"),
        ("Russia", "RU"),
        ("RUS", "RU"),
        ("Nga", "RU"),
        ("Brasil", "BR"),
        ("Brazil", "BR"),
        ("Бразилия", "BR"),
        ("Việt Nam", "VN"),
        ("Vietnam", "VN"),
        ("Viet Nam", "VN"),
        ("VIỆT NAM", "VN"),
        ("Вьетнам", "VN"),
        ("В'єтнам", "VN"),
        ("Україна", "UA"),
        ("Украина", "UA"),
        ("Ukraine", "UA"),
        ("Deutschland", "DE"),
        ("Германия", "DE"),
        ("Німеччина", "DE"),
        ("Đức", "DE"),
        ("Allemagne", "DE"),
        ("España", "ES"),
        ("Österreich", "AT"),
        ("Côte d'Ivoire", "CI"),
        ("Казахстан", "KZ"),
        ("Беларусь", "BY"),
        ("ОАЭ", "AE"),
        ("Nhật Bản", "JP"),
        ("Trung Quốc", "CN"),
        ("Thái Lan", "TH"),
        ("Hàn Quốc", "KR"),
        ("Bỉ", "BE"),
        ("Úc", "AU"),
        ("New Zealand", "NZ"),
        ("South Africa", "ZA"),
        ("Nigeria", "NG"),
        ("NGA", "NG"),
        ("Egypt", "EG"),
        ("  the   netherlands ", "NL"),
        ("de", "DE"),
        ("Br", "BR"),
        (" gb ", "GB"),
        ("MY", "MY"),
        ("BI", "BI"),  # Burundi, never Vietnamese Bỉ (Belgium)
        ("XX", None),
        ("Atlantis", None),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_country_code(value: str | None, code: str | None) -> None:
    assert codes([value]) == [code]


def test_normalize_country_keeps_unknown_values() -> None:
    s = pl.Series("country", ["Россия", "Atlantis", None, "  ", "xx", "Brasil", "Россия"])
    out = normalize_country(s)
    assert out.name == "country"
    assert out.to_list() == ["RU", "Atlantis", None, "  ", "xx", "BR", "RU"]


def test_length_order_and_name() -> None:
    values = ["Brasil", None, "Việt Nam", "Brasil", "nowhere"] * 4
    out = country_code(pl.Series("c", values))
    assert out.name == "c"
    assert out.to_list() == ["BR", None, "VN", "BR", None] * 4


def test_data_file() -> None:
    rows = country_rows()
    assert len(country_codes()) >= 80
    assert country_english_names()["VN"] == "Vietnam"
    assert country_english_names()["DE"] == "Germany"
    needed = (
        "RU UA BY KZ UZ AM GE AZ BR US CA MX AR CN JP KR VN TH ID PH SG MY IN TR IL SA AE AU NZ "
        "ZA NG EG GB FR DE PL PT ES IT"
    )
    for code in needed.split():
        assert code in country_codes(), code
    assert len({(c, n) for c, n in rows}) == len(rows)
    # every name in the file maps back to its own code
    got = codes([name for _, name in rows])
    assert [(n, g) for (c, n), g in zip(rows, got, strict=True) if g != c] == []
    assert country_name_keys()["nga"] == "RU"  # Vietnamese name beats the alpha-3 code of Nigeria


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=25)), max_size=25))
def test_never_raises_and_idempotent(values: list[str | None]) -> None:
    s = pl.Series("country", values, dtype=pl.String)
    code = country_code(s)
    assert code.len() == len(values)
    assert all(c is None or c in country_codes() for c in code.to_list())
    once = normalize_country(s)
    assert once.to_list() == [c if c is not None else v for c, v in zip(code, values, strict=True)]
    assert normalize_country(once).to_list() == once.to_list()
