"""Region inference: which country a row without a country belongs to, from evidence in the file.

Phones written without ``+``, ambiguous dates (``07/08/1970``), postal codes and tax ids all need a
country. A row's own country column always decides. Where it is empty, ``settings.default_region``
(``--region``) decides. Without that, the region is inferred, visibly (see docs/regions.md):

1. **Row evidence** — each signal gives a region or nothing:

   - ``calling_code``: a phone or mobile of the row written with ``+``/``00`` (``+1 212 ...``: US);
   - ``email_tld``: a country-code top-level domain (``.ru``, ``.com.br``, ``.vn``, ``.co.uk``), or a
     national mail provider (``ukr.net``);
   - ``tax_id``: a shape only one country writes (CPF ``000.000.000-00``, CNPJ
     ``00.000.000/0000-00``, ``GB`` + 9 digits, an EU VAT prefix, US EIN ``00-0000000``);
   - ``postal_code``: Brazilian CEP ``00000-000``, a UK postcode, US ZIP+4, or a 5-digit ZIP on an
     address with an English street type (``Street``, ``Ave``...);
   - ``script``: letters only one language uses in the name, city, street and company cells
     (Vietnamese ``ă đ ơ ư ạ ế ...``, not the ``â ê ô`` Portuguese shares: VN; Ukrainian
     ``і ї є ґ``: UA; Russian ``ы э ъ ё``: RU) and street words (``вул.``: UA, ``ул.``: RU,
     ``Rua``/``Av.``: BR).

   A row's region is the one region its signals name when they all agree, and the row has no
   Cyrillic text if the region does not write Cyrillic. Any disagreement: no row region.

2. **File evidence** — every row votes once: its explicit country, else its row region. The
   file's region is the region with the most votes when it has at least ``SHARE`` (90 %) of them,
   at least ``MIN_VOTES`` (3) votes and at least ``MIN_COVER`` (5 %) of the rows, and the header's
   script does not exclude it (a Cyrillic header excludes non-Cyrillic regions).

A row without a country takes its row region, else the file's region, else none: then phones
without ``+`` stay unresolved, with a finding that says how to fix it. A national number's own
digits never choose its country.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from crmclean.normalize.phonebook import PhoneBook
    from crmclean.rules.load import LoadedRules

__all__ = [
    "RegionInference",
    "RegionVotes",
    "decide_region",
    "infer_region",
    "region_votes",
    "row_regions",
    "with_region",
]

SHARE = 0.9
MIN_VOTES = 3
MIN_COVER = 0.05

CYRILLIC_REGIONS = frozenset("RU UA BY KZ KG BG RS MK MN TJ ME BA".split())
TEXT_ROLES = ("first_name", "last_name", "middle_name", "full_name", "city", "street", "company")
PHONE_ROLES = ("phone", "mobile")
SIGNALS = ("calling_code", "email_tld", "tax_id", "postal_code", "script")

# ccTLDs that people use for other reasons than the country (.io, .co, .me, .tv, ...)
_GENERIC_CCTLDS = frozenset("io co me tv ai ly fm cc ws to nu gg la sh ac vc ms".split())
_MAIL_PROVIDERS = {"ukr.net": "UA", "i.ua": "UA", "meta.ua": "UA", "bigmir.net": "UA"}
_EU_VAT = "AT BE BG CY CZ DE DK EE ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()

_VN_LETTERS = "ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
_UA_LETTERS = "іїєґ"
_RU_LETTERS = "ыэъё"
_EN_STREET = r"(?i)\b(?:street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|court|ct|way|place|pl)\b"


@dataclass
class RegionInference:
    """What was decided for rows without a country, and from what (shown in reports)."""

    region: str | None  # the file's region for rows without a country (None: not decided)
    source: str  # "settings" (default_region / --region), "inferred", or "none"
    share: float = 0.0  # the region's share of the file's votes
    votes: int = 0  # rows that voted (explicit country or row evidence)
    rows: int = 0
    rows_without_country: int = 0
    rows_used: int = 0  # rows without a country that were given a region (file or row evidence)
    rows_from_row_evidence: int = 0
    evidence: dict[str, dict[str, int]] = field(default_factory=dict)  # signal -> region -> rows
    candidates: list[tuple[str, float]] = field(default_factory=list)  # top regions by share

    def describe(self) -> str:
        """One line for reports: which region, from what, for how many rows."""
        if self.source == "settings":
            used = self.rows_used
            return f"region {self.region} from settings.default_region, for {used} rows without a country"
        if self.region is None:
            base = "no file region: " + (
                "evidence is mixed (" + self._shares() + ")" if self.candidates else "no evidence"
            )
            if self.rows_from_row_evidence:
                base += f"; {self.rows_from_row_evidence} rows took a region from their own evidence"
            return base
        signals = ", ".join(s for s, counts in self.evidence.items() if counts.get(self.region))
        return (
            f"region {self.region} inferred ({self.share:.0%} of {self.votes} rows with evidence: "
            f"{signals}), "
            f"used for {self.rows_used} of {self.rows_without_country} rows without a country"
        )

    def _shares(self) -> str:
        return ", ".join(f"{code} {share:.0%}" for code, share in self.candidates[:4])

    def fix_hint(self) -> str:
        """How to resolve numbers that stay without a region."""
        code = self.candidates[0][0] if self.candidates else "XX"
        return f"add the row's country, or set settings.default_region: {code} (or --region {code})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "source": self.source,
            "share": round(self.share, 4),
            "votes": self.votes,
            "rows": self.rows,
            "rows_without_country": self.rows_without_country,
            "rows_used": self.rows_used,
            "rows_from_row_evidence": self.rows_from_row_evidence,
            "evidence": self.evidence,
            "candidates": [[c, round(s, 4)] for c, s in self.candidates],
            "summary": self.describe(),
        }


def _first(roles: dict[str, str], columns: list[str], role: str) -> str | None:
    return next((c for c in columns if roles.get(c) == role), None)


def _all(roles: dict[str, str], columns: list[str], wanted: tuple[str, ...]) -> list[str]:
    return [c for c in columns if roles.get(c) in wanted]


def explicit_country(frame: pl.DataFrame, roles: dict[str, str]) -> pl.Series:
    """The row's own country as ISO code (null when empty or not a country)."""
    from crmclean.normalize.country import country_code

    column = _first(roles, frame.columns, "country")
    if column is None:
        return pl.Series("country", [None] * frame.height, dtype=pl.String)
    return country_code(frame.get_column(column)).alias("country")


