"""The rules file, as pydantic models. Every key is documented here; docs/rules.md is generated
from these models (``python -m crmclean.rules.docs``) and a test fails when the two drift apart.

Nothing in a rules file is ever executed: conditions are structured (``when: {column: segment,
equals: B2B}``), regular expressions run in Polars' linear-time engine, mapping files must sit
beside the rules file.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from crmclean.rules.gate import Gate
from crmclean.schema import ROLES

Severity = Literal["error", "warning"]
Role = Literal[ROLES]  # type: ignore[valid-type]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Target(Strict):
    """Which column a rule applies to: a source header (``column``) or every column of a ``role``."""

    column: str | None = Field(None, description="A column name exactly as in the file's header.")
    role: Role | None = Field(None, description="A column role; the rule applies to its columns.")

    @model_validator(mode="after")
    def _one_target(self) -> Target:
        if (self.column is None) == (self.role is None):
            raise ValueError("give exactly one of `column` or `role`")
        return self


class Condition(Strict):
    """A structured condition on another column of the same row (``when:``)."""

    column: str | None = Field(None, description="Column tested by the condition.")
    role: Role | None = Field(None, description="Role whose (first) column is tested.")
    equals: str | None = Field(None, description="True when the value equals this (case-insensitive).")
    not_equals: str | None = Field(None, description="True when the value differs (case-insensitive).")
    in_: list[str] | None = Field(None, alias="in", description="True when the value is one of these.")
    is_null: bool | None = Field(None, description="True when the value is empty (or not, with false).")

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        if (self.column is None) == (self.role is None):
            raise ValueError("give exactly one of `column` or `role`")
        tests = [self.equals, self.not_equals, self.in_, self.is_null]
        if sum(t is not None for t in tests) != 1:
            raise ValueError("give exactly one test: `equals`, `not_equals`, `in` or `is_null`")
        return self


class Settings(Strict):
    """Defaults that several rules share."""

    default_region: str | None = Field(
        None, description="ISO country code for phones written without +country (e.g. RU, BR)."
    )
    date_order: Literal["auto", "dmy", "mdy", "ymd"] = Field(
        "auto",
        description="How to read ambiguous dates like 03/04/2020; auto reads them month first on rows whose "
        "country writes dates that way (US...), day first elsewhere.",
    )
    allow_vanity: bool = Field(
        False,
        description="Accept phone numbers with letters (vanity numbers such as 1-800-FLOWERS) in the phone "
        "step and checks; by default letters make a phone invalid.",
    )
    check_dns: bool = Field(False, description="Check that email domains exist (network access).")
    today: date | None = Field(None, description="Date used for freshness and age checks; default today.")


# --- fill ----------------------------------------------------------------------------------------

Derivation = Literal["country_from_phone", "names_from_full_name", "website_from_email"]


class FillRule(Target):
    """Fill empty cells of a column. Exactly one of default, coalesce, derive, map, map_file."""

    default: str | None = Field(None, description="Value for empty cells.")
    coalesce: list[str] | None = Field(
        None, description="Columns to take the first non-empty value from, in order."
    )
    derive: Derivation | None = Field(
        None,
        description="country_from_phone: ISO code from the phone's calling code; "
        "names_from_full_name: first/middle/last from a full name (Western, Russian "
        "Фамилия Имя Отчество, Vietnamese family-name-first; this column receives the part named by "
        "its role); website_from_email: the email's domain, skipping free mail providers.",
    )
    source: str | None = Field(
        None, alias="from", description="For derive: the column to derive from (default: by role)."
    )
    map: dict[str, str] | None = Field(
        None, description="Replace values: {Москва: Moscow, Msk: Moscow} (matching ignores case)."
    )
    map_file: str | None = Field(
        None, description="CSV with columns `from,to`, relative to the rules file's folder."
    )
    when: Condition | None = Field(None, description="Apply only to rows where this holds.")

    @model_validator(mode="after")
    def _one_action(self) -> FillRule:
        actions = [self.default, self.coalesce, self.derive, self.map, self.map_file]
        if sum(a is not None for a in actions) != 1:
            raise ValueError("give exactly one of `default`, `coalesce`, `derive`, `map`, `map_file`")
        return self


# --- normalize -----------------------------------------------------------------------------------

Step = Literal[
    "trim",
    "collapse_whitespace",
    "nfc",
    "lower",
    "upper",
    "title_name",
    "email",
    "phone",
    "date",
    "country",
    "postal_code",
    "company",
]


class NormalizeRule(Target):
    """Rewrite values into one canonical form, step by step."""

    steps: list[Step] = Field(
        ...,
        min_length=1,
        description="In order: trim, collapse_whitespace, nfc, lower, upper, title_name (O'Neil, da "
        "Silva), email, phone (E.164), date (ISO), country (ISO alpha-2), postal_code (per "
        "country), company (legal form standardized).",
    )
    when: Condition | None = Field(None, description="Apply only to rows where this holds.")


# --- validate ------------------------------------------------------------------------------------


class CheckBase(Strict):
    """Fields every check has."""

    name: str | None = Field(None, description="Rule name in findings and reports; default: the check.")
    severity: Severity = Field("error", description="error rejects the row in `clean`; warning keeps it.")
    when: Condition | None = Field(None, description="Check only rows where this holds.")


class OneColumn(Target, CheckBase):
    """A check on one column, or on every column of a role."""


class ManyColumns(CheckBase):
    columns: list[str] = Field(..., min_length=1, description="Column names or role names.")


class RequiredCheck(OneColumn):
    """The value must not be empty."""

    check: Literal["required"]


class RequiredIfCheck(OneColumn):
    """The value must not be empty on rows where `when` holds (e.g. B2B needs company and tax_id)."""

    check: Literal["required_if"]
    when: Condition = Field(..., description="Rows where the value is required.")


class RequiredAnyCheck(ManyColumns):
    """At least one of the columns must be filled (e.g. email or phone)."""

    check: Literal["required_any"]


class EmailCheck(OneColumn):
    """Email syntax (email-validator); domains resolved only with settings.check_dns."""

    check: Literal["email"]


class PhoneCheck(OneColumn):
    """Valid phone number for its region (phonenumbers); region per row from the country column."""

    check: Literal["phone"]
    mobile_only: bool = Field(False, description="Only mobile numbers are valid.")
    allow_vanity: bool | None = Field(
        None, description="Accept letters (vanity numbers); default: settings.allow_vanity (false)."
    )


class RegexCheck(OneColumn):
    """The whole value must match a regular expression (linear-time engine; no backreferences)."""

    check: Literal["regex"]
    pattern: str = Field(..., description="Regular expression; anchored at both ends.")
    message: str | None = Field(None, description="Message for values that do not match.")


class AllowedCheck(OneColumn):
    """The value must be one of a list."""

    check: Literal["allowed"]
    values: list[str] = Field(..., min_length=1, description="Allowed values.")
    ignore_case: bool = Field(True, description="Compare without case.")


class LengthCheck(OneColumn):
    """Length in characters within bounds."""

    check: Literal["length"]
    min: int | None = Field(None, ge=0, description="Shortest allowed.")
    max: int | None = Field(None, ge=0, description="Longest allowed.")


class RangeCheck(OneColumn):
    """A number within bounds; values that are not numbers are findings too."""

    check: Literal["range"]
    min: float | None = Field(None, description="Smallest allowed.")
    max: float | None = Field(None, description="Largest allowed.")


class DateCheck(OneColumn):
    """A readable date (formats real exports use), optionally within bounds or a plausible age."""

    check: Literal["date"]
    not_future: bool = Field(False, description="Dates after today are findings.")
    min: date | None = Field(None, description="Earliest allowed date.")
    max: date | None = Field(None, description="Latest allowed date.")
    min_age: int | None = Field(None, ge=0, description="For birth dates: youngest plausible age.")
    max_age: int | None = Field(None, ge=0, description="For birth dates: oldest plausible age.")


class UniqueCheck(ManyColumns):
    """No two rows share the value (or the combination of values): "one code, one client"."""

    check: Literal["unique"]
    ignore_case: bool = Field(True, description="Compare without case and surrounding spaces.")


TaxKind = Literal[
    "auto",
    "ru.inn",
    "br.cpf",
    "br.cnpj",
    "br.cpf_or_cnpj",
    "ua.edrpou",
    "ua.rntrc",
    "eu.vat",
    "iban",
    "vn.mst",
    "us.ein",
    "gb.vat",
]


class TaxIdCheck(OneColumn):
    """National and tax identifiers with checksums (python-stdnum)."""

    check: Literal["tax_id"]
    kind: TaxKind = Field(
        "auto",
        description="Identifier type; auto picks per row from the region (country column, default or "
        "inferred region: RU: INN, BR: CPF or CNPJ, UA: EDRPOU or RNTRC, VN: MST, US: EIN, GB and EU: VAT), "
        "else from a shape only one kind has (formatted CPF or CNPJ); an id whose kind is still unknown "
        "gets a `tax id not checked` warning, never a silent pass.",
    )


class PhoneCountryCheck(OneColumn):
    """The phone's country (calling code) agrees with the country column."""

    check: Literal["phone_country"]


