"""The quality gate: warn and fail thresholds from the rules file (``gate:``) and the command line,
judged against a Report. The verdict is pass, warn or fail; `validate` exits 1 on fail (0 with
``--no-fail``), 0 otherwise.

Everything is measured in rows: a check's *rate* is the share of input rows with at least one finding
of that check. A limit is a share (``"5%"``) or a number of rows (``10``); warn and fail trip when the
measure is *above* the limit (below it, for ``min_fill_rate``). Without a ``gate:`` section, any error
finding fails, as `validate` always did; a configured threshold replaces that rule for the checks it
names, and ``default`` sets it for the rest.

Repairs (findings of severity ``fixed``: what fill and normalize changed) are judged only by entries
that select them, ``{severity: fixed, role: email, fail: 5%}`` or ``--gate-fail fixed:email=5%``, or
that name their rule (``normalize:email``) exactly; a wildcard or ``default`` never fails a repair.

Models here must not import crmclean.rules.model (which imports this module for ``Rules.gate``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal

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

from crmclean.errors import ExitCode, UsageError
from crmclean.report.baseline import Baseline
from crmclean.schema import ROLES

if TYPE_CHECKING:
    from crmclean.report.model import CheckStats, Report

Status = Literal["pass", "warn", "fail"]
RANK: dict[str, int] = {"pass": 0, "warn": 1, "fail": 2}
_EPS = 1e-9


def pct(rate: float | None) -> str:
    """0.0123 -> '1.2 %'; shares of exactly 0 or 1 print without decimals."""
    if rate is None:
        return "-"
    if rate in (0, 1):
        return f"{rate * 100:.0f} %"
    return f"{rate * 100:.1f} %"


def rows_text(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


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
        return rate > self.amount + _EPS if self.share else rows > self.amount

    def below(self, rows: int, rate: float) -> bool:
        return rate < self.amount - _EPS if self.share else rows < self.amount


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
        target = {"role": name} if name in ROLES else {"column": name}
        _upsert(gate.min_fill_rate, FillThreshold, target, kind, limit)
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


@dataclass
class GateItem:
    """One judged measure. ``kind``: check, fill, duplicates or baseline."""

    kind: Literal["check", "fill", "duplicates", "baseline"]
    status: Status
    message: str
    rule: str | None = None
    column: str | None = None
    rows: int | None = None
    rate: float | None = None
    limit: str | None = None


@dataclass
class GateResult:
    verdict: Status
    items: list[GateItem] = field(default_factory=list)
    baseline: str | None = None  # where the baseline came from, when one was compared

    @property
    def failures(self) -> list[GateItem]:
        return [i for i in self.items if i.status == "fail"]

    @property
    def warnings(self) -> list[GateItem]:
        return [i for i in self.items if i.status == "warn"]

    def status_of(self, rule: str, column: str) -> Status:
        """The verdict on one (rule, column) check, baseline regressions included."""
        found = [
            i.status
            for i in self.items
            if i.kind in ("check", "baseline") and (i.rule, i.column) == (rule, column)
        ]
        return max(found, key=RANK.__getitem__, default="pass")

    def exit_code(self, *, no_fail: bool = False) -> ExitCode:
        return ExitCode.GATE_FAILED if self.verdict == "fail" and not no_fail else ExitCode.OK


def judge(
    threshold: Threshold, rows: int, rate: float, *, minimum: bool = False
) -> tuple[Status, Limit | None]:
    """Status of a measure against a threshold, and the limit that decided it."""
    for status, limit in (("fail", threshold.fail), ("warn", threshold.warn)):
        if limit is not None and (limit.below(rows, rate) if minimum else limit.above(rows, rate)):
            return status, limit  # type: ignore[return-value]
    return "pass", threshold.fail or threshold.warn


def evaluate_gate(report: Report, gate: Gate | None = None, baseline: Baseline | None = None) -> GateResult:
    """Judge ``report`` against ``gate`` (None: :func:`default_gate`) and, optionally, a baseline."""
    gate = gate or default_gate()
    roles = {c.column: c.role for c in report.columns}
    items = [item for check in report.checks if (item := _judge_check(check, gate, roles))]
    items += _unmatched(report, gate, roles)
    items += _judge_fill(report, gate)
    items += _judge_duplicates(report, gate)
    if baseline is not None:
        items += compare_baseline(report, baseline, gate.baseline_tolerance)
    verdict = max((i.status for i in items), key=RANK.__getitem__, default="pass")
    return GateResult(verdict, items, baseline.origin if baseline is not None else None)


def _matches(entry: CheckThreshold, check: CheckStats, roles: dict[str, str | None]) -> bool:
    if entry.severity is not None and entry.severity != check.severity:
        return False
    if check.severity == "fixed" and entry.severity is None and entry.rule != check.rule:
        return False  # repairs are judged by entries that ask for them
    if entry.rule not in (None, "*") and entry.rule != check.rule:
        return False
    if entry.column is not None and entry.column != check.column:
        return False
    return entry.role is None or roles.get(check.column) == entry.role


def _unmatched(report: Report, gate: Gate, roles: dict[str, str | None]) -> list[GateItem]:
    """A `checks` entry that names no check of this run is most likely a typo: warn about it."""
    items = []
    for entry in gate.checks:
        every_repair = entry.severity is not None and entry.rule is entry.column is entry.role is None
        every = entry.rule == "*" or every_repair
        if not every and not any(_matches(entry, c, roles) for c in report.checks):
            message = f"no check of this run matches the gate entry `{entry.label()}` (a typo?)"
            items.append(
                GateItem("check", "warn", message, rule=entry.rule, column=entry.column or entry.role)
            )
    return items


def _judge_check(check: CheckStats, gate: Gate, roles: dict[str, str | None]) -> GateItem | None:
    entries = [e for e in gate.checks if _matches(e, check, roles)]
    top = max((e.specificity() for e in entries), default=0)
    entries = [e for e in entries if e.specificity() == top]  # the most specific decide, strictest first
    what = "repaired" if check.severity == "fixed" else "with findings"
    measured = f"{rows_text(check.rows)} ({pct(check.rate)}) {what}"
    base = {
        "kind": "check",
        "rule": check.rule,
        "column": check.column,
        "rows": check.rows,
        "rate": check.rate,
    }
    if entries and (check.rows or top > 0):  # a wildcard does not list checks without findings
        judged = [judge(e, check.rows, check.rate) for e in entries]
        status, limit = max(judged, key=lambda sl: RANK[sl[0]])
        return GateItem(
            status=status, message=_verdict_text(measured, status, limit), limit=_str(limit), **base
        )
    if check.rows == 0 or check.severity == "fixed":  # a repair no entry asks about is reported only
        return None
    if check.severity == "error" and gate.default is not None:
        status, limit = judge(gate.default, check.rows, check.rate)
        if status != "pass" and limit == Limit(0, share=False):
            message = f"{measured}; any error {status}s"
        else:
            message = _verdict_text(measured, status, limit)
        return GateItem(status=status, message=message, limit=_str(limit), **base)
    status = "warn" if check.severity == "warning" or gate.default is None else "pass"
    return GateItem(status=status, message=f"{measured} ({check.severity}s)", **base)


def _verdict_text(measured: str, status: str, limit: Limit | None) -> str:
    if limit is None:
        return measured
    if status == "pass":
        return f"{measured}; within {limit}"
    return f"{measured}; {status} above {limit}"


def _str(limit: Limit | None) -> str | None:
    return None if limit is None else str(limit)


def _judge_fill(report: Report, gate: Gate) -> list[GateItem]:
    items = []
    for entry in gate.min_fill_rate:
        if entry.column is not None:
            columns = [c for c in report.columns if c.column == entry.column]
            what = f"column {entry.column!r}"
        else:
            columns = [c for c in report.columns if c.role == entry.role]
            what = f"column with role {entry.role}"
        if not columns:
            status: Status = "fail" if entry.fail is not None else "warn"
            items.append(
                GateItem("fill", status, f"no {what} in the file", column=entry.column or entry.role)
            )
            continue
        for col in columns:
            status, limit = judge(entry, col.filled, col.fill_rate, minimum=True)
            measured = f"{col.column}: {pct(col.fill_rate)} filled ({col.filled:,} of {col.rows:,} rows)"
            if limit is not None:
                measured += f"; {status} below {limit}" if status != "pass" else f"; minimum {limit}"
            items.append(
                GateItem(
                    "fill",
                    status,
                    measured,
                    column=col.column,
                    rows=col.filled,
                    rate=col.fill_rate,
                    limit=_str(limit),
                )
            )
    return items


def _judge_duplicates(report: Report, gate: Gate) -> list[GateItem]:
    if gate.max_duplicate_share is None:
        return []
    dup = report.duplicates
    if dup is None:
        return [GateItem("duplicates", "pass", "duplicate share not measured (this command does not dedupe)")]
    status, limit = judge(gate.max_duplicate_share, dup.duplicate_records, dup.share)
    measured = f"{dup.duplicate_records:,} duplicate records ({pct(dup.share)} of {dup.records:,})"
    return [
        GateItem(
            "duplicates",
            status,
            _verdict_text(measured, status, limit),
            rows=dup.duplicate_records,
            rate=dup.share,
            limit=_str(limit),
        )
    ]


def compare_baseline(report: Report, baseline: Baseline, tolerance: Limit) -> list[GateItem]:
    """Regressions against a baseline: a check's rate rose, a fill rate fell, or the duplicate share
    rose, by more than ``tolerance`` (percentage points). Checks new since the baseline are skipped."""
    tol = tolerance.amount
    note = f"(baseline {baseline.origin}; tolerance {tolerance} points)"
    items = []
    for check in report.checks:
        if check.severity == "fixed":  # more repairs is not a regression of the data's quality
            continue
        before = baseline.checks.get((check.rule, check.column))
        if before is not None and check.rate > before + tol + _EPS:
            items.append(
                GateItem(
                    "baseline",
                    "fail",
                    f"{check.rule} findings on {check.column} rose from {pct(before)} to {pct(check.rate)} "
                    f"of rows {note}",
                    rule=check.rule,
                    column=check.column,
                    rows=check.rows,
                    rate=check.rate,
                    limit=pct(before),
                )
            )
    for col in report.columns:
        before = baseline.fill.get(col.column)
        if before is not None and col.fill_rate < before - tol - _EPS:
            items.append(
                GateItem(
                    "baseline",
                    "fail",
                    f"fill rate of {col.column} fell from {pct(before)} to {pct(col.fill_rate)} {note}",
                    column=col.column,
                    rows=col.filled,
                    rate=col.fill_rate,
                    limit=pct(before),
                )
            )
    dup, before = report.duplicates, baseline.duplicate_share
    if dup is not None and before is not None and dup.share > before + tol + _EPS:
        items.append(
            GateItem(
                "baseline",
                "fail",
                f"duplicate share rose from {pct(before)} to {pct(dup.share)} {note}",
                rows=dup.duplicate_records,
                rate=dup.share,
                limit=pct(before),
            )
        )
    return items
