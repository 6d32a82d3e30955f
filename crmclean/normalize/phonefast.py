"""Vectorized phone parsing for the common shapes, built from the installed phonenumbers' metadata.

:func:`crmclean.normalize.phone.parse_phones` reduces values to canonical pairs (``cv``, region):
``+digits``, ``digits`` or anything else. For the first two, this module replays what
``phonenumbers.parse`` followed by crmclean's ``_describe`` does, with Polars regexes over whole
columns instead of Python per value:

1. ``+digits``: the country calling code is the shortest prefix (1-3 digits) phonenumbers knows;
   ``digits`` with a region: the region's own code, unless the digits start with the region's
   international prefix or with its calling code (those go to phonenumbers).
2. The national prefix (``national_prefix_for_parsing``) is stripped as phonenumbers does: only
   when the rest still fits the general pattern (or the whole did not), and only when the length
   that results is possible. Patterns with capture groups or a transform rule (Brazil's carrier
   codes, Argentina's ``15``) are left to phonenumbers when they match.
3. The number's region among the regions sharing its code (leading digits, else full
   validation, in phonenumbers' order), its type (the same cascade as phonenumbers'
   ``_number_type_helper``: general pattern, then premium rate ... voicemail, fixed line, mobile,
   with the possible lengths of each description), and the possible-length verdict of the code's
   main region (phonenumbers' own ``_test_number_length``, tabulated per length).

Everything else (letters, extensions, punctuation that was not reduced, ``00`` prefixes, IDD
prefixes, national numbers written with the calling code, lengths out of range, and every pattern
the Rust regex engine cannot compile) is returned as residue for phonenumbers itself. Regexes
here only answer "does it match at the start" and "does it match whole", which the leftmost-first
Rust engine and Python's ``re`` answer alike for these patterns; the national prefix's match
length is the leftmost-first match both engines report.

tests/normalize/test_phone_fast_property.py checks, for every region phonenumbers supports, that
the two paths agree on valid, corrupted and decorated numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import phonenumbers
import polars as pl
from phonenumbers import PhoneMetadata, PhoneNumberType, ValidationResult
from phonenumbers import phonenumberutil as _pnu

__all__ = ["RESULT_COLUMNS", "decide"]

RESULT_COLUMNS: dict[str, pl.DataType] = {
    "e164": pl.String(),
    "region": pl.String(),
    "valid": pl.Boolean(),
    "possible": pl.Boolean(),
    "number_type": pl.String(),
    "reason": pl.String(),
    "extension": pl.String(),
}

_UNKNOWN = int(PhoneNumberType.UNKNOWN)
_NON_GEO = "001"
_MAX_LEN_TABLE = 26
# _describe's reading of the possible-length verdict (kept in step with phone._POSSIBLE_REASONS).
_POSSIBLE_REASONS: dict[int, str] = {
    int(ValidationResult.INVALID_COUNTRY_CODE): "invalid country code",
    int(ValidationResult.TOO_SHORT): "too short",
    int(ValidationResult.TOO_LONG): "too long",
    int(ValidationResult.INVALID_LENGTH): "invalid length",
    int(ValidationResult.IS_POSSIBLE_LOCAL_ONLY): "local number only: area code missing",
    int(ValidationResult.IS_POSSIBLE): "invalid number",
}
_NO_STRIP = (
    int(ValidationResult.TOO_SHORT),
    int(ValidationResult.IS_POSSIBLE_LOCAL_ONLY),
    int(ValidationResult.INVALID_LENGTH),
)
_TYPE_NAMES: dict[int, str] = {
    int(PhoneNumberType.FIXED_LINE): "fixed_line",
    int(PhoneNumberType.MOBILE): "mobile",
    int(PhoneNumberType.FIXED_LINE_OR_MOBILE): "fixed_line_or_mobile",
    int(PhoneNumberType.TOLL_FREE): "toll_free",
    int(PhoneNumberType.PREMIUM_RATE): "premium_rate",
    int(PhoneNumberType.SHARED_COST): "shared_cost",
    int(PhoneNumberType.VOIP): "voip",
    int(PhoneNumberType.PERSONAL_NUMBER): "personal_number",
    int(PhoneNumberType.PAGER): "pager",
    int(PhoneNumberType.UAN): "uan",
    int(PhoneNumberType.VOICEMAIL): "voicemail",
}
# _number_type_helper's order after the general description.
_SPECIAL_TYPES: tuple[tuple[str, int], ...] = (
    ("premium_rate", int(PhoneNumberType.PREMIUM_RATE)),
    ("toll_free", int(PhoneNumberType.TOLL_FREE)),
    ("shared_cost", int(PhoneNumberType.SHARED_COST)),
    ("voip", int(PhoneNumberType.VOIP)),
    ("personal_number", int(PhoneNumberType.PERSONAL_NUMBER)),
    ("pager", int(PhoneNumberType.PAGER)),
    ("uan", int(PhoneNumberType.UAN)),
    ("voicemail", int(PhoneNumberType.VOICEMAIL)),
)


@dataclass(frozen=True)
class _Desc:
    lengths: tuple[int, ...]
    pattern: str | None  # None: phonenumbers' _match_national_number is False for every number


@dataclass(frozen=True)
class _Meta:
    cc: int
    usable: bool  # every pattern compiles in Polars' engine
    general: _Desc | None
    specials: tuple[tuple[int, _Desc | None], ...]
    fixed: _Desc | None
    mobile: _Desc | None
    same_fixed_mobile: bool
    npfp: str | None
    npfp_simple: bool  # no capture group and no transform rule
    idd: str | None
    leading: str | None
    length_result: tuple[int, ...]  # _test_number_length by length 0.._MAX_LEN_TABLE-1


def _all_compile(patterns: list[str]) -> bool:
    """Whether Polars' Rust engine accepts every pattern (it rejects look-arounds and
    back-references, which it cannot honour)."""
    if not patterns:
        return True
    probe = pl.lit("0")
    try:
        pl.select([probe.str.contains(p).alias(str(i)) for i, p in enumerate(patterns)])
    except Exception:
        return False
    return True


def _ascii(pattern: str) -> str:
    """``\\d`` as ``[0-9]``: the same on the ASCII digit strings matched here, and far cheaper for
    the Rust engine to compile than its Unicode class."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            out.append(("0-9" if in_class else "[0-9]") if nxt == "d" else ch + nxt)
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


