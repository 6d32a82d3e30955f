"""`crmclean review`: decide the uncertain pairs in the terminal; the answers go to a decisions file."""

from __future__ import annotations

import sys

import typer

from crmclean.cli import options
from crmclean.cli.output import terminal_console
from crmclean.errors import ExitCode, UsageError
from crmclean.io.read import ReadOptions


@options.read_flags
def review_command(
    file: str = options.InputFile,
    decisions: str = typer.Option(
        ...,
        "--decisions",
        help="The decisions file: each answer is appended (and flushed) as it is given; created when "
        "missing. Pairs it already decides are skipped, so a session resumes where the last stopped.",
    ),
    pairs: str | None = options.file_option(
        "--pairs",
        "Review the pairs of this file (pairs or review output of dedupe or run; its review-band "
        "and cohesion-split rows) instead of those found now.",
    ),
    rules: str | None = options.RulesOption,
    show_values: bool = options.ShowValues,
    *,
    read: ReadOptions,
) -> int:
    """Walk the uncertain pairs (review band, cohesion splits), most uncertain first: both records
    side by side, the evidence for and against; keys s same, d different, k skip, u undo, q quit.

    Apply the decisions with `dedupe`, `run` or `explain --decisions FILE`.
    """
    if file == "-":
        raise UsageError("review reads FILE twice over a session; give a path, not '-'")
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("review is interactive: run it in a terminal (stdin and stdout)")
    from crmclean.review.app import ReviewApp
    from crmclean.review.session import Session

    session = Session.open(file, decisions, rules=rules, pairs=pairs, options=read, show_values=show_values)
    ReviewApp(session).run()
    c = session.counts()
    terminal_console(stderr=True).print(
        f"{c['same']} same, {c['different']} different, {c['skip']} skipped, {c['left']} left of "
        f"{c['total']}; decisions in {decisions}",
        markup=False,
    )
    return ExitCode.OK


def register(app: typer.Typer) -> None:
    app.command("review")(review_command)
