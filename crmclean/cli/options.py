"""Options shared by several commands, defined once."""

from __future__ import annotations

from enum import StrEnum

import typer

from crmclean.io.read import ReadOptions


class HumanOrJson(StrEnum):
    """--format of the commands whose output is a table for people or JSON for machines."""

    human = "human"
    json = "json"


InputFile = typer.Argument(
    ..., help="The export to read: .csv/.tsv/.txt, .xlsx, .parquet, .json, .ndjson; '-' reads stdin."
)
Delimiter = typer.Option(
    None, "--delimiter", "-d", help="CSV delimiter; detected among , ; TAB | when omitted."
)
Encoding = typer.Option(
    None, "--encoding", "-e", help="Input encoding (utf-8, cp1251, utf-16...); detected when omitted."
)
Sheet = typer.Option(None, "--sheet", help="Excel sheet name, or its 1-based number. Default: first.")
InputFormat = typer.Option(
    None,
    "--input-format",
    help="Input format (csv, xlsx, parquet, json, ndjson); from the extension when omitted.",
)
ShowValues = typer.Option(
    False, "--show-values", help="Show values unmasked in output (personal data!). Masked by default."
)


def read_options(
    delimiter: str | None, encoding: str | None, sheet: str | None, input_format: str | None
) -> ReadOptions:
    if delimiter in ("\\t", "tab", "TAB"):
        delimiter = "\t"
    return ReadOptions(format=input_format, delimiter=delimiter, encoding=encoding, sheet=sheet)
