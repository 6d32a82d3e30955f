"""GitHub Actions workflow commands: ``::error`` for each check or measure the gate failed,
``::warning`` for each it warned about, and one ``::notice`` with the verdict.

Data and property values are escaped as the runner expects (``%``, CR, LF; and ``:`` ``,`` in
properties), so a value can never end the command early or inject another one.
"""

from __future__ import annotations

from crmclean.report.gate import GateItem
from crmclean.report.model import CheckStats, Report
from crmclean.rules.gate import RANK

COMMAND = {"fail": "error", "warn": "warning"}
MAX_ANNOTATIONS = 50  # GitHub shows at most 10 per step and 50 per job
MAX_MESSAGES = 3  # per annotation


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _command(kind: str, title: str, message: str, file: str | None = None) -> str:
    props = [f"title={escape_property(title)}"]
    if file:
        props.insert(0, f"file={escape_property(file)}")
    return f"::{kind} {','.join(props)}::{escape_data(message)}"


def _title(item: GateItem) -> str:
    if item.rule:
        return f"crmclean {item.rule} on {item.column}"
    if item.kind == "fill":
        return f"crmclean fill rate of {item.column}"
    return f"crmclean {item.kind}"


def render_github(report: Report) -> str:
    file = report.source.name if report.source.name not in ("-", "<stdin>") else None
    checks: dict[tuple[str, str], CheckStats] = {(c.rule, c.column): c for c in report.checks}
    lines = []
    items = sorted(
        (i for i in report.gate.items if i.status != "pass"), key=lambda i: (-RANK[i.status], i.kind)
    )
    for item in items[:MAX_ANNOTATIONS]:
        message = item.message
        check = checks.get((item.rule or "", item.column or ""))
        if check is not None and check.groups:  # each message with its own examples
            shown = [
                f"{g.message} (e.g. {', '.join(g.examples)})" if g.examples else g.message
                for g in check.groups[:MAX_MESSAGES]
            ]
            more = len(check.groups) - MAX_MESSAGES
            message += ": " + "; ".join(shown) + (f"; {more} more kinds" if more > 0 else "")
        lines.append(_command(COMMAND[item.status], _title(item), message, file))
    gate = report.gate
    summary = (
        f"{report.source.name}: gate {gate.verdict} · {report.rows:,} rows · "
        f"{report.counts['errors']:,} errors, {report.counts['warnings']:,} warnings, "
        f"{report.counts.get('fixed', 0):,} repairs · "
        f"{len(gate.failures)} failed, {len(gate.warnings)} warned"
    )
    if len(items) > MAX_ANNOTATIONS:
        summary += f" ({len(items) - MAX_ANNOTATIONS} more not annotated)"
    lines.append(_command("notice", "crmclean", summary))
    return "\n".join(lines) + "\n"
