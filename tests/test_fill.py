"""Fill rules on multilingual rows, each conditional, each logged."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from crmclean.context import Context
from crmclean.fill import apply_fill
from crmclean.io.read import ROW
from crmclean.rules.model import FillRule, Settings


def frame(**columns) -> pl.DataFrame:
    n = len(next(iter(columns.values())))
    return pl.DataFrame({ROW: list(range(1, n + 1)), **columns}, schema_overrides={ROW: pl.Int64})


def fill(df: pl.DataFrame, roles: dict, rules: list[dict], base: Path = Path(".")):
    ctx = Context([c for c in df.columns if c != ROW], roles, Settings(default_region="RU"))
    return apply_fill(df, [FillRule.model_validate(r) for r in rules], ctx, base)


def test_default_only_where_empty_and_when():
    df = frame(country=[None, "BR", None], segment=["B2B", "B2B", "B2C"])
    out, log = fill(
        df,
        {"country": "country", "segment": "segment"},
        [{"column": "country", "default": "RU", "when": {"column": "segment", "equals": "b2b"}}],
    )
    assert out.get_column("country").to_list() == ["RU", "BR", None]
    assert log.rows() == [(1, "country", None, "RU", "fill:default")]


def test_coalesce_in_order():
    df = frame(phone=[None, None, "1"], mobile=["2", None, "3"], work=["4", "5", None])
    out, _ = fill(df, {}, [{"column": "phone", "coalesce": ["mobile", "work"]}])
    assert out.get_column("phone").to_list() == ["2", "5", "1"]


def test_country_from_phone_calling_code():
    df = frame(
        phone=["+7 912 345-67-89", "+55 11 98765-4321", "+84 912 345 678", "+380 67 123 4567", "89123456789"],
        country=[None, None, None, None, None],
    )
    out, _ = fill(
        df, {"phone": "phone", "country": "country"}, [{"role": "country", "derive": "country_from_phone"}]
    )
    assert out.get_column("country").to_list() == ["RU", "BR", "VN", "UA", "RU"]  # last: default_region


def test_names_from_full_name_three_orders():
    df = frame(
        full=["Петров Иван Сергеевич", "Nguyễn Văn An", "John Michael Smith", "Ana Souza"],
        first=[None, None, None, "Ana"],
        middle=[None, None, None, None],
        last=[None, None, None, None],
    )
    roles = {"full": "full_name", "first": "first_name", "middle": "middle_name", "last": "last_name"}
    rules = [
        {"role": r, "derive": "names_from_full_name"} for r in ("first_name", "middle_name", "last_name")
    ]
    out, log = fill(df, roles, rules)
    assert out.select("first", "middle", "last").rows() == [
        ("Иван", "Сергеевич", "Петров"),
        ("An", "Văn", "Nguyễn"),
        ("John", "Michael", "Smith"),
        ("Ana", None, "Souza"),
    ]
    assert set(log.get_column("rule")) == {"fill:names_from_full_name"}


def test_website_from_email_skips_free_mail_and_respects_when():
    df = frame(
        email=["ceo@romashka.ru", "ivan@mail.ru", "ana@padaria.com.br", "x@acme.com"],
        website=[None, None, None, None],
        segment=["B2B", "B2B", "B2B", "B2C"],
    )
    roles = {"email": "email", "website": "website", "segment": "segment"}
    out, _ = fill(
        df,
        roles,
        [{"role": "website", "derive": "website_from_email", "when": {"role": "segment", "equals": "B2B"}}],
    )
    assert out.get_column("website").to_list() == ["romashka.ru", None, "padaria.com.br", None]


def test_map_inline_and_from_file(tmp_path):
    df = frame(city=["Москва", "msk", "Moscow", "Kazan", None])
    out, log = fill(df, {}, [{"column": "city", "map": {"Москва": "Moscow", "Msk": "Moscow"}}])
    assert out.get_column("city").to_list() == ["Moscow", "Moscow", "Moscow", "Kazan", None]
    assert log.height == 2
    (tmp_path / "cities.csv").write_text(
        "from,to\nСПб,Saint Petersburg\nПитер,Saint Petersburg\n", encoding="utf-8"
    )
    df = frame(city=["спб", "Питер", "Омск"])
    out, _ = fill(df, {}, [{"column": "city", "map_file": "cities.csv"}], base=tmp_path)
    assert out.get_column("city").to_list() == ["Saint Petersburg", "Saint Petersburg", "Омск"]
