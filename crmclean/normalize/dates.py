"""Dates: parse the many ways people write a date into ``pl.Date``, and ISO strings.

Recognized (surrounding blanks, case and repeated spaces ignored; a trailing time of day, ``Z``,
``UTC`` or a UTC offset is accepted and dropped — the date is taken **as written**, never shifted
to UTC):

- year first: ``1990-12-31``, ``1990/12/31``, ``1990.12.31``, ``19901231``,
  ``1990-12-31T10:00:00Z``, ``1990-12-31 10:00+03:00``;
- day/month first with ``.``, ``/`` or ``-``: ``31.12.1990``, ``31/12/1990``, ``12/31/1990``,
  ``31-12-1990``, two-digit years ``31.12.90``, with times ``31.12.1990 10:00:00``,
  ``12/31/1990 10:00 PM``;
- month names (English, Russian and Ukrainian incl. genitive, Portuguese, Spanish, French,
  German; full or abbreviated): ``31 декабря 1990 г.``, ``31 дек 1990``, ``31 грудня 1990``,
  ``31 de dezembro de 1990``, ``31-Dec-90``, ``December 31, 1990``, ``Mon, 31 Dec 1990``;
- Vietnamese: ``ngày 31 tháng 12 năm 1990``, ``31 tháng 12, 1990``;
- Excel serial day numbers (``33238``, ``45000.5``): 1899-12-30 + n days, for strings that are
  purely numeric with at most 5 digits before the dot. Exception: a bare 4-digit integer from
  1800 to 2100 is taken to be a year, not a serial, and is not a date (null).

``order`` decides only the ambiguous ``a/b/year`` forms: ``"dmy"`` and ``"mdy"`` are strict (a
value that does not fit is null); ``"auto"`` reads a component greater than 12 as the day and
otherwise assumes **day first** (the convention of most of the world, Russia, Ukraine, Vietnam
and Brazil included; pass ``order="mdy"`` for US data, or use :func:`guess_date_order`).
``"ymd"`` first tries all-two-digit ``90/12/31`` as year/month/day and otherwise reads like
``"auto"``. Year-first forms are always year/month/day.

Two-digit years pivot on the current year: ``yy`` greater than the current year's last two
digits is 19yy, else 20yy. Impossible dates (``31.02.1990``) are null.

Everything is vectorized Polars on the unique values, joined back to the rows.
"""

from __future__ import annotations

import datetime as _dt
from typing import Literal

import polars as pl

from crmclean.normalize.parallel import join_back

__all__ = ["guess_date_order", "normalize_date", "parse_dates"]

DateOrder = Literal["auto", "dmy", "mdy", "ymd"]
_ORDERS = ("auto", "dmy", "mdy", "ymd")

# Optional time of day, meridiem and zone after the date.
_TIME = (
    r"(?:(?:t|\s|,\s?)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:\s?[ap]\.?m\.?)?"
    r"(?:\s?(?:z|utc|gmt|[+-]\d{2}(?::?\d{2})?))?)?"
)
_YMD = rf"^(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}})\.?{_TIME}$"
_COMPACT = r"^(\d{4})(\d{2})(\d{2})$"
_ABY = rf"^(\d{{1,2}})\s?[-/.]\s?(\d{{1,2}})\s?[-/.]\s?(\d{{4}}|\d{{2}})\.?{_TIME}$"
_MONTH_WORD = r"([^\d\s.,/\-]+)"
_D_MON_Y = (
    rf"^(\d{{1,2}})(?:st|nd|rd|th)?\.?(?:\sde)?[\s\-/.]+{_MONTH_WORD}\.?(?:\sde)?[\s\-/.,]+"
    rf"(\d{{4}}|\d{{2}}){_TIME}$"
)
_MON_D_Y = rf"^{_MONTH_WORD}\.?\s(\d{{1,2}})(?:st|nd|rd|th)?,?\s(\d{{4}}){_TIME}$"
_VN = r"^(?:ngày\s?)?(\d{1,2})\s?tháng\s?(\d{1,2})(?:,?\s?năm\s?|,\s?|\s|/)(\d{4})$"
_SERIAL = r"^(\d{1,5})(?:\.\d+)?$"

_EXCEL_EPOCH = _dt.date(1899, 12, 30)

