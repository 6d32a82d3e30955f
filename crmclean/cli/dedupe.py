"""`crmclean dedupe`: clusters, pairs, golden records; link mode with --against."""

from __future__ import annotations

import typer

from crmclean import api
from crmclean.cli import options, progress
from crmclean.cli.options import EngineFlags, WriteFlags
from crmclean.cli.output import terminal_console
from crmclean.errors import ExitCode, UsageError
from crmclean.io.read import ReadOptions
from crmclean.io.write import check_distinct_outputs, write_table
from crmclean.report.console import dedupe_line
from crmclean.report.json import render_dedupe_json


@options.read_flags
@options.write_flags
@options.engine_flags
def dedupe_command(
    file: str = options.InputFile,
    output: str = options.output_option(
        "Every input row and column unchanged, plus cluster_id (the first source row of the "
        "customer's cluster), cluster_size and match_score; '-' for stdout.",
    ),
    rules: str | None = options.RulesOption,
    against: str | None = options.file_option(
        "--against",
        "Link mode: an export of EXISTING customers. Every row of FILE gets status existing "
        "(with existing_row, existing_id), review or new; duplicates inside FILE are found too.",
    ),
    pairs: str | None = options.file_option(
        "--pairs",
        "Every compared pair scoring at least the review band: rows, per-field similarity, score, decision.",
    ),
    golden: str | None = options.file_option(
        "--golden", "One golden record per cluster (survivorship rules from `dedupe:`)."
    ),
    lineage: str | None = options.file_option(
        "--lineage", "For every merged golden value: the source row it came from and why."
    ),
    review: str | None = options.file_option(
        "--review",
        "Pairs in the review band (not merged), both records' identity fields side by side.",
    ),
    fmt: options.HumanOrJson = options.format_option(
        "Summary on stderr (human) or JSON on stdout (the `duplicates` object of report.json).",
    ),
    quiet: bool = options.Quiet,
    region: str | None = options.RegionOption,
    decisions: str | None = options.file_option(
        "--decisions",
        options.DECISIONS_HELP + " With --against, EXISTING's records are named existing:ID "
        "(existing:C042, existing:row:7).",
    ),
    *,
    read: ReadOptions,
    write: WriteFlags,
    engine: EngineFlags,
) -> int:
    """Find records of the same customer; mark each row with its cluster, optionally merge them.

    Zero-config matching works from the detected column roles; tune it under `dedupe:` in the rules
    file (weights, thresholds, blocking, survivorship). Exit 0 whatever is found.
    """
    files = {
        "--output": output,
        "--pairs": pairs,
        "--golden": golden,
        "--lineage": lineage,
        "--review": review,
    }
    options.one_stdout(
        **{f"{name} -": target == "-" for name, target in files.items()},
        **{"--format json": fmt is options.HumanOrJson.json},
    )
    check_distinct_outputs(files.values())
    if against is not None and (golden or lineage):
        raise UsageError("--golden and --lineage merge one file; they do not apply with --against")
    kwargs = write.kwargs([file] if against is None else [file, against])
    result: api.Deduplication | api.Linkage
    if against is not None:
        options.local_only(engine, "--against")
        loaded = api.load_rules(rules, region=region)
        result = api.link(file, against, loaded, options=read, decisions=decisions)
        write_table(result.annotated, output, **kwargs)
    else:
        with progress.shown(quiet=quiet or fmt is options.HumanOrJson.json) as watch:
            result = api.dedupe(
                file,
                rules,
                region=region,
                options=read,
                progress=watch,
                decisions=decisions,
                **engine.kwargs(),
            )
        write_table(result.clusters, output, **kwargs)
        if golden:
            write_table(result.golden, golden, **kwargs)
        if lineage:
            write_table(result.lineage, lineage, **kwargs)
    if pairs:
        write_table(result.pairs, pairs, **kwargs)
    if review:
        write_table(result.review, review, **kwargs)
    name = result.table.name if isinstance(result, api.Deduplication) else result.new.name
    if fmt is options.HumanOrJson.json:
        typer.echo(render_dedupe_json(result.duplicates, name), nl=False)
    elif not quiet:
        terminal_console(stderr=True).print(dedupe_line(result.summary, name), markup=False)
    return ExitCode.OK


def register(app: typer.Typer) -> None:
    app.command("dedupe")(dedupe_command)