def _email_signal(frame: pl.DataFrame, columns: list[str]) -> pl.Expr:
    from crmclean.normalize.phone import SUPPORTED_REGIONS

    codes = sorted(SUPPORTED_REGIONS | {"UK"})
    parts = []
    for c in columns:
        domain = pl.col(c).str.strip_chars().str.to_lowercase().str.extract(r"@([^@\s]+)$", 1)
        tld = domain.str.extract(r"\.([a-z]{2})$", 1)
        cc = pl.when(~tld.is_in(list(_GENERIC_CCTLDS))).then(tld.str.to_uppercase())
        cc = pl.when(cc.is_in(codes)).then(cc.replace("UK", "GB"))
        provider = domain.replace_strict(_MAIL_PROVIDERS, default=None, return_dtype=pl.String)
        parts.append(pl.coalesce(provider, cc))
    return pl.coalesce(parts) if parts else pl.lit(None, dtype=pl.String)


def _tax_signal(column: str | None) -> pl.Expr:
    if column is None:
        return pl.lit(None, dtype=pl.String)
    v = pl.col(column).str.strip_chars().str.to_uppercase()
    eu = pl.when(v.str.contains(r"^(?:" + "|".join(_EU_VAT) + r")\s?[0-9A-Z]{8,12}$")).then(v.str.slice(0, 2))
    return (
        pl.when(
            v.str.contains(r"^\d{3}\.\d{3}\.\d{3}-\d{2}$")
            | v.str.contains(r"^\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}$")
        )
        .then(pl.lit("BR"))
        .when(v.str.contains(r"^GB\s?\d{3}\s?\d{4}\s?\d{2}(?:\s?\d{3})?$"))
        .then(pl.lit("GB"))
        .when(v.str.contains(r"^\d{2}-\d{7}$"))
        .then(pl.lit("US"))
        .otherwise(eu)
    )


