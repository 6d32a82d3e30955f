"""The Markdown report: a summary and tables for a CI job summary (``$GITHUB_STEP_SUMMARY``) or a
pull-request comment.

Text from the data or the rules is escaped so it renders as written: no table breaks (``|``), no
emphasis (the ``***`` of masked values), no HTML, no math. Examples are code spans, which also keeps
an ``@domain`` from turning into a mention.
"""

from __future__ import annotations

import re

from crmclean.report.model import Report
from crmclean.report.text import decisions_text, pct
from crmclean.rules.gate import RANK

ICON = {"pass": "✅", "warn": "⚠️", "fail": "❌"}
VERDICT = {"pass": "pass", "warn": "pass with warnings", "fail": "fail"}
MAX_ROWS = 50
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&$@])")


def text(value: object) -> str:
    """Plain text in a Markdown table cell: every character that could mean something is escaped."""
    flat = " ".join(str(value).split())
    return _SPECIAL.sub(r"\\\1", flat)


def code(value: str) -> str:
    """A code span that holds any text: a fence longer than any backtick run inside; pipes escaped
    (GitHub splits table cells before it parses code spans)."""
    flat = " ".join(value.split()).replace("|", "\\|")
    runs = [len(r) for r in re.findall(r"`+", flat)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or not flat.strip() else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def _table(header: list[str], rows: list[list[str]], align: str) -> list[str]:
    marks = {"l": "---", "r": "---:"}
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(marks[a] for a in align) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def render_markdown(report: Report) -> str:
    gate = report.gate
    src = report.source
    lines = [f"## {ICON[gate.verdict]} crmclean: {text(src.name)} — {VERDICT[gate.verdict]}", ""]
    summary = report.summary_rows()
    q, dup = report.quality, report.duplicates
    if dup is not None and dup.decisions is not None:  # what a person's decisions did, by the duplicates
        after = next(
            (i + 1 for i, (label, _) in enumerate(summary) if label == "duplicates found"), len(summary)
        )
        summary.insert(after, ("decisions", text(decisions_text(dup.decisions))))
    summary.append(("gate", f"{ICON[gate.verdict]} {VERDICT[gate.verdict]}"))
    lines += _table(["", "value"], [[a, b] for a, b in summary], "lr")

    if gate.items:
        items = sorted(gate.items, key=lambda i: -RANK[i.status])
        lines += ["", "### Gate", ""]
        rows = [
            [
                f"{ICON[i.status]} {i.status}",
                text(i.kind),
                text(i.rule or ""),
                text(i.column or ""),
                pct(i.rate) if i.rate is not None else "",
                text(i.limit or ""),
                text(i.message),
            ]
            for i in items[:MAX_ROWS]
        ]
        lines += _table(["status", "kind", "rule", "column", "measured", "limit", "result"], rows, "lllllrl")
        lines += _more(len(items))

    lines += ["", "### Columns", ""]
    rows = [
        [
            text(col.column),
            text(col.role or "-"),
            pct(col.fill_rate_before),
            pct(col.fill_rate),
            pct(col.valid_rate),
            f"{col.fixed_rows:,}",
            text("; ".join(f"{p.message} ({p.count:,})" for p in col.top_problems)),
        ]
        for col in report.columns
    ]
    header = ["column", "role", "filled before", "filled", "valid", "repaired", "top problems"]
    lines += _table(header, rows, "llrrrrl")

    groups = report.groups
    if groups:
        lines += ["", "### Findings", ""]
        rows = [
            [
                text(g.rule),
                text(g.column),
                text(g.severity),
                f"{g.count:,}",
                str(g.first_row),
                text(g.message),
                ", ".join(code(e) for e in g.examples),
            ]
            for g in groups[:MAX_ROWS]
        ]
        lines += _table(
            ["rule", "column", "severity", "count", "first row", "message", "examples"], rows, "lllrrll"
        )
        lines += _more(len(groups))

    if dup is not None:
        lines += ["", "### Duplicates", ""]
        rows = [[str(size), f"{n:,}"] for size, n in sorted(dup.size_distribution.items())]
        lines += _table(["cluster size", "clusters"], rows, "rr")
        if dup.largest:
            lines += [""]
            rows = [
                [
                    code(str(cl.cluster_id)),
                    f"{cl.size:,}",
                    f"{cl.score:.2f}",
                    text(", ".join(cl.matched_on)),
                    ", ".join(code(e) for e in cl.examples),
                ]
                for cl in sorted(dup.largest, key=lambda cl: (-cl.size, cl.cluster_id))
            ]
            lines += _table(["cluster", "size", "score", "matched on", "examples"], rows, "lrrll")
    masked = "masked" if report.values_masked else "**shown unmasked** (--show-values)"
    lines += [
        "",
        f"<sub>{text(report.generator)} · values {masked} · quality = {text(q.definition)}</sub>",
        "",
    ]
    return "\n".join(lines)


def _more(total: int) -> list[str]:
    if total <= MAX_ROWS:
        return []
    return ["", f"_… {total - MAX_ROWS:,} more; the JSON report has all._"]
