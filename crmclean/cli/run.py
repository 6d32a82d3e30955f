"""`crmclean run`: the main job in one pass, every output in one folder, one report."""

from __future__ import annotations

from contextlib import nullcontext
from enum import StrEnum
from pathlib import Path

import polars as pl
import typer

from crmclean.cli import options
from crmclean.cli.app import app
from crmclean.cli.validate import (
    BaselineOption,
    CheckDns,
    GateFailOption,
    GateWarnOption,
    NoFailOption,
    RulesOption,
    SaveBaselineOption,
    ToleranceOption,
    emit_report,
    report_request,
    rules_with,
    terminal_console,
)
from crmclean.dedupe.report import summary
from crmclean.errors import UsageError
from crmclean.io.read import ROW, read_table
from crmclean.io.write import write_bytes_atomic, write_table
from crmclean.mask import mask_value
from crmclean.pipeline import Ran, print_nothing, run
from crmclean.report.gate import default_gate
from crmclean.report.model import ClusterView, Duplicates, build_report
from crmclean.report.render import render


class OutFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"


OUTPUTS = ("cleaned", "rejects", "changes", "findings", "clusters", "golden", "lineage")


def duplicates_view(ran: Ran, show_values: bool) -> Duplicates:
    """The dedupe result as the report shows it: counts, size distribution, largest clusters with a
    few (masked) names of their records."""
    found = ran.deduped.duplicates
    info = summary(found, found.clusters.height)
    ctx = ran.deduped.prepared.ctx
    name_columns = [c for c in (ctx.first_of("first_name"), ctx.first_of("last_name")) if c]
    frame = ran.deduped.prepared.frame
    largest = []
    for entry in info["largest"]:
        members = found.clusters.filter(pl.col("cluster_id") == entry["cluster_id"]).get_column(ROW)
        rows = frame.filter(pl.col(ROW).is_in(members.implode())).head(3)
        examples = []
        for record in rows.iter_rows(named=True):
            parts = [record[c] for c in name_columns if record[c]]
            if not show_values:
                parts = [mask_value(p, ctx.roles.get(c)) for p, c in zip(parts, name_columns, strict=False)]
            examples.append(" ".join(p for p in parts if p) or f"row {record[ROW]}")
        largest.append(
            ClusterView(
                str(entry["cluster_id"]), entry["size"], entry["score"] or 0.0, entry["matched_on"], examples
            )
        )
    return Duplicates(
        records=info["records"],
        clusters=info["clusters_with_duplicates"],
        duplicate_records=info["duplicate_records"],
        pairs_compared=info["pairs_compared"],
        largest=largest,
        size_distribution=info["size_distribution"],
    )


@app.command("run")
def run_command(
    file: str = options.InputFile,
    out_dir: str = typer.Option(
        "out", "--out-dir", "-o", help="Folder for the outputs (created if missing); files are replaced."
    ),
    rules: str | None = RulesOption,
    out_format: OutFormat = typer.Option(OutFormat.csv, "--out-format", help="Format of the data outputs."),
    out_encoding: str = typer.Option("utf-8", "--out-encoding", help="Encoding of CSV outputs."),
    escape_formulas: bool = typer.Option(
        True, "--escape-formulas/--no-escape-formulas", help="Neutralize spreadsheet formulas in outputs."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No report on the terminal."),
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
    """The main job: read, fill, normalize, validate, dedupe and merge in one pass.

    Writes into OUT_DIR: cleaned, rejects (original values + _reasons), changes, findings, clusters
    (cleaned rows -> cluster_id), golden (one record per customer), lineage, and report.json /
    report.html; prints the report. Rows with errors are quarantined in rejects, so they warn; a
    `gate:` section or --gate-fail decides what fails (exit 1). See docs/report.md.
    """
    loaded = rules_with(rules, check_dns)
    request = report_request(
        source=file,
        loaded=loaded,
        fmt=None,
        report_file=None,
        quiet=quiet,
        show_values=show_values,
        gate_fail=gate_fail,
        gate_warn=gate_warn,
        baseline=baseline,
        save_baseline=save_baseline_file,
        tolerance=baseline_tolerance,
        no_fail=no_fail,
    )
    request.gate = request.gate or default_gate(quarantine=True)
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--out-dir {out_dir!r} is a file, not a folder")
    status_console = terminal_console(stderr=True)
    live = status_console.is_terminal and not quiet  # a spinner only for a person watching
    with status_console.status("reading", spinner="dots") if live else nullcontext() as status:
        table = read_table(file, options.read_options(delimiter, encoding, sheet, input_format))
        ran = run(table, loaded, progress=status.update if status is not None else print_nothing)
    cleaned = ran.cleaned
    frames = {
        "cleaned": cleaned.cleaned,
        "rejects": cleaned.rejected,
        "changes": cleaned.validated.prepared.changes,
        "findings": cleaned.validated.findings,
        "clusters": ran.clusters,
        "golden": ran.golden.records,
        "lineage": ran.golden.lineage,
    }
    folder.mkdir(parents=True, exist_ok=True)
    write = {"encoding": out_encoding, "formulas": escape_formulas, "inputs": [file]}
    for name in OUTPUTS:
        write_table(frames[name], str(folder / f"{name}.{out_format.value}"), **write)
    report = build_report(
        cleaned,
        rules=loaded.rules,
        duplicates=duplicates_view(ran, show_values),
        show_values=show_values,
        gate=request.gate,
        baseline=request.baseline,
    )
    for fmt in ("json", "html"):
        write_bytes_atomic(folder / f"report.{fmt}", render(report, fmt).encode("utf-8"))
    return emit_report(report, request, terminal=terminal_console())