def _postal_signal(postal: str | None, street: str | None) -> pl.Expr:
    if postal is None:
        return pl.lit(None, dtype=pl.String)
    v = pl.col(postal).str.strip_chars().str.to_uppercase()
    english_street = pl.col(street).str.contains(_EN_STREET).fill_null(False) if street else pl.lit(False)
    return (
        pl.when(v.str.contains(r"^\d{5}-\d{3}$"))
        .then(pl.lit("BR"))
        .when(v.str.contains(r"^\d{5}-\d{4}$"))
        .then(pl.lit("US"))
        .when(v.str.contains(r"^(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$"))
        .then(pl.lit("GB"))
        .when(v.str.contains(r"^\d{5}$") & english_street)
        .then(pl.lit("US"))
    )


def _text(columns: list[str]) -> pl.Expr:
    if not columns:
        return pl.lit(None, dtype=pl.String)
    return pl.concat_str([pl.col(c).fill_null("") for c in columns], separator=" ").str.to_lowercase()


_TEXT, _STREET = "_ev_text", "_ev_street"  # evidence_frame's staged inputs of the script signal
_SCRIPT_FLAGS = ("vn", "ua", "ru", "ua_st", "ru_st", "br_st")


def _script_inputs(text_columns: list[str], street: str | None) -> dict[str, pl.Expr]:
    """The text and street (lower case) the script signal reads, computed once per row."""
    st = pl.col(street).str.to_lowercase() if street else pl.lit(None, dtype=pl.String)
    return {_TEXT: _text(text_columns), _STREET: st}


def _script_flags() -> dict[str, pl.Expr]:
    """Each letter and street-word test, once per row (on ``_script_inputs``' columns)."""
    t, st = pl.col(_TEXT), pl.col(_STREET)
    return {
        "_ev_vn": t.str.contains(f"[{_VN_LETTERS}]"),
        "_ev_ua": t.str.contains(f"[{_UA_LETTERS}]"),
        "_ev_ru": t.str.contains(f"[{_RU_LETTERS}]"),
        "_ev_ua_st": st.str.contains(r"(?:^|\s)(?:вул\.|вулиця|просп\.|пров\.)"),
        "_ev_ru_st": st.str.contains(r"(?:^|\s)(?:ул\.|улица|пр-т|пер\.|ш\.)"),
        "_ev_br_st": st.str.contains(r"^(?:rua|r\.|avenida|av\.|travessa|tv\.|alameda|al\.)\s"),
        "_ev_cyr": t.str.contains(r"\p{Cyrillic}"),
    }


def _script_signal() -> tuple[pl.Expr, pl.Expr]:
    """(region from letters and street words, row has Cyrillic text), from ``_script_flags``'
    columns: each test ran once per row, whatever this expression reads twice."""
    vn, ua, ru, ua_st, ru_st, br_st = (pl.col(f"_ev_{f}") for f in _SCRIPT_FLAGS)
    n_hits = (
        vn.cast(pl.Int8).fill_null(0)
        + (ua | ua_st).fill_null(False).cast(pl.Int8)
        + (ru | ru_st).fill_null(False).cast(pl.Int8)
        + br_st.fill_null(False).cast(pl.Int8)
    )
    region = (
        pl.when(n_hits != 1)
        .then(None)
        .when(vn)
        .then(pl.lit("VN"))
        .when((ua | ua_st).fill_null(False))
        .then(pl.lit("UA"))
        .when((ru | ru_st).fill_null(False))
        .then(pl.lit("RU"))
        .when(br_st.fill_null(False))
        .then(pl.lit("BR"))
    )
    cyrillic = pl.col("_ev_cyr").fill_null(False)
    return region, cyrillic


