"""Phone numbers: parsing, E.164 normalization and match keys (libphonenumber via phonenumbers).

phonenumbers runs once per unique (value, region) pair, in a process pool for large sets (see
:mod:`crmclean.normalize.parallel`). Before that, a vectorized pass shrinks the number of unique
values: a value made only of digits and phone punctuation (spaces, ``()-.``, dashes) is reduced to
``+digits`` / ``digits``, which is what libphonenumber would do anyway, so ``8 (912) 345-67-89``
and ``8-912-345-67-89`` are parsed once. Extension words libphonenumber does not know
(``вн.``, ``внутр.``, ``доп.``, ``ramal``, ``máy lẻ``) are rewritten to ``ext.``.

Region per row: ISO 3166-1 alpha-2 (case and surrounding blanks ignored, ``UK`` -> ``GB``); a
blank or unknown code falls back to ``default_region``.

Leniency, on top of libphonenumber's own (national prefixes such as the Russian trunk ``8``,
the region's own country code without ``+``, e.g. ``79123456789`` with region RU): ``00`` +
country code is read as ``+`` when the region's own reading is not valid.

A number without ``+``, ``00`` or the region's international prefix is **never** given a calling
code from its own digits: ``(81) 96928-4025`` with no region stays unresolved (``no region``), it
does not become a Japanese number, and ``5511987654321`` read with region RU is not turned into a
Brazilian one.

Letters are a defect: libphonenumber reads keypad letters as digits (``+79123456ABC`` ->
``+79123456222``) and drops a letter O typed for zero. Unless ``allow_vanity`` is set, a value with
letters (outside an extension marker such as ``ext. 12``, ``x123``, ``доб. 45``, ``ramal 21``) is
not valid, reason ``LETTERS_REASON``; the check is vectorized.
"""

from __future__ import annotations

import phonenumbers
import polars as pl
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from crmclean.normalize.parallel import join_back, map_unique_parallel
from crmclean.normalize.phonefast import RESULT_COLUMNS, decide

__all__ = [
    "calling_code_country",
    "key_from_parsed",
    "normalize_phone",
    "parse_phones",
    "phone_key",
]

SUPPORTED_REGIONS: frozenset[str] = frozenset(phonenumbers.SUPPORTED_REGIONS)
_REGION_ALIASES = {"UK": "GB"}

NO_REGION_REASON = "no region: number lacks + and no default region"
LETTERS_REASON = "letters in the number (vanity numbers need allow_vanity: true)"

_TYPE_NAMES: dict[int, str] = {
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
}

_PARSE_REASONS: dict[int, str] = {
    NumberParseException.INVALID_COUNTRY_CODE: "invalid country code",
    NumberParseException.NOT_A_NUMBER: "not a number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too short",
    NumberParseException.TOO_SHORT_NSN: "too short",
    NumberParseException.TOO_LONG: "too long",
}

_POSSIBLE_REASONS: dict[int, str] = {
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "invalid country code",
    phonenumbers.ValidationResult.TOO_SHORT: "too short",
    phonenumbers.ValidationResult.TOO_LONG: "too long",
    phonenumbers.ValidationResult.INVALID_LENGTH: "invalid length",
    phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "local number only: area code missing",
    phonenumbers.ValidationResult.IS_POSSIBLE: "invalid number",
}

_SCHEMA = RESULT_COLUMNS  # what a parse gives, the fast path's and phonenumbers' alike

Result = tuple[str | None, str | None, bool, bool, str | None, str | None, str | None]

_WS = r"[\s\u200b\u200c\u200d\u2060\ufeff]"
_PUNCT_ONLY = r"^[\s0-9()+\-.\u2010-\u2015\u2212]+$"
_EXT_WORDS = r"(?i)(?:^|[\s,;])(?:вн|внутр|доп|добавочный|ramal|máy lẻ|nhánh)\.?\s*:?\s*(\d{1,7})\s*$"
# Any extension marker at the end (libphonenumber's own ``ext``/``x``/``#``/``доб`` and the words
# above): what is left before it must be free of letters.
_EXT_TAIL = (
    r"(?i)(?:[\s,;]*(?:ext(?:ension)?|доб(?:авочный)?|вн(?:утр)?|доп|ramal|máy lẻ|nhánh|x)\.?\s*:?\s*"
    r"|\s*#\s*)\d{1,7}\s*$"
)


