"""`crmclean schema`: the JSON Schema of the rules file, for editors' YAML support."""

from __future__ import annotations

import typer

from crmclean.errors import ExitCode
from crmclean.rules.docs import rules_schema_text


def schema_command() -> int:
    """Print the JSON Schema of the rules file (from the rules model) to stdout.

    Point an editor's YAML support at it for completion and checking while a rules file is written:
    `crmclean schema > rules.schema.json`, then `# yaml-language-server: $schema=rules.schema.json` as
    the first line of the rules file (VS Code's YAML extension, Neovim's yamlls, JetBrains).
    """
    typer.echo(rules_schema_text(), nl=False)
    return ExitCode.OK


def register(app: typer.Typer) -> None:
    app.command("schema")(schema_command)