def _calling_code_signal(frame: pl.DataFrame, columns: list[str], phones: PhoneBook | None) -> pl.Series:
    from crmclean.normalize.phone import parse_phones

    found = pl.Series("calling_code", [None] * frame.height, dtype=pl.String)
    for c in columns:
        values = frame.get_column(c).cast(pl.String)
        international = values.str.strip_chars_start().str.contains(r"^(?:\+|00[1-9])").fill_null(False)
        if not international.any():
            continue
        subset = values.filter(international)
        parsed = phones.parse(subset) if phones is not None else parse_phones(subset)
        regions = pl.select(pl.when(parsed.get_column("valid")).then(parsed.get_column("region"))).to_series()
        column = pl.Series([None] * frame.height, dtype=pl.String).scatter(international.arg_true(), regions)
        found = found.fill_null(column)
    return found


def evidence_frame(
    frame: pl.DataFrame, roles: dict[str, str], phones: PhoneBook | None = None
) -> pl.DataFrame:
    """One row per row of ``frame``: each signal's region (or null), ``cyrillic``, and ``row``: the
    region the row's own evidence names (null when it names none, or more than one)."""
    text = [c for c, t in frame.schema.items() if c in roles and t != pl.String]
    if text:  # all-empty columns (dtype Null) and the like: the signals read strings
        frame = frame.with_columns(pl.col(c).cast(pl.String) for c in text)
    columns = frame.columns
    street = _first(roles, columns, "street")
    script, cyrillic = _script_signal()
    exprs = {
        "email_tld": _email_signal(frame, _all(roles, columns, ("email",))).cast(pl.String),
        "tax_id": _tax_signal(_first(roles, columns, "tax_id")).cast(pl.String),
        "postal_code": _postal_signal(_first(roles, columns, "postal_code"), street).cast(pl.String),
        "script": script.cast(pl.String),
        "cyrillic": cyrillic.cast(pl.Boolean),
    }
    signals = (  # with_columns, not select: literal signals (no such column) broadcast to every row
        frame.with_columns(**_script_inputs(_all(roles, columns, TEXT_ROLES), street))
        .with_columns(**_script_flags())
        .with_columns(**{f"_ev_{k}": v for k, v in exprs.items()})
        .select(pl.col(f"_ev_{k}").alias(k) for k in exprs)
        .with_columns(calling_code=_calling_code_signal(frame, _all(roles, columns, PHONE_ROLES), phones))
    )
    named = pl.concat_list([pl.col(s) for s in SIGNALS]).list.drop_nulls().list.unique()
    one = pl.when(named.list.len() == 1).then(named.list.first())
    return signals.with_columns(
        row=pl.when(pl.col("cyrillic") & ~one.is_in(list(CYRILLIC_REGIONS))).then(None).otherwise(one)
    )


def _header_cyrillic(columns: list[str]) -> bool:
    return any(any("\u0400" <= ch <= "\u04ff" for ch in c) for c in columns)


@dataclass
class RegionVotes:
    """What the file's region is decided from, as counts that add up batch by batch: rows, rows
    without a country, rows whose own evidence names a region, and votes by region and signal."""

    rows: int = 0
    without: int = 0
    row_level: int = 0  # rows without a country whose own evidence names one region
    votes: dict[str, int] = field(default_factory=dict)  # region -> rows voting for it
    evidence: dict[str, dict[str, int]] = field(default_factory=dict)  # signal -> region -> rows

    def merge(self, other: RegionVotes) -> RegionVotes:
        """These votes plus ``other``'s (in place; returns self)."""
        self.rows += other.rows
        self.without += other.without
        self.row_level += other.row_level
        _add(self.votes, other.votes)
        for signal, counts in other.evidence.items():
            _add(self.evidence.setdefault(signal, {}), counts)
        return self


def _add(into: dict[str, int], counts: dict[str, int]) -> None:
    for code, n in counts.items():
        into[code] = into.get(code, 0) + n


def _counts(values: pl.Series) -> dict[str, int]:
    return dict(values.drop_nulls().value_counts().iter_rows())


