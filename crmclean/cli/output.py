"""Where a command's report goes: a --report file, stdout, or the terminal; and the exit code."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.console import Console

from crmclean.cli.options import ReportFlags
from crmclean.errors import UsageError
from crmclean.io.write import check_not_input, write_bytes_atomic
from crmclean.report.baseline import save_baseline
from crmclean.report.console import print_report
from crmclean.report.formats import format_for_path
from crmclean.report.model import Report

PIPE_WIDTH = 160


def terminal_console(*, stderr: bool = False) -> Console:
    """A console for people: no colour or style with NO_COLOR; lines not wrapped when not a terminal
    (CI logs keep whole lines)."""
    plain = "NO_COLOR" in os.environ  # no colour, and no bold or underline either: plain text
    console = Console(
        stderr=stderr, highlight=False, emoji=False, no_color=plain, color_system=None if plain else "auto"
    )
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = PIPE_WIDTH  # Rich assumes 80 columns off a terminal; CI logs keep whole lines
    return console


def check_report_targets(flags: ReportFlags, inputs: list[str]) -> None:
    """Before any data is read: the report files must not overwrite an input, and their format must be
    known."""
    for target in (flags.report_file, flags.save_baseline):
        if target:
            check_not_input(target, inputs)
    if flags.report_file and flags.fmt is None:
        format_for_path(flags.report_file)


def emit_report(report: Report, flags: ReportFlags, *, terminal: Console, stdout_free: bool = True) -> int:
    """Write the --report file and the baseline, show the report, and return the exit code.

    Without --report, a machine --format goes to stdout (even with --quiet: it was asked for) and the
    human report to ``terminal``; with --report, the file gets the format and ``terminal`` the human
    report. --quiet silences the human report only. ``stdout_free``: False when the command's data
    goes to stdout (then the report never does)."""
    if flags.report_file:
        fmt = flags.fmt.value if flags.fmt is not None else format_for_path(flags.report_file)
        write_bytes_atomic(Path(flags.report_file), report.render(fmt, width=100).encode("utf-8"))
    if flags.save_baseline:
        save_baseline(report, flags.save_baseline)
    machine = flags.fmt is not None and flags.fmt.value != "human" and not flags.report_file
    if machine:
        if not stdout_free:
            raise UsageError("the report and the data would both be written to stdout")
        typer.echo(report.render(flags.fmt.value), nl=False)  # type: ignore[union-attr]
    elif not flags.quiet:
        print_report(report, terminal)
    return report.exit_code(no_fail=flags.no_fail)
