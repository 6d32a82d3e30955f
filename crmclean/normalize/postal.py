"""Postal codes: per-country canonical format and validity, fully vectorized.

The country is an ISO 3166-1 alpha-2 code per row (a Series, e.g. a country column already
converted by :mod:`crmclean.normalize.country`) or one code for all rows; case and surrounding
blanks are ignored and ``UK`` means ``GB``. Codes are strings throughout: leading zeros are never
dropped. Where a spreadsheet already dropped them (a purely numeric ``2134`` for a US ZIP, ``1067``
for Dresden, ``1310100`` for a São Paulo CEP), they are restored for countries whose codes have a
fixed length and commonly start with 0: US, DE, FR, ES, IT, MX (4 -> 5 digits) and BR (7 -> 8).

Every value is trimmed and inner whitespace runs collapsed to one space. When the country is known
and the value has a recognizable shape it is rewritten to the canonical form (``01310100`` ->
``01310-100``, ``sw1a1aa`` -> ``SW1A 1AA``); otherwise it is left as it is (validators report it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from crmclean.normalize.parallel import join_back

if TYPE_CHECKING:
    from polars.expr.whenthen import ChainedThen, Then

__all__ = ["POSTAL_COUNTRIES", "normalize_postal", "postal_valid"]


@dataclass(frozen=True)
class _Digits:
    """Numeric codes: accepted formats (``#`` is a digit), optional zero-padding from a length."""

    formats: tuple[str, ...]
    pad_from: int | None = None


@dataclass(frozen=True)
class _Alnum:
    """Alphanumeric codes: the compact form (no spaces or hyphens), where the space goes, and the
    strict canonical pattern."""

    compact: str
    space_at: int  # > 0: after that many chars; < 0: before the last -n chars
    valid: str


_RULES: dict[str, _Digits | _Alnum] = {
    "BR": _Digits(("#####-###",), pad_from=7),
    "RU": _Digits(("######",)),
    "UA": _Digits(("#####",)),
    "BY": _Digits(("######",)),
    "KZ": _Digits(("######",)),
    "VN": _Digits(("######", "#####")),
    "US": _Digits(("#####", "#####-####"), pad_from=4),
    "DE": _Digits(("#####",), pad_from=4),
    "FR": _Digits(("#####",), pad_from=4),
    "ES": _Digits(("#####",), pad_from=4),
    "IT": _Digits(("#####",), pad_from=4),
    "MX": _Digits(("#####",), pad_from=4),
    "PT": _Digits(("####-###",)),
    "PL": _Digits(("##-###",)),
    "JP": _Digits(("###-####",)),
    "SE": _Digits(("### ##",)),
    "CZ": _Digits(("### ##",)),
    "SK": _Digits(("### ##",)),
    "GR": _Digits(("### ##",)),
    "FI": _Digits(("#####",)),
    "EE": _Digits(("#####",)),
    "TR": _Digits(("#####",)),
    "KR": _Digits(("#####",)),
    "TH": _Digits(("#####",)),
    "ID": _Digits(("#####",)),
    "MY": _Digits(("#####",)),
    "AT": _Digits(("####",)),
    "BE": _Digits(("####",)),
    "CH": _Digits(("####",)),
    "DK": _Digits(("####",)),
    "NO": _Digits(("####",)),
    "HU": _Digits(("####",)),
    "AU": _Digits(("####",)),
    "NZ": _Digits(("####",)),
    "ZA": _Digits(("####",)),
    "GE": _Digits(("####",)),
    "AM": _Digits(("####",)),
    "IN": _Digits(("######",)),
    "CN": _Digits(("######",)),
    "SG": _Digits(("######",)),
    "RO": _Digits(("######",)),
    "UZ": _Digits(("######",)),
    "KG": _Digits(("######",)),
    "IL": _Digits(("#######",)),
    "GB": _Alnum(
        r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}|GIR0AA)$",
        -3,
        r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}|GIR 0AA)$",
    ),
    "CA": _Alnum(
        r"^[A-Z][0-9][A-Z][0-9][A-Z][0-9]$",
        3,
        r"^[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z] [0-9][ABCEGHJ-NPRSTV-Z][0-9]$",
    ),
    "NL": _Alnum(r"^[0-9]{4}[A-Z]{2}$", 4, r"^[1-9][0-9]{3} [A-Z]{2}$"),
    "IE": _Alnum(r"^[A-Z][0-9][0-9W][A-Z0-9]{4}$", 3, r"^[A-Z][0-9][0-9W] [A-Z0-9]{4}$"),
}
_ALIASES = {"UK": "GB"}