def _opt(pattern: str | None) -> str | None:
    return _ascii(pattern) if pattern else None


def _desc(raw: Any) -> _Desc | None:
    if raw is None:
        return None
    return _Desc(tuple(raw.possible_length or ()), _opt(raw.national_number_pattern))


@cache
def _meta(key: str) -> _Meta | None:
    """Key: a region code, or ``001:<cc>`` for a non-geographic calling code."""
    if key.startswith(_NON_GEO + ":"):
        raw = PhoneMetadata.metadata_for_nongeo_region(int(key.split(":", 1)[1]), None)
    else:
        raw = PhoneMetadata.metadata_for_region(key, None)
    if raw is None:
        return None
    raw_npfp: str | None = raw.national_prefix_for_parsing or None
    npfp = _opt(raw_npfp)
    transform = raw.national_prefix_transform_rule or None
    groups = re.compile(raw_npfp).groups if raw_npfp else 0
    descs = {name: _desc(getattr(raw, name, None)) for name, _ in _SPECIAL_TYPES}
    meta = _Meta(
        cc=int(raw.country_code or 0),
        usable=True,
        general=_desc(raw.general_desc),
        specials=tuple((code, descs[name]) for name, code in _SPECIAL_TYPES),
        fixed=_desc(raw.fixed_line),
        mobile=_desc(raw.mobile),
        same_fixed_mobile=bool(raw.same_mobile_and_fixed_line_pattern),
        npfp=npfp,
        npfp_simple=groups == 0 and transform is None,
        idd=_opt(raw.international_prefix),
        leading=_opt(raw.leading_digits),
        length_result=tuple(int(_pnu._test_number_length("5" * n, raw)) for n in range(_MAX_LEN_TABLE)),
    )
    patterns = [d.pattern for d in (meta.general, meta.fixed, meta.mobile) if d and d.pattern]
    patterns += [d.pattern for _, d in meta.specials if d and d.pattern]
    patterns += [p for p in (meta.npfp, meta.idd, meta.leading) if p]
    patterns += [f"^({meta.npfp})"] if meta.npfp else []
    if not _all_compile(patterns):
        return _Meta(**{**meta.__dict__, "usable": False})
    return meta


