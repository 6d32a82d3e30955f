"""``master show`` (one customer: profile, records by source, event history) and ``master export``
(the golden records, ready for import). Values are masked unless asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from crmclean.errors import UsageError
from crmclean.io.read import ROW
from crmclean.io.write import write_table
from crmclean.mask import mask_value
from crmclean.master import store
from crmclean.master.batch import CODE, RECORD_KEY, SOURCE
from crmclean.master.codes import code_number
from crmclean.master.golden import RECORDS, SOURCES, role_columns


@dataclass
class Profile:
    code: str
    asked: str  # the code asked for (a retired code leads to its survivor)
    golden: dict[str, str | None]
    records: pl.DataFrame  # source, _row, record_key, role values
    events: pl.DataFrame


def resolve(state: dict, code: str) -> str:
    """A live code, following merges from a retired one."""
    code = code.strip()
    code_number(state["codes"]["prefix"], code)  # format check: a clear error for a typo
    return state["retired"].get(code, code)


def profile(root: str | Path, code: str, show_values: bool = False) -> Profile:
    master = store.load(root)
    live = resolve(master.state, code)
    row = master.golden.filter(pl.col(CODE) == live)
    if row.height == 0:
        raise UsageError(f"no customer {code!r} in the master {root}")
    roles = role_columns(master.index)
    golden = {k: v for k, v in row.row(0, named=True).items() if v is not None}
    records = master.index.filter(pl.col(CODE) == live).select(SOURCE, ROW, RECORD_KEY, *roles)
    records = records.select(
        [c for c in records.columns if records.get_column(c).null_count() < records.height]
    )
    retired_here = [c for c, s in master.state["retired"].items() if s == live]
    related = [live, *retired_here]
    events = master.events.filter(pl.col(CODE).is_in(related) | pl.col("other_code").is_in(related))
    if not show_values:
        golden = {
            k: (v if k in (CODE, RECORDS, SOURCES) else mask_value(str(v), k)) for k, v in golden.items()
        }
        records = records.with_columns(
            [
                pl.col(r).map_elements(_masker(r), return_dtype=pl.String)
                for r in roles
                if r in records.columns
            ]
        )
    return Profile(live, code, golden, records, events)


def _masker(role: str) -> Callable[[str], str | None]:
    def mask(value: str) -> str | None:
        return mask_value(value, role)

    return mask


def render(p: Profile) -> str:
    lines = []
    if p.asked != p.code:
        lines.append(f"{p.asked} was merged into {p.code}")
    lines.append(f"customer {p.code}: {p.golden.get(RECORDS)} records from {p.golden.get(SOURCES)}")
    for k, v in p.golden.items():
        if k not in (CODE, RECORDS, SOURCES):
            lines.append(f"  {k:<14} {v}")
    for (source,), part in p.records.group_by(SOURCE, maintain_order=True):
        lines.append(f"records from {source}:")
        for rec in part.iter_rows(named=True):
            values = ", ".join(
                f"{k}={v}" for k, v in rec.items() if k not in (SOURCE, ROW, RECORD_KEY) and v is not None
            )
            lines.append(f"  row {rec[ROW]} ({rec[RECORD_KEY]}): {values}")
    lines.append("events:")
    for e in p.events.iter_rows(named=True):
        other = f" {e['other_code']}" if e["other_code"] else ""
        score = f" score {e['score']:.3f}" if e["score"] is not None else ""
        key = f" record {e['record_key']} ({e['source']})" if e["record_key"] else ""
        lines.append(f"  {e['timestamp']} {e['event']} {e[CODE]}{other}{key}{score}")
    return "\n".join(lines)


def export(root: str | Path, output: str, **write: Any) -> int:
    """Write the golden records (one per live code) to ``output``; returns the row count."""
    master = store.load(root)
    write_table(master.golden, output, inputs=[str(Path(root) / "golden.csv")], **write)
    return master.golden.height
