"""The Report: everything a quality report shows, computed once from the pipeline's results.

Every renderer (console, json, junit, markdown, github, html) is a view of this object; none of them
looks at the data again. The Report is built from the findings table, the change log and the two
frames (as read, and after fill and normalize), plus the dedupe summary when there is one
(:class:`crmclean.dedupe.summary.DedupeSummary`, the one type every view of a dedupe reads).

Personal values appear only in examples, masked unless ``show_values``.

Definitions
-----------
- **filled**: a cell that is not null and not blank.
- **fixed**: a finding for a repair fill or normalize made (crmclean.validate.findings.repairs): one per
  changed cell and step, unless the change was cosmetic (whitespace, Unicode form, letter case only).
  Never an error: it sends no row to rejects and the gate judges it only where an entry names it.
- **valid rate** of a column: the share of its filled cells (after fill and normalize) with no error
  or warning finding on that column (a repaired cell is valid).
- **check**: one rule on one column (or column combination), as in the findings' ``rule`` and
  ``column``; its **rate** is the share of input rows with at least one of its findings.
- **quality score**: the share of *ready* cells among the cells of the columns with a role (rows x
  such columns). *After*: a cell is ready when it is filled and has no error or warning finding.
  *Before*: when it was filled in the input as read, needed no repair (no ``fixed`` finding) and has
  no error or warning finding. So the score shows what the repairs won, and what is left to fix;
  after >= before always.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from crmclean import __version__
from crmclean.dedupe.summary import DedupeSummary
from crmclean.fill import rule_id as fill_rule_id
from crmclean.mask import mask_finding_value
from crmclean.report.gate import GateResult, evaluate_gate
from crmclean.report.text import pct
from crmclean.rules.gate import Gate
from crmclean.tally import PROBLEMS, SEVERITY_RANK, Tally, constituents  # noqa: F401 (constituents: for callers)

if TYPE_CHECKING:
    from crmclean.context import Context
    from crmclean.io.read import Table
    from crmclean.pipeline import Cleaned, Validated
    from crmclean.report.baseline import Baseline
    from crmclean.rules.model import Rules

SCHEMA = "crmclean.report/1"
TOP_PROBLEMS = 3
EXAMPLES = 3

QUALITY_DEFINITION = (
    "share of cells in columns with a role that are filled and have no error or warning finding; "
    "before: also needed no repair (no fixed finding)"
)


# --- the report -----------------------------------------------------------------------------------


@dataclass
class Source:
    name: str
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)  # what the reader decided: code page, line endings...


@dataclass
class Problem:
    message: str
    count: int


@dataclass
class ColumnStats:
    column: str
    role: str | None
    rows: int
    filled_before: int  # filled in the input as read
    filled: int  # filled after fill and normalize
    flagged: int  # filled cells with an error or warning finding on this column
    errors: int  # error findings on this column (including multi-column checks that name it)
    warnings: int
    top_problems: list[Problem] = field(default_factory=list)  # error and warning messages
    fixed: int = 0  # cells fill or normalize repaired (fixed findings; a cell once per step)
    fixed_rows: int = 0  # cells with at least one repair
    valid_before: int | None = None  # filled as read, needed no repair, no error or warning finding

    @property
    def valid_rate_before(self) -> float | None:
        """Share of the cells filled as read that were valid as they were (no repair needed, no
        error or warning finding); None when nothing was filled or it was not measured."""
        if self.valid_before is None or not self.filled_before:
            return None
        return self.valid_before / self.filled_before

    @property
    def fixed_rate(self) -> float:
        """Share of rows whose cell in this column was repaired."""
        return self.fixed_rows / self.rows if self.rows else 0.0

    @property
    def fill_rate_before(self) -> float:
        return self.filled_before / self.rows if self.rows else 0.0

    @property
    def fill_rate(self) -> float:
        return self.filled / self.rows if self.rows else 0.0

    @property
    def valid_rate(self) -> float | None:
        """Share of filled cells with no finding; None when nothing is filled."""
        return (self.filled - self.flagged) / self.filled if self.filled else None


@dataclass
class FindingGroup:
    """Findings with the same column, rule, severity and message (crmclean.tally)."""

    column: str
    rule: str
    severity: str
    message: str
    count: int
    first_row: int
    examples: list[str]


@dataclass
class CheckStats:
    """One rule on one column (or combination): the unit of the gate, JUnit test cases and baselines."""

    rule: str
    column: str
    severity: str  # the check's severity (the worst, if one name is used at two severities)
    count: int  # findings
    rows: int  # input rows with at least one finding
    rate: float  # rows / input rows
    groups: list[FindingGroup] = field(default_factory=list)  # by message, most findings first

    @property
    def message(self) -> str | None:
        return self.groups[0].message if self.groups else None

    @property
    def examples(self) -> list[str]:
        """Examples of :attr:`message` only: a value shown beside a message is one that message is
        about (the other messages have theirs in :attr:`groups`)."""
        return self.groups[0].examples[:EXAMPLES] if self.groups else []


@dataclass
class DnsCheck:
    """With settings.check_dns: the unique email domains looked up, and what DNS said."""

    domains: int  # unique domains looked up
    missing: int = 0  # do not exist, or accept no email (their addresses are errors)
    unavailable: int = 0  # no answer from DNS: not verified (their addresses get warnings)

    def summary(self) -> str:
        text = f"checked: {self.domains:,} domain{'s' if self.domains != 1 else ''} looked up"
        parts = []
        if self.missing:
            parts.append(f"{self.missing:,} do not exist or take no email")
        if self.unavailable:
            parts.append(f"{self.unavailable:,} not verified (DNS unavailable)")
        return text + (f" ({'; '.join(parts)})" if parts else "")


@dataclass
class ChangeCount:
    """Cells one step of fill or normalize changed in one column (from the change log)."""

    column: str
    step: str  # the change log's rule: ``normalize:phone_e164``, ``fill:...``
    cells: int
    cosmetic: bool = False  # whitespace, Unicode form or letter case only: never a `fixed` finding


@dataclass
class Quality:
    cells: int
    ready_before: int
    ready_after: int
    definition: str = QUALITY_DEFINITION

    @property
    def before(self) -> float:
        return self.ready_before / self.cells if self.cells else 1.0

    @property
    def after(self) -> float:
        return self.ready_after / self.cells if self.cells else 1.0


@dataclass
class Report:
    source: Source
    rows: int
    rows_cleaned: int | None
    rows_rejected: int | None
    counts: dict[str, int]  # findings, errors, warnings, fixed, rows_with_errors
    columns: list[ColumnStats]
    checks: list[CheckStats]
    quality: Quality
    cells_changed: int = 0  # distinct cells fill or normalize changed
    duplicates: DedupeSummary | None = None
    gate: GateResult = field(default_factory=lambda: GateResult("pass"))
    values_masked: bool = True
    dns: DnsCheck | None = None  # None: domains were not looked up (no --check-dns)
    generator: str = f"crmclean {__version__}"
    region: dict[str, Any] | None = None  # crmclean.region.RegionInference.as_dict(): rows without a country
    changes: list[ChangeCount] = field(default_factory=list)  # by column and step, most cells first

    @property
    def verdict(self) -> str:
        return self.gate.verdict

    def exit_code(self, *, no_fail: bool = False) -> int:
        return int(self.gate.exit_code(no_fail=no_fail))

    def render(self, fmt: str = "human", *, width: int = 100, color: bool = False) -> str:
        """This report as text in ``fmt``: human, json, junit, markdown, github or html."""
        from crmclean.report.formats import render

        return render(self, fmt, width=width, color=color)

    def summary_rows(self) -> list[tuple[str, str]]:
        """The summary as (label, value) text pairs, shared by the Markdown and HTML tables."""
        c = self.counts
        rows = [("rows in", f"{self.rows:,}")]
        if self.source.notes:
            rows.append(("how it was read", "; ".join(self.source.notes)))
        if self.rows_cleaned is not None:
            rows.append(("rows cleaned", f"{self.rows_cleaned:,}"))
        if self.rows_rejected is not None:
            rows.append(("rows rejected", f"{self.rows_rejected:,}"))
        rows += [
            ("errors", f"{c['errors']:,} in {c['rows_with_errors']:,} rows"),
            ("warnings", f"{c['warnings']:,}"),
            ("repairs (fixed)", f"{c.get('fixed', 0):,}"),
            ("cells filled or normalized", f"{self.cells_changed:,}"),
        ]
        if self.dns is not None:
            rows.append(("email domains (DNS)", self.dns.summary()))
        dup = self.duplicates
        if dup is not None:
            rows.append(
                (
                    "duplicates found",
                    f"{dup.duplicate_records:,} in {dup.clusters_with_duplicates:,} clusters "
                    f"({pct(dup.share)}; {dup.evidence} evidence)",
                )
            )
        rows.append(("quality (cells ready)", f"{pct(self.quality.before)} → {pct(self.quality.after)}"))
        if self.region is not None and self.region.get("rows_without_country"):
            rows.append(("region of rows without a country", self.region["summary"]))
        return rows

    @property
    def groups(self) -> list[FindingGroup]:
        """Every finding group: errors and warnings first, then repairs; most findings first."""
        out = [g for c in self.checks for g in c.groups]
        return sorted(out, key=lambda g: (g.severity == "fixed", -g.count, g.column, g.rule, g.message))


def build_report(
    result: Validated | Cleaned,
    *,
    rules: Rules | None = None,
    duplicates: DedupeSummary | None = None,
    show_values: bool = False,
    gate: Gate | None = None,
    baseline: Baseline | None = None,
    rows_cleaned: int | None = None,
    rows_rejected: int | None = None,
) -> Report:
    """The report of one run held in memory: the tally of its one frame (crmclean.tally), reported.

    ``result``: what ``pipeline.check_table`` (Validated) or ``pipeline.clean`` (Cleaned) returned;
    rows cleaned and rejected come from a Cleaned unless given. Other arguments as
    :func:`report_from_tally`.
    """
    validated = cast("Validated", getattr(result, "validated", result))
    if hasattr(result, "cleaned"):
        cleaned = cast("Cleaned", result)
        rows_cleaned = cleaned.cleaned.height if rows_cleaned is None else rows_cleaned
        rows_rejected = cleaned.rejected.height if rows_rejected is None else rows_rejected
    prepared = validated.prepared
    table = prepared.table
    columns = [c for c in table.columns if c in prepared.frame.columns]
    tally = Tally.of(table.frame, prepared.frame, validated.findings, prepared.changes, columns)
    return report_from_tally(
        tally,
        table,
        prepared.ctx,
        rules=rules,
        duplicates=duplicates,
        show_values=show_values,
        gate=gate,
        baseline=baseline,
        rows_cleaned=rows_cleaned,
        rows_rejected=rows_rejected,
    )


def report_from_tally(
    tally: Tally,
    table: Table,
    ctx: Context,
    *,
    rules: Rules | None = None,
    duplicates: DedupeSummary | None = None,
    show_values: bool = False,
    gate: Gate | None = None,
    baseline: Baseline | None = None,
    rows_cleaned: int | None = None,
    rows_rejected: int | None = None,
) -> Report:
    """The report of a run from its merged tally (one frame or many batches give the same report).

    ``table``: the source's name, format, encoding and reader notes; ``ctx``: the run's roles.
    ``rules``: the rules that ran, so checks without findings are listed too (as passing JUnit test
    cases and baseline entries). ``gate``: the configured gate (None: any error fails); ``baseline``:
    a previous run to compare rates with.
    """
    roles = {c: r for c, r in ctx.roles.items() if r}
    rows = tally.rows
    groups = []
    for (column, rule, severity, message), g in tally.sorted_groups():
        examples = list(g.examples)
        if not show_values:
            examples = [mask_finding_value(v, column, roles) for v in examples]  # type: ignore[misc]
        groups.append(FindingGroup(column, rule, severity, message, g.count, g.first_row, examples))
    planned = planned_checks(rules, ctx) if rules is not None else []
    column_stats, quality = _column_stats(tally, roles, groups)
    report = Report(
        source=Source(table.name, table.format, table.encoding, table.delimiter, list(table.notes)),
        rows=rows,
        rows_cleaned=rows_cleaned,
        rows_rejected=rows_rejected,
        counts=dict(tally.counts),
        columns=column_stats,
        checks=_checks(tally, groups, planned, rows),
        quality=quality,
        cells_changed=tally.cells_changed,
        duplicates=duplicates,
        values_masked=not show_values,
        dns=_dns(ctx),
        region=None if ctx.region_info is None else ctx.region_info.as_dict(),
        changes=change_counts(tally.changes_by),
    )
    report.gate = evaluate_gate(report, gate, baseline)
    return report


def _dns(ctx: Any) -> DnsCheck | None:
    if not ctx.settings.check_dns:
        return None
    book = getattr(ctx, "domains", None)
    if book is None:
        return DnsCheck(0)
    return DnsCheck(book.looked_up, book.missing, book.unavailable)


# --- checks ---------------------------------------------------------------------------------------

# Normalize steps whose changes are cosmetic by construction (whitespace, Unicode form, case): they
# never make a `fixed` finding, so they are not listed as checks.
COSMETIC_STEPS = frozenset({"trim", "collapse_whitespace", "nfc", "lower", "upper", "title_name"})


def planned_checks(rules: Rules, ctx: Any) -> list[tuple[str, str, str]]:
    """(rule, column, severity) of every check the rules ran on this file, labelled as the findings
    label them (crmclean.validate.checks): one column, ``a / b`` for required_any, ``a + b`` for
    unique. A check whose label drifts still shows, from its findings. Fill rules and normalize steps
    that can repair are listed too, as checks of severity ``fixed`` (rule: the change log's)."""
    out: list[tuple[str, str, str]] = []
    for fill in rules.fill:
        out.extend((fill_rule_id(fill), c, "fixed") for c in ctx.targets(fill.column, fill.role))
    for norm in rules.normalize:
        steps = [s for s in norm.steps if s not in COSMETIC_STEPS]
        out.extend((f"normalize:{s}", c, "fixed") for c in ctx.targets(norm.column, norm.role) for s in steps)
    for check in rules.validate_:
        name, tag = check.name or check.check, check.check
        columns = getattr(check, "columns", None)
        if columns is not None:
            resolved = ctx.resolve_many(columns)
            if resolved:
                out.append((name, (" / " if tag == "required_any" else " + ").join(resolved), check.severity))
            continue
        if tag == "phone_country" and ctx.first_of("country") is None:
            continue
        column, role = getattr(check, "column", None), getattr(check, "role", None)  # one-column checks
        out.extend((name, c, check.severity) for c in ctx.targets(column, role))
    return out


def _checks(
    tally: Tally, groups: list[FindingGroup], planned: list[tuple[str, str, str]], rows: int
) -> list[CheckStats]:
    by_key: dict[tuple[str, str], list[FindingGroup]] = {}
    for g in groups:
        by_key.setdefault((g.rule, g.column), []).append(g)
    names = {v: k for k, v in SEVERITY_RANK.items()}
    planned_severity: dict[tuple[str, str], str] = {}
    for rule, column, severity in planned:
        old = planned_severity.get((rule, column))
        if old is None or SEVERITY_RANK[severity] > SEVERITY_RANK[old]:
            planned_severity[(rule, column)] = severity
    out = []
    for (rule, column), stat in tally.sorted_checks():
        planned_rank = SEVERITY_RANK.get(planned_severity.get((rule, column), ""), 0)
        severity = names[max(stat.rank, planned_rank)]
        rate = stat.rows / rows if rows else 0.0
        out.append(
            CheckStats(rule, column, severity, stat.count, stat.rows, rate, by_key.get((rule, column), []))
        )
    seen = {(c.rule, c.column) for c in out}
    for (rule, column), severity in planned_severity.items():
        if (rule, column) not in seen:
            out.append(CheckStats(rule, column, severity, 0, 0, 0.0))
    return out


def change_counts(changes_by: dict[tuple[str, str], int]) -> list[ChangeCount]:
    """The change log counted by column and step (its ``rule``, from the run's tally): most cells
    first."""
    counted = sorted(changes_by.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1]))
    return [
        ChangeCount(column, rule, n, rule.removeprefix("normalize:") in COSMETIC_STEPS)
        for (column, rule), n in counted
    ]


# --- columns and quality --------------------------------------------------------------------------


def _column_stats(
    tally: Tally, roles: dict[str, str], groups: list[FindingGroup]
) -> tuple[list[ColumnStats], Quality]:
    rows = tally.rows
    stats, cells, ready_before, ready_after = [], 0, 0, 0
    for c in tally.columns:
        sums = tally.column_sums[c]
        problems = [Problem(g.message, g.count) for g in groups if g.column == c and g.severity in PROBLEMS]
        col = ColumnStats(
            column=c,
            role=roles.get(c),
            rows=rows,
            filled_before=sums["filled_before"],
            filled=sums["filled"],
            flagged=sums["flagged"],
            errors=sums["errors"],
            warnings=sums["warnings"],
            top_problems=problems[:TOP_PROBLEMS],
            fixed=sums["fixed"],
            fixed_rows=sums["fixed_rows"],
            valid_before=min(sums["untouched"], sums["filled_before"]),
        )
        stats.append(col)
        if c in roles or not roles:
            cells += rows
            ready_after += col.filled - col.flagged
            ready_before += sums["untouched"]
    return stats, Quality(cells, ready_before, ready_after)