def letters_expr(e: pl.Expr) -> pl.Expr:
    """True for a value with digits and letters outside a trailing extension marker."""
    body = e.str.normalize("NFC").str.replace(_EXT_TAIL, "")
    return (body.str.contains(r"\p{L}") & e.str.contains(r"[0-9]")).fill_null(False)


def mark_letters(s: pl.Series, parsed: pl.DataFrame, allow_vanity: bool = False) -> pl.DataFrame:
    """``parsed`` (a :func:`parse_phones` result for ``s``) with numbers holding letters made
    invalid, unless ``allow_vanity``."""
    if allow_vanity:
        return parsed
    bad = s.cast(pl.String).to_frame("v").select(letters_expr(pl.col("v"))).to_series()
    if not bad.any():
        return parsed
    keep = ~bad
    return parsed.with_columns(
        pl.when(keep).then(pl.col(c)).otherwise(None).alias(c)
        for c in ("e164", "region", "number_type", "extension")
    ).with_columns(
        valid=pl.when(keep).then(pl.col("valid")).otherwise(False),
        possible=pl.when(keep).then(pl.col("possible")).otherwise(False),
        reason=pl.when(keep).then(pl.col("reason")).otherwise(pl.lit(LETTERS_REASON)),
    )


def _canonical(e: pl.Expr) -> pl.Expr:
    """Vectorized pre-clean that keeps libphonenumber's reading but shrinks the unique set."""
    t = e.str.replace(rf"^{_WS}+", "").str.replace(rf"{_WS}+$", "")
    t = t.str.normalize("NFC").str.replace(_EXT_WORDS, " ext. $1")
    digits = t.str.replace_all(r"[^0-9]", "")
    plus = t.str.contains(r"^[^0-9+]*\+")
    compact = pl.when(plus).then(pl.concat_str([pl.lit("+"), digits])).otherwise(digits)
    # a leading 00 is read differently with and without punctuation around it: left as written
    idd = ~plus & digits.str.starts_with("00")
    return (
        pl.when(t.str.contains(_PUNCT_ONLY) & (digits.str.len_bytes() > 0) & ~idd)
        .then(compact)
        .otherwise(t)
    )


def _region_code(region: str | None, default: str | None) -> str | None:
    code = (region or "").strip().upper()
    code = _REGION_ALIASES.get(code, code)
    return code if code in SUPPORTED_REGIONS else default


def _check_default(default_region: str | None) -> str | None:
    if default_region is None or not default_region.strip():
        return None
    code = default_region.strip().upper()
    code = _REGION_ALIASES.get(code, code)
    if code not in SUPPORTED_REGIONS:
        raise ValueError(
            f"default_region {default_region!r} is not an ISO 3166-1 alpha-2 code that "
            "phonenumbers knows (e.g. 'RU', 'UA', 'VN', 'BR', 'US', 'GB')"
        )
    return code


