"""`crmclean dedupe` (clusters, pairs, golden records, link mode) and `crmclean explain`."""

from __future__ import annotations

import json

import polars as pl
import typer
from rich.console import Console
from rich.table import Table as RichTable

from crmclean.cli import options
from crmclean.cli.app import app, stderr_console
from crmclean.cli.validate import RulesOption
from crmclean.dedupe.compare import FIELDS
from crmclean.dedupe.engine import Duplicates
from crmclean.dedupe.report import pair_rows, review_rows, summary
from crmclean.errors import ExitCode, UsageError
from crmclean.io.read import ROW, Table, read_table
from crmclean.io.write import check_distinct_outputs, write_table
from crmclean.mask import mask_value
from crmclean.pipeline import Deduped, dedupe, link
from crmclean.rules.load import load_rules


@app.command("dedupe")
def dedupe_command(
    file: str = options.InputFile,
    output: str = typer.Option(
        ...,
        "--output",
        "-o",
        help="Every input row and column unchanged, plus cluster_id (the first source row of the "
        "customer's cluster), cluster_size and match_score; '-' for stdout.",
    ),
    rules: str | None = RulesOption,
    against: str | None = typer.Option(
        None,
        "--against",
        help="Link mode: an export of EXISTING customers. Every row of FILE gets status existing "
        "(with existing_row, existing_id), review or new; duplicates inside FILE are found too.",
    ),
    pairs: str | None = typer.Option(
        None,
        "--pairs",
        help="Every compared pair scoring at least the review band: rows, per-field similarity, score, "
        "decision.",
    ),
    golden: str | None = typer.Option(
        None, "--golden", help="One golden record per cluster (survivorship rules from `dedupe:`)."
    ),
    lineage: str | None = typer.Option(
        None, "--lineage", help="For every merged golden value: the source row it came from and why."
    ),
    review: str | None = typer.Option(
        None,
        "--review",
        help="Pairs in the review band (not merged), both records' identity fields side by side.",
    ),
    fmt: options.HumanOrJson = typer.Option(
        options.HumanOrJson.human, "--format", "-f", help="Summary on stderr (human) or JSON on stdout."
    ),
    out_encoding: str = typer.Option("utf-8", "--out-encoding", help="Encoding of CSV outputs."),
    escape_formulas: bool = typer.Option(
        True,
        "--escape-formulas/--no-escape-formulas",
        help="Neutralize spreadsheet formulas in CSV/xlsx output.",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No summary."),
    show_values: bool = options.ShowValues,
    delimiter: str | None = options.Delimiter,
    encoding: str | None = options.Encoding,
    sheet: str | None = options.Sheet,
    input_format: str | None = options.InputFormat,
) -> int:
    """Find records of the same customer; mark each row with its cluster, optionally merge them.

    Zero-config matching works from the detected column roles; tune it under `dedupe:` in the rules
    file (weights, thresholds, blocking, survivorship). Exit 0 whatever is found.
    """
    check_distinct_outputs([output, pairs, golden, lineage, review])
    loaded = load_rules(rules)
    read = options.read_options(delimiter, encoding, sheet, input_format)
    table = read_table(file, read)
    inputs = [file] if against is None else [file, against]
    write = {"encoding": out_encoding, "formulas": escape_formulas, "inputs": inputs}
    if against is not None:
        if golden or lineage:
            raise UsageError("--golden and --lineage merge one file; they do not apply with --against")
        existing = read_table(against, read)
        linked = link(table, existing, loaded)
        found, annotated, frames = linked.duplicates, linked.annotated, (existing, table)
    else:
        deduped = dedupe(table, loaded)
        found, annotated, frames = deduped.duplicates, deduped.annotated(), (table,)
        if golden or lineage:
            merged = deduped.golden(loaded)
            if golden:
                write_table(merged.records, golden, **write)
            if lineage:
                write_table(merged.lineage, lineage, **write)
    write_table(annotated, output, **write)
    settings = loaded.rules.dedupe
    if pairs:
        write_table(
            pair_rows(found, settings.review, frames[0].frame.height if against else None), pairs, **write
        )
    if review:
        write_table(review_rows(found, frames), review, **write)
    info = summary(found, table.frame.height, annotated if against is not None else None)
    if fmt is options.HumanOrJson.json:
        typer.echo(json.dumps({"version": 1, "input": table.name, **info}, ensure_ascii=False, indent=2))
    elif not quiet:
        _print_summary(info, table.name, stderr_console())
    return ExitCode.OK


def _print_summary(info: dict, name: str, console: Console) -> None:
    line = (
        f"{name}: {info['records']:,} rows · {info['duplicate_records']:,} duplicates in "
        f"{info['clusters_with_duplicates']:,} clusters · {info['pairs_compared']:,} pairs compared"
    )
    if info.get("link"):
        link_info = info["link"]
        line += (
            f" · {link_info['existing']:,} existing customers, {link_info['review']:,} to review, "
            f"{link_info['new']:,} new"
        )
    if info["skipped_blocks"]:
        skipped = ", ".join(f"{k} {v:,}" for k, v in info["skipped_blocks"].items())
        line += f" · blocks over the size cap skipped: {skipped}"
    console.print(line, markup=False)


# --------------------------------------------------------------------------- explain


def _find(table: Table, ident: str) -> int:
    """A record by customer id (when a customer_id column holds it) or by source row number."""
    from crmclean.schema import detect_roles, role_map

    roles = role_map(detect_roles(table.frame, table.columns, {}))
    id_column = next((c for c, r in roles.items() if r == "customer_id"), None)
    if id_column is not None:
        hits = table.frame.filter(pl.col(id_column).cast(pl.String).str.strip_chars() == ident.strip())
        if hits.height == 1:
            return int(hits.get_column(ROW)[0])
        if hits.height > 1:
            rows = ", ".join(str(r) for r in hits.get_column(ROW).head(5).to_list())
            raise UsageError(f"customer id {ident!r} is on several rows ({rows}); give a row number")
    if ident.isdigit() and int(ident) in set(table.frame.get_column(ROW).to_list()):
        return int(ident)
    where = f"in column {id_column!r} or " if id_column else ""
    raise UsageError(f"no record {ident!r} {where}as a row number in {table.name}")


_FIELD_ROLE = {
    "email": "email",
    "phone": "phone",
    "first_name": "first_name",
    "middle_name": "middle_name",
    "last_name": "last_name",
    "birth_date": "birth_date",
    "tax_id": "tax_id",
    "company": "company",
    "street": "street",
    "city": "city",
    "postal_code": "postal_code",
    "country": "country",
}


@app.command("explain")
def explain_command(
    file: str = options.InputFile,
    first: str = typer.Argument(..., help="First record: its customer id, or its row number."),
    second: str = typer.Argument(..., help="Second record: its customer id, or its row number."),
    rules: str | None = RulesOption,
    show_values: bool = options.ShowValues,
    delimiter: str | None = options.Delimiter,
    encoding: str | None = options.Encoding,
    sheet: str | None = options.Sheet,
    input_format: str | None = options.InputFormat,
) -> int:
    """Why two records are (or are not) the same customer, field by field."""
    loaded = load_rules(rules)
    table = read_table(file, options.read_options(delimiter, encoding, sheet, input_format))
    row_a, row_b = _find(table, first), _find(table, second)
    if row_a == row_b:
        raise UsageError(f"{first!r} and {second!r} are the same record (row {row_a})")
    deduped = dedupe(table, loaded)
    render_explanation(deduped, loaded.rules.dedupe, row_a, row_b, show_values, Console(highlight=False))
    return ExitCode.OK


def render_explanation(
    deduped: Deduped, settings, row_a: int, row_b: int, show_values: bool, console: Console
) -> None:
    from crmclean.dedupe.explain import explain_pair

    found: Duplicates = deduped.duplicates
    result = explain_pair(found, settings, row_a, row_b)
    table = RichTable(title=f"rows {row_a} and {row_b}", title_justify="left", expand=False, show_lines=False)
    for name, kw in (
        ("field", {"style": "bold"}),
        (f"row {row_a}", {"overflow": "fold"}),
        (f"row {row_b}", {"overflow": "fold"}),
        ("similarity", {"justify": "right"}),
        ("evidence", {"justify": "right"}),
    ):
        table.add_column(name, **kw)
    for field in FIELDS:
        a, b = result.keys_a.get(field), result.keys_b.get(field)
        if a is None and b is None:
            continue
        if not show_values:
            a, b = mask_value(a, _FIELD_ROLE[field]), mask_value(b, _FIELD_ROLE[field])
        sim = result.similarity.get(field)
        points = result.points.get(field, 0.0)
        style = "green" if points > 0 else "red" if points < 0 else "dim"
        table.add_row(
            field,
            a or "-",
            b or "-",
            "-" if sim is None else f"{sim:.2f}",
            f"[{style}]{points:+.1f}[/]",
        )
    console.print(table)
    verdict = {"match": "[green]same customer[/]", "review": "[yellow]review[/]", "no_match": "different"}
    console.print(
        f"total {result.total:+.1f} points -> score {result.score:.3f} "
        f"(match >= {settings.match}, review >= {settings.review}): {verdict[result.decision]}"
        f" · decided by {result.decided_by} · evidence {result.evidence}"
    )
    console.print(
        f"candidate pair: {'yes, blocked on ' + result.via if result.via else 'no (no shared blocking key)'}"
        f" · clusters {result.cluster_a} (size {result.size_a}) and {result.cluster_b} (size {result.size_b})"
        + (" · names compared crosswise (first/last swapped)" if result.swapped else ""),
        markup=False,
    )
