"""What every stage needs to know about the table it works on: column roles, settings, today.

Rules name their targets by column or by role; this is the one place those names are resolved, and
where structured ``when:`` conditions become Polars expressions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from crmclean.errors import RulesError
from crmclean.normalize.email import DomainBook
from crmclean.normalize.phonebook import PhoneBook
from crmclean.rules.model import Condition, Settings


@dataclass
class Context:
    columns: list[str]
    roles: dict[str, str]  # column -> role
    settings: Settings = field(default_factory=Settings)
    rules_file: str | None = None
    phones: PhoneBook = field(default_factory=PhoneBook)  # one phonenumbers parse per value per run
    domains: DomainBook = field(default_factory=DomainBook)  # one DNS lookup per domain per run

    def parse_phones(
        self, values: pl.Series, frame: pl.DataFrame, *, with_region: bool = True
    ) -> pl.DataFrame:
        """phonenumbers' verdict for ``values`` (a column of ``frame``), region per row from the
        country column; without the region, only the default region applies."""
        region = self.region(frame) if with_region else None
        return self.phones.parse(values, region, self.settings.default_region)

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
        code, the default region where that is empty; None when there is neither."""
        country = self.first_of("country")
        default = self.settings.default_region
        if country is None:
            return None if default is None else pl.repeat(default, frame.height, dtype=pl.String, eager=True)
        from crmclean.normalize.country import country_code

        codes = country_code(frame.get_column(country))
        if self.settings.default_region:
            codes = codes.fill_null(self.settings.default_region)
        return codes


def _role_names() -> set[str]:
    from crmclean.schema import ROLES

    return set(ROLES)
