"""`crmclean explain`: why two records are, or are not, the same customer."""

from __future__ import annotations

import typer

from crmclean import api
from crmclean.cli import options
from crmclean.cli.output import terminal_console
from crmclean.errors import ExitCode
from crmclean.io.read import ReadOptions
from crmclean.report.explain_table import print_explanation


@options.read_flags
def explain_command(
    file: str = options.InputFile,
    first: str = typer.Argument(..., help="First record: its customer id, or its row number."),
    second: str = typer.Argument(..., help="Second record: its customer id, or its row number."),
    rules: str | None = options.RulesOption,
    show_values: bool = options.ShowValues,
    decisions: str | None = options.DecisionsOption,
    *,
    read: ReadOptions,
) -> int:
    """Why two records are (or are not) the same customer, field by field."""
    result = api.explain(file, first, second, rules, options=read, decisions=decisions)
    settings = result.loaded.rules.dedupe
    print_explanation(
        result.explanation, settings, result.row_a, result.row_b, show_values, terminal_console()
    )
    return ExitCode.OK


def register(app: typer.Typer) -> None:
    app.command("explain")(explain_command)