def _main_key(cc: int) -> str:
    region = phonenumbers.region_code_for_country_code(cc)
    return f"{_NON_GEO}:{cc}" if region == _NON_GEO else region


def _type_key(cc: int, region: str) -> str:
    return f"{_NON_GEO}:{cc}" if region == _NON_GEO else region


def _full(e: pl.Expr, pattern: str | None) -> pl.Expr:
    if pattern is None:
        return pl.lit(False)
    return e.str.contains(f"^(?:{pattern})$")


def _matches(e: pl.Expr, desc: _Desc | None) -> pl.Expr:
    """phonenumbers' _is_number_matching_desc."""
    if desc is None or desc.pattern is None:
        return pl.lit(False)
    test = _full(e, desc.pattern)
    if desc.lengths:
        test = e.str.len_chars().is_in(list(desc.lengths)) & test
    return test


def _type_expr(e: pl.Expr, m: _Meta) -> pl.Expr:
    """phonenumbers' _number_type_helper as an Int32 expression."""
    chain: Any = pl.when(~_matches(e, m.general)).then(pl.lit(_UNKNOWN))
    for code, desc in m.specials:
        if desc is not None and desc.pattern is not None:
            chain = chain.when(_matches(e, desc)).then(pl.lit(code))
    fixed_or_mobile = int(PhoneNumberType.FIXED_LINE_OR_MOBILE)
    if m.same_fixed_mobile:
        on_fixed = pl.lit(fixed_or_mobile)
    else:
        on_fixed = (
            pl.when(_matches(e, m.mobile))
            .then(pl.lit(fixed_or_mobile))
            .otherwise(pl.lit(int(PhoneNumberType.FIXED_LINE)))
        )
    chain = chain.when(_matches(e, m.fixed)).then(on_fixed)
    if not m.same_fixed_mobile:
        chain = chain.when(_matches(e, m.mobile)).then(pl.lit(int(PhoneNumberType.MOBILE)))
    return chain.otherwise(pl.lit(_UNKNOWN)).cast(pl.Int32)


def _length_result(e: pl.Expr, m: _Meta) -> pl.Expr:
    table = dict(enumerate(m.length_result))
    return e.str.len_chars().replace_strict(table, default=None, return_dtype=pl.Int32)


@cache
def _cc_prefixes() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    codes = [str(cc) for cc in phonenumbers.COUNTRY_CODE_TO_REGION_CODE]
    return tuple(frozenset(c for c in codes if len(c) == n) for n in (1, 2, 3))  # type: ignore[return-value]


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema={"cv": pl.String, "r": pl.String, **RESULT_COLUMNS})


def _strip_national_prefix(lf: pl.LazyFrame, m: _Meta) -> pl.LazyFrame:
    """``nn`` from ``nn0`` as phonenumbers' parse does; ``back`` marks rows it cannot follow."""
    nn0 = pl.col("nn0")
    if m.npfp is None:
        return lf.with_columns(nn=nn0)
    lf = lf.with_columns(pm=nn0.str.extract(f"^({m.npfp})", 1))
    if not m.npfp_simple:  # a carrier code or a transform rule: phonenumbers decides
        return lf.with_columns(nn=nn0, back=pl.col("back") | pl.col("pm").is_not_null()).drop("pm")
    general = m.general.pattern if m.general else None
    lf = lf.with_columns(rest=nn0.str.slice(pl.col("pm").str.len_chars()))
    viable = _full(nn0, general)
    rest_ok = _full(pl.col("rest"), general)
    stripped = pl.col("pm").is_not_null() & ~(viable & ~rest_ok)
    accept = stripped & ~_length_result(pl.col("rest"), m).is_in(list(_NO_STRIP)).fill_null(True)
    return lf.with_columns(nn=pl.when(accept).then(pl.col("rest")).otherwise(nn0)).drop("pm", "rest")


