"""Large CSV exports in `validate` and `clean`: chunked (crmclean.stream), same findings and outputs.

The full report (per-column statistics, quality score, gate thresholds, baselines, machine formats)
needs the whole frame, so a command streams only when none of those is asked for (and the input is a
CSV of at least ``CRMCLEAN_STREAM_MIN_BYTES``, default 128 MiB); then it prints the
findings summary and applies the default gate (any error fails; in `clean`, rows quarantined by
--rejects only warn).
"""

from __future__ import annotations

import os

from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from crmclean.cli.options import ReportFlags, ReportFormat
from crmclean.errors import ExitCode
from crmclean.io.read import ReadOptions
from crmclean.rules.load import LoadedRules
from crmclean.stream import STREAM_MIN_BYTES, StreamValidated, should_stream


def wanted(
    file: str, read: ReadOptions, flags: ReportFlags, loaded: LoadedRules, outputs: tuple[str | None, ...]
) -> bool:
    """Stream when the input is a CSV over the size threshold and only the summary is wanted."""
    options = flags.options
    plain = (
        flags.report_file is None
        and options.baseline is None
        and flags.save_baseline is None
        and loaded.rules.gate is None
        and not options.gate_fail
        and not options.gate_warn
        and flags.fmt in (None, ReportFormat.human)
    )
    threshold = int(os.environ.get("CRMCLEAN_STREAM_MIN_BYTES", STREAM_MIN_BYTES))
    return plain and should_stream(file, read, outputs=outputs, min_bytes=threshold)


def print_summary(result: StreamValidated, console: Console, show_values: bool, extra: str = "") -> None:
    c = result.counts
    console.print(
        f"{result.table.name}: {result.rows:,} rows in {result.chunks} chunks{extra} · {c['errors']:,} "
        f"errors in {c['rows_with_errors']:,} rows · {c['warnings']:,} warnings",
        markup=False,
    )
    entries = result.summary(result.ctx.roles, show_values=show_values)
    if not entries:
        return
    table = RichTable(expand=False)
    for name in ("column", "rule", "severity", "count", "first row", "message", "examples"):
        table.add_column(name, justify="right" if name in ("count", "first row") else "left", overflow="fold")
    for e in entries:
        table.add_row(
            escape(e["column"]),
            e["rule"],
            e["severity"],
            f"{e['count']:,}",
            str(e["first_row"]),
            escape(e["message"]),
            escape(", ".join(e["examples"])),
        )
    console.print(table)


def exit_code(failed: bool, no_fail: bool) -> int:
    return ExitCode.GATE_FAILED if failed and not no_fail else ExitCode.OK
