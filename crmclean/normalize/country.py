"""Countries: names in many languages, short forms and codes -> ISO 3166-1 alpha-2 codes.

The names live in ``crmclean/data/countries.csv`` (``code,name``, one row per name variant; the
first row of a code is its English name). Names cover English, Russian, Ukrainian, Portuguese,
Spanish, German, French and Vietnamese, plus alpha-3 codes and short forms (``USA``, ``UK``,
``РФ``, ``ОАЭ``, ``Việt Nam``...).

A value is looked up in this order:

1. two ASCII letters (any case): a known alpha-2 code (``de`` -> ``DE``) or a two-letter short
   form (``UK`` -> ``GB``); nothing else, so ``BI`` never matches Vietnamese ``Bỉ`` (Belgium);
2. three upper-case ASCII letters: an alpha-3 code or short form (``NGA`` -> ``NG``, Nigeria);
3. the folded name key (casefold, no diacritics, no punctuation, no spaces): ``Việt Nam``,
   ``viet nam`` and ``VIETNAM`` meet; ``Nga`` (Vietnamese) -> ``RU``.

Lookups run once per unique value.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources

import polars as pl

from crmclean.normalize.text import collapse_whitespace_expr, fold_expr, map_unique_series

__all__ = [
    "country_code",
    "country_codes",
    "country_english_names",
    "country_name_keys",
    "country_rows",
    "normalize_country",
]

_ALPHA2 = re.compile(r"^[A-Z]{2}$")
_CODE_LIKE3 = re.compile(r"^[A-Z]{3}$")


@lru_cache(maxsize=1)
def country_rows() -> tuple[tuple[str, str], ...]:
    """All ``(code, name)`` rows of ``crmclean/data/countries.csv``, in file order (cached)."""
    path = resources.files("crmclean").joinpath("data", "countries.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = tuple((r["code"].strip(), r["name"].strip()) for r in csv.DictReader(handle))
    for code, name in rows:
        if not _ALPHA2.match(code) or not name:
            raise ValueError(f"countries.csv: bad row {code!r},{name!r}")
    return rows


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """The alpha-2 codes crmclean knows."""
    return frozenset(code for code, _ in country_rows())


@lru_cache(maxsize=1)
def country_english_names() -> dict[str, str]:
    """Alpha-2 code -> English short name (the first row of each code)."""
    names: dict[str, str] = {}
    for code, name in country_rows():
        names.setdefault(code, name)
    return names


def _key_expr(e: pl.Expr) -> pl.Expr:
    return fold_expr(e).str.replace_all(" ", "", literal=True)


@lru_cache(maxsize=1)
def country_name_keys() -> dict[str, str]:
    """Folded name key -> alpha-2 code. Real names win over three-letter codes on a clash
    (``nga`` is Vietnamese for Russia, ``NGA`` the alpha-3 code of Nigeria)."""
    rows = country_rows()
    frame = pl.DataFrame(
        {"code": [c for c, _ in rows], "name": [n for _, n in rows]},
        schema=pl.Schema({"code": pl.String, "name": pl.String}),
    ).with_columns(key=_key_expr(pl.col("name")))
    keys: dict[str, str] = {}
    code_like: list[tuple[str, str]] = []
    for code, name, key in frame.iter_rows():
        if key is None:
            continue
        if _CODE_LIKE3.match(name):
            code_like.append((key, code))
        else:
            keys.setdefault(key, code)
    for key, code in code_like:
        keys.setdefault(key, code)
    return keys


@lru_cache(maxsize=1)
def _two_letter() -> dict[str, str]:
    table = {code: code for code in country_codes()}
    for code, name in country_rows():
        if _ALPHA2.match(name):
            table.setdefault(name, code)
    return table


@lru_cache(maxsize=1)
def _three_letter() -> dict[str, str]:
    table: dict[str, str] = {}
    for code, name in country_rows():
        if _CODE_LIKE3.match(name):
            table.setdefault(name, code)
    return table


def _lookup(e: pl.Expr, table: dict[str, str]) -> pl.Expr:
    return e.replace_strict(list(table), list(table.values()), default=None, return_dtype=pl.String)


def _codes_unique(u: pl.Series) -> pl.Series:
    raw = collapse_whitespace_expr(pl.col("_v"))
    two = _lookup(raw.str.to_uppercase(), _two_letter())
    three = _lookup(raw, _three_letter())
    named = _lookup(_key_expr(raw), country_name_keys())
    out = pl.when(raw.str.contains(r"^[A-Za-z]{2}$")).then(two).otherwise(pl.coalesce(three, named))
    return u.alias("_v").to_frame().select(out).to_series()


def country_code(s: pl.Series) -> pl.Series:
    """ISO 3166-1 alpha-2 code, or null when the value is not a known country.

    ``Россия``, ``РФ``, ``Russia``, ``RUS`` -> ``RU``; ``Việt Nam``, ``Viet Nam`` -> ``VN``;
    ``U.S.A.``, ``Hoa Kỳ`` -> ``US``; ``UK``, ``England`` -> ``GB``; ``de`` -> ``DE``.
    """
    return map_unique_series(s, _codes_unique)


def normalize_country(s: pl.Series) -> pl.Series:
    """The alpha-2 code when the country is known, else the value unchanged. Idempotent."""
    codes = country_code(s)
    return codes.fill_null(s if s.dtype == pl.String else s.cast(pl.String)).alias(s.name)