# Below this many numbers, a calling code shared by several regions is resolved in one pass that
# tests every region on every number; above it, region by region on the numbers still open.
_ONE_PASS = 20_000


def _region_and_kind(part: pl.DataFrame, cc: int) -> pl.LazyFrame:
    """Columns ``region`` (phonenumbers' region_code_for_number) and ``kind`` (number_type)."""
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE[cc]
    nsn = pl.col("nn")
    if len(regions) == 1:
        tm = _meta(_type_key(cc, regions[0]))
        kind = _type_expr(nsn, tm) if tm is not None else pl.lit(_UNKNOWN, dtype=pl.Int32)
        return part.lazy().with_columns(region=pl.lit(regions[0], dtype=pl.String), kind=kind)
    candidates = [(code, m) for code in regions if (m := _meta(code)) is not None]

    def hit(m: _Meta) -> pl.Expr:
        if m.leading is not None:
            return nsn.str.contains(f"^(?:{m.leading})")
        return _type_expr(nsn, m) != _UNKNOWN

    if part.height <= _ONE_PASS:
        chain: Any = pl
        for code, m in candidates:
            chain = chain.when(hit(m)).then(pl.lit(code))
        region_expr = chain.otherwise(pl.lit(None, dtype=pl.String)) if candidates else pl.lit(None)
        lf = part.lazy().with_columns(region=region_expr.cast(pl.String))
        kinds: Any = pl
        for code, m in candidates:
            kinds = kinds.when(pl.col("region") == code).then(_type_expr(nsn, m))
        kind = kinds.otherwise(pl.lit(_UNKNOWN)) if candidates else pl.lit(_UNKNOWN)
        return lf.with_columns(kind=kind.cast(pl.Int32))
    pieces: list[pl.LazyFrame] = []
    rest = part
    for code, m in candidates:
        if rest.height == 0:
            break
        rest = rest.with_columns(hit=hit(m))
        pieces.append(
            rest.lazy().filter("hit").drop("hit").with_columns(region=pl.lit(code), kind=_type_expr(nsn, m))
        )
        rest = rest.filter(~pl.col("hit")).drop("hit")
    pieces.append(rest.lazy().with_columns(region=pl.lit(None, dtype=pl.String), kind=pl.lit(_UNKNOWN)))
    return pl.concat([p.with_columns(pl.col("kind").cast(pl.Int32)) for p in pieces])


def _describe(lf: pl.LazyFrame, cc: int) -> pl.LazyFrame:
    """_describe's columns from ``region``, ``kind`` and the main region's length verdict."""
    main = _meta(_main_key(cc))
    assert main is not None  # the calling code is known
    nsn = pl.col("nn")
    valid = pl.col("kind") != _UNKNOWN
    possible = pl.col("why") == int(ValidationResult.IS_POSSIBLE)
    region = pl.col("region")
    return lf.with_columns(why=_length_result(nsn, main)).select(
        "cv",
        "r",
        e164=pl.when(possible).then(pl.concat_str([pl.lit(f"+{cc}"), nsn])),
        region=pl.when((region.str.len_chars() == 2) & (region != "ZZ")).then(region),
        valid=valid,
        possible=possible,
        number_type=pl.when(valid).then(
            pl.col("kind").replace_strict(_TYPE_NAMES, default=None, return_dtype=pl.String)
        ),
        reason=pl.when(~valid).then(
            pl.col("why").replace_strict(_POSSIBLE_REASONS, default="invalid number", return_dtype=pl.String)
        ),
        extension=pl.lit(None, dtype=pl.String),
    )


