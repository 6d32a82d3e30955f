"""`crmclean profile`: what each column holds, at a glance."""

from __future__ import annotations

import json

import typer

from crmclean import api
from crmclean.cli import options
from crmclean.cli.output import terminal_console
from crmclean.errors import ExitCode
from crmclean.io.read import ReadOptions
from crmclean.report.profile_table import print_profile


@options.read_flags
def profile_command(
    file: str = options.InputFile,
    fmt: options.HumanOrJson = options.format_option("human: a table; json: for machines (stdout)."),
    show_values: bool = options.ShowValues,
    *,
    read: ReadOptions,
) -> int:
    """Profile every column: detected role, fill rate, distinct values, common shapes, lengths."""
    result = api.profile(file, show_values=show_values, options=read)
    if fmt is options.HumanOrJson.json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_profile(result, terminal_console())
    return ExitCode.OK


def register(app: typer.Typer) -> None:
    app.command("profile")(profile_command)
