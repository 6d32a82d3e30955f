"""Quality reports: one Report object, many views.

    from crmclean.report import build_report, render
    report = build_report(validated, rules=loaded.rules, gate=loaded.rules.gate)
    print(render(report, "markdown"))        # or report.render("markdown")
    sys.exit(report.exit_code())

``build_report`` (model.py) computes the stats and judges the gate (gate.py; the gate's model is
crmclean.rules.gate); ``render`` (formats.py) turns a Report into any of FORMATS.
"""

from __future__ import annotations

from crmclean.dedupe.summary import ClusterView, DedupeSummary
from crmclean.report.baseline import Baseline, load_baseline, save_baseline
from crmclean.report.formats import FORMATS, format_for_path, render
from crmclean.report.gate import GateResult, evaluate_gate
from crmclean.report.model import Report, build_report
from crmclean.rules.gate import Gate, default_gate, with_flags

__all__ = [
    "FORMATS",
    "Baseline",
    "ClusterView",
    "DedupeSummary",
    "Gate",
    "GateResult",
    "Report",
    "build_report",
    "default_gate",
    "evaluate_gate",
    "format_for_path",
    "load_baseline",
    "render",
    "save_baseline",
    "with_flags",
]