def _ranked(counts: dict[str, int]) -> dict[str, int]:
    """Most rows first, then by code: one order whatever the batches."""
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _votes(
    frame: pl.DataFrame, roles: dict[str, str], evidence: bool, phones: PhoneBook | None
) -> tuple[RegionVotes, pl.Series, pl.Series | None]:
    """The votes of ``frame``, with the rows without a country and their row-level regions."""
    explicit = explicit_country(frame, roles)
    without = explicit.is_null()
    votes = RegionVotes(frame.height, int(without.sum()))
    if not evidence:
        return votes, without, None
    ev = evidence_frame(frame, roles, phones)
    votes.votes = _counts(explicit.fill_null(ev.get_column("row")))
    if explicit.drop_nulls().len():
        votes.evidence["country"] = _counts(explicit)
    for s in SIGNALS:
        if ev.get_column(s).drop_nulls().len():
            votes.evidence[s] = _counts(ev.get_column(s))
    row_level = ev.get_column("row").set(~without, None)
    votes.row_level = int(row_level.is_not_null().sum())
    return votes, without, row_level


def region_votes(
    frame: pl.DataFrame,
    roles: dict[str, str],
    default_region: str | None = None,
    phones: PhoneBook | None = None,
) -> RegionVotes:
    """The votes of one batch (only the row counts when ``default_region`` decides)."""
    return _votes(frame, roles, not default_region, phones)[0]


def decide_region(
    votes: RegionVotes, columns: list[str], default_region: str | None = None
) -> RegionInference:
    """The file's region from the votes of all its rows (``columns``: the header, whose script counts).
    ``default_region`` (settings) wins over inference."""
    from crmclean.io.read import ROW

    if default_region:
        return RegionInference(default_region, "settings", 1.0, 0, votes.rows, votes.without, votes.without)
    counts = _ranked(votes.votes)
    total = sum(counts.values())
    candidates = [(code, n / total) for code, n in counts.items()] if total else []
    region: str | None = None
    share = candidates[0][1] if candidates else 0.0
    if candidates:
        code, n = next(iter(counts.items()))
        strong = share >= SHARE and n >= MIN_VOTES and n >= MIN_COVER * votes.rows
        script_ok = not _header_cyrillic([c for c in columns if c != ROW]) or code in CYRILLIC_REGIONS
        region = code if strong and script_ok else None
    order = ["country", *SIGNALS]
    evidence = {s: _ranked(votes.evidence[s]) for s in order if s in votes.evidence}
    return RegionInference(
        region,
        "inferred" if region else "none",
        share,
        total,
        votes.rows,
        votes.without,
        votes.without if region else votes.row_level,
        votes.row_level,
        evidence,
        candidates[:5],
    )


def infer_region(
    frame: pl.DataFrame,
    roles: dict[str, str],
    default_region: str | None = None,
    phones: PhoneBook | None = None,
) -> tuple[RegionInference, pl.Series]:
    """The file's region decision and, per row, the region a row without a country gets (null for
    rows with a country, or when nothing decides). ``default_region`` (settings) wins over
    inference."""
    votes, without, row_level = _votes(frame, roles, not default_region, phones)
    info = decide_region(votes, frame.columns, default_region)
    if row_level is None:
        given = pl.Series([default_region] * frame.height, dtype=pl.String).set(~without, None)
        return info, given.alias("region")
    per_row = row_level.fill_null(info.region).set(~without, None) if info.region else row_level
    return info, per_row.alias("region")


def row_regions(
    frame: pl.DataFrame, roles: dict[str, str], info: RegionInference, phones: PhoneBook | None = None
) -> pl.Series:
    """Per row of ``frame`` (any rows of the file, e.g. one chunk): the inferred region for rows
    without a country, from their own evidence, else ``info``'s file region."""
    if info.source == "settings":
        return pl.Series("region", [info.region] * frame.height, dtype=pl.String)
    row = evidence_frame(frame, roles, phones).get_column("row")
    return (row.fill_null(info.region) if info.region else row).alias("region")


def with_region(loaded: LoadedRules, region: str | None) -> LoadedRules:
    """``loaded`` with ``settings.default_region`` set to ``region`` (what ``--region`` does);
    ``ValueError`` for a code phonenumbers does not know. ``None`` leaves the rules unchanged."""
    import dataclasses

    from crmclean.normalize.phone import _check_default

    if region is None:
        return loaded
    code = _check_default(region)
    settings = loaded.rules.settings.model_copy(update={"default_region": code})
    rules = loaded.rules.model_copy(update={"settings": settings})
    return dataclasses.replace(loaded, rules=rules)
