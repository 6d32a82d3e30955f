"""Every check a rules file can name under ``validate:``, registered by its ``check:`` tag.

Vectorized in Polars; per-value libraries (email-validator, phonenumbers, python-stdnum) run once per
unique value through the normalize modules, then join back to the rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from functools import cache

import polars as pl

from crmclean.context import Context
from crmclean.io.read import ROW
from crmclean.normalize.parallel import map_unique_parallel
from crmclean.rules import model as m
from crmclean.validate import findings

CheckFn = Callable[[pl.DataFrame, m.CheckBase, Context], list[pl.DataFrame]]
REGISTRY: dict[str, CheckFn] = {}


def register(tag: str) -> Callable[[CheckFn], CheckFn]:
    def wrap(fn: CheckFn) -> CheckFn:
        REGISTRY[tag] = fn
        return fn

    return wrap


def run_check(frame: pl.DataFrame, check: m.CheckBase, ctx: Context) -> pl.DataFrame:
    parts = REGISTRY[check.check](frame, check, ctx)  # type: ignore[attr-defined]
    return findings.sort(pl.concat([findings.empty(), *parts]))


def _name(check: m.CheckBase) -> str:
    return check.name or check.check  # type: ignore[attr-defined]


def _emit(frame: pl.DataFrame, check: m.CheckBase, ctx: Context, column: str, bad, message) -> pl.DataFrame:
    when = ctx.condition(check.when)
    bad = (bad if isinstance(bad, pl.Expr) else pl.lit(bad)) & when
    return findings.build(
        frame, bad, column=column, rule=_name(check), severity=check.severity, message=message
    )


def _targets(check: m.OneColumn, ctx: Context) -> list[str]:
    return ctx.targets(check.column, check.role, f"check `{check.check}`")  # type: ignore[attr-defined]


@register("required")
@register("required_if")
def _required(frame, check, ctx):
    return [
        _emit(frame, check, ctx, c, pl.col(c).is_null(), f"{c} is required") for c in _targets(check, ctx)
    ]


@register("required_any")
def _required_any(frame, check, ctx):
    columns = ctx.resolve_many(check.columns, "check `required_any`")
    if not columns:
        return []
    label = " / ".join(columns)
    bad = pl.all_horizontal([pl.col(c).is_null() for c in columns])
    return [
        findings.build(
            frame,
            bad & ctx.condition(check.when),
            column=label,
            rule=_name(check),
            severity=check.severity,
            message=f"at least one of {', '.join(columns)} is required",
            value=None,
        )
    ]


# A conservative subset of valid addresses, decided in Polars without email-validator: lower-case
# ASCII dot-atoms, RFC length limits, and no special-use TLD (which email-validator refuses).
# tests/validate/test_email_fast_path.py checks email-validator accepts everything this accepts.
PLAIN_EMAIL = r"^[a-z0-9]+(?:[._+\-][a-z0-9]+)*@(?:[a-z0-9]+(?:-[a-z0-9]+)*\.)+[a-z]{2,24}$"
SPECIAL_USE_TLDS = ["arpa", "invalid", "local", "localhost", "onion", "test"]


def plain_email(value: pl.Expr) -> pl.Expr:
    return (
        value.str.contains(PLAIN_EMAIL)
        & (value.str.len_bytes() <= 254)
        & (value.str.extract(r"^([^@]*)@", 1).str.len_bytes() <= 64)
        & ~value.str.contains(r"[a-z0-9\-]{64}")  # a label over 63 characters
        & ~value.str.extract(r"\.([a-z]+)$", 1).is_in(SPECIAL_USE_TLDS)
    ).fill_null(False)


@register("email")
def _email(frame, check, ctx):
    from crmclean.normalize.email import check_emails

    out = []
    for c in _targets(check, ctx):
        values = frame.get_column(c)
        plain = frame.select(plain_email(pl.col(c))).to_series()
        result = check_emails(values.set(plain, None))  # the rest, offline
        valid = result.get_column("valid")
        bad = (valid.not_() & ~plain).fill_null(False)
        message = pl.lit("invalid email: ") + result.get_column("reason").fill_null("not valid")
        out.append(_emit(frame, check, ctx, c, bad, message))
        if ctx.settings.check_dns:  # every valid address, the shortcut's too: each domain once
            good = (plain | valid.fill_null(False)).fill_null(False)
            out.extend(_email_dns(frame, check, ctx, c, values.set(~good, None)))
    return out


def _email_dns(frame, check, ctx, column: str, addresses: pl.Series) -> list[pl.DataFrame]:
    """Errors for domains that do not exist or take no email; a warning (rule ``<name>_dns``) for
    addresses whose domain could not be verified because DNS did not answer."""
    from crmclean.normalize.email import DNS_REASONS, MISSING, NO_MAIL, UNAVAILABLE, dns_verdicts

    verdict = dns_verdicts(addresses, ctx.domains)
    out = [
        _emit(frame, check, ctx, column, verdict == kind, f"invalid email: {DNS_REASONS[kind]}")
        for kind in (MISSING, NO_MAIL)
    ]
    unverified = (verdict == UNAVAILABLE) & ctx.condition(check.when)
    message = f"email {DNS_REASONS[UNAVAILABLE]} (no network?); run again with DNS, or without --check-dns"
    out.append(
        findings.build(
            frame, unverified, column=column, rule=f"{_name(check)}_dns", severity="warning", message=message
        )
    )
    return out


def _no_region_message(ctx: Context) -> str:
    """The phone finding for a national number on a row with no region: what to do about it."""
    from crmclean.normalize.phone import NO_REGION_REASON

    info = ctx.region_info
    if info is None:
        return f"invalid phone: {NO_REGION_REASON}; add the row's country, or set settings.default_region"
    # no shares here: a streaming run decides on a sample, and its findings must equal the eager run's
    why = "evidence is mixed, see the report's region" if info.candidates else "no evidence in the file"
    return (
        "invalid phone: no region: national number without +country, the row has no country and "
        f"the file's region is not clear ({why}); {info.fix_hint()}"
    )


@register("phone")
def _phone(frame, check, ctx):
    from crmclean.normalize.phone import NO_REGION_REASON

    out = []
    for c in _targets(check, ctx):
        parsed = ctx.parse_phones(frame.get_column(c), frame, allow_vanity=check.allow_vanity)
        valid = parsed.get_column("valid")
        why = parsed.get_column("reason").fill_null("not a valid number")
        reason = (
            pl.when(pl.lit(why) == NO_REGION_REASON)
            .then(pl.lit(_no_region_message(ctx)))
            .otherwise(pl.lit("invalid phone: ") + pl.lit(why))
        )
        out.append(_emit(frame, check, ctx, c, valid.not_(), reason))
        if check.mobile_only:
            kind = parsed.get_column("number_type")
            not_mobile = valid & ~kind.is_in(["mobile", "fixed_line_or_mobile"]).fill_null(False)
            out.append(_emit(frame, check, ctx, c, not_mobile, "not a mobile number"))
    return out


@register("regex")
def _regex(frame, check, ctx):
    anchored = f"^(?:{check.pattern})$"
    message = check.message or f"does not match the pattern {check.pattern}"
    return [
        _emit(frame, check, ctx, c, ~pl.col(c).str.contains(anchored), message) for c in _targets(check, ctx)
    ]


@register("allowed")
def _allowed(frame, check, ctx):
    allowed = [v.strip().lower() for v in check.values] if check.ignore_case else check.values
    shown = ", ".join(check.values[:10])
    out = []
    for c in _targets(check, ctx):
        value = pl.col(c).str.strip_chars().str.to_lowercase() if check.ignore_case else pl.col(c)
        out.append(_emit(frame, check, ctx, c, ~value.is_in(allowed), f"not one of: {shown}"))
    return out


@register("length")
def _length(frame, check, ctx):
    out = []
    for c in _targets(check, ctx):
        length = pl.col(c).str.len_chars()
        if check.min is not None:
            out.append(
                _emit(frame, check, ctx, c, length < check.min, f"shorter than {check.min} characters")
            )
        if check.max is not None:
            out.append(_emit(frame, check, ctx, c, length > check.max, f"longer than {check.max} characters"))
    return out


@register("range")
def _range(frame, check, ctx):
    out = []
    for c in _targets(check, ctx):
        text = pl.col(c).str.strip_chars().str.replace_all(r"[\s\u00a0]", "").str.replace(",", ".")
        number = text.cast(pl.Float64, strict=False)
        out.append(_emit(frame, check, ctx, c, pl.col(c).is_not_null() & number.is_null(), "not a number"))
        if check.min is not None:
            out.append(_emit(frame, check, ctx, c, number < check.min, f"below {check.min:g}"))
        if check.max is not None:
            out.append(_emit(frame, check, ctx, c, number > check.max, f"above {check.max:g}"))
    return out


def _dates(frame: pl.DataFrame, column: str, ctx: Context) -> pl.Series:
    from crmclean.steps import parse_dates_for_rows

    return parse_dates_for_rows(frame.get_column(column), frame, ctx)


@register("date")
def _date(frame, check, ctx):
    today = ctx.today
    out = []
    for c in _targets(check, ctx):
        parsed = _dates(frame, c, ctx)
        raw = frame.get_column(c)
        unreadable = raw.is_not_null() & parsed.is_null()
        out.append(
            _emit(frame, check, ctx, c, unreadable, "not a date (expected e.g. 31.12.1990 or 1990-12-31)")
        )
        tests = []
        if check.not_future:
            tests.append((parsed > today, "in the future"))
        if check.min is not None:
            tests.append((parsed < check.min, f"before {check.min.isoformat()}"))
        if check.max is not None:
            tests.append((parsed > check.max, f"after {check.max.isoformat()}"))
        if check.min_age is not None:
            latest = _years_before(today, check.min_age)
            tests.append((parsed > latest, f"age under {check.min_age}"))
        if check.max_age is not None:
            earliest = _years_before(today, check.max_age)
            tests.append((parsed < earliest, f"age over {check.max_age}"))
        out.extend(_emit(frame, check, ctx, c, bad, msg) for bad, msg in tests)
    return out


def _years_before(day, years: int):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@register("freshness")
def _freshness(frame, check, ctx):
    cutoff = ctx.today - timedelta(days=check.max_age_days)
    out = []
    for c in _targets(check, ctx):
        parsed = _dates(frame, c, ctx)
        out.append(
            _emit(frame, check, ctx, c, parsed < cutoff, f"stale: older than {check.max_age_days} days")
        )
    return out


@register("unique")
def _unique(frame, check, ctx):
    columns = ctx.resolve_many(check.columns, "check `unique`")
    if not columns:
        return []
    parts = [
        pl.col(c).str.strip_chars().str.to_lowercase() if check.ignore_case else pl.col(c) for c in columns
    ]
    keyed = frame.select(
        pl.col(ROW),
        pl.concat_str(parts, separator="\u001f").alias("_key"),
        ctx.condition(check.when).alias("_when"),
    ).filter(pl.col("_when") & pl.col("_key").is_not_null())
    groups = (
        keyed.group_by("_key")
        .agg(pl.col(ROW).sort().alias("_rows"), pl.len().alias("_n"))
        .filter(pl.col("_n") > 1)
    )
    if groups.height == 0:
        return []
    dupes = keyed.join(groups, on="_key").with_columns(
        pl.col("_rows").list.eval(pl.element().cast(pl.String)).list.head(6).list.join(", ").alias("_list")
    )
    label = " + ".join(columns)
    what = "value" if len(columns) == 1 else "combination"
    message = pl.format(f"same {what} in {{}} rows: {{}}", pl.col("_n"), pl.col("_list"))
    out = dupes.select(
        pl.col(ROW),
        pl.lit(label).alias("column"),
        pl.lit(_name(check)).alias("rule"),
        pl.lit(check.severity).alias("severity"),
        pl.col("_key").str.replace_all("\u001f", " | ").alias("value"),
        message.alias("message"),
    )
    return [out]


# --- identifiers ---------------------------------------------------------------------------------

EU_VAT = frozenset("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())


@cache
def _validator(kind: str):
    from stdnum import iban
    from stdnum.br import cnpj, cpf
    from stdnum.eu import vat
    from stdnum.gb import vat as gb_vat
    from stdnum.ru import inn
    from stdnum.ua import edrpou, rntrc
    from stdnum.us import ein
    from stdnum.vn import mst

    def issued(check):  # 111.111.111-11 passes the checksum but the Receita never issues it
        return lambda v: check(v) and len(set(re.sub(r"\D", "", v))) > 1

    br_cpf, br_cnpj = issued(cpf.is_valid), issued(cnpj.is_valid)
    return {
        "ru.inn": inn.is_valid,
        "br.cpf": br_cpf,
        "br.cnpj": br_cnpj,
        "br.cpf_or_cnpj": lambda v: br_cpf(v) or br_cnpj(v),
        "ua.edrpou": edrpou.is_valid,
        "ua.rntrc": rntrc.is_valid,
        "ua.edrpou_or_rntrc": lambda v: edrpou.is_valid(v) or rntrc.is_valid(v),
        "eu.vat": vat.is_valid,
        "iban": iban.is_valid,
        "vn.mst": mst.is_valid,
        "us.ein": ein.is_valid,
        "gb.vat": gb_vat.is_valid,
    }[kind]


def _kinds_by_country() -> dict[str, str]:
    kinds = {
        "RU": "ru.inn",
        "BR": "br.cpf_or_cnpj",
        "UA": "ua.edrpou_or_rntrc",
        "VN": "vn.mst",
        "US": "us.ein",
    }
    kinds["GB"] = "gb.vat"
    return {**dict.fromkeys(EU_VAT, "eu.vat"), **kinds}


def _valid_id(pair: tuple[str, str]) -> bool:
    value, kind = pair
    try:
        return bool(_validator(kind)(value))
    except Exception:  # stdnum raises on odd input for some formats; invalid either way
        return False


def _kind_from_shape(v: pl.Expr) -> pl.Expr:
    """A tax-id kind from a shape only one kind has (formatted CPF / CNPJ); null otherwise."""
    t = v.str.strip_chars()
    return (
        pl.when(t.str.contains(r"^\d{3}\.\d{3}\.\d{3}-\d{2}$"))
        .then(pl.lit("br.cpf"))
        .when(t.str.contains(r"^\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}$"))
        .then(pl.lit("br.cnpj"))
    )


@register("tax_id")
def _tax_id(frame, check, ctx):
    out = []
    for c in _targets(check, ctx):
        values = frame.get_column(c)
        if check.kind == "auto":  # per row, from the region (country, default or inferred), else the shape
            region = ctx.region(frame)
            table = _kinds_by_country()
            kinds = (
                region.replace_strict(list(table), list(table.values()), default=None)
                if region is not None
                else pl.Series([None] * frame.height, dtype=pl.String)
            )
            kinds = kinds.fill_null(frame.select(_kind_from_shape(pl.col(c))).to_series())
            unchecked = (
                values.str.strip_chars().is_not_null() & (values.str.strip_chars() != "") & kinds.is_null()
            )
            if region is None:
                why = "no country on the row and no file region"
            else:
                why = (
                    pl.when(region.is_null())
                    .then(pl.lit("no country on the row"))
                    .otherwise(pl.lit("no tax-id kind known for ") + pl.lit(region))
                )
            message = pl.concat_str(
                [
                    pl.lit("tax id not checked: "),
                    why if isinstance(why, pl.Expr) else pl.lit(why),
                    pl.lit("; set kind: on the tax_id check, or settings.default_region"),
                ]
            )
            out.append(
                findings.build(
                    frame,
                    pl.lit(unchecked) & ctx.condition(check.when),
                    column=c,
                    rule=_name(check),
                    severity="warning",  # not known to be wrong: never rejects the row
                    message=frame.select(message).to_series(),
                )
            )
        else:
            kinds = pl.Series([check.kind] * frame.height, dtype=pl.String)
        pairs = pl.DataFrame({"v": values.str.strip_chars(), "k": kinds})
        unique = pairs.drop_nulls().unique()
        verdict = unique.with_columns(  # stdnum once per unique pair, across cores
            ok=pl.Series(map_unique_parallel(list(unique.iter_rows()), _valid_id), dtype=pl.Boolean)
        )
        ok = pairs.join(verdict, on=["v", "k"], how="left", maintain_order="left").get_column("ok")
        message = pairs.select(pl.format("invalid {} (checksum or format)", "k")).to_series()
        out.append(_emit(frame, check, ctx, c, ok.not_(), message))
    return out


@register("phone_country")
def _phone_country(frame, check, ctx):
    region = ctx.explicit_region(frame)  # the row's own country: never a default or inferred one
    if region is None:
        return []
    out = []
    for c in _targets(check, ctx):
        parsed = ctx.parse_phones(frame.get_column(c), frame)
        number_region = parsed.get_column("region")
        bad = parsed.get_column("valid") & (number_region != region)
        message = pl.format("phone is from {} but country is {}", pl.lit(number_region), pl.lit(region))
        out.append(_emit(frame, check, ctx, c, bad, frame.select(message).to_series()))
    return out
