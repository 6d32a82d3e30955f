"""`crmclean run`: the main job in one pass, every output in one folder, one report."""

from __future__ import annotations

from contextlib import nullcontext
from enum import StrEnum
from pathlib import Path

import typer

from crmclean import api, pipeline
from crmclean.cli import options
from crmclean.cli.options import ReportFlags, WriteFlags
from crmclean.cli.output import check_report_targets, emit_report, terminal_console
from crmclean.errors import UsageError
from crmclean.io.read import ReadOptions
from crmclean.io.write import write_bytes_atomic, write_table


class OutFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"


@options.read_flags
@options.write_flags
@options.report_flags
def run_command(
    file: str = options.InputFile,
    out_dir: str = typer.Option(
        "out", "--out-dir", help="Folder for the outputs (created if missing); files in it are replaced."
    ),
    rules: str | None = options.RulesOption,
    out_format: OutFormat = typer.Option(OutFormat.csv, "--out-format", help="Format of the data outputs."),
    check_dns: bool = options.CheckDns,
    region: str | None = options.RegionOption,
    decisions: str | None = options.DecisionsOption,
    *,
    read: ReadOptions,
    write: WriteFlags,
    report: ReportFlags,
) -> int:
    """The main job: read, fill, normalize, validate, dedupe and merge in one pass.

    Writes into OUT_DIR: cleaned, rejects (original values + _reasons), changes, findings, clusters
    (cleaned rows -> cluster_id), golden (one record per customer), lineage, pairs, review (the pairs
    in the review band, both records side by side: `crmclean review` walks them), and report.json /
    report.html; prints the report. Rows with errors are quarantined in rejects, so they warn; a
    `gate:` section or --gate-fail decides what fails (exit 1). See docs/report.md.
    """
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--out-dir {out_dir!r} is a file, not a folder")
    loaded = api.load_rules(rules, check_dns=check_dns or None, region=region)
    check_report_targets(report, [file])
    status_console = terminal_console(stderr=True)
    live = status_console.is_terminal and not report.quiet  # a spinner only for a person watching
    with status_console.status("reading", spinner="dots") if live else nullcontext() as status:
        progress = status.update if status is not None else pipeline.print_nothing
        result = api.run(
            file, loaded, report=report.options, options=read, progress=progress, decisions=decisions
        )
    folder.mkdir(parents=True, exist_ok=True)
    kwargs = write.kwargs([file])
    for name, frame in {**result.outputs(), "pairs": result.pairs, "review": result.review}.items():
        write_table(frame, str(folder / f"{name}.{out_format.value}"), **kwargs)
    for fmt in ("json", "html"):
        write_bytes_atomic(
            folder / f"report.{fmt}", result.report.render(fmt).encode("utf-8"), mode=write.mode
        )
    return emit_report(result.report, report, terminal=terminal_console())


def register(app: typer.Typer) -> None:
    app.command("run")(run_command)