def decide(pairs: pl.DataFrame, no_region_reason: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split unique (``cv``, ``r``) pairs into what the vectorized path decides (with the
    :data:`RESULT_COLUMNS`) and the residue (``cv``, ``r``) for phonenumbers."""
    pairs = pairs.select(pl.col("cv").cast(pl.String), pl.col("r").cast(pl.String))
    cv, r = pl.col("cv"), pl.col("r")
    plus = cv.str.contains(r"^\+[0-9]{4,20}$").fill_null(False)
    national = (cv.str.contains(r"^[0-9]{4,17}$") & ~cv.str.starts_with("00")).fill_null(False)
    one, two, three = _cc_prefixes()
    digits = cv.str.slice(1)
    cc_text = (
        pl.when(digits.str.slice(0, 1).is_in(list(one)))
        .then(digits.str.slice(0, 1))
        .when(digits.str.slice(0, 2).is_in(list(two)))
        .then(digits.str.slice(0, 2))
        .when(digits.str.slice(0, 3).is_in(list(three)))
        .then(digits.str.slice(0, 3))
    )
    tagged = pairs.with_columns(
        kind=pl.when(plus).then(1).when(national & (r != "")).then(2).when(national).then(3),
        cc=pl.when(plus).then(cc_text),
    )
    decided: list[pl.DataFrame] = []
    residue = [tagged.filter(pl.col("kind").is_null() | ((pl.col("kind") == 1) & pl.col("cc").is_null()))]
    no_region = tagged.filter(pl.col("kind") == 3).select("cv", "r")
    if no_region.height:  # phonenumbers raises INVALID_COUNTRY_CODE: a national number, no region
        decided.append(
            no_region.with_columns(
                e164=pl.lit(None, dtype=pl.String),
                region=pl.lit(None, dtype=pl.String),
                valid=pl.lit(False),
                possible=pl.lit(False),
                number_type=pl.lit(None, dtype=pl.String),
                reason=pl.lit(no_region_reason),
                extension=pl.lit(None, dtype=pl.String),
            )
        )
    intl = tagged.filter((pl.col("kind") == 1) & pl.col("cc").is_not_null()).with_columns(
        nn0=digits.str.slice(pl.col("cc").str.len_chars()), cc=pl.col("cc").cast(pl.Int32)
    )
    main_keys = {c: _main_key(c) for c in intl["cc"].unique().to_list()}
    intl = intl.with_columns(pk=pl.col("cc").replace_strict(main_keys, return_dtype=pl.String))
    local = tagged.filter(pl.col("kind") == 2).with_columns(nn0=cv, pk=r, cc=pl.lit(None, dtype=pl.Int32))
    both = pl.concat([intl, local], how="diagonal_relaxed").with_columns(back=pl.lit(False))
    stripped: list[pl.LazyFrame] = []
    for (key,), part in both.partition_by("pk", as_dict=True).items():
        m = _meta(str(key))
        if m is None or not m.usable:
            residue.append(part)
            continue
        lf = part.lazy()
        if m.idd is not None:
            # the region's international prefix or its own calling code written without "+"
            risky = pl.col("nn0").str.starts_with(str(m.cc)) | pl.col("nn0").str.contains(f"^(?:{m.idd})")
        else:
            risky = pl.col("nn0").str.starts_with(str(m.cc))
        lf = lf.with_columns(
            back=(pl.col("kind") == 2) & risky,
            cc=pl.lit(m.cc, dtype=pl.Int32),
        )
        lf = _strip_national_prefix(lf, m)
        n = pl.col("nn").str.len_chars()
        stripped.append(lf.with_columns(back=pl.col("back") | (n < 2) | (n > 17)))
    if stripped:
        cols = ["cv", "r", "kind", "cc", "nn", "back"]
        # Each part is collected on its own: one plan of hundreds of parts (concat or collect_all)
        # costs the optimizer far more than the work.
        ready = pl.concat([lf.select(cols).collect() for lf in stripped], how="vertical_relaxed")
        residue.append(ready.filter("back"))
        ready = ready.filter(~pl.col("back"))
        described = [
            _describe(_region_and_kind(group, int(cc)), int(cc))
            for (cc,), group in ready.partition_by("cc", as_dict=True).items()
        ]
        if described:
            decided.append(pl.concat([lf.collect() for lf in described], how="vertical_relaxed"))
    done = pl.concat(decided, how="vertical_relaxed") if decided else _empty()
    done = done.select(pl.col("cv"), pl.col("r"), *(pl.col(c).cast(t) for c, t in RESULT_COLUMNS.items()))
    return done, pl.concat([p.select("cv", "r") for p in residue], how="vertical_relaxed")