# English, Russian and Ukrainian (nominative, genitive, abbreviations), Portuguese, Spanish,
# French, German. No token means different months in different languages.
_MONTH_NAMES: dict[int, str] = {
    1: "january jan января январь янв січня січень січ janeiro enero ene janvier janv januar jänner",
    2: "february feb февраля февраль фев февр лютого лютий лют fevereiro fev febrero février févr "
    "fevrier fevr februar",
    3: "march mar марта март мар березня березень бер março marco marzo mars märz marz",
    4: "april apr апреля апрель апр квітня квітень квіт abril abr avril avr",
    5: "may мая май травня травень трав maio mai mayo",
    6: "june jun июня июнь июн червня червень черв junho junio juin juni",
    7: "july jul июля июль июл липня липень лип julho julio juillet juil juli",
    8: "august aug августа август авг серпня серпень серп agosto ago août aout",
    9: "september sep sept сентября сентябрь сен сент вересня вересень вер setembro set septiembre "
    "setiembre septembre",
    10: "october oct октября октябрь окт жовтня жовтень жовт outubro out octubre octobre oktober okt",
    11: "november nov ноября ноябрь ноя нояб листопада листопад лист novembro noviembre novembre",
    12: "december dec декабря декабрь дек грудня грудень груд dezembro dez diciembre dic décembre "
    "déc decembre dezember",
}
MONTHS: dict[str, int] = {name: num for num, names in _MONTH_NAMES.items() for name in names.split()}


def _pivot_year(y: pl.Expr, two_digit: pl.Expr) -> pl.Expr:
    pivot = _dt.date.today().year % 100
    full = pl.when(y > pivot).then(y + 1900).otherwise(y + 2000)
    return pl.when(two_digit).then(full).otherwise(y)


def _safe_date(y: pl.Expr, m: pl.Expr, d: pl.Expr) -> pl.Expr:
    """Date from integer parts; null (never an error) for impossible ones such as 1990-02-31.

    Goes through an ISO string and a non-strict parse: far cheaper to plan than ``pl.date`` behind
    a validity mask, and chrono does the calendar check.
    """
    parts = [y.cast(pl.String).str.zfill(4), m.cast(pl.String).str.zfill(2), d.cast(pl.String).str.zfill(2)]
    iso = pl.concat_str(parts, separator="-")
    return pl.when(y.is_between(1, 9999)).then(iso.str.to_date("%Y-%m-%d", strict=False))


def _int(e: pl.Expr) -> pl.Expr:
    return e.cast(pl.Int32, strict=False)


def _clean(e: pl.Expr) -> pl.Expr:
    t = e.str.normalize("NFC").str.to_lowercase().str.strip_chars()
    t = t.str.replace_all(r"[\s\u200b\ufeff]+", " ")
    # weekday prefix ("Mon, 31 Dec 1990", "понедельник, 31 декабря 1990")
    t = t.str.replace(r"^[^\d\s,]+,\s?(\d)", "$1")
    # Russian/Ukrainian year marker: "1990 г.", "1990 года", "1990 р."
    t = t.str.replace(r"(\d{2,4})\s?(?:г\.?|года|год|р\.?|року)(\s|$)", "$1$2").str.strip_chars()
    return t


def _fields(name: str, pattern: str, n: int) -> list[pl.Expr]:
    """Capture groups of ``pattern`` on column ``c`` as String columns ``{name}1..{name}n``."""
    groups = pl.col("c").str.extract_groups(pattern)
    return [groups.struct.field(str(i)).alias(f"{name}{i}") for i in range(1, n + 1)]


def _month(col: str) -> pl.Expr:
    return pl.col(col).replace_strict(MONTHS, default=None, return_dtype=pl.Int32)


