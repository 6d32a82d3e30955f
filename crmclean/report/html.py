"""The HTML report: the page a data steward opens first.

One self-contained page (inline CSS and SVG, no script, nothing fetched; a Content-Security-Policy
forbids loading anything), in the order a steward asks: the gate's verdict and why; how the file was
read (encoding, dialect, the reader's decisions, the region given to rows without a country); fill and
validity per column before and after, side by side; the changes by column and by step; the findings
by rule and column with (masked) examples; the duplicate clusters by size with the fields they
matched on.

Every chart is an inline SVG with a text alternative and a visible table of the same numbers beside
it; the page reads at phone width (tables scroll sideways, charts scale), prints on A4 (@media print)
and keeps WCAG AA contrast. Every string goes through ``html.escape``, in text and attributes alike.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from crmclean.report.model import ChangeCount, ColumnStats, Report
from crmclean.report.text import decisions_text, pct
from crmclean.rules.gate import RANK

CSP = "default-src 'none'; style-src 'unsafe-inline'"  # nothing is fetched, nothing runs
VERDICT = {"pass": "Pass", "warn": "Pass with warnings", "fail": "Fail"}
VERDICT_NOTE = {
    "pass": "Every check of the gate passed.",
    "warn": "The gate passed, with warnings to look at.",
    "fail": "The gate failed: the data is not ready.",
}
MAX_ROWS = 200  # rows of a table, beyond which the JSON report has the rest
TOP_REASONS = 5
SEVERITY_CLASS = {"error": "fail", "warning": "warn", "fixed": "fixed"}
LABEL_CHARS = 22

CSS = """
:root{--fg:#1f2328;--muted:#57606a;--line:#d0d7de;--soft:#f6f8fa;--pass:#1a7f37;--warn:#7d4e00;
--fail:#c21d2b;--fixed:#0550ae;--before:#8c959f;--after:#1f6feb;--dup:#8250df}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:0 auto;
max-width:1240px;padding:1.5rem 1.25rem 3rem;color:var(--fg);background:#fff}
h1{font-size:1.6rem;margin:0 0 .2rem;line-height:1.25;overflow-wrap:anywhere}
h2{font-size:1.25rem;margin:2.2rem 0 .6rem;padding-bottom:.25rem;border-bottom:2px solid var(--line)}
h3{font-size:1.02rem;margin:1.3rem 0 .4rem}
p{margin:.4rem 0}
.muted{color:var(--muted);font-size:.88rem}
.pass{color:var(--pass)}.warn{color:var(--warn)}.fail{color:var(--fail)}.fixed{color:var(--fixed)}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.3rem .9rem;padding:0;margin:.6rem 0 0;font-size:.9rem}
nav a{color:var(--fixed)}
.verdict{border:2px solid currentColor;border-radius:10px;padding:1rem 1.2rem;margin:1rem 0 1.2rem}
.verdict.pass{background:#eefbf1}.verdict.warn{background:#fff8e1}.verdict.fail{background:#fff0ef}
.verdict .label{font-size:.8rem;text-transform:uppercase;letter-spacing:.06em;color:var(--fg);margin:0}
.verdict .big{font-size:1.9rem;font-weight:700;margin:0;line-height:1.2}
.verdict p,.verdict li{color:var(--fg)}
.verdict ul{margin:.4rem 0 0;padding-left:1.2rem}
.status{font-weight:600;text-transform:uppercase;font-size:.78rem;letter-spacing:.04em}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(10.5rem,1fr));gap:.6rem;margin:0;padding:0}
.cards div{border:1px solid var(--line);border-radius:8px;padding:.55rem .75rem;background:var(--soft)}
.cards dt{font-size:.8rem;color:var(--muted)}.cards dd{margin:0;font-size:1.25rem;font-weight:650}
.cards div.span{grid-column:span 2}.cards dd{white-space:nowrap}
.cards dd small{display:block;font-size:.8rem;font-weight:400;color:var(--muted);
white-space:normal}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.5rem 0}
table{border-collapse:collapse;width:100%;font-size:.9rem}
caption{text-align:left;font-weight:600;padding:.2rem 0}
th,td{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
thead th{background:var(--soft)}tbody th{font-weight:600;background:#fff}
td.n,th.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
table.wide td:last-child{min-width:15rem}td.up{color:var(--pass)}td.down{color:var(--fail)}
code{background:var(--soft);padding:0 .25rem;border-radius:4px;font-size:.85em;overflow-wrap:anywhere}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,26rem),1fr));gap:1rem 2rem}
figure{margin:.6rem 0}figcaption{font-weight:600;margin-bottom:.2rem}
svg{display:block;width:100%;height:auto;max-width:34rem}
svg text{fill:var(--fg);font-size:12px}svg .v{fill:var(--muted)}
svg .track{fill:#eef1f4}svg .before{fill:var(--before)}svg .after{fill:var(--after)}
svg .dup{fill:var(--dup)}svg .fixed{fill:var(--fixed)}svg .fail{fill:var(--fail)}svg .warn{fill:#bf8700}
.legend{font-size:.85rem;margin:.2rem 0}.key{display:inline-block;width:.8rem;height:.8rem;
border-radius:2px;vertical-align:-.1rem;margin:0 .25rem 0 .6rem}.key.before{background:var(--before)}
.key.after{background:var(--after)}
footer{margin-top:2.5rem;border-top:1px solid var(--line);padding-top:.6rem}
@media (max-width:640px){
body{font-size:14px;padding:1rem .75rem 2rem}h1{font-size:1.3rem}h2{font-size:1.12rem}
.verdict{padding:.8rem .9rem}.verdict .big{font-size:1.5rem}
.cards{grid-template-columns:repeat(2,1fr)}.cards dd{font-size:1.08rem}
table{font-size:.82rem}th,td{padding:.25rem .35rem}table.wide{min-width:38rem}
.scroll{border-right:3px solid var(--line)}}
@media print{
body{max-width:none;padding:0;font-size:10.5pt;color:#000}nav,.noprint{display:none}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
h2{break-after:avoid}figure,tr,.verdict,.cards div{break-inside:avoid}
.scroll{overflow:visible}svg{max-width:16cm}a{color:inherit;text-decoration:none}}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _label(value: str) -> str:
    return value if len(value) <= LABEL_CHARS else value[: LABEL_CHARS - 1] + "…"


# --- building blocks ------------------------------------------------------------------------------


def _table(
    header: list[str],
    rows: list[list[str]],
    numeric: frozenset[int] = frozenset(),
    *,
    caption: str | None = None,
    ident: str | None = None,
    row_headers: bool = True,
) -> str:
    """A table in a sideways-scrolling box; cells are HTML already escaped by the caller; the first
    cell of a row is its header (``<th scope="row">``) unless ``row_headers`` is False."""
    head = "".join(
        f'<th scope="col"{" class=n" if i in numeric else ""}>{_e(h)}</th>' for i, h in enumerate(header)
    )
    body = []
    for r in rows:
        cells = []
        for i, c in enumerate(r):
            cls = ' class="n"' if i in numeric else ""
            if i == 0 and row_headers:
                cells.append(f'<th scope="row"{cls}>{c}</th>')
            else:
                cells.append(f"<td{cls}>{c}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    attr = f' id="{_e(ident)}"' if ident else ""
    if len(header) > 3:  # on a phone, a wide table scrolls sideways rather than squeeze its words
        attr += ' class="wide"'
    return (
        f'<div class="scroll"><table{attr}>{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _codes(values: list[str]) -> str:
    return ", ".join(f"<code>{_e(v)}</code>" for v in values)


def _more(shown: int, total: int, what: str) -> str:
    if total <= shown:
        return ""
    return f'<p class="muted">The first {shown:,} of {total:,} {_e(what)}; report.json has them all.</p>'


Series = tuple[float, str, str]  # value (0..scale), value text, CSS class of the bar


def bar_chart(
    title: str, rows: list[tuple[str, list[Series]]], *, scale: float = 1.0, table: str = ""
) -> str:
    """Horizontal bars as inline SVG, one group per label with one bar per series (before and after
    side by side); ``table``: the id of the table with the same numbers (the text alternative)."""
    series = max((len(s) for _, s in rows), default=1)
    bar_h, gap = 11, 2
    group = series * bar_h + (series - 1) * gap + 9
    label_w, bar_w, text_w = 150, 210, 62
    width, height = label_w + bar_w + text_w, group * len(rows) + 6
    described = f' aria-describedby="{_e(table)}"' if table else ""
    parts = [
        f"<figure><figcaption>{_e(title)}</figcaption>"
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{_e(title)}"{described}><title>{_e(title)}</title>'
    ]
    for i, (label, bars) in enumerate(rows):
        top = 3 + i * group
        middle = top + (len(bars) * bar_h + (len(bars) - 1) * gap) / 2 + 4
        parts.append(
            f'<text x="{label_w - 8}" y="{middle:.1f}" text-anchor="end"><title>{_e(label)}</title>'
            f"{_e(_label(label))}</text>"
        )
        for j, (value, shown, cls) in enumerate(bars):
            y = top + j * (bar_h + gap)
            w = 0.0 if scale <= 0 else max(0.0, min(1.0, value / scale)) * bar_w
            parts.append(
                f'<rect class="track" x="{label_w}" y="{y}" width="{bar_w}" height="{bar_h}"/>'
                f'<rect class="{_e(cls)}" x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}"/>'
                f'<text class="v" x="{label_w + bar_w + 6}" y="{y + bar_h - 1.5}">{_e(shown)}</text>'
            )
    parts.append("</svg></figure>")
    return "".join(parts)


def _legend() -> str:
    return (
        '<p class="legend" aria-hidden="true"><span class="key before"></span>before (as read)'
        '<span class="key after"></span>after (filled and normalized)</p>'
    )


def _change_cell(before: float | None, after: float | None) -> str:
    """``after`` with a class saying whether it went up or down from ``before``."""
    if before is None or after is None or abs(after - before) < 1e-9:
        return _e(pct(after))
    arrow = "▲" if after > before else "▼"
    return f'<span class="{"up" if after > before else "down"}">{arrow} {_e(pct(after))}</span>'


# --- sections -------------------------------------------------------------------------------------


def _verdict(report: Report) -> str:
    gate = report.gate
    failed, warned = len(gate.failures), len(gate.warnings)
    items = sorted((i for i in gate.items if i.status != "pass"), key=lambda i: -RANK[i.status])
    reasons = "".join(
        f'<li><span class="status {i.status}">{_e(i.status)}</span> '
        f"{_e(' on '.join(x for x in (i.rule, i.column) if x) or i.kind)}: {_e(i.message)}</li>"
        for i in items[:TOP_REASONS]
    )
    more = (
        f'<li>… and {len(items) - TOP_REASONS:,} more in <a href="#gate">the gate table</a></li>'
        if len(items) > TOP_REASONS
        else ""
    )
    counts = f"{failed:,} failed, {warned:,} warned · exit code {report.exit_code()}"
    return (
        f'<section class="verdict {gate.verdict}" aria-labelledby="verdict">'
        f'<p class="label">Gate verdict</p><p class="big" id="verdict">{_e(VERDICT[gate.verdict])}</p>'
        f"<p>{_e(VERDICT_NOTE[gate.verdict])} {_e(counts)}</p>"
        + (f"<ul>{reasons}{more}</ul>" if reasons else "")
        + "</section>"
    )


def _cards(report: Report) -> str:
    q, dup = report.quality, report.duplicates
    cards = [("rows in", f"{report.rows:,}", "")]
    if report.rows_cleaned is not None:
        cards.append(("rows cleaned", f"{report.rows_cleaned:,}", ""))
    if report.rows_rejected is not None:
        cards.append(("rows rejected", f"{report.rows_rejected:,}", "with errors"))
    c = report.counts
    cards += [
        ("errors", f"{c['errors']:,}", f"in {c['rows_with_errors']:,} rows"),
        ("warnings", f"{c['warnings']:,}", ""),
        ("cells changed", f"{report.cells_changed:,}", "filled or normalized"),
        ("quality", f"{pct(q.before)} → {pct(q.after)}", "cells ready"),
    ]
    if dup is not None:
        cards.append(
            ("duplicates", f"{dup.duplicate_records:,}", f"in {dup.clusters_with_duplicates:,} clusters")
        )
    body = "".join(
        f"<div{' class=span' if '→' in value else ''}><dt>{_e(label)}</dt><dd>{_e(value)}"
        + (f" <small>{_e(note)}</small>" if note else "")
        + "</dd></div>"
        for label, value, note in cards
    )
    return f'<dl class="cards">{body}</dl>'


def _gate_table(report: Report) -> list[str]:
    gate = report.gate
    if not gate.items:
        return []
    items = sorted(gate.items, key=lambda i: -RANK[i.status])
    rows = [
        [
            f'<span class="status {i.status}">{_e(i.status)}</span>',
            _e(i.kind),
            _e(i.rule or ""),
            _e(i.column or ""),
            _e(i.limit or ""),
            _e(i.message),
        ]
        for i in items[:MAX_ROWS]
    ]
    out = ['<h2 id="gate">Gate: every item</h2>']
    if gate.baseline:
        out.append(f'<p class="muted">Compared with the baseline {_e(gate.baseline)}.</p>')
    out.append(
        _table(["status", "kind", "rule", "column", "limit", "result"], rows, caption="Every gate item")
    )
    out.append(_more(len(rows), len(items), "gate items"))
    return out


def _reading(report: Report) -> list[str]:
    src = report.source
    rows = [["file", _e(src.name)], ["format", _e(src.format)]]
    if src.encoding:
        rows.append(["encoding", _e(src.encoding)])
    if src.delimiter:
        shown = {"\t": "tab", ",": "comma (,)", ";": "semicolon (;)", "|": "pipe (|)"}.get(src.delimiter)
        rows.append(["delimiter", _e(shown or src.delimiter)])
    rows.extend(["reader decided", _e(note)] for note in src.notes)
    if report.dns is not None:
        rows.append(["email domains (DNS)", _e(report.dns.summary())])
    out = [
        '<h2 id="reading">How the file was read</h2>',
        _table(["what", "decision"], rows, caption="Reader"),
    ]
    region = report.region
    if region is not None:
        without = int(region.get("rows_without_country") or 0)
        out.append("<h3>Region for rows without a country</h3>")
        if without:
            text = f"{without:,} rows name no country: {region.get('summary', '')}"
        else:
            text = f"Every row names its country, so no region was needed ({region.get('summary', '')})."
        out.append(f"<p>{_e(text)}</p>")
        evidence = region.get("evidence") or {}
        if evidence:
            ev_rows = [
                [
                    _e(kind.replace("_", " ")),
                    _e(
                        " · ".join(
                            f"{code} {n:,}" for code, n in sorted(votes.items(), key=lambda kv: -kv[1])
                        )
                    ),
                ]
                for kind, votes in evidence.items()
                if votes
            ]
            out.append(
                _table(["evidence", "rows per region"], ev_rows, caption="What the file's values suggest")
            )
    return out


def _columns(report: Report) -> list[str]:
    cols = report.columns
    if not cols:
        return []

    def fill(col: ColumnStats) -> tuple[str, list[Series]]:
        return (
            col.column,
            [
                (col.fill_rate_before, pct(col.fill_rate_before), "before"),
                (col.fill_rate, pct(col.fill_rate), "after"),
            ],
        )

    def valid(col: ColumnStats) -> tuple[str, list[Series]]:
        before, after = col.valid_rate_before, col.valid_rate
        return (
            col.column,
            [(before or 0.0, pct(before), "before"), (after or 0.0, pct(after), "after")],
        )

    out = [
        '<h2 id="columns">Columns: before and after</h2>',
        '<p class="muted"><strong>Filled</strong>: not empty. <strong>Valid</strong>: filled cells '
        "without an error or warning; before, a cell also had to need no repair, so the gap is what "
        "fill and normalize won.</p>",
        _legend(),
        '<div class="charts">',
        bar_chart("Filled, before and after", [fill(c) for c in cols], table="columns-table"),
        bar_chart("Valid, before and after", [valid(c) for c in cols], table="columns-table"),
        "</div>",
    ]
    rows = [
        [
            _e(col.column),
            _e(col.role or "-"),
            _e(pct(col.fill_rate_before)),
            _change_cell(col.fill_rate_before, col.fill_rate),
            _e(pct(col.valid_rate_before)),
            _change_cell(col.valid_rate_before, col.valid_rate),
            f"{col.fixed_rows:,}",
            f"{col.errors:,}",
            f"{col.warnings:,}",
            "<br>".join(f"{_e(p.message)} ({p.count:,})" for p in col.top_problems),
        ]
        for col in cols
    ]
    header = [
        "column",
        "role",
        "filled before",
        "filled after",
        "valid before",
        "valid after",
        "repaired",
        "errors",
        "warnings",
        "top problems",
    ]
    out.append(
        _table(
            header,
            rows,
            frozenset({2, 3, 4, 5, 6, 7, 8}),
            caption="Fill and validity per column",
            ident="columns-table",
        )
    )
    q = report.quality
    out.append(
        f"<p>Quality (cells ready): <strong>{_e(pct(q.before))}</strong> before, "
        f"<strong>{_e(pct(q.after))}</strong> after, "
        f'of {q.cells:,} cells.</p><p class="muted">Quality: {_e(q.definition)}.</p>'
    )
    return out


def _kind(change: ChangeCount) -> str:
    return "cosmetic" if change.cosmetic else "repair"


def _changes(report: Report) -> list[str]:
    out = ['<h2 id="changes">Changes</h2>']
    changes = report.changes
    if not changes:
        out.append("<p>Fill and normalize changed no cell.</p>")
        return out
    total = sum(c.cells for c in changes)
    out.append(
        f"<p>{report.cells_changed:,} cells changed ({total:,} changes: a cell counts once per step that "
        "changed it). <em>Cosmetic</em> steps change whitespace, Unicode form or letter case only; "
        "<em>repairs</em> change what a value says, and are also findings of severity fixed.</p>"
    )
    by_column: dict[str, int] = defaultdict(int)
    for c in changes:
        by_column[c.column] += c.cells
    order = sorted(by_column.items(), key=lambda kv: (-kv[1], kv[0]))
    top = max(by_column.values())
    out.append('<div class="charts">')
    out.append(
        bar_chart(
            "Changes by column",
            [(col, [(float(n), f"{n:,}", "fixed")]) for col, n in order],
            scale=float(top),
            table="changes-by-column",
        )
    )
    by_step: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    cosmetic = {c.step: c.cosmetic for c in changes}
    for c in changes:
        by_step[c.step][0] += c.cells
        by_step[c.step][1] += 1
    steps = sorted(by_step.items(), key=lambda kv: (-kv[1][0], kv[0]))
    step_rows = [
        [f"<code>{_e(step)}</code>", "cosmetic" if cosmetic[step] else "repair", f"{n:,}", f"{cols:,}"]
        for step, (n, cols) in steps
    ]
    out.append(
        "<div>"
        + _table(
            ["step", "kind", "cells", "columns"], step_rows, frozenset({2, 3}), caption="Changes by step"
        )
        + "</div>"
    )
    out.append("</div>")
    rows = [
        [_e(c.column), f"<code>{_e(c.step)}</code>", _e(_kind(c)), f"{c.cells:,}"] for c in changes[:MAX_ROWS]
    ]
    out.append(
        _table(
            ["column", "step", "kind", "cells"],
            rows,
            frozenset({3}),
            caption="Changes by column and step",
            ident="changes-by-column",
        )
    )
    out.append(_more(len(rows), len(changes), "column and step pairs"))
    return out


def _findings(report: Report) -> list[str]:
    out = ['<h2 id="findings">Findings by rule and column</h2>']
    masked = (
        "Examples are masked (personal data); --show-values shows them."
        if report.values_masked
        else "Examples are shown unmasked (--show-values): this page holds personal data."
    )
    out.append(f'<p class="muted">{_e(masked)}</p>')
    problems = [c for c in report.checks if c.count and c.severity != "fixed"]
    if problems:
        top = max(c.rows for c in problems)
        shown = problems[:30]
        out.append(
            bar_chart(
                "Rows with findings, per check (errors and warnings)",
                [
                    (
                        f"{c.rule} · {c.column}",
                        [(float(c.rows), f"{c.rows:,}", "fail" if c.severity == "error" else "warn")],
                    )
                    for c in shown
                ],
                scale=float(top),
                table="findings-table",
            )
        )
    groups = report.groups
    if not groups:
        out.append("<p>No findings.</p>")
    else:
        rows = [
            [
                _e(g.rule),
                _e(g.column),
                f'<span class="status {SEVERITY_CLASS.get(g.severity, "warn")}">{_e(g.severity)}</span>',
                f"{g.count:,}",
                str(g.first_row),
                _e(g.message),
                _codes(g.examples),
            ]
            for g in groups[:MAX_ROWS]
        ]
        out.append(
            _table(
                ["rule", "column", "severity", "count", "first row", "message", "examples"],
                rows,
                frozenset({3, 4}),
                caption="Findings, errors and warnings first",
                ident="findings-table",
            )
        )
        out.append(_more(len(rows), len(groups), "finding groups"))
    clean = [c for c in report.checks if not c.count]
    if clean:
        names = ", ".join(f"{c.rule} on {c.column}" for c in clean)
        out.append(f'<p class="muted">{len(clean):,} checks found nothing: {_e(names)}.</p>')
    return out


def _duplicates(report: Report) -> list[str]:
    dup = report.duplicates
    if dup is None:
        return []
    out = [
        '<h2 id="duplicates">Duplicates</h2>',
        f"<p>{dup.duplicate_records:,} duplicate records ({_e(pct(dup.share))} of {dup.records:,}) in "
        f"{dup.clusters_with_duplicates:,} clusters; {dup.pairs_compared:,} candidate pairs compared; "
        f"evidence: {_e(dup.evidence)}.</p>",
    ]
    if dup.decisions is not None:
        out.append(f'<p id="decisions">Decisions: {_e(decisions_text(dup.decisions))}.</p>')
    sizes = sorted(dup.size_distribution.items())
    if sizes:
        top = max(n for _, n in sizes)
        out.append(
            bar_chart(
                "Clusters per size",
                [
                    (f"size {s}" if s > 1 else "size 1 (unique)", [(float(n), f"{n:,}", "dup")])
                    for s, n in sizes
                ],
                scale=float(top),
                table="sizes-table",
            )
        )
        rows = []
        for size, n in sizes:
            fields = dup.matched_by_size.get(size, {})
            matched = ", ".join(f"{f} ({k:,})" for f, k in fields.items()) if size > 1 else "-"
            rows.append([f"{size:,}", f"{n:,}", f"{size * n:,}", _e(matched or "-")])
        out.append(
            _table(
                ["size", "clusters", "records", "matched on (clusters)"],
                rows,
                frozenset({0, 1, 2}),
                caption="Clusters by size, with the fields that gave evidence for the merge",
                ident="sizes-table",
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
        out.append(
            _table(
                ["cluster", "size", "score", "matched on", "examples"],
                rows,
                frozenset({1, 2}),
                caption="The largest clusters",
            )
        )
    return out


def render_html(report: Report) -> str:
    src = report.source
    masked = "masked" if report.values_masked else "shown unmasked (--show-values)"
    sections = [
        ("reading", "How it was read", True),
        ("columns", "Columns", bool(report.columns)),
        ("changes", "Changes", True),
        ("findings", "Findings", True),
        ("duplicates", "Duplicates", report.duplicates is not None),
        ("gate", "Gate", bool(report.gate.items)),
    ]
    nav = "".join(f'<li><a href="#{key}">{_e(name)}</a></li>' for key, name, shown in sections if shown)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>crmclean report: {_e(src.name)}</title>",
        f"<style>{CSS}</style></head><body>",
        "<header>",
        f"<h1>Data quality report: {_e(src.name)}</h1>",
        f'<p class="muted">{_e(report.generator)} · {report.rows:,} rows · values {masked}</p>',
        f'<nav aria-label="Sections"><ul>{nav}</ul></nav>',
        "</header><main>",
        _verdict(report),
        _cards(report),
    ]
    out += _reading(report)
    out += _columns(report)
    out += _changes(report)
    out += _findings(report)
    out += _duplicates(report)
    out += _gate_table(report)  # the verdict's reasons are on top; here every item
    out += [
        "</main>",
        f'<footer class="muted">Made by {_e(report.generator)} from the pipeline\'s results alone; '
        "report.json holds the same numbers for machines.</footer>",
        "</body></html>\n",
    ]
    return "\n".join(x for x in out if x)
