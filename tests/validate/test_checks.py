"""Each check on multilingual rows: what it flags, and what it leaves alone."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from crmclean.context import Context
from crmclean.io.read import ROW
from crmclean.rules.model import Rules, Settings
from crmclean.validate.checks import run_check

TODAY = date(2026, 1, 15)


def run(columns: dict, check: dict, roles: dict | None = None, **settings) -> pl.DataFrame:
    n = len(next(iter(columns.values())))
    df = pl.DataFrame({ROW: list(range(1, n + 1)), **columns}, schema_overrides={ROW: pl.Int64})
    ctx = Context(list(columns), roles or {}, Settings(today=TODAY, **settings))
    model = Rules.model_validate({"validate": [check]}).validate_[0]
    return run_check(df, model, ctx)


def rows(findings: pl.DataFrame) -> list[int]:
    return findings.get_column(ROW).to_list()


def test_required_and_required_if_per_segment():
    cols = {"company": ["ООО «Ромашка»", None, None], "segment": ["B2B", "B2B", "B2C"]}
    assert rows(run(cols, {"check": "required", "column": "company"})) == [2, 3]
    found = run(
        cols, {"check": "required_if", "column": "company", "when": {"column": "segment", "equals": "B2B"}}
    )
    assert rows(found) == [2]
    assert found.row(0, named=True)["message"] == "company is required"


def test_required_any_with_absent_role_is_skipped():
    cols = {"email": [None, "a@b.ru"], "phone": [None, None]}
    roles = {"email": "email", "phone": "phone"}
    assert rows(run(cols, {"check": "required_any", "columns": ["email", "phone", "mobile"]}, roles)) == [1]


def test_email_syntax():
    cols = {
        "email": ["ivan.petrov@mail.ru", "ivan@@mail.ru", "ivan petrov@mail.ru", "joão@empresa.com.br", None]
    }
    found = run(cols, {"check": "email", "column": "email"})
    assert rows(found) == [2, 3]
    assert all(m.startswith("invalid email: ") for m in found.get_column("message"))


def test_phone_region_from_country_column_and_mobile_only():
    cols = {
        "phone": ["89123456789", "(11) 98765-4321", "0912 345 678", "+7 495 123-45-67", "12345"],
        "country": ["Россия", "Brasil", "Việt Nam", "RU", "RU"],
    }
    roles = {"phone": "phone", "country": "country"}
    assert rows(run(cols, {"check": "phone", "column": "phone"}, roles)) == [5]
    found = run(cols, {"check": "phone", "column": "phone", "mobile_only": True}, roles)
    assert rows(found) == [4, 5]  # a Moscow landline is valid but not mobile


def test_phone_without_country_uses_default_region():
    cols = {"phone": ["89123456789", "+55 11 98765-4321"]}
    assert rows(run(cols, {"check": "phone", "column": "phone"}, default_region="RU")) == []
    assert rows(run(cols, {"check": "phone", "column": "phone"})) == [1]  # no + and no region


def test_regex_allowed_length_range():
    cols = {"code": ["AB-001", "ab-002", "X", None]}
    assert rows(run(cols, {"check": "regex", "column": "code", "pattern": "[A-Z]{2}-[0-9]{3}"})) == [2, 3]
    seg = {"segment": ["B2B", "b2c ", "VIP"]}
    assert rows(run(seg, {"check": "allowed", "column": "segment", "values": ["B2B", "B2C"]})) == [3]
    assert rows(run(cols, {"check": "length", "column": "code", "min": 2, "max": 6})) == [3]
    num = {"score": ["10", "1 000,5", "-3", "abc"]}
    found = run(num, {"check": "range", "column": "score", "min": 0, "max": 100})
    assert found.select(ROW, "message").rows() == [(2, "above 100"), (3, "below 0"), (4, "not a number")]


def test_dates_future_age_and_unreadable():
    cols = {"birth": ["31.12.1990", "31.02.1990", "2030-01-01", "01.01.1890", "15/01/2020"]}
    found = run(cols, {"check": "date", "column": "birth", "not_future": True, "max_age": 120, "min_age": 14})
    assert found.select(ROW, "message").sort(ROW).rows() == [
        (2, "not a date (expected e.g. 31.12.1990 or 1990-12-31)"),
        (3, "age under 14"),
        (3, "in the future"),
        (4, "age over 120"),
        (5, "age under 14"),
    ]


def test_unique_and_unique_together_ignore_case():
    cols = {"email": ["A@x.ru", "a@x.ru ", "b@x.ru", None, None], "code": ["1", "2", "1", "1", "1"]}
    found = run(cols, {"check": "unique", "columns": ["email"]})
    assert rows(found) == [1, 2] and found.row(0, named=True)["message"] == "same value in 2 rows: 1, 2"
    together = run(cols, {"check": "unique", "columns": ["code", "email"]})
    assert rows(together) == []


@pytest.mark.parametrize(
    ("value", "country", "ok"),
    [
        ("7707083893", "RU", True),  # INN of a company
        ("500100732259", "RU", True),  # INN of a person
        ("7707083894", "RU", False),
        ("123.456.789-09", "BR", True),  # CPF
        ("11.222.333/0001-81", "BR", True),  # CNPJ
        ("111.111.111-11", "BR", False),
        ("32855961", "UA", True),  # EDRPOU
        ("DE136695976", "DE", True),  # EU VAT
        ("41-0744496", "US", True),  # EIN
        ("07-0744496", "US", False),  # EIN with an unassigned prefix
        ("GB980780684", "GB", True),
    ],
)
def test_tax_ids_by_country(value, country, ok):
    cols = {"tax": [value], "country": [country]}
    found = run(cols, {"check": "tax_id", "column": "tax"}, {"tax": "tax_id", "country": "country"})
    assert (found.height == 0) is ok


def test_tax_id_explicit_kind():
    found = run(
        {"cpf": ["123.456.789-09", "123.456.789-00"]}, {"check": "tax_id", "column": "cpf", "kind": "br.cpf"}
    )
    assert rows(found) == [2] and found.row(0, named=True)["message"] == "invalid br.cpf (checksum or format)"


def test_phone_country_consistency():
    cols = {"phone": ["+7 912 345-67-89", "+55 11 98765-4321"], "country": ["Россия", "Portugal"]}
    found = run(cols, {"check": "phone_country", "column": "phone"}, {"phone": "phone", "country": "country"})
    assert found.select(ROW, "severity", "message").rows() == [
        (2, "error", "phone is from BR but country is PT")
    ]


def test_freshness_is_a_warning_by_default():
    cols = {"updated": ["2025-12-01", "2020-01-01", None]}
    found = run(cols, {"check": "freshness", "column": "updated", "max_age_days": 365})
    assert found.select(ROW, "severity").rows() == [(2, "warning")]


def test_when_limits_any_check():
    cols = {"email": ["bad", "bad"], "segment": ["B2B", "B2C"]}
    check = {"check": "email", "column": "email", "when": {"column": "segment", "in": ["b2b"]}}
    assert rows(run(cols, check)) == [1]