def _parse_unique(u: pl.Series, order: str, excel_serials: bool) -> pl.Series:
    """Parse unique strings; staged ``with_columns`` keep the query plan small and fast."""
    frame = pl.DataFrame({"v": u}, schema={"v": pl.String}).with_columns(c=_clean(pl.col("v")))
    frame = frame.with_columns(
        *_fields("iso", _YMD, 3),
        *_fields("cmp", _COMPACT, 3),
        *_fields("aby", _ABY, 3),
        *_fields("dn", _D_MON_Y, 3),
        *_fields("md", _MON_D_Y, 3),
        *_fields("vn", _VN, 3),
        serial=_int(pl.col("c").str.extract(_SERIAL, 1)),
        year4=pl.col("c").str.contains(r"^\d{4}$"),
    )
    frame = frame.with_columns(
        a=_int(pl.col("aby1")),
        b=_int(pl.col("aby2")),
        y=_pivot_year(_int(pl.col("aby3")), pl.col("aby3").str.len_bytes() == 2),
        y_two=pl.col("aby3").str.len_bytes() == 2,
        dn_month=_month("dn2"),
        md_month=_month("md1"),
    )
    a, b, y = pl.col("a"), pl.col("b"), pl.col("y")
    if order == "dmy":
        d_aby = _safe_date(y, b, a)
    elif order == "mdy":
        d_aby = _safe_date(y, a, b)
    else:
        d_aby = pl.when((a > 12) | (b <= 12)).then(_safe_date(y, b, a)).otherwise(_safe_date(y, a, b))
        if order == "ymd":  # "90/12/31": yy/mm/dd
            ymd_short = _safe_date(_pivot_year(a, pl.lit(True)), b, _int(pl.col("aby3")))
            d_aby = pl.coalesce(pl.when(pl.col("y_two")).then(ymd_short), d_aby)
    y_dn = _pivot_year(_int(pl.col("dn3")), pl.col("dn3").str.len_bytes() == 2)
    candidates = [
        _safe_date(_int(pl.col("iso1")), _int(pl.col("iso2")), _int(pl.col("iso3"))),
        _safe_date(_int(pl.col("cmp1")), _int(pl.col("cmp2")), _int(pl.col("cmp3"))),
        d_aby,
        _safe_date(y_dn, pl.col("dn_month"), _int(pl.col("dn1"))),
        _safe_date(_int(pl.col("md3")), pl.col("md_month"), _int(pl.col("md2"))),
        _safe_date(_int(pl.col("vn3")), _int(pl.col("vn2")), _int(pl.col("vn1"))),
    ]
    if excel_serials:
        serial = pl.col("serial")
        year_like = pl.col("year4") & serial.is_between(1800, 2100)
        usable = serial.is_between(1, 2958465) & ~year_like
        offset = pl.duration(days=serial.cast(pl.Int64))
        candidates.append(pl.when(usable).then(pl.lit(_EXCEL_EPOCH) + offset).cast(pl.Date))
    return frame.select(pl.coalesce(candidates).alias("d"))["d"]


def _check_order(order: str) -> str:
    if order not in _ORDERS:
        raise ValueError(f"order must be one of {', '.join(_ORDERS)}; got {order!r}")
    return order


# Exact shapes read by one strptime each, with the orders for which the general parser reads
# them the same way (a/b/year: day first unless the order is month first). The guard makes the
# shape exact (two-digit fields, one separator); strptime adds the calendar and clock checks; a
# value either fails (the general parser then reads it) or gets the date the general parser gives.
# Seconds stop at 59: strptime reads a leap second 23:59:60 as the next day.
_CLOCK = "(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
_EXACT: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (rf"^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}T{_CLOCK}$", "%Y-%m-%dT%H:%M:%S", _ORDERS),
    (rf"^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}} {_CLOCK}$", "%Y-%m-%d %H:%M:%S", _ORDERS),
    (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "%Y-%m-%d", _ORDERS),
    (r"^[0-9]{2}\.[0-9]{2}\.[0-9]{4}$", "%d.%m.%Y", ("auto", "dmy", "ymd")),
    (r"^[0-9]{2}/[0-9]{2}/[0-9]{4}$", "%d/%m/%Y", ("auto", "dmy", "ymd")),
    (r"^[0-9]{2}/[0-9]{2}/[0-9]{4}$", "%m/%d/%Y", ("mdy",)),
    (r"^[0-9]{2}\.[0-9]{2}\.[0-9]{4}$", "%m.%d.%Y", ("mdy",)),
)
_SAMPLE = 2_000


def _exact(e: pl.Expr, guard: str, fmt: str) -> pl.Expr:
    """The date of values of one exact shape; null for others and for impossible ones."""
    parsed = e.str.strptime(pl.Datetime("us"), fmt, strict=False, exact=True).dt.date()
    return pl.when(e.str.contains(guard) & (parsed.dt.year() >= 1)).then(parsed)


