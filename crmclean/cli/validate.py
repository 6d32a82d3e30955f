"""`crmclean validate`, `crmclean clean` and `crmclean init`: rules applied to an export."""

from __future__ import annotations

import json
from enum import StrEnum

import typer
from rich.console import Console
from rich.table import Table as RichTable

from crmclean.cli import options
from crmclean.cli.app import app, stderr_console
from crmclean.errors import ExitCode
from crmclean.init import starter_rules
from crmclean.io.read import read_table
from crmclean.io.write import write_table
from crmclean.pipeline import Validated, check_table, clean
from crmclean.rules.load import load_rules
from crmclean.summary import counts, summarize

RulesOption = typer.Option(
    None, "--rules", "-r", help="Rules file (YAML). Default: the bundled rules/default.yaml."
)
CheckDns = typer.Option(
    False, "--check-dns", help="Also check that email domains exist (needs network; slow)."
)
FindingsOption = typer.Option(
    None, "--findings", help="Write every finding (_row, column, rule, severity, value, message) here."
)


class SummaryFormat(StrEnum):
    human = "human"
    json = "json"


def _render(validated: Validated, rows: int, console: Console, show_values: bool, title: str) -> None:
    c = counts(validated.findings)
    head = (
        f"{title}: {rows:,} rows · {c['errors']:,} errors in {c['rows_with_errors']:,} rows · "
        f"{c['warnings']:,} warnings"
    )
    console.print(head, markup=False)
    entries = summarize(validated.findings, validated.prepared.ctx.roles, show_values=show_values)
    if not entries:
        return
    table = RichTable(expand=False)
    for name in ("column", "rule", "severity", "count", "first row", "message", "examples"):
        table.add_column(name, justify="right" if name in ("count", "first row") else "left", overflow="fold")
    for e in entries:
        severity = f"[red]{e['severity']}[/]" if e["severity"] == "error" else f"[yellow]{e['severity']}[/]"
        table.add_row(
            e["column"],
            e["rule"],
            severity,
            f"{e['count']:,}",
            str(e["first_row"]),
            e["message"],
            ", ".join(e["examples"]),
        )
    console.print(table)


def _json(validated: Validated, rows: int, show_values: bool) -> str:
    data = {
        "version": 1,
        "rows": rows,
        **counts(validated.findings),
        "checks": summarize(validated.findings, validated.prepared.ctx.roles, show_values=show_values),
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


@app.command("validate")
def validate_command(
    file: str = options.InputFile,
    rules: str | None = RulesOption,
    findings: str | None = FindingsOption,
    fmt: SummaryFormat = typer.Option(
        SummaryFormat.human, "--format", "-f", help="Summary as a table or JSON."
    ),
    show_values: bool = options.ShowValues,
    check_dns: bool = CheckDns,
    delimiter: str | None = options.Delimiter,
    encoding: str | None = options.Encoding,
    sheet: str | None = options.Sheet,
    input_format: str | None = options.InputFormat,
) -> int:
    """Check an export against rules; exit 1 when any error finding exists, 0 otherwise."""
    loaded = load_rules(rules)
    if check_dns:
        loaded.rules.settings.check_dns = True
    table = read_table(file, options.read_options(delimiter, encoding, sheet, input_format))
    validated = check_table(table, loaded)
    if findings:
        write_table(validated.findings, findings, inputs=[file])
    if fmt is SummaryFormat.json:
        typer.echo(_json(validated, table.frame.height, show_values))
    else:
        _render(validated, table.frame.height, Console(highlight=False), show_values, table.name)
    return ExitCode.GATE_FAILED if validated.errors else ExitCode.OK


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
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary on stderr."),
    check_dns: bool = CheckDns,
    delimiter: str | None = options.Delimiter,
    encoding: str | None = options.Encoding,
    sheet: str | None = options.Sheet,
    input_format: str | None = options.InputFormat,
) -> int:
    """Fill and normalize; write clean rows to OUTPUT and rows with errors to --rejects.

    Every input row lands in exactly one of OUTPUT or REJECTS (checked before anything is written).
    Without --rejects, rows with errors are kept out of OUTPUT and the exit code is 1.
    """
    loaded = load_rules(rules)
    if check_dns:
        loaded.rules.settings.check_dns = True
    table = read_table(file, options.read_options(delimiter, encoding, sheet, input_format))
    result = clean(table, loaded)
    write = {"encoding": out_encoding, "formulas": escape_formulas, "inputs": [file]}
    write_table(result.cleaned, output, **write)
    if rejects:
        write_table(result.rejected, rejects, **write)
    if changes:
        write_table(result.validated.prepared.changes, changes, **write)
    if findings:
        write_table(result.validated.findings, findings, **write)
    if not quiet:
        console = stderr_console()
        c = counts(result.validated.findings)
        console.print(
            f"{table.name}: {table.frame.height:,} rows in · {result.cleaned.height:,} cleaned · "
            f"{result.rejected.height:,} rejected · "
            f"{result.validated.prepared.changes.height:,} cells changed · {c['warnings']:,} warnings",
            markup=False,
        )
    if result.rejected.height and not rejects:
        return ExitCode.GATE_FAILED
    return ExitCode.OK


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