class FreshnessCheck(OneColumn):
    """A date older than max_age_days is stale (e.g. updated_at)."""

    check: Literal["freshness"]
    max_age_days: int = Field(..., gt=0, description="Older than this many days is stale.")
    severity: Severity = Field("warning", description="Default warning: stale rows are kept.")


Check = Annotated[
    RequiredCheck
    | RequiredIfCheck
    | RequiredAnyCheck
    | EmailCheck
    | PhoneCheck
    | RegexCheck
    | AllowedCheck
    | LengthCheck
    | RangeCheck
    | DateCheck
    | UniqueCheck
    | TaxIdCheck
    | PhoneCountryCheck
    | FreshnessCheck,
    Field(discriminator="check"),
]

CHECK_MODELS: dict[str, type[CheckBase]] = {
    m.model_fields["check"].annotation.__args__[0]: m  # type: ignore[union-attr]
    for m in (
        RequiredCheck,
        RequiredIfCheck,
        RequiredAnyCheck,
        EmailCheck,
        PhoneCheck,
        RegexCheck,
        AllowedCheck,
        LengthCheck,
        RangeCheck,
        DateCheck,
        UniqueCheck,
        TaxIdCheck,
        PhoneCountryCheck,
        FreshnessCheck,
    )
}


# --- dedupe --------------------------------------------------------------------------------------

