"""Quality reports and the CI gate: one Report object, many views.

    from crmclean.report import build_report, render
    report = build_report(validated, rules=loaded.rules, gate=loaded.rules.gate)
    print(render(report, "markdown"))
    sys.exit(report.exit_code())

``build_report`` (model.py) computes the stats and judges the gate (gate.py); ``render`` (formats.py)
turns a Report into any of FORMATS. Names are imported lazily: crmclean.rules.model imports
crmclean.report.gate for the `gate:` section, and an eager import here would load the pipeline into
that import cycle.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Report": "model",
    "build_report": "model",
    "ClusterView": "model",
    "Duplicates": "model",
    "Gate": "gate",
    "GateResult": "gate",
    "default_gate": "gate",
    "evaluate_gate": "gate",
    "with_flags": "gate",
    "Baseline": "baseline",
    "load_baseline": "baseline",
    "save_baseline": "baseline",
    "FORMATS": "formats",
    "render": "formats",
    "format_for_path": "formats",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'crmclean.report' has no attribute {name!r}")
    return getattr(importlib.import_module(f"crmclean.report.{module}"), name)
