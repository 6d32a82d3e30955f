"""What every stage needs to know about the table it works on: column roles, settings, today.

Rules name their targets by column or by role; this is the one place those names are resolved, and
where structured ``when:`` conditions become Polars expressions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from crmclean.errors import RulesError
from crmclean.normalize.email import DomainBook
from crmclean.normalize.phonebook import PhoneBook
from crmclean.progress import NO_PROGRESS, Progress
from crmclean.region import RegionInference
from crmclean.rules.model import Condition, Settings


@dataclass
class Context:
    columns: list[str]
    roles: dict[str, str]  # column -> role
    settings: Settings = field(default_factory=Settings)
    rules_file: str | None = None
    phones: PhoneBook = field(default_factory=PhoneBook)  # one phonenumbers parse per value per run
    domains: DomainBook = field(default_factory=DomainBook)  # one DNS lookup per domain per run
    # region inference (crmclean.region): what rows without a country get, and from what evidence
    region_info: RegionInference | None = None
    _inferred: pl.DataFrame | None = field(default=None, repr=False)  # _row -> inferred region
    progress: Progress = field(default=NO_PROGRESS, repr=False, compare=False)  # who watches long work

    def parse_phones(
        self,
        values: pl.Series,
        frame: pl.DataFrame,
        *,
        with_region: bool = True,
        allow_vanity: bool | None = None,
    ) -> pl.DataFrame:
        """phonenumbers' verdict for ``values`` (a column of ``frame``), region per row from the
        country column, else the default or inferred region; without the region, only
        settings.default_region applies (never an inferred one). Letters make a number invalid
        unless ``allow_vanity`` (default: settings.allow_vanity)."""
        region = self.region(frame) if with_region else None
        vanity = self.settings.allow_vanity if allow_vanity is None else allow_vanity
        if vanity:
            return self.phones.parse_raw(values, region, self.settings.default_region)
        return self.phones.parse(values, region, self.settings.default_region)

    def infer_regions(self, frame: pl.DataFrame) -> RegionInference:
        """Decide the file's region from ``frame`` (the file as read, or a sample of it)."""
        from crmclean.region import infer_region

        self.region_info, _ = infer_region(frame, self.roles, self.settings.default_region, self.phones)
        return self.region_info

    def decide_regions(self, batches: Iterable[pl.DataFrame]) -> RegionInference:
        """Decide the file's region from the votes of every batch of the file (as read)."""
        from crmclean.region import RegionVotes, decide_region, region_votes

        votes = RegionVotes()
        for frame in batches:
            votes.merge(region_votes(frame, self.roles, self.settings.default_region, self.phones))
        self.region_info = decide_region(votes, self.columns, self.settings.default_region)
        return self.region_info

    def inferred_regions(self, frame: pl.DataFrame) -> pl.Series:
        """Per row of ``frame``: the region inferred for it (null: none, or the row has a country)."""
        from crmclean.io.read import ROW
        from crmclean.region import explicit_country, row_regions

        if self.region_info is None:
            self.infer_regions(frame)
        info = self.region_info
        assert info is not None
        if ROW not in frame.columns:
            return row_regions(frame, self.roles, info, self.phones)
        own = explicit_country(frame, self.roles).is_not_null()
        if own.all():  # every row names its country: nothing is inferred, no evidence is read
            return pl.repeat(None, frame.height, dtype=pl.String, eager=True).alias("region")
        asked = frame.filter(~own)  # only rows without a country get an inferred region
        known = self._inferred
        missing = asked if known is None else asked.join(known, on=ROW, how="anti")
        if missing.height:  # evidence read once per row, whatever stage asks
            found = row_regions(missing, self.roles, info, self.phones).alias("_region")
            fresh = missing.select(ROW).with_columns(found)
            self._inferred = fresh if known is None else pl.concat([known, fresh])
        assert self._inferred is not None  # some row lacks a country, so some row was asked
        rows = frame.select(ROW)
        out = rows.join(self._inferred, on=ROW, how="left", maintain_order="left").get_column("_region")
        return out.set(own, None).alias("region")

    @property
    def today(self) -> date:
        return self.settings.today or date.today()

    def columns_of(self, role: str) -> list[str]:
        return [c for c in self.columns if self.roles.get(c) == role]

    def first_of(self, role: str) -> str | None:
        found = self.columns_of(role)
        return found[0] if found else None

    def column(self, name: str, what: str = "rule") -> str:
        """A column named in a rule must exist; the error suggests the closest header."""
        if name in self.columns:
            return name
        if name in self.roles.values():  # a role name used where a column was expected
            return self.first_of(name) or name
        import difflib

        close = difflib.get_close_matches(name, self.columns, n=1)
        raise RulesError(
            f"{what} names column {name!r}, which is not in the file",
            file=self.rules_file,
            hint=f"did you mean {close[0]!r}?" if close else "columns: " + ", ".join(self.columns[:20]),
        )

    def targets(self, column: str | None, role: str | None, what: str = "rule") -> list[str]:
        """Columns a rule applies to: the named column, or every column with the role (maybe none)."""
        if column is not None:
            return [self.column(column, what)]
        return self.columns_of(role) if role else []

    def resolve_many(self, names: list[str], what: str = "rule") -> list[str]:
        """Names that are columns or roles -> columns. Roles absent from the file are left out, so a
        zero-config rule on (email, phone) still works on a file that has only phones."""
        out = []
        for name in names:
            if name in self.columns:
                out.append(name)
            elif name in _role_names():
                out.extend(self.columns_of(name)[:1])
            else:
                out.append(self.column(name, what))
        return out

    def condition(self, cond: Condition | None) -> pl.Expr:
        """Boolean expression for a ``when:`` condition (True when there is none)."""
        if cond is None:
            return pl.lit(True)
        name = cond.column if cond.column is not None else self.first_of(cond.role or "")
        if name is None:
            return pl.lit(False)
        value = pl.col(self.column(name, "condition")).str.strip_chars().str.to_lowercase()
        if cond.is_null is not None:
            test = value.is_null() | (value == "")
            return test if cond.is_null else ~test
        if cond.equals is not None:
            return (value == cond.equals.strip().lower()).fill_null(False)
        if cond.not_equals is not None:
            return (value != cond.not_equals.strip().lower()).fill_null(True)
        return value.is_in([v.strip().lower() for v in cond.in_ or []]).fill_null(False)

    def region(self, frame: pl.DataFrame) -> pl.Series | None:
        """Per-row region for phones, postal codes, dates and tax ids: the country column as ISO
        code; where that is empty, settings.default_region, else the inferred region (the row's
        own evidence, else the file's: see crmclean.region); None when no row has any."""
        country = self.first_of("country")
        default = self.settings.default_region
        if country is None and default is not None:
            return pl.repeat(default, frame.height, dtype=pl.String, eager=True)
        from crmclean.normalize.country import country_code

        codes = (
            country_code(frame.get_column(country))
            if country is not None
            else pl.Series([None] * frame.height, dtype=pl.String)
        )
        if default:
            return codes.fill_null(default)
        codes = codes.fill_null(self.inferred_regions(frame))
        return None if codes.null_count() == codes.len() else codes

    def explicit_region(self, frame: pl.DataFrame) -> pl.Series | None:
        """The row's own country as ISO code (no default, no inference); None without a column."""
        country = self.first_of("country")
        if country is None:
            return None
        from crmclean.normalize.country import country_code

        return country_code(frame.get_column(country))


def _role_names() -> set[str]:
    from crmclean.schema import ROLES

    return set(ROLES)
