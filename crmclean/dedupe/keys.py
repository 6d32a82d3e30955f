"""Match keys: each identity field reduced to the form in which two spellings of one customer meet.

``Иван Петров``, ``IVAN PETROV`` and ``Ivan Petrov`` all give first ``ivan``, last ``petrov``;
``+7 912 345-67-89`` and ``89123456789`` (a Russian row) give ``+79123456789``;
``Ivan.Petrov+crm@gmail.com`` gives ``ivanpetrov@gmail.com``; ``ООО «Ромашка»`` gives ``romashka``;
``ул. Садовая, д. 5`` gives ``sadovaia 5``.

Every key is computed once per *unique* value and joined back; the result is one frame with a row
per record (column ``_row``) and one column per key, null where the record has nothing to offer.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import polars as pl

from crmclean.context import Context
from crmclean.io.read import ROW
from crmclean.normalize.company import company_key
from crmclean.normalize.country import country_code
from crmclean.normalize.email import email_key
from crmclean.normalize.names import split_full_name
from crmclean.normalize.phone import key_from_parsed
from crmclean.normalize.text import map_unique_series, transliterate
from crmclean.steps import parse_dates_for_rows

#: Key columns, in the order explain shows them.
KEYS = (
    "email",
    "phone",
    "phone2",
    "first",
    "middle",
    "last",
    "first_t",
    "last_t",
    "name",
    "birth",
    "tax",
    "company",
    "street",
    "house",
    "city",
    "postal",
    "country",
)

# Spelling differences that transliteration schemes and languages disagree on: Aleksandr/Alexander,
# Natalya/Natalia/Nataliia, Khristina/Hristina, Yuliya/Julia. Applied to Latin keys, in this order.
_LOOSE_FROM = ["x", "kh", "ph", "ck", "w", "y", "j", *[c + c for c in "abcdefghiklmnoprstuvz"]]
_LOOSE_TO = ["ks", "h", "f", "k", "v", "i", "i", *list("abcdefghiklmnoprstuvz")]


def loose(s: pl.Series) -> pl.Series:
    """Collapse spelling variants of Latin ``[a-z0-9 ]`` keys (see _LOOSE_FROM), repeated until
    nothing changes (``cx`` -> ``cks`` -> ``ks``; ``vwvwv`` -> ``vvvvv`` -> ``vvv`` -> ``vv`` -> ``v``),
    so a loosened key loosens to itself."""
    while True:
        out = s.str.replace_many(_LOOSE_FROM, _LOOSE_TO)
        if out.equals(s, null_equal=True):
            return out
        s = out


def name_key(s: pl.Series) -> pl.Series:
    """Latin, folded, spelling-loosened name key: ``Наталья`` -> ``natalia``, ``Natália`` -> ``natalia``."""

    def per_unique(u: pl.Series) -> pl.Series:
        latin = transliterate(u)
        return loose(latin).replace("", None)

    return map_unique_series(s.cast(pl.String), per_unique).alias(s.name)


def plain_key(s: pl.Series) -> pl.Series:
    """Latin, folded, *not* loosened: a typo can move a loosening rule (``Phạm`` -> ``fam`` but
    ``Pạhm`` -> ``pahm``; ``Назар`` -> ``nazar`` but ``Naar`` -> ``nar``), so names are compared on
    the better of the loosened and the plain key."""
    return map_unique_series(s.cast(pl.String), lambda u: transliterate(u).replace("", None)).alias(s.name)


# --------------------------------------------------------------------------- cities

#: Names of one city across scripts and habits (exonyms, abbreviations); each group meets on its first.
CITY_ALIASES = (
    ("Москва", "Moscow", "Moskau"),
    ("Санкт-Петербург", "СПб", "Saint Petersburg", "St. Petersburg", "Петербург", "Питер"),
    ("Нижний Новгород", "Н. Новгород", "Nizhny Novgorod"),
    ("Київ", "Киев", "Kyiv", "Kiev"),
    ("Харків", "Харьков", "Kharkiv", "Kharkov"),
    ("Одеса", "Одесса", "Odesa", "Odessa"),
    ("Львів", "Львов", "Lviv", "Lvov"),
    ("Дніпро", "Днепр", "Dnipro", "Dnepr"),
    ("Hồ Chí Minh", "TP.HCM", "HCM", "HCMC", "Sài Gòn", "Saigon", "Ho Chi Minh City"),
    ("Hà Nội", "Hanoi", "Ha Noi"),
    ("Belo Horizonte", "BH"),
    ("Brasília", "Brasilia"),
    ("New York", "NYC", "New York City"),
    ("Los Angeles", "LA"),
    ("San Francisco", "SF"),
)
# "г. Москва", "м. Київ", "TP. Hà Nội", "São Paulo - SP", "Ho Chi Minh City": the words around the name
_CITY_AFFIXES = r"^(g|m|gorod|misto|tp|thanh fo|tinh) |( [a-z]{2}| citi| city)$"


def _city_unique(u: pl.Series) -> pl.Series:
    latin = loose(transliterate(u))
    return latin.str.replace_all(_CITY_AFFIXES, "").str.replace_all(" ", "").replace("", None)


@cache
def _city_alias_map() -> dict[str, str]:
    out: dict[str, str] = {}
    for group in CITY_ALIASES:
        keys = _city_unique(pl.Series(group)).to_list()
        out.update({k: keys[0] for k in keys if k and k != keys[0]})
    return out


def city_key(s: pl.Series) -> pl.Series:
    """Latin, loosened, without the words around the name (``г.``, ``TP.``, `` - SP``) or spaces, and
    exonyms mapped to one name: ``г. Москва`` and ``Moscow`` -> ``moskva``, ``TP.HCM`` and ``Hồ Chí
    Minh`` -> ``hochiminh``, ``Ha Noi`` and ``Hanoi`` -> ``hanoi``."""

    def per_unique(u: pl.Series) -> pl.Series:
        return _city_unique(u).replace(_city_alias_map())

    return map_unique_series(s.cast(pl.String), per_unique).alias(s.name)


# --------------------------------------------------------------------------- nicknames


def _data(name: str) -> str:
    return resources.files("crmclean").joinpath("data", name).read_text(encoding="utf-8")


@cache
def nickname_pairs() -> pl.DataFrame:
    """Pairs of first-name keys (``a``, ``b``) that name the same person, both directions."""
    groups: list[list[str]] = []
    for line in _data("nicknames.txt").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or ":" not in line:
            continue
        head, rest = line.split(":", 1)
        groups.append([head.strip(), *(n.strip() for n in rest.split(",") if n.strip())])
    names = pl.Series("n", sorted({n for g in groups for n in g}))
    keys = dict(zip(names.to_list(), name_key(names).to_list(), strict=True))
    pairs = {
        (keys[x], keys[y]) for g in groups for x in g for y in g if keys[x] and keys[y] and keys[x] != keys[y]
    }
    return pl.DataFrame(sorted(pairs), schema={"a": pl.String, "b": pl.String}, orient="row")


# --------------------------------------------------------------------------- streets


@cache
def street_terms() -> frozenset[str]:
    """Street-type words and abbreviations (``ул``, ``st``, ``r``...) as Latin keys."""
    frame = pl.read_csv(_data("street_terms.csv").encode(), comment_prefix="#", infer_schema=False).select(
        pl.concat([pl.col("term"), pl.col("canonical")]).unique().sort()
    )
    return frozenset(k for k in name_key(frame.to_series()).to_list() if k)


def _street_unique(u: pl.Series) -> pl.DataFrame:
    latin = loose(transliterate(u))
    tokens = latin.str.split(" ")
    number = pl.element().str.contains(r"^\d")
    words = tokens.list.eval(pl.element().filter(~number & ~pl.element().is_in(list(street_terms()))))
    numbers = tokens.list.eval(pl.element().filter(number))
    return pl.DataFrame(
        {
            "street": words.list.join(" ").replace("", None),
            "house": numbers.list.join(" ").replace("", None),
        }
    )


def street_keys(s: pl.Series) -> pl.DataFrame:
    """``street`` (the name words, type words removed) and ``house`` (the numbers, in order)."""
    s = s.cast(pl.String)
    uniq = s.drop_nulls().unique(maintain_order=True)
    table = pl.concat([pl.DataFrame({"v": uniq}), _street_unique(uniq)], how="horizontal")
    return pl.DataFrame({"v": s}).join(table, on="v", how="left", maintain_order="left").drop("v")


# --------------------------------------------------------------------------- the key frame


def _first(frame: pl.DataFrame, ctx: Context, role: str) -> pl.Series | None:
    column = ctx.first_of(role)
    return None if column is None else frame.get_column(column).cast(pl.String)


def _null(frame: pl.DataFrame, name: str) -> pl.Series:
    return pl.repeat(None, frame.height, dtype=pl.String, eager=True).alias(name)


def _phone_key(values: pl.Series | None, frame: pl.DataFrame, ctx: Context, name: str) -> pl.Series:
    """:func:`crmclean.normalize.phone.phone_key`, through the run's phone book (each value parsed
    once per run, with the region of its row)."""
    if values is None:
        return _null(frame, name)
    return key_from_parsed(values, ctx.parse_phones(values, frame)).alias(name)


def _names(frame: pl.DataFrame, ctx: Context) -> dict[str, pl.Series]:
    """first / middle / last from their columns; where both first and last are empty, from the full
    name split by its detected order (Western, Russian family-first, Vietnamese)."""
    parts = {p: _first(frame, ctx, f"{p}_name") for p in ("first", "middle", "last")}
    full = _first(frame, ctx, "full_name")
    out = {p: (s if s is not None else _null(frame, p)) for p, s in parts.items()}
    if full is not None:
        empty = out["first"].is_null() & out["last"].is_null()
        if empty.any():
            split = split_full_name(full.filter(empty))
            for p in out:
                column = out[p].clone()
                out[p] = column.scatter(empty.arg_true(), split.get_column(f"{p}_name"))
    keys = {p: name_key(s).alias(p) for p, s in out.items()}
    keys |= {f"{p}_t": plain_key(out[p]).alias(f"{p}_t") for p in ("first", "last")}
    return keys


def _birth(frame: pl.DataFrame, ctx: Context) -> pl.Series:
    values = _first(frame, ctx, "birth_date")
    if values is None:
        return _null(frame, "birth")
    parsed = parse_dates_for_rows(values, frame, ctx)
    today = ctx.today
    # a birth date in the future or 130 years back is a defect, not evidence for or against a match
    plausible = parsed.is_between(today.replace(year=today.year - 130), today).fill_null(False)
    return parsed.set(~plausible, None).dt.to_string("%Y-%m-%d").alias("birth")


def _plain(values: pl.Series | None, frame: pl.DataFrame, name: str, min_len: int = 1) -> pl.Series:
    """Upper-case letters and digits only (tax ids, postal codes); null when shorter than min_len."""
    if values is None:
        return _null(frame, name)
    out = values.str.to_uppercase().str.replace_all(r"[^\p{L}\p{N}]", "")
    return out.set(out.str.len_chars() < min_len, None).alias(name)


def match_keys(frame: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """One row per record: ``_row`` and the columns of :data:`KEYS`."""
    names = _names(frame, ctx)
    street_columns = ctx.columns_of("street")  # house number, street and building may be apart
    street = (
        frame.select(pl.concat_str([pl.col(c) for c in street_columns], separator=" ", ignore_nulls=True))
        .to_series()
        .replace("", None)
        if street_columns
        else None
    )
    streets = street_keys(street) if street is not None else None
    email = _first(frame, ctx, "email")
    company = _first(frame, ctx, "company")
    city = _first(frame, ctx, "city")
    country = _first(frame, ctx, "country")
    first_last = pl.concat_list([names["first"], names["last"]]).list.drop_nulls()
    columns = {
        "email": email_key(email).alias("email") if email is not None else _null(frame, "email"),
        "phone": _phone_key(_first(frame, ctx, "phone"), frame, ctx, "phone"),
        "phone2": _phone_key(_first(frame, ctx, "mobile"), frame, ctx, "phone2"),
        **names,
        # order-free: swapped first/last columns give the same name key
        "name": pl.select(first_last.list.sort().list.join(" ")).to_series().replace("", None).alias("name"),
        "birth": _birth(frame, ctx),
        "tax": _plain(_first(frame, ctx, "tax_id"), frame, "tax", min_len=5),
        "company": company_key(company).alias("company") if company is not None else _null(frame, "company"),
        "street": streets.get_column("street") if streets is not None else _null(frame, "street"),
        "house": streets.get_column("house") if streets is not None else _null(frame, "house"),
        "city": city_key(city).alias("city") if city is not None else _null(frame, "city"),
        "postal": _plain(_first(frame, ctx, "postal_code"), frame, "postal", min_len=3),
        "country": country_code(country).alias("country") if country is not None else _null(frame, "country"),
    }
    return pl.DataFrame([frame.get_column(ROW), *(columns[k] for k in KEYS)])