MatchField = Literal[
    "email", "phone", "first_name", "last_name", "middle_name", "birth_date", "tax_id", "company",
    "street", "city", "postal_code", "country",
]  # fmt: skip
BlockingKey = Literal[
    "email", "phone", "tax_id", "name_birth", "first_birth", "last_birth", "name_city", "name_postal",
    "birth_postal", "address", "sorted_name",
]  # fmt: skip
DEFAULT_BLOCKING: tuple[BlockingKey, ...] = (
    "email", "phone", "tax_id", "name_birth", "first_birth", "last_birth", "name_city",
    "name_postal", "birth_postal", "address", "sorted_name",
)  # fmt: skip
Strategy = Literal["most_recent", "oldest", "most_complete", "most_frequent", "longest", "source_priority"]


class Survivorship(Target):
    """Which value a golden record takes for a column, among the values of the cluster's records."""

    strategy: Strategy = Field(
        ...,
        description="most_recent: from the record updated (else created) last; oldest: created first; "
        "most_complete: from the record with the most filled cells; most_frequent: the commonest value; "
        "longest: the longest value; source_priority: from the record whose source comes first in "
        "`source_priority`. Empty values never win; ties go to the lower source row.",
    )


class DedupeRules(Strict):
    """Duplicate detection (`crmclean dedupe`, `crmclean run`); every key is optional."""

    match: float = Field(
        0.9, ge=0, le=1, description="Pairs scoring at least this are the same customer (score 0..1)."
    )
    review: float = Field(
        0.5, ge=0, le=1, description="Pairs from here up to `match` are written to the review output."
    )
    weights: dict[MatchField, float] = Field(
        default_factory=dict,
        description="Multiplier of a field's evidence, for and against (default 1; 0 ignores the field).",
    )
    blocking: list[BlockingKey] = Field(
        default_factory=lambda: list(DEFAULT_BLOCKING),
        description="Keys whose shared values make two records a candidate pair; only candidates are "
        "compared. Default: all of them.",
    )
    learn: bool | None = Field(
        None,
        description="Fit the evidence to this file (Fellegi-Sunter weights by EM over the candidate pairs). "
        "Default (unset): fit, and fall back to the built-in evidence when the file is too small or the "
        "fit does not converge; `true`: always fit; `false`: always the built-in evidence. Either way the "
        "household rule holds: a different first name at a shared phone, address or company is not one "
        "person unless a birth date, tax id or personal e-mail agrees.",
    )
    max_block: int = Field(
        100, ge=2, description="Blocks with more records than this are skipped (a key too common to tell)."
    )
    window: int = Field(
        4,
        ge=2,
        le=50,
        description="Sorted-neighbourhood window on folded names (records compared with "
        "the next window-1 in name order).",
    )
    survivorship: list[Survivorship] = Field(
        default_factory=list,
        description="Golden-record strategy per column or role; others use `default_strategy` (customer_id "
        "and created_at: oldest; name parts: most_frequent).",
    )
    default_strategy: Strategy = Field("most_recent", description="Strategy for columns not listed.")
    source_column: str | None = Field(None, description="Column naming each record's source system.")
    source_priority: list[str] = Field(
        default_factory=list, description="Sources, most trusted first, for `source_priority`."
    )

    @model_validator(mode="after")
    def _bands(self) -> DedupeRules:
        if self.review > self.match:
            raise ValueError("`review` must not be above `match`")
        return self


class Rules(Strict):
    """A rules file."""

    version: Literal[1] = Field(1, description="Rules format version.")
    extends: Literal["default", "b2b", "none"] = Field(
        "none",
        description="A bundled rule set (rules/NAME.yaml) to start from, then add these; none: only these.",
    )
    settings: Settings = Field(default_factory=Settings, description="Shared defaults.")
    columns: dict[str, Role | None] = Field(
        default_factory=dict,
        description="Role of a column, overriding detection; null ignores the column.",
    )
    fill: list[FillRule] = Field(default_factory=list, description="Fill rules, applied in order.")
    normalize: list[NormalizeRule] = Field(
        default_factory=list, description="Normalizers, applied in order after fill."
    )
    validate_: list[Check] = Field(
        default_factory=list, alias="validate", description="Checks on the filled, normalized values."
    )
    dedupe: DedupeRules = Field(default_factory=DedupeRules, description="Duplicate detection.")
    gate: Gate | None = Field(
        None, description="Quality gate: warn and fail thresholds, baseline tolerance (see docs/report.md)."
    )
