"""Judging a Report against the quality gate (crmclean.rules.gate holds the gate's model): the
verdict is pass, warn or fail; `validate` exits 1 on fail (0 with ``--no-fail``), 0 otherwise.

Everything is measured in rows: a check's *rate* is the share of input rows with at least one finding
of that check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypedDict

from crmclean.errors import ExitCode
from crmclean.report.baseline import Baseline
from crmclean.report.text import pct, rows_text
from crmclean.rules.gate import (
    EPS,
    RANK,
    CheckThreshold,
    Gate,
    Limit,
    Status,
    Threshold,
    default_gate,
)

if TYPE_CHECKING:
    from crmclean.report.model import CheckStats, Report


class _CheckMeasure(TypedDict):
    """What a check's GateItem says about the check itself, whatever the verdict."""

    kind: Literal["check"]
    rule: str
    column: str
    rows: int
    rate: float


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
    verdict: Status = max((i.status for i in items), key=RANK.__getitem__, default="pass")
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
    base: _CheckMeasure = {
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
        if before is not None and check.rate > before + tol + EPS:
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
        if before is not None and col.fill_rate < before - tol - EPS:
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
    if dup is not None and before is not None and dup.share > before + tol + EPS:
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
