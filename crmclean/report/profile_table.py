"""`crmclean profile` as a Rich table: one row per column."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from crmclean.profile import Profile


def print_profile(result: Profile, console: Console) -> None:
    source = f"{result.source} · {result.format}"
    if result.encoding:
        source += f" · {result.encoding}"
    if result.delimiter:
        source += f" · delimiter {result.delimiter!r}"
    title = f"{source} · {result.rows:,} rows"
    if result.skipped_blank:
        title += f" ({result.skipped_blank} blank skipped)"
    table = RichTable(title=title, title_justify="left", expand=False)
    table.add_column("column", style="bold", overflow="fold")
    table.add_column("role")
    table.add_column("filled", justify="right")
    table.add_column("distinct", justify="right")
    table.add_column("length", justify="right")
    table.add_column("common shapes", overflow="fold")
    table.add_column("examples", overflow="fold")
    for col in result.columns:
        role = col.role or "-"
        if col.role and col.role_source != "header":
            role += f" ({col.role_source})"
        if not col.role_agrees:
            role = f"[yellow]{role} ≠ {col.content}[/]"
        fill = f"{col.fill_rate:.0%}"
        if col.fill_rate < 0.5:
            fill = f"[yellow]{fill}[/]"
        length = "" if col.min_length is None else f"{col.min_length}–{col.max_length}"
        shapes = "\n".join(f"{s} ({n:,})" for s, n in col.shapes)
        examples = ", ".join(col.examples)
        table.add_row(
            escape(col.column), role, fill, f"{col.distinct:,}", length, escape(shapes), escape(examples)
        )
    console.print(table)
