"""Tests for crmclean.normalize.email: normalization, validation and match keys."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from crmclean.normalize.email import check_emails, email_key, normalize_email

MESSY = st.text(alphabet=st.sampled_from(list("aB.@+-_ <>:mailto\u00a0\u200bÿЖ＠,;\t")), max_size=30)


def _s(values: list[str | None]) -> pl.Series:
    return pl.Series("email", values, dtype=pl.String)


def test_normalize_email_cleans_real_shapes() -> None:
    got = normalize_email(
        _s(
            [
                " <Ivan.Petrov@Mail.RU> ",
                "mailto:Olga@Yandex.ru",
                "MAILTO: a@b.com",
                "Иван Петров <Ivan@Почта.РФ>",
                "\u00a0nguyen.van.a@Gmail.com\u200b",
                "joao @ uol.com.br",
                "maria@empresa.com.br.",
                "john.smith@example.co.uk;",
                "a＠b.com",
                "user@XN--80A1ACNY.XN--P1AI",
                None,
                "no at sign",
                "  keep me  ",
                "",
            ]
        )
    )
    assert got.to_list() == [
        "ivan.petrov@mail.ru",
        "olga@yandex.ru",
        "a@b.com",
        "ivan@почта.рф",
        "nguyen.van.a@gmail.com",
        "joao@uol.com.br",
        "maria@empresa.com.br",
        "john.smith@example.co.uk",
        "a@b.com",
        "user@xn--80a1acny.xn--p1ai",  # punycode stays ASCII
        None,
        "no at sign",
        "  keep me  ",  # no "@": unchanged
        "",
    ]
    assert got.name == "email"


def test_normalize_email_unicode_domain_is_nfc() -> None:
    decomposed = "jose@cafe\u0301.com"  # e + combining acute
    assert normalize_email(_s([decomposed])).to_list() == ["jose@caf\u00e9.com"]


def test_check_emails_columns_and_reasons() -> None:
    df = check_emails(
        _s(["ivan@mail.ru", "ivan.mail.ru", "a@b", "a@@b.com", "@b.com", "x@", None, " ok@x.ru "])
    )
    assert df.columns == ["valid", "reason", "normalized"]
    assert df.schema == pl.Schema({"valid": pl.Boolean, "reason": pl.String, "normalized": pl.String})
    assert df["valid"].to_list() == [True, False, False, False, False, False, None, True]
    reasons = df["reason"].to_list()
    assert reasons[0] is None and reasons[6] is None and reasons[7] is None
    assert reasons[1] == "missing @"
    assert reasons[2] == "domain has no dot"
    assert reasons[4] == "missing local part"
    assert reasons[5] == "missing domain"
    assert all(r and len(r) < 120 for r in reasons[1:6])
    assert df["normalized"].to_list()[0] == "ivan@mail.ru"
    assert df["normalized"].to_list()[7] == "ok@x.ru"


def test_check_emails_idn_and_special_use() -> None:
    df = check_emails(_s(["Ivan@Почта.РФ", "a@xn--80a1acny.xn--p1ai", "a@test.test", "a b@c.com"]))
    assert df["valid"].to_list() == [True, True, False, False]
    assert df["normalized"].to_list()[:2] == ["Ivan@почта.рф", "a@почта.рф"]
    assert "special-use" in df["reason"][2]
    assert "local part" in df["reason"][3]


def test_email_key_providers() -> None:
    got = email_key(
        _s(
            [
                "I.Van+crm@googlemail.com",
                "ivan@gmail.com",
                "olga.petrova+shop@yandex.ru",
                "olga-petrova@ya.ru",
                "olga.petrova@yandex.com",
                "bob+news@outlook.com",
                "bob+x@hotmail.co.uk",
                "anna+1@icloud.com",
                "a+b@proton.me",
                "c+d@fastmail.com",
                "first.last+tag@company.com.br",
                "a@xn--80a1acny.xn--p1ai",
                "a@почта.рф",
                "+only@gmail.com",
                "no-at-sign",
                "a@localhost",
                None,
            ]
        )
    )
    assert got.to_list() == [
        "ivan@gmail.com",
        "ivan@gmail.com",
        "olga.petrova@yandex.ru",
        "olga.petrova@yandex.ru",
        "olga.petrova@yandex.ru",
        "bob@outlook.com",
        "bob@hotmail.co.uk",
        "anna@icloud.com",
        "a@proton.me",
        "c@fastmail.com",
        "first.last+tag@company.com.br",  # unknown provider: tag kept
        "a@почта.рф",
        "a@почта.рф",
        None,
        None,
        None,
        None,
    ]


def test_same_length_and_order_with_duplicates() -> None:
    values = ["B@x.com", None, "a@x.com", "B@x.com", "zzz", "a@x.com"] * 50
    s = _s(values)
    assert normalize_email(s).to_list() == [v.lower() if v and "@" in v else v for v in values]
    assert check_emails(s).height == len(values)
    assert email_key(s).len() == len(values)


def test_empty_series() -> None:
    empty = _s([])
    assert normalize_email(empty).len() == 0
    assert check_emails(empty).height == 0
    assert email_key(empty).len() == 0


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=40), MESSY), max_size=20))
def test_never_raises_and_keeps_length(values: list[str | None]) -> None:
    s = _s(values)
    assert normalize_email(s).len() == len(values)
    assert check_emails(s).height == len(values)
    assert email_key(s).len() == len(values)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=40), MESSY), min_size=1, max_size=10))
def test_normalize_email_idempotent(values: list[str]) -> None:
    once = normalize_email(_s(values))
    assert normalize_email(once).to_list() == once.to_list()
