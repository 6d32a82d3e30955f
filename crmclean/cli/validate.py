"""`crmclean validate`: rules applied to an export, a report, and the gate's exit code."""

from __future__ import annotations

import typer

from crmclean import api, stream
from crmclean.cli import options, progress
from crmclean.cli.options import EngineFlags, ReportFlags, ReportFormat
from crmclean.cli.output import check_report_targets, emit_report, terminal_console
from crmclean.io.read import ReadOptions
from crmclean.io.write import check_distinct_outputs, write_table


@options.read_flags
@options.report_flags
@options.engine_flags
def validate_command(
    file: str = options.InputFile,
    rules: str | None = options.RulesOption,
    findings: str | None = options.FindingsOption,
    check_dns: bool = options.CheckDns,
    region: str | None = options.RegionOption,
    *,
    read: ReadOptions,
    report: ReportFlags,
    engine: EngineFlags,
) -> int:
    """Check an export against rules and report; exit 1 when the gate fails, 0 otherwise.

    Without a gate (a `gate:` section in the rules, or --gate-fail/--gate-warn), any error finding fails.
    See docs/report.md for the formats, the gate and baselines.
    """
    loaded = api.load_rules(rules, check_dns=check_dns or None, region=region)
    check_report_targets(report, [file])
    check_distinct_outputs([findings, report.report_file, report.save_baseline])
    machine = report.fmt not in (None, ReportFormat.human) and not report.report_file
    options.one_stdout(**{"--findings -": findings == "-", "--format " + str(report.fmt): machine})
    if stream.appendable((findings,)):  # in batches (one for a small file), findings as they come
        with progress.shown(quiet=report.quiet) as watch:
            result = api.validate_file(
                file,
                loaded,
                findings=findings,
                report=report.options,
                options=read,
                progress=watch,
                **engine.kwargs(),
            )
        return emit_report(result.report, report, terminal=terminal_console(), stdout_free=findings != "-")
    options.local_only(engine, "--findings in this format")
    with progress.shown(quiet=report.quiet) as watch:
        validation = api.validate(file, loaded, report=report.options, options=read, progress=watch)
    if findings:
        write_table(validation.findings, findings, inputs=[file])
    return emit_report(validation.report, report, terminal=terminal_console(), stdout_free=findings != "-")


def register(app: typer.Typer) -> None:
    app.command("validate")(validate_command)
