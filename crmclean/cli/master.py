"""`crmclean master build|add|match|show|export`: a customer master across batches (docs/master.md)."""

from __future__ import annotations

import json
import sys
from contextlib import AbstractContextManager

import typer

from crmclean.cli import options, progress
from crmclean.cli.app import stderr_console
from crmclean.cli.options import RulesOption, WriteFlags
from crmclean.errors import ExitCode
from crmclean.io.read import ReadOptions
from crmclean.master import add as add_module
from crmclean.master import build as build_module
from crmclean.master import show as show_module
from crmclean.master.codes import DEFAULT_PREFIX
from crmclean.master.match import Matcher, answer_lines, line_batches
from crmclean.progress import Progress
from crmclean.report.text import decisions_text
from crmclean.rules.load import load_rules

master_app = typer.Typer(
    name="master",
    help="A customer master across batches: one code per client, stable as new exports arrive.",
    no_args_is_help=True,
)

Dir = typer.Argument(..., help="The master's folder.")
Decisions = options.file_option(
    "--decisions",
    "A decisions file (left,right,decision,decided_at; records named by customer id, record key "
    "or row:N): `same` joins two records, `different` keeps them apart whatever the scores, and splits "
    "a code that holds both (the other side gets a new code, a `split` event). The match threshold "
    "is not fitted here.",
)
Fmt = options.format_option("Summary on stderr (human) or JSON on stdout.")


def _say(fmt: options.HumanOrJson, quiet: bool, info: dict, line: str) -> None:
    if fmt is options.HumanOrJson.json:
        typer.echo(json.dumps({"version": 1, **info}, ensure_ascii=False, indent=2))
    elif not quiet:
        stderr_console().print(line, markup=False)


def _shown(fmt: options.HumanOrJson, quiet: bool) -> AbstractContextManager[Progress]:
    """The progress display of a master verb: none under --quiet or when JSON is the output."""
    return progress.shown(quiet=quiet or fmt is options.HumanOrJson.json)


@master_app.command("build")
@options.read_flags
def build_command(
    directory: str = Dir,
    files: list[str] = typer.Argument(..., help="Exports to build from (any header language)."),
    rules: str | None = RulesOption,
    source_name: list[str] = typer.Option(
        [], "--source-name", "-s", help="Source name of each file, in order (default: the file names)."
    ),
    code_prefix: str = typer.Option(DEFAULT_PREFIX, "--code-prefix", help="Prefix of customer codes."),
    decisions: str | None = Decisions,
    fmt: options.HumanOrJson = Fmt,
    quiet: bool = options.Quiet,
    *,
    read: ReadOptions,
) -> int:
    """Build a new master in DIR from one or more exports: records, golden records, lineage, events."""
    with _shown(fmt, quiet) as watch:
        built = build_module.build(
            directory,
            files,
            load_rules(rules),
            source_name or None,
            code_prefix,
            read,
            progress=watch,
            decisions=decisions,
        )
    info: dict = {"master": directory, "records": built.records, "customers": built.customers}
    line = f"{directory}: {built.records:,} records -> {built.customers:,} customers"
    if built.decisions is not None:
        info["decisions"] = built.decisions.summary()
        line += f" · decisions: {master_decisions_text(info['decisions'])}"
    _say(fmt, quiet, info, line)
    return ExitCode.OK


@master_app.command("add")
@options.read_flags
def add_command(
    directory: str = Dir,
    file: str = typer.Argument(..., help="A new export to link against the master."),
    source_name: str | None = typer.Option(
        None, "--source-name", "-s", help="Source name (default: file name)."
    ),
    max_merge_share: float = typer.Option(
        add_module.DEFAULT_MAX_MERGE_SHARE,
        "--max-merge-share",
        min=0.0,
        max=1.0,
        help="Stop (exit 1, nothing written) when the batch would merge more than this share of codes.",
    ),
    decisions: str | None = Decisions,
    fmt: options.HumanOrJson = Fmt,
    quiet: bool = options.Quiet,
    *,
    read: ReadOptions,
) -> int:
    """Add a batch: each record attaches to a code, gets a new one, or merges two (an event, never silent)."""
    with _shown(fmt, quiet) as watch:
        result = add_module.add(
            directory, file, source_name, read, max_merge_share, progress=watch, decisions=decisions
        )
    info = {"master": directory, "input": file, **result.summary()}
    line = (
        f"{file}: {result.records:,} records, {result.known:,} already in the master · "
        f"{result.attached:,} attached, {result.created:,} new customers, {result.merged:,} codes merged"
    )
    if result.decisions is not None:
        line += f" · decisions: {master_decisions_text(result.decisions.summary())}"
    if not result.written:
        line += " · nothing changed"
    _say(fmt, quiet, info, line)
    return ExitCode.OK


def master_decisions_text(info: dict) -> str:
    """What a person's decisions did to the master, in one line."""
    text = decisions_text(info).replace("not in this file", "not in the master")
    if info["split_codes"]:
        text += f"; {info['split_codes']:,} codes split"
    if info["merged_codes"]:
        text += f"; {info['merged_codes']:,} codes merged"
    if info["refused"]:
        text += f"; {info['refused']:,} same between codes not applied (a different holds)"
    return text


@master_app.command("match")
def match_command(
    directory: str = Dir,
    batch: int = typer.Option(
        512, "--batch", min=1, help="Work on at most this many waiting records at once (throughput)."
    ),
) -> int:
    """NDJSON records on stdin -> one NDJSON answer per record on stdout (normalized values, findings,
    customer_code with score, or `new`). The master is not changed."""
    matcher = Matcher(directory)
    bad = 0
    for line, error in answer_lines(matcher, line_batches(sys.stdin.fileno(), batch)):
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
        if error:
            bad += 1
            stderr_console().print(f"error: {error}", markup=False)
    return ExitCode.INPUT_ERROR if bad else ExitCode.OK


@master_app.command("show")
def show_command(
    directory: str = Dir,
    code: str = typer.Argument(..., help="A customer code (a retired code leads to its survivor)."),
    show_values: bool = options.ShowValues,
    fmt: options.HumanOrJson = options.format_option("human or json."),
) -> int:
    """One customer: the golden profile, its records by source, and its event history."""
    p = show_module.profile(directory, code, show_values)
    if fmt is options.HumanOrJson.json:
        payload = {
            "version": 1,
            "customer_code": p.code,
            "asked": p.asked,
            "golden": p.golden,
            "records": p.records.to_dicts(),
            "events": p.events.to_dicts(),
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        typer.echo(show_module.render(p))
    return ExitCode.OK


@master_app.command("export")
@options.write_flags
def export_command(
    directory: str = Dir,
    output: str = options.output_option("Golden records (csv, xlsx, parquet, json, ndjson; '-')."),
    *,
    write: WriteFlags,
) -> int:
    """Write the golden records (one per customer code), ready for import."""
    show_module.export(directory, output, encoding=write.encoding, formulas=write.formulas, mode=write.mode)
    return ExitCode.OK


def register(app: typer.Typer) -> None:
    app.add_typer(master_app, name="master")