POSTAL_COUNTRIES: frozenset[str] = frozenset(_RULES)
"""ISO alpha-2 codes with a known postal code format."""

_WS = r"[\s\u200b\u200c\u200d\u2060\ufeff]"


def _base(e: pl.Expr) -> pl.Expr:
    """Trim and collapse whitespace (the only change for unknown countries)."""
    return e.str.replace_all(rf"{_WS}+", " ").str.replace(r"^ ", "").str.replace(r" $", "")


def _format_digits(digits: pl.Expr, fmt: str) -> pl.Expr:
    parts: list[pl.Expr] = []
    pos = 0
    for run in re.findall(r"#+|[^#]+", fmt):
        if run.startswith("#"):
            parts.append(digits.str.slice(pos, len(run)))
            pos += len(run)
        else:
            parts.append(pl.lit(run))
    return pl.concat_str(parts)


def _pad_col(rule: _Digits) -> str:
    return f"pad{rule.pad_from}_{rule.formats[0].count('#')}"


def _staged(frame: pl.DataFrame, present: list[str]) -> pl.DataFrame:
    """Add the shared intermediate columns once, so per-country branches only combine them.

    ``b`` trimmed value, ``d`` its digits, ``nd`` their count, ``pure`` only digits, ``shape``
    digits and separators only, ``cmp`` uppercase without spaces/hyphens, ``pad*`` zero-padded
    digits for countries that restore dropped leading zeros.
    """
    frame = frame.with_columns(b=_base(pl.col("v")))
    b = pl.col("b")
    frame = frame.with_columns(
        d=b.str.replace_all(r"[^0-9]", ""),
        pure=b.str.contains(r"^[0-9]+$"),
        shape=b.str.contains(r"^[0-9][0-9 .\-]*$"),
        cmp=b.str.to_uppercase().str.replace_all(r"[ \-]", ""),
    ).with_columns(nd=pl.col("d").str.len_bytes())
    pads: dict[str, pl.Expr] = {}
    for code in present:
        rule = _RULES[code]
        if isinstance(rule, _Digits) and rule.pad_from is not None:
            width = rule.formats[0].count("#")
            pads[_pad_col(rule)] = (
                pl.when(pl.col("pure") & (pl.col("nd") == rule.pad_from))
                .then(pl.col("d").str.zfill(width))
                .otherwise(pl.col("d"))
            )
    return frame.with_columns(**pads) if pads else frame


def _canonical(rule: _Digits | _Alnum) -> pl.Expr:
    """Canonical form for one country's rule, over the columns of :func:`_staged`."""
    base = pl.col("b")
    if isinstance(rule, _Digits):
        digits = pl.col(_pad_col(rule)) if rule.pad_from is not None else pl.col("d")
        n_digits = digits.str.len_bytes() if rule.pad_from is not None else pl.col("nd")
        expr: Then | ChainedThen | None = None
        for fmt in rule.formats:
            cond = pl.col("shape") & (n_digits == fmt.count("#"))
            out = _format_digits(digits, fmt)
            expr = pl.when(cond).then(out) if expr is None else expr.when(cond).then(out)
        assert expr is not None
        return expr.otherwise(base)
    compact = pl.col("cmp")
    if rule.space_at > 0:
        head, tail = compact.str.head(rule.space_at), compact.str.slice(rule.space_at)
    else:
        head, tail = compact.str.head(rule.space_at), compact.str.tail(-rule.space_at)
    spaced = pl.concat_str([head, pl.lit(" "), tail])
    return pl.when(compact.str.contains(rule.compact)).then(spaced).otherwise(base)