def _dominant(uniq: pl.Series, order: str) -> tuple[str, str] | None:
    """The exact shape most of a sample of the values has, if any has a third of them."""
    sample = uniq.head(_SAMPLE).to_frame("v")
    shapes = [(guard, fmt) for guard, fmt, orders in _EXACT if order in orders]
    if not shapes or sample.height == 0:
        return None
    counts = sample.select(
        [_exact(pl.col("v"), g, f).is_not_null().sum().alias(str(i)) for i, (g, f) in enumerate(shapes)]
    ).row(0)
    best = max(range(len(shapes)), key=lambda i: counts[i])
    return shapes[best] if counts[best] * 3 >= sample.height else None


def parse_dates(s: pl.Series, order: str = "auto", excel_serials: bool = True) -> pl.Series:
    """Parse date strings in many formats to ``pl.Date`` (null when not parseable).

    See the module docstring for the formats and how ``order`` (``"auto"``, ``"dmy"``,
    ``"mdy"``, ``"ymd"``) resolves ``a/b/year`` forms. The column's dominant exact shape
    (``2021-03-04T10:22:05``, ``31.12.1990``...) is read by one ``strptime``; the general parser
    reads only the rest, with the same results.
    """
    order = _check_order(order)
    s = s.cast(pl.String)
    uniq = s.drop_nulls().unique()
    shape = _dominant(uniq, order)
    if shape is None:
        lookup = pl.DataFrame(
            {"v": uniq, "d": _parse_unique(uniq, order, excel_serials)},
            schema={"v": pl.String, "d": pl.Date},
        )
    else:
        fast = uniq.to_frame("v").with_columns(d=_exact(pl.col("v"), *shape))
        rest = fast.filter(pl.col("d").is_null()).get_column("v")
        slow = pl.DataFrame(
            {"v": rest, "d": _parse_unique(rest, order, excel_serials)},
            schema={"v": pl.String, "d": pl.Date},
        )
        lookup = pl.concat([fast.filter(pl.col("d").is_not_null()), slow])
    return join_back(s.alias("v").to_frame(), lookup, ["v"])["d"].alias(s.name)


def normalize_date(s: pl.Series, order: str = "auto", excel_serials: bool = True) -> pl.Series:
    """ISO ``YYYY-MM-DD`` when parseable (any time of day is dropped), else unchanged.

    Idempotent: an ISO date parses to itself whatever ``order`` is.
    """
    s = s.cast(pl.String)
    parsed = parse_dates(s, order=order, excel_serials=excel_serials)
    out = pl.select(pl.coalesce(pl.lit(parsed).dt.to_string("%Y-%m-%d"), pl.lit(s))).to_series()
    return out.alias(s.name)


def guess_date_order(s: pl.Series) -> str:
    """Guess the order of ``a/b/year`` dates in a sample: ``"dmy"``, ``"mdy"``, ``"ymd"`` or
    ``"ambiguous"``.

    Counts values whose first component exceeds 12 (day first) and whose second does (month
    first). One kind of evidence alone decides; when both occur the clear majority (at least 90%)
    wins, else ``"ambiguous"``. Without any ``a/b/year`` evidence, a sample of year-first dates
    gives ``"ymd"``; nothing recognizable gives ``"ambiguous"``.
    """
    s = s.cast(pl.String).drop_nulls()
    frame = pl.DataFrame({"v": s.unique()}).with_columns(c=_clean(pl.col("v")))
    aby = pl.col("c").str.extract_groups(_ABY)
    a, b = _int(aby.struct.field("1")), _int(aby.struct.field("2"))
    counts = frame.select(
        dmy=((a > 12) & (a <= 31) & (b <= 12)).sum(),
        mdy=((b > 12) & (b <= 31) & (a <= 12)).sum(),
        ymd=(pl.col("c").str.contains(_YMD) | pl.col("c").str.contains(_COMPACT)).sum(),
    ).row(0, named=True)
    dmy, mdy, ymd = counts["dmy"] or 0, counts["mdy"] or 0, counts["ymd"] or 0
    if dmy or mdy:
        if dmy >= 9 * mdy:
            return "dmy"
        if mdy >= 9 * dmy:
            return "mdy"
        return "ambiguous"
    return "ymd" if ymd else "ambiguous"
