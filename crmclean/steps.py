"""The normalizer steps a rules file can name, each a function of (values, frame, context).

This is the registry `normalize:` rules resolve against; the functions themselves live in
crmclean/normalize/. It sits above the normalizers and the context, which it binds together.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from crmclean.context import Context
from crmclean.normalize import company, country, dates, email, postal, text

StepFn = Callable[[pl.Series, pl.DataFrame, Context], pl.Series]

# Countries that write dates month first; in `date_order: auto` their rows read 03/04/1990 as
# March 4th, every other row as 3 April. One export often mixes both.
MONTH_FIRST = ["US", "PH", "FM", "MH", "PW", "BZ"]


def parse_dates_for_rows(s: pl.Series, frame: pl.DataFrame, ctx: Context) -> pl.Series:
    """Dates (pl.Date) with the day/month order from settings, or per row from the country."""
    memo = getattr(ctx, "memo_dates", None)  # master.match's context keeps them per frame of records
    if memo is not None:
        return memo(s, frame, _parse_dates_for_rows)
    return _parse_dates_for_rows(s, frame, ctx)


def _parse_dates_for_rows(s: pl.Series, frame: pl.DataFrame, ctx: Context) -> pl.Series:
    order = ctx.settings.date_order
    if order != "auto":
        return dates.parse_dates(s, order=order)
    region = ctx.region(frame)
    if region is None:
        return dates.parse_dates(s, order="auto")
    # A row whose region is known reads a/b/year strictly in that region's order: 01.13.1961 on a
    # Ukrainian row is not a date (not silently 13 January), 13/06/1989 on a US row neither.
    aby = s.str.contains(r"^\s*\d{1,2}\s?[-/.]\s?\d{1,2}\s?[-/.]\s?\d{2,4}").fill_null(False)
    month_rows = region.is_in(MONTH_FIRST).fill_null(False) & aby
    day_rows = region.is_not_null() & aby & ~month_rows

    def read(order: str, rows: pl.Series) -> pl.Series:  # only an order some row reads in
        return (
            dates.parse_dates(s, order=order)
            if rows.any()
            else pl.repeat(None, s.len(), dtype=pl.Date, eager=True)
        )

    auto, month_first, day_first = (
        read("auto", ~(month_rows | day_rows)),
        read("mdy", month_rows),
        read("dmy", day_rows),
    )
    picked = pl.select(
        pl.when(month_rows).then(month_first).when(day_rows).then(day_first).otherwise(auto)
    ).to_series()
    return picked.alias(s.name)


def _phone(s: pl.Series, frame: pl.DataFrame, ctx: Context) -> pl.Series:
    """E.164 for valid numbers, with their extension kept (``+551130000000 ext. 21``, as
    normalize.phone.normalize_phone writes it); the value unchanged otherwise (the check reports it)."""
    parsed = ctx.parse_phones(s, frame)
    e164, extension = parsed.get_column("e164"), parsed.get_column("extension")
    with_ext = (
        pl.when(pl.lit(extension).is_not_null())
        .then(pl.concat_str([pl.lit(e164), pl.lit(" ext. "), pl.lit(extension)]))
        .otherwise(pl.lit(e164))
    )
    return pl.select(pl.when(parsed.get_column("valid")).then(with_ext).otherwise(s)).to_series()


def _date(s: pl.Series, frame: pl.DataFrame, ctx: Context) -> pl.Series:
    parsed = parse_dates_for_rows(s, frame, ctx)
    return pl.select(
        pl.when(parsed.is_not_null()).then(parsed.dt.to_string("%Y-%m-%d")).otherwise(s)
    ).to_series()


def _trim(s: pl.Series, _f: pl.DataFrame, _c: Context) -> pl.Series:
    out = s.str.strip_chars()
    return pl.Series(s.name, out).set(out == "", None) if out.len() else out


STEPS: dict[str, StepFn] = {
    "trim": _trim,
    "collapse_whitespace": lambda s, f, c: text.collapse_whitespace(s),
    "nfc": lambda s, f, c: text.nfc(s),
    "lower": lambda s, f, c: text.lower(s),
    "upper": lambda s, f, c: text.upper(s),
    "title_name": lambda s, f, c: text.title_name(s),
    "email": lambda s, f, c: email.normalize_email(s),
    "phone": _phone,
    "date": _date,
    "country": lambda s, f, c: country.normalize_country(s),
    "postal_code": lambda s, f, c: postal.normalize_postal(s, c.region(f)),
    "company": lambda s, f, c: company.normalize_company(s),
}
