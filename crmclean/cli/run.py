"""`crmclean run`: the main job in one pass, every output in one folder, one report."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from crmclean import api
from crmclean.cli import options, progress
from crmclean.cli.options import EngineFlags, ReportFlags, WriteFlags
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
@options.engine_flags
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
    engine: EngineFlags,
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
    with progress.shown(quiet=report.quiet) as watch:  # on stderr, for a person watching only
        result = api.run(
            file,
            loaded,
            report=report.options,
            options=read,
            progress=watch,
            decisions=decisions,
            **engine.kwargs(),
        )
        folder.mkdir(parents=True, exist_ok=True)
        kwargs = write.kwargs([file])
        outputs = {**result.outputs(), "pairs": result.pairs, "review": result.review}
        watch.start(f"writing {folder}", len(outputs) + 2, "files")
        for name, frame in outputs.items():
            write_table(frame, str(folder / f"{name}.{out_format.value}"), **kwargs)
            watch.advance()
        for fmt in ("json", "html"):
            write_bytes_atomic(
                folder / f"report.{fmt}", result.report.render(fmt).encode("utf-8"), mode=write.mode
            )
            watch.advance()
    return emit_report(result.report, report, terminal=terminal_console())


def register(app: typer.Typer) -> None:
    app.command("run")(run_command)
