"""The quality gate's model: the `gate:` section of a rules file (warn and fail thresholds, baseline
tolerance), and thresholds written as text (``email=5%``, as --gate-fail/--gate-warn and the library's
ReportOptions give them). Judging a report against a gate is crmclean.report.gate's work.

A limit is a share (``"5%"``) or a number of rows (``10``); warn and fail trip when the measure is
*above* the limit (below it, for ``min_fill_rate``). Without a ``gate:`` section, any error finding
fails; a configured threshold replaces that rule for the checks it names, and ``default`` sets it for
the rest. Repairs (findings of severity ``fixed``) are judged only by entries that select them,
``{severity: fixed, role: email, fail: 5%}`` or ``fixed:email=5%``, or that name their rule
(``normalize:email``) exactly; a wildcard or ``default`` never fails a repair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from crmclean.errors import UsageError
from crmclean.schema import ROLES

Status = Literal["pass", "warn", "fail"]
RANK: dict[str, int] = {"pass": 0, "warn": 1, "fail": 2}
EPS = 1e-9


# --- limits ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    """A threshold: a share of rows (``share``; amount in 0..1) or a number of rows."""

    amount: float
    share: bool

    def __str__(self) -> str:
        if not self.share:
            return f"{int(self.amount)}"
        text = f"{self.amount * 100:.4f}".rstrip("0").rstrip(".")
        return f"{text}%"

    def above(self, rows: int, rate: float) -> bool:
        return rate > self.amount + EPS if self.share else rows > self.amount

    def below(self, rows: int, rate: float) -> bool:
        return rate < self.amount - EPS if self.share else rows < self.amount


_SHARE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")
_LIMIT_HELP = "write a share of rows like '5%' or a number of rows like 10"


def parse_limit(raw: Any) -> Limit:
    """``"5%"``, ``"0.5 %"`` -> a share; ``10`` or ``"10"`` -> a number of rows."""
    if isinstance(raw, Limit):
        return raw
    if isinstance(raw, bool):
        raise ValueError(f"{raw!r} is not a limit: {_LIMIT_HELP}")
    if isinstance(raw, int) or (isinstance(raw, float) and raw.is_integer()):
        if raw < 0:
            raise ValueError(f"{raw!r} is negative: {_LIMIT_HELP}")
        return Limit(int(raw), share=False)
    if isinstance(raw, str):
        text = raw.strip()
        found = _SHARE.match(text)
        if found:
            value = float(found.group(1))
            if value > 100:
                raise ValueError(f"{raw!r} is more than 100%")
            return Limit(value / 100, share=True)
        if text.isdigit():
            return Limit(int(text), share=False)
    raise ValueError(f"{raw!r} is not a limit: {_LIMIT_HELP}")


LimitValue = Annotated[
    Limit,
    PlainValidator(parse_limit),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": r"^\d+(\.\d+)?\s*%$"}]}
    ),
]


# --- the `gate:` section ----------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Threshold(_Strict):
    """Warn and fail limits: a share of rows (``"5%"``) or a number of rows (``10``)."""

    warn: LimitValue | None = Field(None, description="Warn when the measure passes this limit.")
    fail: LimitValue | None = Field(None, description="Fail when the measure passes this limit.")


class CheckThreshold(Threshold):
    """Thresholds for the checks it names: by rule, by column or role, or both. Measured as the rows
    with at least one finding of the check (a share of all input rows, or a count)."""

    rule: str | None = Field(
        None, description="Rule name as in findings (the check's `name`, else its type); `*`: any rule."
    )
    column: str | None = Field(
        None, description="Column as in findings (a header; `a + b` for a multi-column check)."
    )
    role: Literal[ROLES] | None = Field(None, description="Any column with this role.")  # type: ignore[valid-type]
    severity: Literal["error", "warning", "fixed"] | None = Field(
        None,
        description="Only checks of this severity. `fixed`: the repairs fill and normalize made (rule: "
        "the step, e.g. `normalize:email`), which no other entry judges unless it names their rule.",
    )

    @model_validator(mode="after")
    def _names_something(self) -> CheckThreshold:
        if self.rule is None and self.column is None and self.role is None and self.severity is None:
            raise ValueError(
                "name a `rule`, a `column`, a `role` or a `severity` (or `rule: '*'` for every check)"
            )
        if self.column is not None and self.role is not None:
            raise ValueError("give `column` or `role`, not both")
        if self.warn is None and self.fail is None:
            raise ValueError("give `warn`, `fail` or both")
        return self

    def label(self) -> str:
        parts = [f"rule {self.rule}" if self.rule else "", f"column {self.column}" if self.column else ""]
        parts.append(f"role {self.role}" if self.role else "")
        parts.append(f"severity {self.severity}" if self.severity else "")
        return ", ".join(p for p in parts if p)

    def specificity(self) -> int:
        """Rule and column, then rule and role, then rule or column, then role; `*` alone is least."""
        rule = 2 if self.rule not in (None, "*") else 0
        return rule + (2 if self.column is not None else 1 if self.role is not None else 0)


class FillThreshold(Threshold):
    """A minimum fill rate (after fill rules): warn or fail when fewer cells are filled than this
    share of rows (or this number of rows)."""

    column: str | None = Field(None, description="A column name.")
    role: Literal[ROLES] | None = Field(None, description="Every column with this role.")  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _one_target(self) -> FillThreshold:
        if (self.column is None) == (self.role is None):
            raise ValueError("give exactly one of `column` or `role`")
        if self.warn is None and self.fail is None:
            raise ValueError("give `warn`, `fail` or both")
        return self


def _fail_shorthand(value: Any) -> Any:
    """``max_duplicate_share: 10%`` means ``{fail: 10%}``."""
    return {"fail": value} if isinstance(value, str | int | float) and not isinstance(value, bool) else value


def _any_error_fails() -> Threshold:
    return Threshold(fail=Limit(0, share=False))


class Gate(_Strict):
    """The quality gate (`gate:` in a rules file). See docs/report.md."""

    default: Threshold | None = Field(
        default_factory=_any_error_fails,
        description="Thresholds for error checks that no `checks` entry names; default `{fail: 0}`: any "
        "error fails. `null` lets them pass (they are still reported).",
    )
    checks: list[CheckThreshold] = Field(
        default_factory=list,
        description="Per rule and/or column: `{rule: email, column: email, warn: 1%, fail: 5%}`. When "
        "several entries name a check, the most specific decide: rule and column, then rule and role, "
        "rule or column, role, and `*` last.",
    )
    min_fill_rate: list[FillThreshold] = Field(
        default_factory=list, description="Minimum fill rates: `{role: email, warn: 95%, fail: 80%}`."
    )
    max_duplicate_share: Annotated[Threshold | None, BeforeValidator(_fail_shorthand)] = Field(
        None,
        description="Duplicate records (beyond one per cluster) as a share of records, when the command "
        "dedupes: `{warn: 5%, fail: 20%}`, or `20%` for fail only.",
    )
    baseline_tolerance: LimitValue = Field(
        Limit(0.005, share=True),
        description="With --baseline: how many percentage points a rate may worsen before it is a "
        "regression (default 0.5%).",
    )

    @field_validator("baseline_tolerance")
    @classmethod
    def _tolerance_is_share(cls, value: Limit) -> Limit:
        if not value.share:
            raise ValueError("baseline_tolerance is a share of rows, like '0.5%'")
        return value


def default_gate(*, quarantine: bool = False) -> Gate:
    """The gate when none is configured: any error finding fails. With ``quarantine`` (rows with errors
    went to a rejects file), errors only warn."""
    if quarantine:
        return Gate(default=Threshold(warn=Limit(0, share=False)))
    return Gate()


# --- command-line thresholds ----------------------------------------------------------------------

FLAG_HELP = (
    "SELECTOR=LIMIT, repeatable. SELECTOR: RULE, RULE:COLUMN, *:COLUMN, * (every check), "
    "fill:COLUMN_OR_ROLE (minimum fill rate), fixed or fixed:COLUMN_OR_ROLE (repaired cells), "
    "normalize:STEP[:COLUMN] (one repair step) or duplicates; LIMIT: a share like 5% or a number of rows."
)


def with_flags(
    gate: Gate | None,
    *,
    fail: list[str] | None = None,
    warn: list[str] | None = None,
    tolerance: str | None = None,
) -> Gate | None:
    """``gate`` (from the rules file, or None) with command-line thresholds applied. A flag replaces
    the same kind of limit on an entry with the same selector, or adds an entry. Returns None when
    there is neither a gate nor a flag (the caller then uses :func:`default_gate`)."""
    if gate is None and not fail and not warn and tolerance is None:
        return None
    out = (gate or Gate()).model_copy(deep=True)
    for kind, specs in (("fail", fail or []), ("warn", warn or [])):
        for spec in specs:
            _apply_flag(out, kind, spec)
    if tolerance is not None:
        limit = _flag_limit(tolerance, "--baseline-tolerance", tolerance)
        if not limit.share:
            raise UsageError(f"--baseline-tolerance {tolerance!r}: give percentage points, like 0.5%")
        out.baseline_tolerance = limit
    return out


def _flag_limit(text: str, flag: str, spec: str) -> Limit:
    try:
        return parse_limit(text)
    except ValueError as err:
        raise UsageError(f"{flag} {spec!r}: {err}") from None


def _apply_flag(gate: Gate, kind: str, spec: str) -> None:
    flag = f"--gate-{kind}"
    selector, eq, raw = spec.rpartition("=")
    selector = selector.strip()
    if not eq or not selector:
        raise UsageError(
            f"{flag} {spec!r}: expected SELECTOR=LIMIT", hint="e.g. email=5% or phone:Телефон=10"
        )
    limit = _flag_limit(raw, flag, spec)
    if selector == "duplicates":
        gate.max_duplicate_share = (gate.max_duplicate_share or Threshold()).model_copy(update={kind: limit})
        return
    if selector.startswith("fill:"):
        name = selector.removeprefix("fill:").strip()
        fill_target = {"role": name} if name in ROLES else {"column": name}
        _upsert(gate.min_fill_rate, FillThreshold, fill_target, kind, limit)
        return
    if selector == "fixed" or selector.startswith("fixed:"):
        name = selector.removeprefix("fixed").removeprefix(":").strip()
        target: dict[str, str | None] = {"rule": None, "column": None, "role": None, "severity": "fixed"}
        if name and name != "*":
            target["role" if name in ROLES else "column"] = name
        _upsert(gate.checks, CheckThreshold, target, kind, limit)
        return
    prefix = "normalize:" if selector.startswith("normalize:") else ""  # a repair rule: normalize:STEP
    rule, colon, column = selector.removeprefix(prefix).partition(":")
    rule = prefix + rule
    target = {"rule": rule.strip() or "*", "column": None, "role": None, "severity": None}
    if colon and column.strip() and column.strip() != "*":
        target["column"] = column.strip()
    _upsert(gate.checks, CheckThreshold, target, kind, limit)


def _upsert(entries: list, model: type[BaseModel], target: dict, kind: str, limit: Limit) -> None:
    for i, entry in enumerate(entries):
        if all(getattr(entry, k) == v for k, v in target.items()):
            entries[i] = entry.model_copy(update={kind: limit})
            return
    entries.append(model(**target, **{kind: limit}))


# --- evaluation -----------------------------------------------------------------------------------
