"""Baselines: the rates of one run saved to a file, so a later run can fail on regressions.

``crmclean validate export.csv --save-baseline baseline.json`` writes, per check, the share of rows
with findings, per column the fill rate, and the duplicate share (when measured). Only names and
rates: no values from the data. ``--baseline baseline.json`` compares; the gate (crmclean.report.gate)
turns a rise beyond ``gate.baseline_tolerance`` into a failure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from crmclean.errors import UsageError
from crmclean.io.write import write_bytes_atomic

if TYPE_CHECKING:
    from crmclean.report.model import Report

SCHEMA = "crmclean.baseline/1"


@dataclass
class Baseline:
    rows: int
    checks: dict[tuple[str, str], float] = field(default_factory=dict)  # (rule, column) -> rate
    fill: dict[str, float] = field(default_factory=dict)  # column -> fill rate
    duplicate_share: float | None = None
    source: str | None = None  # the input the baseline was taken from
    origin: str = "<memory>"  # the baseline file


def from_report(report: Report) -> Baseline:
    return Baseline(
        rows=report.rows,
        checks={(c.rule, c.column): c.rate for c in report.checks},
        fill={c.column: c.fill_rate for c in report.columns},
        duplicate_share=report.duplicates.share if report.duplicates is not None else None,
        source=report.source.name,
    )


def dumps(baseline: Baseline) -> bytes:
    data = {
        "schema": SCHEMA,
        "source": baseline.source,
        "rows": baseline.rows,
        "checks": [
            {"rule": rule, "column": column, "rate": rate}
            for (rule, column), rate in sorted(baseline.checks.items())
        ],
        "fill": [{"column": column, "rate": rate} for column, rate in baseline.fill.items()],
        "duplicate_share": baseline.duplicate_share,
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def save_baseline(report: Report, path: str | Path) -> None:
    """Write the rates of ``report`` to ``path``, atomically."""
    write_bytes_atomic(Path(path), dumps(from_report(report)))


def load_baseline(path: str | Path) -> Baseline:
    """Read a baseline file; a missing, unreadable or foreign file is a usage error (exit 2)."""
    name = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError("no such baseline file", file=name, hint="create one with --save-baseline") from None
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"cannot read the baseline file: {err}", file=name) from None
    except json.JSONDecodeError as err:
        raise UsageError(f"the baseline file is not JSON: {err.msg}", file=name, line=err.lineno) from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        found = data.get("schema") if isinstance(data, dict) else type(data).__name__
        raise UsageError(
            f"not a crmclean baseline (schema {found!r}, expected {SCHEMA!r})",
            file=name,
            hint="create one with --save-baseline",
        )
    try:
        return Baseline(
            rows=int(data["rows"]),
            checks={(str(c["rule"]), str(c["column"])): float(c["rate"]) for c in data["checks"]},
            fill={str(c["column"]): float(c["rate"]) for c in data["fill"]},
            duplicate_share=None if data.get("duplicate_share") is None else float(data["duplicate_share"]),
            source=data.get("source"),
            origin=name,
        )
    except (KeyError, TypeError, ValueError) as err:
        raise UsageError(f"the baseline file is damaged ({type(err).__name__}: {err})", file=name) from None
