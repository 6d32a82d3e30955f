"""The terminal report (Rich): a summary panel, the columns, findings by rule with masked examples,
duplicate clusters, the gate, and the quality score before and after.

Every value from the data goes through ``Text`` (never markup), so a cell like ``[red]`` prints as it
is. Width and colour come from the Console the caller passes: the CLI's honours ``NO_COLOR`` and the
terminal width; :func:`render_human` gives plain text of a fixed width (for files and tests).
"""

from __future__ import annotations

import io

from rich.box import SIMPLE_HEAD
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from crmclean.dedupe.summary import DedupeSummary
from crmclean.report.model import Report
from crmclean.report.text import decisions_text, pct

STYLE = {
    "pass": "green",
    "warn": "yellow",
    "fail": "bold red",
    "error": "red",
    "warning": "yellow",
    "fixed": "cyan",
}
VERDICT = {"pass": "PASS", "warn": "PASS with warnings", "fail": "FAIL"}
MAX_GROUPS = 30
MAX_GATE_ITEMS = 30


def print_report(report: Report, console: Console) -> None:
    console.print(summary_panel(report))
    console.print(columns_table(report))
    if report.groups:
        console.print(findings_table(report))
    if report.duplicates is not None and report.duplicates.largest:
        console.print(clusters_table(report))
    if report.gate.items:
        console.print(gate_table(report))


def render_human(report: Report, *, width: int = 100, color: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        emoji=False,
    )
    print_report(report, console)
    return buffer.getvalue()


def _line(label: str, *parts: str | Text) -> Text:
    text = Text(f"{label:<12}", style="bold")
    for part in parts:
        text.append(part)
    return text


def verdict_text(report: Report) -> Text:
    gate = report.gate
    text = Text(VERDICT[gate.verdict], style=STYLE[gate.verdict])
    details = []
    if gate.failures:
        details.append(f"{len(gate.failures)} failed")
    if gate.warnings:
        details.append(f"{len(gate.warnings)} warning{'s' if len(gate.warnings) != 1 else ''}")
    if details:
        text.append(" (" + ", ".join(details) + ")")
    return text


def summary_panel(report: Report) -> Panel:
    src = report.source
    title = Text(f"crmclean · {src.name}")
    detail = ", ".join(
        x for x in (src.format, src.encoding, f"delimiter {src.delimiter!r}" if src.delimiter else None) if x
    )
    rows = [f"{report.rows:,} in"]
    if report.rows_cleaned is not None:
        rows.append(f"{report.rows_cleaned:,} cleaned")
    if report.rows_rejected is not None:
        rows.append(f"{report.rows_rejected:,} rejected")
    c = report.counts
    lines = [
        _line("source", Text(detail)),
        *(_line("read", Text(note)) for note in src.notes),
        _line("rows", " · ".join(rows)),
        _line(
            "findings",
            f"{c['errors']:,} errors in {c['rows_with_errors']:,} rows · {c['warnings']:,} warnings · "
            f"{c.get('fixed', 0):,} repairs (fixed)",
        ),
    ]
    lines.append(_line("changes", f"{report.cells_changed:,} cells filled or normalized"))
    if report.dns is not None:
        lines.append(_line("dns", f"email domains {report.dns.summary()}"))
    dup = report.duplicates
    if dup is not None:
        lines.append(
            _line(
                "duplicates",
                f"{dup.duplicate_records:,} duplicate records found in "
                f"{dup.clusters_with_duplicates:,} clusters ({pct(dup.share)} of {dup.records:,})",
            )
        )
        if dup.decisions is not None:
            lines.append(_line("decisions", Text(decisions_text(dup.decisions))))
    q = report.quality
    lines.append(_line("quality", f"{pct(q.before)} → {pct(q.after)} of cells ready (before → after)"))
    lines.append(_line("gate", verdict_text(report)))
    if not report.values_masked:
        lines.append(_line("values", Text("shown unmasked (--show-values)", style="yellow")))
    return Panel(Group(*lines), title=title, title_align="left", expand=False)


