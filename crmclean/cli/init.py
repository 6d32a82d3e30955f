"""`crmclean init`: a starting rules file for an export, on stdout."""

from __future__ import annotations

import typer

from crmclean import api
from crmclean.cli import options
from crmclean.errors import ExitCode
from crmclean.init import starter_rules
from crmclean.io.read import ReadOptions


@options.read_flags
def init_command(file: str = options.InputFile, *, read: ReadOptions) -> int:
    """Write a starting rules file for an export to stdout: `crmclean init export.csv > rules.yaml`."""
    typer.echo(starter_rules(api.read(file, read)), nl=False)
    return ExitCode.OK


def register(app: typer.Typer) -> None:
    app.command("init")(init_command)
