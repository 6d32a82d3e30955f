"""The JUnit XML report, for CI test tabs: one test case per check (rule x column), failing when the
gate fails it; warnings pass with the details in ``system-out``. Fill-rate, duplicate and baseline
judgements the gate made beyond single checks are test cases of a second suite, ``crmclean gate``.

Built with ElementTree (escaping is its job); characters XML 1.0 cannot carry are replaced by U+FFFD.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from crmclean.report.gate import GateItem
from crmclean.report.model import CheckStats, Report
from crmclean.report.text import pct, rows_text

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_xml(value: object) -> str:
    return _NOT_XML.sub("\ufffd", str(value))


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    node = ET.SubElement(parent, tag, {k: clean_xml(v) for k, v in attrs.items()})
    if text is not None:
        node.text = clean_xml(text)
    return node


def _check_details(check: CheckStats) -> str:
    found = f"{check.count:,} finding{'s' if check.count != 1 else ''}"
    lines = [f"{check.rule} on {check.column}: {found} in {rows_text(check.rows)} ({pct(check.rate)})"]
    for g in check.groups:
        examples = f"; examples: {', '.join(g.examples)}" if g.examples else ""
        lines.append(f"- {g.severity}: {g.message} ({g.count:,}; first row {g.first_row}){examples}")
    return "\n".join(lines)


def render_junit(report: Report) -> str:
    gate = report.gate
    root = ET.Element("testsuites", {"name": "crmclean"})
    suite_name = clean_xml(f"crmclean checks: {report.source.name}")
    checks = ET.SubElement(root, "testsuite", {"name": suite_name})
    props = _el(checks, "properties")
    for name, value in (
        ("rows", report.rows),
        ("rows_cleaned", report.rows_cleaned),
        ("rows_rejected", report.rows_rejected),
        ("errors", report.counts["errors"]),
        ("warnings", report.counts["warnings"]),
        ("fixed", report.counts.get("fixed", 0)),
        ("dns_domains", report.dns.domains if report.dns is not None else None),
        ("quality_before", f"{report.quality.before:.4f}"),
        ("quality_after", f"{report.quality.after:.4f}"),
        ("verdict", gate.verdict),
    ):
        if value is not None:
            _el(props, "property", name=name, value=value)
    failures = 0
    by_check: dict[tuple[str | None, str | None], list[GateItem]] = {}
    for item in gate.items:
        if item.kind in ("check", "baseline") and item.rule is not None:
            by_check.setdefault((item.rule, item.column), []).append(item)
    for check in report.checks:
        case = _el(checks, "testcase", classname=f"crmclean.{check.rule}", name=check.column, time="0")
        items = by_check.get((check.rule, check.column), [])
        failed = [i for i in items if i.status == "fail"]
        details = _check_details(check)
        if failed:
            failures += 1
            message = "; ".join(i.message for i in failed)
            _el(case, "failure", details, message=message, type="gate")
        elif check.count:
            notes = "; ".join(i.message for i in items if i.status == "warn")
            _el(case, "system-out", f"warning: {notes}\n{details}" if notes else details)
    _set_counts(checks, len(report.checks), failures)

    listed = {(c.rule, c.column) for c in report.checks}
    others = [i for i in gate.items if (i.rule, i.column) not in listed]
    if others:
        suite = ET.SubElement(root, "testsuite", {"name": "crmclean gate"})
        n_failed = 0
        for item in others:
            name = {"fill": f"fill rate {item.column}", "duplicates": "duplicate share"}.get(
                item.kind, " ".join(x for x in (item.kind, item.rule, item.column) if x)
            )
            case = _el(suite, "testcase", classname=f"crmclean.gate.{item.kind}", name=name, time="0")
            if item.status == "fail":
                n_failed += 1
                _el(case, "failure", item.message, message=item.message, type="gate")
            else:
                _el(case, "system-out", f"{item.status}: {item.message}")
        _set_counts(suite, len(others), n_failed)
        failures += n_failed
    total = sum(int(s.get("tests", "0")) for s in root)
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _set_counts(suite: ET.Element, tests: int, failures: int) -> None:
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", "0")
    suite.set("time", "0")
