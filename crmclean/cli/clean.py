"""`crmclean clean`: cleaned rows to one file, rejected rows (with reasons) to another; nothing lost."""

from __future__ import annotations

from pathlib import Path

import typer

from crmclean import api, stream
from crmclean.cli import options, progress
from crmclean.cli.options import EngineFlags, ReportFlags, WriteFlags
from crmclean.cli.output import check_report_targets, emit_report, terminal_console
from crmclean.errors import UsageError
from crmclean.io.read import ReadOptions
from crmclean.io.write import check_distinct_outputs, write_table


def default_rejects(output: str) -> str:
    """Where rejected rows go when --rejects is not given: beside OUTPUT, as OUTPUT-STEM.rejects.EXT."""
    path = Path(output)
    return str(path.with_name(f"{path.stem}.rejects{path.suffix or '.csv'}"))


@options.read_flags
@options.write_flags
@options.report_flags
@options.engine_flags
def clean_command(
    file: str = options.InputFile,
    output: str = options.output_option(
        "Cleaned rows (filled, normalized); '-' for stdout (then --rejects is needed).",
    ),
    rules: str | None = options.RulesOption,
    rejects: str | None = options.file_option(
        "--rejects",
        "Rows with an error finding: original values plus a _reasons column. "
        "Default: beside OUTPUT, as OUTPUT-STEM.rejects.EXT.",
    ),
    changes: str | None = options.file_option(
        "--changes", "Cell-level change log: _row, column, before, after, rule."
    ),
    findings: str | None = options.FindingsOption,
    check_dns: bool = options.CheckDns,
    region: str | None = options.RegionOption,
    *,
    read: ReadOptions,
    write: WriteFlags,
    report: ReportFlags,
    engine: EngineFlags,
) -> int:
    """Fill and normalize; write clean rows to OUTPUT and rows with errors to REJECTS.

    Every input row lands in exactly one of OUTPUT or REJECTS (checked before anything is written);
    rejects go beside OUTPUT unless --rejects names a file. The report goes to stderr (stdout may carry
    the data). Rows with errors are quarantined, so they warn; a `gate:` section or --gate-fail decides
    what fails (exit 1).
    """
    if rejects is None:
        if output == "-":
            raise UsageError("with -o -, give --rejects FILE: the rejected rows need a place of their own")
        rejects = default_rejects(output)
    if report.fmt is not None and not report.report_file:
        raise UsageError("clean prints its report on stderr as text; --format applies to --report FILE")
    outputs = {"--output": output, "--rejects": rejects, "--changes": changes, "--findings": findings}
    options.one_stdout(**{f"{name} -": target == "-" for name, target in outputs.items()})
    check_distinct_outputs([*outputs.values(), report.report_file, report.save_baseline])
    loaded = api.load_rules(rules, check_dns=check_dns or None, region=region)
    check_report_targets(report, [file])
    kwargs = write.kwargs([file])
    stderr = terminal_console(stderr=True)
    if stream.appendable(tuple(outputs.values())):  # in batches (one for a small file)
        with progress.shown(quiet=report.quiet) as watch:
            run = api.clean_file(
                file,
                loaded,
                output=output,
                rejects=rejects,
                changes=changes,
                findings=findings,
                report=report.options,
                options=read,
                encoding=write.encoding,
                formulas=write.formulas,
                mode=write.mode,
                encoding_errors=write.errors,
                progress=watch,
                **engine.kwargs(),
            )
        rejected = run.report.rows_rejected or 0
        if not report.quiet and rejected:
            stderr.print(f"{rejected:,} rejected rows written to {rejects}", markup=False)
        return emit_report(run.report, report, terminal=stderr, stdout_free=False)
    options.local_only(engine, "outputs in these formats")
    with progress.shown(quiet=report.quiet) as watch:
        result = api.clean(file, loaded, report=report.options, options=read, progress=watch)
    write_table(result.cleaned, output, **kwargs)
    write_table(result.rejected, rejects, **kwargs)
    if changes:
        write_table(result.changes, changes, **kwargs)
    if findings:
        write_table(result.findings, findings, **kwargs)
    if not report.quiet and result.rejected.height:
        stderr.print(f"{result.rejected.height:,} rejected rows written to {rejects}", markup=False)
    return emit_report(result.report, report, terminal=stderr, stdout_free=False)


def register(app: typer.Typer) -> None:
    app.command("clean")(clean_command)