def columns_table(report: Report) -> Table:
    table = Table(title="Columns", title_justify="left", box=SIMPLE_HEAD, expand=False)
    table.add_column("column", style="bold", overflow="fold")
    table.add_column("role", overflow="fold")
    table.add_column("filled", justify="right", no_wrap=True)
    table.add_column("valid", justify="right", no_wrap=True)
    table.add_column("repaired", justify="right", no_wrap=True)
    table.add_column("top problems", overflow="fold")
    for col in report.columns:
        filled = Text(pct(col.fill_rate), style="yellow" if col.fill_rate < 0.5 else "")
        if col.filled != col.filled_before:
            filled = Text(f"{pct(col.fill_rate_before)} → ") + filled
        valid = col.valid_rate
        valid_text = Text(pct(valid), style="" if valid is None or valid >= 0.95 else "yellow")
        problems = "\n".join(f"{p.message} ({p.count:,})" for p in col.top_problems)
        repaired = Text(f"{col.fixed_rows:,}" if col.fixed_rows else "-")
        table.add_row(Text(col.column), Text(col.role or "-"), filled, valid_text, repaired, Text(problems))
    return table


def check_label(rule: str, column: str) -> str:
    """``email`` when the rule is named after its column, else ``rule · column``."""
    return rule if rule == column else f"{rule} · {column}"


def findings_table(report: Report) -> Table:
    groups = report.groups
    title = "Findings by rule"
    if len(groups) > MAX_GROUPS:
        title += f" (first {MAX_GROUPS} of {len(groups)} kinds; --format json has all)"
    table = Table(title=title, title_justify="left", box=SIMPLE_HEAD, expand=False)
    table.add_column("check", overflow="fold")
    table.add_column("severity", no_wrap=True)
    table.add_column("count", justify="right", no_wrap=True)
    table.add_column("row", justify="right", no_wrap=True)
    table.add_column("message", overflow="fold", min_width=16)
    table.add_column("examples", overflow="fold", min_width=12)
    for g in sorted(groups[:MAX_GROUPS], key=lambda g: (g.severity == "fixed", g.rule, -g.count, g.column)):
        table.add_row(
            Text(check_label(g.rule, g.column)),
            Text(g.severity, style=STYLE.get(g.severity, "")),
            f"{g.count:,}",
            f"{g.first_row}",
            Text(g.message),
            Text("\n".join(g.examples)),
        )
    return table


def clusters_table(report: Report) -> Table:
    dup = report.duplicates
    assert dup is not None
    table = Table(title="Largest duplicate clusters", title_justify="left", box=SIMPLE_HEAD, expand=False)
    table.add_column("cluster", overflow="fold")
    table.add_column("size", justify="right", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("matched on", overflow="fold")
    table.add_column("examples", overflow="fold")
    for c in sorted(dup.largest, key=lambda c: (-c.size, c.cluster_id)):
        table.add_row(
            Text(str(c.cluster_id)),
            f"{c.size:,}",
            f"{c.score:.2f}",
            Text(", ".join(c.matched_on)),
            Text("; ".join(c.examples)),
        )
    return table


def gate_table(report: Report) -> Table:
    items = sorted(report.gate.items, key=lambda i: -{"fail": 2, "warn": 1, "pass": 0}[i.status])
    title = Text("Gate: ") + verdict_text(report)
    if len(items) > MAX_GATE_ITEMS:
        title.append(f" (first {MAX_GATE_ITEMS} of {len(items)})")
    table = Table(title=title, title_justify="left", box=SIMPLE_HEAD, expand=False)
    table.add_column("status", no_wrap=True)
    table.add_column("check", overflow="fold")
    table.add_column("result", overflow="fold")
    for item in items[:MAX_GATE_ITEMS]:
        if item.rule and item.column:
            what = check_label(item.rule, item.column)
        else:
            what = item.rule or item.column or ""
        if item.kind != "check":
            what = f"{item.kind} {what}".strip()
        table.add_row(
            Text(item.status, style=STYLE[item.status]), Text(what or item.kind), Text(item.message)
        )
    return table


def dedupe_line(dup: DedupeSummary, name: str) -> str:
    """`crmclean dedupe`'s one line on stderr: counts, link statuses, evidence, decisions, skipped blocks."""
    line = (
        f"{name}: {dup.records:,} rows · {dup.duplicate_records:,} duplicates in "
        f"{dup.clusters_with_duplicates:,} clusters · {dup.pairs_compared:,} pairs compared"
    )
    if dup.link:
        line += (
            f" · {dup.link['existing']:,} existing customers, {dup.link['review']:,} to review, "
            f"{dup.link['new']:,} new"
        )
    if dup.evidence:
        line += f" · evidence: {dup.evidence}"
    if dup.decisions:
        line += f" · decisions: {decisions_text(dup.decisions)}"
    if dup.skipped_blocks:
        skipped = ", ".join(f"{k} {v:,}" for k, v in dup.skipped_blocks.items())
        line += f" · blocks over the size cap skipped: {skipped}"
    return line
