"""Tests for crmclean.normalize.phone: parsing, E.164 normalization and keys."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmclean.normalize.phone import (
    NO_REGION_REASON,
    calling_code_country,
    normalize_phone,
    parse_phones,
    phone_key,
)

PHONEISH = st.text(alphabet=st.sampled_from(list("0123456789 +-()./extдоб#x\u00a0")), max_size=25)


def _s(values: list[str | None]) -> pl.Series:
    return pl.Series("phone", values, dtype=pl.String)


@pytest.mark.parametrize(
    ("raw", "region", "e164", "num_region", "ntype"),
    [
        ("+7 912 345-67-89", None, "+79123456789", "RU", "mobile"),
        ("89123456789", "RU", "+79123456789", "RU", "mobile"),
        ("8 (912) 345-67-89", "RU", "+79123456789", "RU", "mobile"),
        ("8-912-345-67-89", "RU", "+79123456789", "RU", "mobile"),
        ("79123456789", "RU", "+79123456789", "RU", "mobile"),
        ("8 800 555-35-35", "RU", "+78005553535", "RU", "toll_free"),
        ("+380 44 123 4567", None, "+380441234567", "UA", "fixed_line"),
        ("044 123 4567", "UA", "+380441234567", "UA", "fixed_line"),
        ("0912 345 678", "VN", "+84912345678", "VN", "mobile"),
        ("+84 912 345 678", None, "+84912345678", "VN", "mobile"),
        ("(11) 98765-4321", "BR", "+5511987654321", "BR", "mobile"),
        ("+55 11 98765-4321", None, "+5511987654321", "BR", "mobile"),
        ("+44 20 7946 0958", None, "+442079460958", "GB", "fixed_line"),
        ("020 7946 0958", "GB", "+442079460958", "GB", "fixed_line"),
        ("0049 30 123456", "DE", "+4930123456", "DE", "fixed_line"),
        ("+7 701 234 5678", None, "+77012345678", "KZ", "mobile"),
    ],
)
def test_parse_phones_valid(raw: str, region: str | None, e164: str, num_region: str, ntype: str) -> None:
    row = parse_phones(_s([raw]), region=region).row(0, named=True)
    assert row["e164"] == e164
    assert row["region"] == num_region
    assert row["valid"] is True
    assert row["possible"] is True
    assert row["number_type"] == ntype
    assert row["reason"] is None


def test_parse_phones_extension_kept_out_of_e164() -> None:
    df = parse_phones(_s(["+1 650 253 0000 ext. 123", "+7 912 345-67-89 доб. 45"]))
    assert df["e164"].to_list() == ["+16502530000", "+79123456789"]
    assert df["valid"].to_list() == [True, True]
    assert df["extension"].to_list() == ["123", "45"]
    df = parse_phones(_s(["+7 (495) 123-45-67 вн. 12", "(11) 3333-4444 ramal 21"]), pl.Series(["RU", "BR"]))
    assert df["valid"].to_list() == [True, True]
    assert df["extension"].to_list() == ["12", "21"]


def test_parse_phones_reasons() -> None:
    df = parse_phones(
        _s(["+7 912", "+7912345678901234", "abc", "", "89123456789", "+999 1234567", None]),
        region=pl.Series([None, None, "RU", "RU", None, None, "RU"]),
    )
    assert df.columns == ["e164", "region", "valid", "possible", "number_type", "reason", "extension"]
    assert df["valid"].to_list() == [False, False, False, False, False, False, None]
    assert df["reason"].to_list() == [
        "too short",
        "too long",
        "not a number",
        "not a number",
        NO_REGION_REASON,
        "invalid country code",
        None,
    ]
    assert df.row(6) == (None,) * 7


def test_region_series_messy_values_fall_back_to_default() -> None:
    phones = _s(["89123456789", "89123456789", "89123456789", "0912 345 678", "(11) 98765-4321"])
    regions = pl.Series(["ru", " RU ", "", "garbage", "br"])
    df = parse_phones(phones, region=regions, default_region="VN")
    assert df["e164"].to_list()[:2] == ["+79123456789", "+79123456789"]
    # blank region -> default VN: a Russian trunk number is not a valid VN number
    assert df["valid"].to_list() == [True, True, False, True, True]
    assert df["e164"].to_list()[3:] == ["+84912345678", "+5511987654321"]


def test_region_string_for_all_rows_and_uk_alias() -> None:
    df = parse_phones(_s(["020 7946 0958", "07911 123456"]), region="uk")
    assert df["e164"].to_list() == ["+442079460958", "+447911123456"]
    assert df["number_type"].to_list() == ["fixed_line", "mobile"]


def test_bad_default_region_raises_value_error() -> None:
    with pytest.raises(ValueError, match="default_region"):
        parse_phones(_s(["1"]), default_region="Russia")


def test_region_series_length_mismatch() -> None:
    with pytest.raises(ValueError, match="rows"):
        parse_phones(_s(["1", "2"]), region=pl.Series(["RU"]))


def test_normalize_phone() -> None:
    s = _s(["8 (912) 345-67-89", "+7 912 345-67-89", "12", "n/a", None, "+1 650 253 0000 x123"])
    assert normalize_phone(s, default_region="RU").to_list() == [
        "+79123456789",
        "+79123456789",
        "12",
        "n/a",
        None,
        "+16502530000 ext. 123",
    ]


def test_phone_key() -> None:
    s = _s(
        [
            "8 (912) 345-67-89",
            "+7 912 345 67",  # too short: digits
            "123-45-67",  # local only (no area code): digits
            "12-34",  # fewer than 7 digits
            "",
            None,
            "+49 12345678",  # possible but not valid: still E.164
        ]
    )
    assert phone_key(s, default_region="RU").to_list() == [
        "+79123456789",
        "791234567",
        "1234567",
        None,
        None,
        None,
        "+4912345678",
    ]


def test_calling_code_country() -> None:
    s = _s(
        [
            "+79123456789",
            "+77012345678",
            "+16502530000",
            "+14165550123",
            "+380441234567",
            "+5511987654321",
            "+84912345678",
            "+80012345678",
            "+10000000000",
            "not e164",
            None,
            "+442079460958",
        ]
    )
    assert calling_code_country(s).to_list() == [
        "RU",
        "KZ",
        "US",
        "CA",
        "UA",
        "BR",
        "VN",
        None,
        None,
        None,
        None,
        "GB",
    ]


def test_same_length_and_order_many_duplicates() -> None:
    values = ["89123456789", None, "+380441234567", "bad", "8 912 345 67 89"] * 40
    s = _s(values)
    df = parse_phones(s, default_region="RU")
    assert df.height == len(values)
    assert df["e164"].to_list()[:5] == ["+79123456789", None, "+380441234567", None, "+79123456789"]
    assert df["e164"].to_list() == df["e164"].to_list()[:5] * 40


def test_parsing_in_a_worker_pool_matches_parsing_in_process(monkeypatch) -> None:
    from crmclean.normalize import parallel

    monkeypatch.setattr(parallel, "MIN_PARALLEL", 100)  # a pool from 100 unique values, not 20 000
    s = _s([f"8912{i:07d}" for i in range(300)] + ["bad", None])
    monkeypatch.setenv("CRMCLEAN_WORKERS", "1")
    in_process = parse_phones(s, default_region="RU")
    monkeypatch.setenv("CRMCLEAN_WORKERS", "2")
    assert parse_phones(s, default_region="RU").equals(in_process)


@settings(max_examples=120, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=30), PHONEISH), max_size=15))
def test_never_raises(values: list[str | None]) -> None:
    s = _s(values)
    assert parse_phones(s, default_region="RU").height == len(values)
    assert parse_phones(s).height == len(values)
    assert normalize_phone(s, region="BR").len() == len(values)
    assert phone_key(s, region="VN").len() == len(values)
    assert calling_code_country(s).len() == len(values)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=30), PHONEISH), min_size=1, max_size=10))
def test_normalize_phone_idempotent(values: list[str]) -> None:
    for region in ("RU", "BR"):
        once = normalize_phone(_s(values), default_region=region)
        assert normalize_phone(once, default_region=region).to_list() == once.to_list()


def test_worker_count_env_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    from crmclean.normalize.parallel import map_unique_parallel, worker_count

    monkeypatch.setenv("CRMCLEAN_WORKERS", "1")
    assert worker_count() == 1
    # one worker: stays in-process even above min_parallel
    assert map_unique_parallel(["a", "b", "c"], str.upper, min_parallel=1) == ["A", "B", "C"]
    monkeypatch.setenv("CRMCLEAN_WORKERS", "garbage")
    assert worker_count() >= 1
