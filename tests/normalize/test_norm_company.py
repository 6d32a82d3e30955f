"""Tests for crmclean.normalize.company: legal forms, normalized names, company keys."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmclean.normalize.company import (
    company_key,
    legal_forms,
    normalize_company,
    split_legal_form,
)


def series(values: list[str | None]) -> pl.Series:
    return pl.Series("company", values, dtype=pl.String)


CASES = [
    # value, company_name, legal_form, normalized
    ("ООО «Ромашка»", "Ромашка", "ООО", "ООО «Ромашка»"),
    ('ООО "Ромашка"', "Ромашка", "ООО", "ООО «Ромашка»"),
    ("ооо „Ромашка“", "Ромашка", "ООО", "ООО «Ромашка»"),
    ("ромашка ооо", "ромашка", "ООО", "ромашка ООО"),
    ("Ромашка, ООО", "Ромашка", "ООО", "Ромашка ООО"),
    ("О.О.О. Ромашка", "Ромашка", "ООО", "ООО «Ромашка»"),
    ("Общество с ограниченной ответственностью «Ромашка»", "Ромашка", "ООО", "ООО «Ромашка»"),
    ('"ООО Ромашка"', "Ромашка", "ООО", "ООО «Ромашка»"),
    ('ООО "Компания "Ромашка""', 'Компания "Ромашка"', "ООО", 'ООО «Компания "Ромашка"»'),
    ("ПАО «Газпром»", "Газпром", "ПАО", "ПАО «Газпром»"),
    ("ЗАО Вектор", "Вектор", "ЗАО", "ЗАО «Вектор»"),
    ("ИП Иванов И.И.", "Иванов И.И.", "ИП", "ИП Иванов И.И."),
    ("ТОВ «Світанок»", "Світанок", "ТОВ", "ТОВ «Світанок»"),
    ("Товариство з обмеженою відповідальністю Світанок", "Світанок", "ТОВ", "ТОВ «Світанок»"),
    ("ФОП Іваненко Петро", "Іваненко Петро", "ФОП", "ФОП Іваненко Петро"),
    ("ПрАТ «Оболонь»", "Оболонь", "ПрАТ", "ПрАТ «Оболонь»"),
    ("Padaria Pão Quente Ltda.", "Padaria Pão Quente", "Ltda", "Padaria Pão Quente Ltda"),
    ("PADARIA PÃO QUENTE LTDA", "PADARIA PÃO QUENTE", "Ltda", "PADARIA PÃO QUENTE Ltda"),
    ("Mercado Livre Limitada", "Mercado Livre", "Ltda", "Mercado Livre Ltda"),
    ("Petrobras S/A", "Petrobras", "S.A.", "Petrobras S.A."),
    ("Banco do Brasil SA", "Banco do Brasil", "S.A.", "Banco do Brasil S.A."),
    ("Padaria X - ME", "Padaria X", "ME", "Padaria X ME"),
    ("Loja Y EPP", "Loja Y", "EPP", "Loja Y EPP"),
    ("Silva Comércio EIRELI", "Silva Comércio", "EIRELI", "Silva Comércio EIRELI"),
    ("Công ty TNHH ABC", "ABC", "Công ty TNHH", "Công ty TNHH ABC"),
    ("CÔNG TY TNHH ABC", "ABC", "Công ty TNHH", "Công ty TNHH ABC"),
    ("Cty TNHH  Xây dựng Hòa Bình", "Xây dựng Hòa Bình", "Công ty TNHH", "Công ty TNHH Xây dựng Hòa Bình"),
    ("Công ty trách nhiệm hữu hạn ABC", "ABC", "Công ty TNHH", "Công ty TNHH ABC"),
    ("CTCP Vinamilk", "Vinamilk", "Công ty Cổ phần", "Công ty Cổ phần Vinamilk"),
    ("Công ty Cổ phần Sữa Việt Nam", "Sữa Việt Nam", "Công ty Cổ phần", "Công ty Cổ phần Sữa Việt Nam"),
    ("Acme, Inc.", "Acme", "Inc", "Acme Inc"),
    ("Acme Incorporated", "Acme", "Inc", "Acme Inc"),
    ("Romashka LLC", "Romashka", "LLC", "Romashka LLC"),
    ("Romashka L.L.C.", "Romashka", "LLC", "Romashka LLC"),
    ("Widgets Limited", "Widgets", "Ltd", "Widgets Ltd"),
    ("ACME CO., LTD.", "ACME", "Co Ltd", "ACME Co Ltd"),
    ("Big Corp.", "Big", "Corp", "Big Corp"),
    ("Smith & Co", "Smith & Co", None, "Smith & Co"),
    ("Smith & Co. Ltd", "Smith & Co.", "Ltd", "Smith & Co. Ltd"),
    ("Müller GmbH & Co. KG", "Müller", "GmbH & Co. KG", "Müller GmbH & Co. KG"),
    ("Müller G.m.b.H.", "Müller", "GmbH", "Müller GmbH"),
    ("Siemens AG", "Siemens", "AG", "Siemens AG"),
    ("Start UG (haftungsbeschränkt)", "Start", "UG", "Start UG"),
    ("Blumen Meier e. K.", "Blumen Meier", "e.K.", "Blumen Meier e.K."),
    ("Mercadona S.L.", "Mercadona", "S.L.", "Mercadona S.L."),
    ("Sonae Lda.", "Sonae", "Lda", "Sonae Lda"),
    ('"O\'Reilly Media" Inc', "O'Reilly Media", "Inc", "O'Reilly Media Inc"),
    ("Google", "Google", None, "Google"),
    ("  Google \u00a0 Brasil ", "Google Brasil", None, "Google Brasil"),
    ("ООО", "ООО", None, "ООО"),
    ("LLC", "LLC", None, "LLC"),
    ("Incorporated Trust Bank", "Incorporated Trust Bank", None, "Incorporated Trust Bank"),
]


@pytest.mark.parametrize(("value", "name", "form", "normalized"), CASES)
def test_split_and_normalize(value: str, name: str, form: str | None, normalized: str) -> None:
    df = split_legal_form(series([value]))
    assert df.columns == ["company_name", "legal_form"]
    assert df.rows() == [(name, form)]
    assert normalize_company(series([value])).to_list() == [normalized]


def test_nulls_blanks_length_and_order() -> None:
    values = ["ООО «Ромашка»", None, "  ", "Acme, Inc.", "ООО «Ромашка»", ""]
    s = series(values)
    df = split_legal_form(s)
    assert df.rows() == [
        ("Ромашка", "ООО"),
        (None, None),
        (None, None),
        ("Acme", "Inc"),
        ("Ромашка", "ООО"),
        (None, None),
    ]
    out = normalize_company(s)
    assert out.name == "company"
    assert out.to_list() == ["ООО «Ромашка»", None, None, "Acme Inc", "ООО «Ромашка»", None]
    keys = company_key(s)
    assert keys.name == "company"
    assert keys.to_list() == ["romashka", None, None, "acme", "romashka", None]


def test_company_key_meets_across_scripts_and_forms() -> None:
    values = [
        "ООО «Ромашка»",
        "Romashka LLC",
        "ромашка ооо",
        "ROMASHKA, LTD.",
        "ООО Ромашка Ltd",
        "Công ty TNHH Hòa Bình",
        "Hoa Binh Co., Ltd.",
        "Padaria Pão Quente Ltda.",
        "PADARIA PAO QUENTE",
        "«»",
    ]
    assert company_key(series(values)).to_list() == [
        "romashka",
        "romashka",
        "romashka",
        "romashka",
        "romashka",
        "hoa binh",
        "hoa binh",
        "padaria pao quente",
        "padaria pao quente",
        None,
    ]


def test_legal_forms_file() -> None:
    forms = legal_forms()
    canonicals = {f.canonical for f in forms}
    for needed in [
        "ООО", "АО", "ПАО", "ЗАО", "ОАО", "ИП", "НКО", "ТОВ", "ПП", "ФОП", "ПрАТ", "АТ",
        "Ltda", "S.A.", "ME", "EPP", "EIRELI", "MEI", "Công ty TNHH", "Công ty Cổ phần",
        "LLC", "Inc", "Ltd", "LLP", "PLC", "Corp", "Co", "GmbH", "AG", "KG", "UG", "e.K.",
        "S.L.", "Lda",
    ]:  # fmt: skip
        assert needed in canonicals, needed
    assert {f.position for f in forms} <= {"prefix", "suffix", "any"}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=40)), max_size=25))
def test_never_raises_and_idempotent(values: list[str | None]) -> None:
    s = series(values)
    df = split_legal_form(s)
    assert df.height == len(values)
    once = normalize_company(s)
    assert once.len() == len(values)
    assert normalize_company(once).to_list() == once.to_list()
    assert company_key(s).len() == len(values)
    for value, key in zip(values, company_key(s).to_list(), strict=True):
        if value is None:
            assert key is None


forms = st.sampled_from(["ООО", "ооо", "LLC", "Inc.", "Ltda", "S/A", "Công ty TNHH", "GmbH", "Co"])
parts = st.sampled_from(["Ромашка", "«Ромашка»", '"Acme"', "Pão", "&", ",", " - ", "Hòa Bình"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.one_of(forms, parts), max_size=5).map(" ".join), max_size=10))
def test_idempotent_on_company_like_text(values: list[str]) -> None:
    once = normalize_company(series(values))
    assert normalize_company(once).to_list() == once.to_list()


def test_idempotent_regressions() -> None:
    # a zero-width space between a letter and its combining mark; nested and dangling quotes
    values = ["A\u200b\u0300 LLC", 'ООО ""Ромашка', "«Ромашка» «Лютик» ООО", "Co Co", "ООО ООО"]
    once = normalize_company(series(values))
    assert normalize_company(once).to_list() == once.to_list()
    assert once.to_list()[0] == "À LLC"