def _valid_pattern(rule: _Digits | _Alnum) -> str:
    if isinstance(rule, _Alnum):
        return rule.valid
    alts = "|".join(f.replace("#", "[0-9]") for f in rule.formats)  # formats: "#", " ", "-"
    return rf"^(?:{alts})$"


def _country_code(country: str | None) -> str | None:
    code = (country or "").strip().upper()
    code = _ALIASES.get(code, code)
    return code if code in _RULES else None


def _country_frame(s: pl.Series, country: pl.Series | str | None) -> tuple[pl.DataFrame, list[str]]:
    """Frame with ``v`` and ``c`` (known ISO code or null), and the codes present."""
    s = s.cast(pl.String)
    if isinstance(country, (list, tuple)):
        country = pl.Series(country, dtype=pl.String)
    if isinstance(country, pl.Series):
        if country.len() != s.len():
            raise ValueError(f"country Series has {country.len()} rows but the postal Series has {s.len()}")
        raw = country.cast(pl.String)
        mapping = {sp: _country_code(sp) for sp in raw.drop_nulls().unique().to_list()}
        c = raw.replace_strict(mapping, default=None, return_dtype=pl.String)
    else:
        c = pl.repeat(_country_code(country), s.len(), dtype=pl.String, eager=True)
    frame = pl.DataFrame({"v": s, "c": c})
    present = sorted(frame["c"].drop_nulls().unique().to_list())
    return frame, present


def _normalized(frame: pl.DataFrame, present: list[str]) -> pl.DataFrame:
    """Unique (``v``, ``c``) pairs of ``frame`` with their canonical form ``out``."""
    uniq = _staged(frame.filter(pl.col("v").is_not_null()).unique(), present)
    expr: Then | ChainedThen | None = None
    for code in present:
        cond = pl.col("c") == code
        out = _canonical(_RULES[code])
        expr = pl.when(cond).then(out) if expr is None else expr.when(cond).then(out)
    return uniq.select("v", "c", out=pl.col("b") if expr is None else expr.otherwise(pl.col("b")))


def normalize_postal(s: pl.Series, country: pl.Series | str | None = None) -> pl.Series:
    """Canonical postal codes where the country is known; trimmed/collapsed otherwise.

    BR ``01310100`` -> ``01310-100``; US ``123456789`` -> ``12345-6789``; GB ``sw1a1aa`` ->
    ``SW1A 1AA``; CA ``k1a0b6`` -> ``K1A 0B6``; NL ``1234ab`` -> ``1234 AB``; PT ``1000001`` ->
    ``1000-001``; PL ``00950`` -> ``00-950``; JP ``1000001`` -> ``100-0001``; RU/UA/VN/DE/FR/...
    digits only. Idempotent.
    """
    frame, present = _country_frame(s, country)
    lookup = _normalized(frame, present)
    return join_back(frame, lookup, ["v", "c"], nulls_equal=True)["out"].alias(s.name)


def postal_valid(s: pl.Series, country: pl.Series | str | None = None) -> pl.Series:
    """Whether each value is a well-formed postal code for its country.

    The value is checked after :func:`normalize_postal` (``01310100`` is a valid BR CEP, as is
    ``01310-100``). Null for null values and for rows whose country is unknown or has no known
    format (see :data:`POSTAL_COUNTRIES`).
    """
    frame, present = _country_frame(s, country)
    lookup = _normalized(frame, present)
    patterns = {code: _valid_pattern(_RULES[code]) for code in present}
    pattern = pl.col("c").replace_strict(patterns, default=None, return_dtype=pl.String)
    lookup = lookup.select("v", "c", ok=pl.col("out").str.contains(pattern))
    return join_back(frame, lookup, ["v", "c"], nulls_equal=True)["ok"].alias(s.name)
