"""The HTML report: one self-contained page (inline CSS and SVG, no script, nothing fetched; a
Content-Security-Policy forbids loading anything) with bar charts of fill rate and validity per
column and of the cluster size distribution, and the tables of the other formats.

Every string goes through ``html.escape``, in text and in attributes alike.
"""

from __future__ import annotations

from html import escape

from crmclean.report.model import Report
from crmclean.report.text import pct
from crmclean.rules.gate import RANK

CSP = "default-src 'none'; style-src 'unsafe-inline'"  # nothing is fetched, nothing runs
VERDICT = {"pass": "pass", "warn": "pass with warnings", "fail": "fail"}
MAX_ROWS = 200
SEVERITY_CLASS = {"error": "fail", "warning": "warn", "fixed": "fixed"}
LABEL_CHARS = 26

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1100px;
padding:0 1rem;color:#1f2328;background:#fff}
h1{font-size:1.5rem;margin:0 0 .25rem}
h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;margin:.5rem 0;width:100%}th,td{border:1px solid #d0d7de;padding:.25rem .5rem;
text-align:left;vertical-align:top}th{background:#f6f8fa}td.n{text-align:right;white-space:nowrap}
.pass{color:#1a7f37}.warn{color:#9a6700}.fail{color:#cf222e}.fixed{color:#0969da}
.badge{font-weight:600;padding:.1rem .5rem;
border-radius:1rem;border:1px solid currentColor}.muted{color:#656d76;font-size:.85rem}
.charts{display:flex;flex-wrap:wrap;gap:2rem}.charts figure{margin:0}figcaption{font-weight:600}
code{background:#f6f8fa;padding:0 .2rem;border-radius:3px}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _label(value: str) -> str:
    return value if len(value) <= LABEL_CHARS else value[: LABEL_CHARS - 1] + "…"


def bar_chart(
    title: str, bars: list[tuple[str, float, str]], *, scale: float = 1.0, color: str = "#2da44e"
) -> str:
    """A horizontal bar chart as inline SVG: (label, value, value text) per bar; ``scale`` is the
    value of a full bar."""
    row, label_w, bar_w, text_w = 20, 190, 320, 70
    height = row * len(bars) + 10
    width = label_w + bar_w + text_w
    parts = [
        f"<figure><figcaption>{_e(title)}</figcaption>"
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{_e(title)}" font-size="12">'
    ]
    for i, (label, value, shown) in enumerate(bars):
        y = 5 + i * row
        w = 0 if scale <= 0 else max(0.0, min(1.0, value / scale)) * bar_w
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end"><title>{_e(label)}</title>'
            f"{_e(_label(label))}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="{row - 6}" fill="#eaeef2"/>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="{color}"/>'
            f'<text x="{label_w + bar_w + 6}" y="{y + 14}">{_e(shown)}</text>'
        )
    parts.append("</svg></figure>")
    return "".join(parts)


def _table(header: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:  # type: ignore[assignment]
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _codes(values: list[str]) -> str:
    return ", ".join(f"<code>{_e(v)}</code>" for v in values)


def render_html(report: Report) -> str:
    gate, src, q, dup = report.gate, report.source, report.quality, report.duplicates
    masked = "masked" if report.values_masked else "shown unmasked (--show-values)"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>crmclean report: {_e(src.name)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>crmclean report: {_e(src.name)}</h1>",
        f'<p>Gate: <span class="badge {gate.verdict}">{_e(VERDICT[gate.verdict])}</span> '
        f'<span class="muted">{len(gate.failures)} failed, {len(gate.warnings)} warned · '
        f"{_e(report.generator)} · values {masked}</span></p>",
    ]
    summary = [
        ["source", _e(", ".join(x for x in (src.format, src.encoding) if x))],
    ]
    summary += [[_e(label), _e(value)] for label, value in report.summary_rows()]
    out += [
        "<h2>Summary</h2>",
        _table(["", "value"], summary),
        f'<p class="muted">Quality: {_e(q.definition)}.</p>',
    ]

    cols = report.columns
    out.append('<h2>Columns</h2><div class="charts">')
    out.append(bar_chart("Fill rate", [(col.column, col.fill_rate, pct(col.fill_rate)) for col in cols]))
    out.append(
        bar_chart(
            "Valid (filled cells without findings)",
            [(col.column, col.valid_rate or 0.0, pct(col.valid_rate)) for col in cols],
            color="#0969da",
        )
    )
    out.append("</div>")
    rows = [
        [
            _e(col.column),
            _e(col.role or "-"),
            _e(pct(col.fill_rate_before)),
            _e(pct(col.fill_rate)),
            _e(pct(col.valid_rate)),
            f"{col.fixed_rows:,}",
            "<br>".join(f"{_e(p.message)} ({p.count:,})" for p in col.top_problems),
        ]
        for col in cols
    ]
    header = ["column", "role", "filled before", "filled", "valid", "repaired", "top problems"]
    out.append(_table(header, rows, {2, 3, 4, 5}))

    if gate.items:
        items = sorted(gate.items, key=lambda i: -RANK[i.status])
        rows = [
            [
                f'<span class="{i.status}">{_e(i.status)}</span>',
                _e(i.kind),
                _e(i.rule or ""),
                _e(i.column or ""),
                _e(i.limit or ""),
                _e(i.message),
            ]
            for i in items[:MAX_ROWS]
        ]
        out += ["<h2>Gate</h2>", _table(["status", "kind", "rule", "column", "limit", "result"], rows)]

    groups = report.groups
    if groups:
        rows = [
            [
                _e(g.rule),
                _e(g.column),
                f'<span class="{SEVERITY_CLASS.get(g.severity, "warn")}">{_e(g.severity)}</span>',
                f"{g.count:,}",
                str(g.first_row),
                _e(g.message),
                _codes(g.examples),
            ]
            for g in groups[:MAX_ROWS]
        ]
        out += [
            "<h2>Findings</h2>",
            _table(["rule", "column", "severity", "count", "first row", "message", "examples"], rows, {3, 4}),
        ]

    if dup is not None:
        out.append("<h2>Duplicates</h2>")
        sizes = sorted(dup.size_distribution.items())
        top = max((n for _, n in sizes), default=0)
        out.append(
            bar_chart(
                "Cluster size distribution (clusters per size)",
                [(f"size {s}", float(n), f"{n:,}") for s, n in sizes],
                scale=float(top),
                color="#8250df",
            )
        )
        if dup.largest:
            rows = [
                [
                    f"<code>{cl.cluster_id}</code>",
                    f"{cl.size:,}",
                    f"{cl.score:.2f}",
                    _e(", ".join(cl.matched_on)),
                    _codes(cl.examples),
                ]
                for cl in sorted(dup.largest, key=lambda cl: (-cl.size, cl.cluster_id))
            ]
            out.append(_table(["cluster", "size", "score", "matched on", "examples"], rows, {1, 2}))
    out.append("</body></html>\n")
    return "\n".join(out)