def _try_parse(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except NumberParseException:
        return None


def _describe(num: phonenumbers.PhoneNumber) -> Result:
    # number_type() != UNKNOWN is exactly is_valid_number(), at half the cost of calling both.
    ptype = phonenumbers.number_type(num)
    valid = ptype != PhoneNumberType.UNKNOWN
    why = phonenumbers.is_possible_number_with_reason(num)
    # A number that is only dialable locally (area code missing) has no real E.164 form.
    possible = why == phonenumbers.ValidationResult.IS_POSSIBLE
    e164 = phonenumbers.format_number(num, PhoneNumberFormat.E164) if possible else None
    region = phonenumbers.region_code_for_number(num)
    if region is None or len(region) != 2 or region == phonenumbers.UNKNOWN_REGION:
        region = None
    ntype = _TYPE_NAMES.get(ptype) if valid else None
    reason = None if valid else _POSSIBLE_REASONS.get(why, "invalid number")
    return e164, region, valid, possible, ntype, reason, num.extension or None


def _parse_pair(item: tuple[str, str]) -> Result:
    """Parse one (value, region) pair; region ``""`` means none. Never raises."""
    text, region_code = item
    try:
        return _parse_pair_inner(text, region_code or None)
    except Exception:  # libphonenumber is robust, but a bad row must never stop a run
        return None, None, False, False, None, "not a number", None


def _parse_pair_inner(text: str, region: str | None) -> Result:
    stripped = text.strip()
    first: Result | None = None
    error = "not a number"
    try:
        first = _describe(phonenumbers.parse(stripped, region))
    except NumberParseException as exc:
        if (
            region is None
            and exc.error_type == NumberParseException.INVALID_COUNTRY_CODE
            and not stripped.lstrip("(").startswith(("+", "\uff0b"))
        ):
            error = NO_REGION_REASON
        else:
            error = _PARSE_REASONS.get(exc.error_type, "not a number")
    if first is not None and first[2]:
        return first
    # Leniency: "00" international prefix. Never "+" put before bare digits: that would give a
    # national number (Recife's "(81) 9...") the calling code its digits happen to start with (JP).
    if not stripped.startswith(("+", "\uff0b")):
        n_digits = sum(ch.isdigit() for ch in stripped)
        if stripped.startswith("00") and n_digits > 4:
            alt = _try_parse("+" + stripped[2:], None)
            if alt is not None:
                described = _describe(alt)
                if described[2]:
                    return described
    if first is not None:
        return first
    return None, None, False, False, None, error, None


def _row_keys(s: pl.Series, region: pl.Series | str | None, default_region: str | None) -> pl.DataFrame:
    """Per row: the raw value ``v`` and its effective region ``r`` (``""`` when none)."""
    default = _check_default(default_region)
    s = s.cast(pl.String)
    if isinstance(region, (list, tuple)):
        region = pl.Series(region, dtype=pl.String)
    if isinstance(region, pl.Series):
        if region.len() != s.len():
            raise ValueError(f"region Series has {region.len()} rows but the phone Series has {s.len()}")
        # resolve each distinct region spelling once, not once per row
        raw = region.cast(pl.String)
        spellings = raw.drop_nulls().unique()
        mapping = {sp: _region_code(sp, default) or "" for sp in spellings.to_list()}
        r = raw.replace_strict(mapping, default=default or "", return_dtype=pl.String)
    else:
        r = pl.repeat(_region_code(region, default) or "", s.len(), dtype=pl.String, eager=True)
    return pl.DataFrame({"v": s, "r": r})


def parse_phones(
    s: pl.Series,
    region: pl.Series | str | None = None,
    default_region: str | None = None,
    allow_vanity: bool = False,
) -> pl.DataFrame:
    """Parse phone numbers; one row out per row in.

    Columns: ``e164`` (E.164 for *possible* numbers, even if not valid: check ``valid``),
    ``region`` (ISO alpha-2 of the number), ``valid``, ``possible`` (libphonenumber's
    IS_POSSIBLE: a local-only number lacking its area code is not possible), ``number_type``
    (``mobile``, ``fixed_line``, ``fixed_line_or_mobile``, ``toll_free``, ``voip``, ...; valid
    numbers only), ``reason`` (why not valid: ``too short``, ``too long``, ``invalid length``,
    ``invalid country code``, ``not a number``, ``invalid number``,
    ``local number only: area code missing`` or
    ``no region: number lacks + and no default region`` or, unless ``allow_vanity``,
    ``LETTERS_REASON`` for a value with letters) and ``extension``.

    Null input gives nulls in every column. ``region`` is a per-row Series of ISO codes or one
    code for all rows; ``default_region`` fills blanks and unknown codes (and must itself be a
    known code: ``ValueError`` otherwise).
    """
    keys = _row_keys(s, region, default_region)
    # 1M rows -> unique raw pairs -> canonical pairs: each step shrinks the work of the next.
    raw_pairs = keys.filter(pl.col("v").is_not_null()).unique().with_columns(cv=_canonical(pl.col("v")))
    pairs = raw_pairs.select("cv", "r").unique()
    # The common shapes (+digits, national digits) are decided in Polars from phonenumbers'
    # metadata; phonenumbers itself parses only the residue.
    decided, residue = decide(pairs, NO_REGION_REASON)
    values, regions = residue["cv"].to_list(), residue["r"].to_list()
    results = map_unique_parallel(list(zip(values, regions, strict=True)), _parse_pair)
    cols: list[tuple[object, ...]] = list(zip(*results, strict=True)) if results else [() for _ in _SCHEMA]
    slow = pl.DataFrame(
        {"cv": values, "r": regions, **{name: list(col) for name, col in zip(_SCHEMA, cols, strict=True)}},
        schema={"cv": pl.String, "r": pl.String, **_SCHEMA},
    )
    parsed = pl.concat([decided, slow], how="vertical")
    lookup = raw_pairs.join(parsed, on=["cv", "r"], how="left").drop("cv")
    return mark_letters(s, join_back(keys, lookup, ["v", "r"]), allow_vanity)


def normalize_phone(
    s: pl.Series,
    region: pl.Series | str | None = None,
    default_region: str | None = None,
    allow_vanity: bool = False,
) -> pl.Series:
    """E.164 for valid numbers (``+79123456789``), else the value unchanged. Idempotent.

    An extension is kept after the number, libphonenumber style: ``+16502530000 ext. 123``.
    """
    s = s.cast(pl.String)
    parsed = parse_phones(s, region, default_region, allow_vanity)
    e164 = parsed["e164"]
    with_ext = (
        pl.when(parsed["extension"].is_not_null())
        .then(pl.concat_str([pl.lit(e164), pl.lit(" ext. "), pl.lit(parsed["extension"])]))
        .otherwise(pl.lit(e164))
    )
    out = pl.select(
        pl.when(pl.lit(parsed["valid"]).fill_null(False)).then(with_ext).otherwise(pl.lit(s))
    ).to_series()
    return out.alias(s.name)


def phone_key(
    s: pl.Series,
    region: pl.Series | str | None = None,
    default_region: str | None = None,
) -> pl.Series:
    """Match key: E.164 for possible numbers, else the digits if there are 7 or more, else null."""
    s = s.cast(pl.String)
    return key_from_parsed(s, parse_phones(s, region, default_region))


def key_from_parsed(s: pl.Series, parsed: pl.DataFrame) -> pl.Series:
    """:func:`phone_key` of ``s`` from its :func:`parse_phones` result (e.g. a run's phone book)."""
    digits = s.str.replace_all(r"[^0-9]", "")
    out = pl.select(
        pl.when(pl.lit(parsed["e164"]).is_not_null())
        .then(pl.lit(parsed["e164"]))
        .when(pl.lit(digits).str.len_bytes() >= 7)
        .then(pl.lit(digits))
        .otherwise(None)
    ).to_series()
    return out.alias(s.name)


def _region_of_e164(text: str) -> str | None:
    try:
        num = phonenumbers.parse(text.strip(), None)
    except NumberParseException:
        return None
    except Exception:
        return None
    region = phonenumbers.region_code_for_number(num)
    if (region is None or region == phonenumbers.UNKNOWN_REGION) and num.country_code is not None:
        regions = phonenumbers.region_codes_for_country_code(num.country_code)
        region = regions[0] if len(regions) == 1 else None
    if region is None or len(region) != 2 or region == phonenumbers.UNKNOWN_REGION:
        return None
    return region


def calling_code_country(s: pl.Series) -> pl.Series:
    """ISO alpha-2 region of E.164 numbers (``+79123456789`` -> ``RU``); null when unknown.

    For a calling code shared by several regions (``+7``: RU/KZ, ``+1``: US/CA/...) the region is
    decided by the number itself (its area code or leading digits); when the number fits none of
    them (``+10000000000``) the result is null. Non-geographic codes (``+800``) give null.
    """
    s = s.cast(pl.String)
    uniq = s.drop_nulls().unique().to_list()
    results = map_unique_parallel(uniq, _region_of_e164)
    lookup = pl.DataFrame({"v": uniq, "cc": results}, schema={"v": pl.String, "cc": pl.String})
    return join_back(s.alias("v").to_frame(), lookup, ["v"])["cc"].alias(s.name)
