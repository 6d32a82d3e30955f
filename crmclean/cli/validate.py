"""`crmclean validate`, `crmclean clean` and `crmclean init`: rules applied to an export, and the
report and gate options those commands share."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

from crmclean import stream
from crmclean.cli import options, streaming
from crmclean.cli.app import app
from crmclean.errors import ExitCode, UsageError
from crmclean.init import starter_rules
from crmclean.io.read import read_table
from crmclean.io.write import check_distinct_outputs, check_not_input, write_bytes_atomic, write_table
from crmclean.pipeline import check_table, clean
from crmclean.report.baseline import Baseline, load_baseline, save_baseline
from crmclean.report.console import print_report
from crmclean.report.gate import FLAG_HELP, Gate, default_gate, with_flags
from crmclean.report.model import Report, build_report
from crmclean.report.render import format_for_path, render
from crmclean.rules.load import LoadedRules, load_rules

RulesOption = typer.Option(
    None, "--rules", "-r", help="Rules file (YAML). Default: the bundled rules/default.yaml."
)
CheckDns = typer.Option(
    False, "--check-dns", help="Also check that email domains exist (needs network; slow)."
)
FindingsOption = typer.Option(
    None, "--findings", help="Write every finding (_row, column, rule, severity, value, message) here."
)


class ReportFormat(StrEnum):
    human = "human"
    json = "json"
    junit = "junit"
    markdown = "markdown"
    github = "github"
    html = "html"


# Report and gate options, shared by `validate` and `clean` (and by any command that prints a report).
FormatOption = typer.Option(
    None,
    "--format",
    "-f",
    help="Report format: human, json, junit, markdown, github (workflow annotations) or html. Printed to "
    "stdout, or written to --report (format from its extension when --format is omitted).",
)
ReportFileOption = typer.Option(
    None,
    "--report",
    help="Write the report to this file (atomically) in --format; the terminal still gets the human report.",
)
QuietOption = typer.Option(
    False, "--quiet", "-q", help="No report on the terminal (--report files are written)."
)
GateFailOption = typer.Option(
    None, "--gate-fail", help="Fail past a limit (above it; below it for fill:). " + FLAG_HELP
)
GateWarnOption = typer.Option(
    None, "--gate-warn", help="Warn past a limit (above it; below it for fill:). " + FLAG_HELP
)
NoFailOption = typer.Option(
    False, "--no-fail", help="Report the gate's verdict but exit 0 on fail (for a gradual roll-out)."
)
BaselineOption = typer.Option(
    None, "--baseline", help="Compare with a saved baseline; a rate worse by more than the tolerance fails."
)
SaveBaselineOption = typer.Option(
    None, "--save-baseline", help="Save this run's rates (no values) as a baseline file."
)
ToleranceOption = typer.Option(
    None,
    "--baseline-tolerance",
    help="Percentage points a rate may worsen against --baseline, e.g. 1%. Default: gate.baseline_tolerance "
    "(0.5%).",
)


@dataclass
class ReportRequest:
    """What the report and gate options ask for, checked before any data is read."""

    fmt: str | None
    report_file: str | None
    report_fmt: str | None
    quiet: bool
    show_values: bool
    gate: Gate | None
    baseline: Baseline | None
    save_baseline: str | None
    no_fail: bool


def report_request(
    *,
    source: str,
    loaded: LoadedRules,
    fmt: ReportFormat | None,
    report_file: str | None,
    quiet: bool,
    show_values: bool,
    gate_fail: list[str] | None,
    gate_warn: list[str] | None,
    baseline: str | None,
    save_baseline: str | None,
    tolerance: str | None,
    no_fail: bool,
) -> ReportRequest:
    for target in (report_file, save_baseline):
        if target == "-":
            raise UsageError(
                "--report and --save-baseline need a file name, not '-'",
                hint="without --report, --format prints the report to stdout",
            )
        if target:
            check_not_input(target, [source])
    report_fmt = None
    if report_file:
        report_fmt = fmt.value if fmt is not None else format_for_path(report_file)
    gate = with_flags(loaded.rules.gate, fail=gate_fail, warn=gate_warn, tolerance=tolerance)
    return ReportRequest(
        fmt=fmt.value if fmt is not None else None,
        report_file=report_file,
        report_fmt=report_fmt,
        quiet=quiet,
        show_values=show_values,
        gate=gate,
        baseline=load_baseline(baseline) if baseline else None,
        save_baseline=save_baseline,
        no_fail=no_fail,
    )


def emit_report(report: Report, request: ReportRequest, *, terminal: Console) -> int:
    """Write the --report file and the baseline, show the report, and return the exit code.

    Without --report, the chosen format goes to stdout (human on ``terminal``); with it, the file gets
    the chosen format and ``terminal`` the human report. --quiet silences the terminal only."""
    if request.report_file:
        payload = render(report, request.report_fmt or "human", width=100)
        write_bytes_atomic(Path(request.report_file), payload.encode("utf-8"))
    if request.save_baseline:
        save_baseline(report, request.save_baseline)
    if not request.quiet:
        fmt = "human" if request.report_file else (request.fmt or "human")
        if fmt == "human":
            print_report(report, terminal)
        else:
            typer.echo(render(report, fmt), nl=False)
    return report.exit_code(no_fail=request.no_fail)


def rules_with(rules: str | None, check_dns: bool) -> LoadedRules:
    """The rules file (or the bundled default), with --check-dns switched on when given."""
    loaded = load_rules(rules)
    if check_dns:
        loaded.rules.settings.check_dns = True
    return loaded


def terminal_console(*, stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, emoji=False, no_color="NO_COLOR" in os.environ)


@app.command("validate")
def validate_command(
    file: str = options.InputFile,
    rules: str | None = RulesOption,
    findings: str | None = FindingsOption,
    fmt: ReportFormat | None = FormatOption,
    report_file: str | None = ReportFileOption,
    quiet: bool = QuietOption,
    show_values: bool = options.ShowValues,
    gate_fail: list[str] | None = GateFailOption,
    gate_warn: list[str] | None = GateWarnOption,
    no_fail: bool = NoFailOption,
    baseline: str | None = BaselineOption,
    save_baseline_file: str | None = SaveBaselineOption,
    baseline_tolerance: str | None = ToleranceOption,
    check_dns: bool = CheckDns,
    delimiter: str | None = options.Delimiter,
    encoding: str | None = options.Encoding,
    sheet: str | None = options.Sheet,
    input_format: str | None = options.InputFormat,
) -> int:
    """Check an export against rules and report; exit 1 when the gate fails, 0 otherwise.

    Without a gate (a `gate:` section in the rules, or --gate-fail/--gate-warn), any error finding fails.
    See docs/report.md for the formats, the gate and baselines.
    """
    loaded = rules_with(rules, check_dns)
    request = report_request(
        source=file,
        loaded=loaded,
        fmt=fmt,
        report_file=report_file,
        quiet=quiet,
        show_values=show_values,
        gate_fail=gate_fail,
        gate_warn=gate_warn,
        baseline=baseline,
        save_baseline=save_baseline_file,
        tolerance=baseline_tolerance,
        no_fail=no_fail,
    )
    read = options.read_options(delimiter, encoding, sheet, input_format)
    if streaming.wanted(file, read, request, (findings,)):
        result = stream.validate_file(file, loaded, read, findings=findings)
        if not quiet:
            streaming.print_summary(result, terminal_console(), show_values)
        return streaming.exit_code(result.errors > 0, no_fail)
    table = read_table(file, read)
    validated = check_table(table, loaded)
    if findings:
        write_table(validated.findings, findings, inputs=[file])
    report = build_report(
        validated, rules=loaded.rules, show_values=show_values, gate=request.gate, baseline=request.baseline
    )
    return emit_report(report, request, terminal=terminal_console())


@app.command("clean")
def clean_command(
    file: str = options.InputFile,
    output: str = typer.Option(
        ..., "--output", "-o", help="Cleaned rows (filled, normalized); '-' for stdout."
    ),
    rules: str | None = RulesOption,
    rejects: str | None = typer.Option(
        None, "--rejects", help="Rows with an error finding: original values plus a _reasons column."
    ),
    changes: str | None = typer.Option(
        None, "--changes", help="Cell-level change log: _row, column, before, after, rule."
    ),
    findings: str | None = FindingsOption,
    out_encoding: str = typer.Option("utf-8", "--out-encoding", help="Encoding of CSV outputs."),
    escape_formulas: bool = typer.Option(
        True,
        "--escape-formulas/--no-escape-formulas",
        help="Neutralize spreadsheet formulas in CSV/xlsx output.",
    ),
    report_file: str | None = ReportFileOption,
    fmt: ReportFormat | None = typer.Option(
        None, "--format", "-f", help="Format of --report; from its extension when omitted."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No report on stderr."),
    show_values: bool = options.ShowValues,
    gate_fail: list[str] | None = GateFailOption,
    gate_warn: list[str] | None = GateWarnOption,
    no_fail: bool = NoFailOption,
    baseline: str | None = BaselineOption,
    save_baseline_file: str | None = SaveBaselineOption,
    baseline_tolerance: str | None = ToleranceOption,
    check_dns: bool = CheckDns,
    delimiter: str | None = options.Delimiter,
    encoding: str | None = options.Encoding,
    sheet: str | None = options.Sheet,
    input_format: str | None = options.InputFormat,
) -> int:
    """Fill and normalize; write clean rows to OUTPUT and rows with errors to --rejects.

    Every input row lands in exactly one of OUTPUT or REJECTS (checked before anything is written).
    The report goes to stderr (stdout may carry the data). Without a gate, rows with errors fail
    (exit 1) unless --rejects quarantines them; a configured gate decides otherwise.
    """
    loaded = rules_with(rules, check_dns)
    request = report_request(
        source=file,
        loaded=loaded,
        fmt=fmt,
        report_file=report_file,
        quiet=quiet,
        show_values=show_values,
        gate_fail=gate_fail,
        gate_warn=gate_warn,
        baseline=baseline,
        save_baseline=save_baseline_file,
        tolerance=baseline_tolerance,
        no_fail=no_fail,
    )
    if fmt is not None and not report_file:
        raise UsageError("clean prints its report on stderr as text; --format applies to --report FILE")
    request.fmt = None  # stdout may be the data: the terminal report is human, on stderr
    check_distinct_outputs([output, rejects, changes, findings, report_file, save_baseline_file])
    read = options.read_options(delimiter, encoding, sheet, input_format)
    if streaming.wanted(file, read, request, (output, rejects, changes, findings)):
        streamed = stream.clean_file(
            file,
            loaded,
            read,
            output=output,
            rejects=rejects,
            changes=changes,
            findings=findings,
            out_encoding=out_encoding,
            escape_formulas=escape_formulas,
        )
        if not quiet:
            counts = f" · {streamed.rows_cleaned:,} cleaned · {streamed.rows_rejected:,} rejected"
            streaming.print_summary(streamed, terminal_console(stderr=True), show_values, counts)
        return streaming.exit_code(streamed.rows_rejected > 0 and not rejects, no_fail)
    if request.gate is None:
        request.gate = default_gate(quarantine=bool(rejects))
    table = read_table(file, read)
    result = clean(table, loaded)
    write = {"encoding": out_encoding, "formulas": escape_formulas, "inputs": [file]}
    write_table(result.cleaned, output, **write)
    if rejects:
        write_table(result.rejected, rejects, **write)
    if changes:
        write_table(result.validated.prepared.changes, changes, **write)
    if findings:
        write_table(result.validated.findings, findings, **write)
    report = build_report(
        result, rules=loaded.rules, show_values=show_values, gate=request.gate, baseline=request.baseline
    )
    return emit_report(report, request, terminal=terminal_console(stderr=True))


@app.command("init")
def init_command(
    file: str = options.InputFile,
    delimiter: str | None = options.Delimiter,
    encoding: str | None = options.Encoding,
    sheet: str | None = options.Sheet,
    input_format: str | None = options.InputFormat,
) -> int:
    """Write a starting rules file for an export to stdout: `crmclean init export.csv > rules.yaml`."""
    table = read_table(file, options.read_options(delimiter, encoding, sheet, input_format))
    typer.echo(starter_rules(table), nl=False)
    return ExitCode.OK
