"""Options shared by several commands, defined once, and the bundles that hand a command one typed
object instead of a dozen flags.

A bundle (``@read_flags``, ``@report_flags``, ``@write_flags``, ``@engine_flags``) adds its options
to the command's signature, so they appear in ``--help`` and are parsed by Typer as usual, and passes
the command a single argument (``read``, ``report``, ``write``, ``engine``) built from them.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any, TypeVar

import typer

from crmclean.api import ReportOptions
from crmclean.errors import UsageError
from crmclean.io.read import ReadOptions
from crmclean.io.write import PRIVATE
from crmclean.rules.gate import FLAG_HELP

F = TypeVar("F", bound=Callable[..., Any])


class HumanOrJson(StrEnum):
    """--format of the commands whose output is a table for people or JSON for machines."""

    human = "human"
    json = "json"


class ReportFormat(StrEnum):
    human = "human"
    json = "json"
    junit = "junit"
    markdown = "markdown"
    github = "github"
    html = "html"


def output_option(help: str) -> Any:
    """The required ``-o/--output`` of a verb that writes one main file."""
    return typer.Option(..., "--output", "-o", help=help)


def file_option(flag: str, help: str) -> Any:
    """An optional file (an extra output, or an input such as ``--against``): none by default."""
    return typer.Option(None, flag, help=help)


def format_option(help: str) -> Any:
    """``-f/--format human|json``: human by default."""
    return typer.Option(HumanOrJson.human, "--format", "-f", help=help)


InputFile = typer.Argument(
    ...,
    metavar="FILE",
    help="The export to read: .csv/.tsv/.txt, .xlsx, .parquet, .json, .ndjson; '-' reads stdin.",
)
RulesOption = typer.Option(
    None,
    "--rules",
    "-r",
    help="Rules: a YAML file, or the name of a bundled set in rules/ (default, b2b). Default: default.",
)
CheckDns = typer.Option(
    False, "--check-dns", help="Also check that email domains exist (needs network; slow)."
)
RegionOption = typer.Option(
    None,
    "--region",
    help="Country (ISO code: BR, RU, VN, US...) of rows that name none, over what the file's own evidence "
    "suggests (settings.default_region).",
)
DECISIONS_HELP = (
    "A decisions file (left,right,decision,decided_at; `crmclean review` writes it): `same` pairs "
    "are joined and `different` pairs kept apart whatever the scores; with 20+ labelled pairs of both "
    "kinds the match threshold is fitted to them."
)
DecisionsOption = file_option("--decisions", DECISIONS_HELP)
FindingsOption = file_option(
    "--findings", "Write every finding (_row, column, rule, severity, value, message) here."
)
ShowValues = typer.Option(
    False, "--show-values", help="Show values unmasked in output (personal data!). Masked by default."
)
Quiet = typer.Option(
    False,
    "--quiet",
    "-q",
    help="No human chatter on stderr or the terminal; machine output asked for (--format) is still written.",
)


def bundle(name: str, options: dict[str, tuple[Any, Any]], build: Callable[..., Any]) -> Callable[[F], F]:
    """A decorator: add ``options`` (parameter name -> (annotation, typer.Option)) to a command, and
    call it with ``name=build(**those values)`` instead."""

    def decorate(command: F) -> F:
        signature = inspect.signature(command)
        kept = [p for p in signature.parameters.values() if p.name != name]
        added = [
            inspect.Parameter(key, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=annotation)
            for key, (annotation, option) in options.items()
        ]

        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            kwargs[name] = build(**{key: kwargs.pop(key) for key in options})
            return command(*args, **kwargs)

        wrapper.__signature__ = signature.replace(parameters=kept + added)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {k: v for k, v in command.__annotations__.items() if k != name}
        return wrapper  # type: ignore[return-value]

    return decorate


# --------------------------------------------------------------------------- reading


def _read_options(
    delimiter: str | None, encoding: str | None, sheet: str | None, input_format: str | None
) -> ReadOptions:
    if delimiter in ("\\t", "tab", "TAB"):
        delimiter = "\t"
    return ReadOptions(format=input_format, delimiter=delimiter, encoding=encoding, sheet=sheet)


read_flags = bundle(
    "read",
    {
        "delimiter": (
            str | None,
            typer.Option(
                None, "--delimiter", "-d", help="CSV delimiter; detected among , ; TAB | when omitted."
            ),
        ),
        "encoding": (
            str | None,
            typer.Option(
                None,
                "--encoding",
                "-e",
                help="Input encoding (utf-8, cp1251, utf-16...); detected when omitted.",
            ),
        ),
        "sheet": (
            str | None,
            typer.Option(None, "--sheet", help="Excel sheet name, or its 1-based number. Default: first."),
        ),
        "input_format": (
            str | None,
            typer.Option(
                None,
                "--input-format",
                help="Input format (csv, xlsx, parquet, json, ndjson); from the extension when omitted.",
            ),
        ),
    },
    _read_options,
)


# --------------------------------------------------------------------------- the engine


class EngineName(StrEnum):
    local = "local"
    dask = "dask"


@dataclass(frozen=True)
class EngineFlags:
    """Where the work runs (crmclean.engine): this process, or Dask workers."""

    engine: EngineName
    scheduler: str | None

    @property
    def dask(self) -> bool:
        return self.engine is EngineName.dask

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments of the api functions that take an engine."""
        return {"engine": self.engine.value, "scheduler": self.scheduler}


def _engine_flags(engine: EngineName, scheduler: str | None) -> EngineFlags:
    if scheduler and engine is not EngineName.dask:
        raise UsageError("--scheduler needs --engine dask")
    return EngineFlags(engine, scheduler)


engine_flags = bundle(
    "engine",
    {
        "engine": (
            EngineName,
            typer.Option(
                EngineName.local,
                "--engine",
                help="Where the work runs: local (this process) or dask (Dask workers: a LocalCluster "
                "of one process per core, or --scheduler's cluster; pip install 'crmclean[dask]'). "
                "Same results either way.",
            ),
        ),
        "scheduler": (
            str | None,
            typer.Option(
                None,
                "--scheduler",
                metavar="ADDRESS",
                help="With --engine dask: a running Dask scheduler (tcp://HOST:8786) instead of a "
                "LocalCluster; default: $DASK_SCHEDULER_ADDRESS. Workers must read FILE at the same path.",
            ),
        ),
    },
    _engine_flags,
)


# --------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class WriteFlags:
    encoding: str
    formulas: bool
    mode: int | None
    errors: str = "strict"

    def kwargs(self, inputs: list[str]) -> dict[str, Any]:
        """Keyword arguments of io.write.write_table."""
        return {
            "encoding": self.encoding,
            "formulas": self.formulas,
            "mode": self.mode,
            "inputs": inputs,
            "encoding_errors": self.errors,
        }


def parse_mode(text: str) -> int | None:
    """--mode: octal permissions (0600, 644) or ``umask`` (what the umask allows)."""
    if text == "umask":
        return None
    try:
        mode = int(text, 8)
    except ValueError:
        mode = -1
    if not 0 <= mode <= 0o777:
        raise UsageError(f"--mode {text!r}: give octal permissions like 0600 or 0644, or 'umask'")
    return mode


class OutErrors(Enum):  # not StrEnum: a member named `replace` would shadow str.replace
    strict = "strict"
    replace = "replace"
    transliterate = "transliterate"


def _write_flags(out_encoding: str, out_errors: OutErrors, escape_formulas: bool, mode: str) -> WriteFlags:
    return WriteFlags(out_encoding, escape_formulas, parse_mode(mode), out_errors.value)


write_flags = bundle(
    "write",
    {
        "out_encoding": (
            str,
            typer.Option("utf-8", "--out-encoding", help="Encoding of CSV outputs (utf-8, cp1251...)."),
        ),
        "out_errors": (
            OutErrors,
            typer.Option(
                OutErrors.strict,
                "--out-errors",
                help="A character --out-encoding cannot hold: strict (exit 2, naming its row and column), "
                "replace (?) or transliterate (its ASCII form: ễ -> e).",
            ),
        ),
        "escape_formulas": (
            bool,
            typer.Option(
                True,
                "--escape-formulas/--no-escape-formulas",
                help="Neutralize spreadsheet formulas (=, +, -, @ starting a cell) in CSV/xlsx outputs.",
            ),
        ),
        "mode": (
            str,
            typer.Option(
                f"{PRIVATE:04o}",
                "--mode",
                help="Permissions of the files written: octal (0600, 0644) or 'umask' to follow the umask. "
                "Default 0600: exports are personal data.",
            ),
        ),
    },
    _write_flags,
)


# --------------------------------------------------------------------------- the report and the gate


@dataclass(frozen=True)
class ReportFlags:
    """The report and gate flags of validate, clean and run: the library's ReportOptions, plus where
    the report goes and how the exit code is judged."""

    options: ReportOptions
    fmt: ReportFormat | None
    report_file: str | None
    save_baseline: str | None
    quiet: bool
    no_fail: bool

    @property
    def show_values(self) -> bool:
        return self.options.show_values


def _report_flags(
    fmt: ReportFormat | None,
    report_file: str | None,
    quiet: bool,
    show_values: bool,
    gate_fail: list[str] | None,
    gate_warn: list[str] | None,
    no_fail: bool,
    baseline: str | None,
    save_baseline: str | None,
    baseline_tolerance: str | None,
) -> ReportFlags:
    for flag, target in (("--report", report_file), ("--save-baseline", save_baseline)):
        if target == "-":
            raise UsageError(
                f"{flag} needs a file name, not '-'",
                hint="without --report, --format prints the report to stdout",
            )
    return ReportFlags(
        ReportOptions(
            show_values=show_values,
            gate_fail=tuple(gate_fail or ()),
            gate_warn=tuple(gate_warn or ()),
            baseline=baseline,
            baseline_tolerance=baseline_tolerance,
        ),
        fmt,
        report_file,
        save_baseline,
        quiet,
        no_fail,
    )


report_flags = bundle(
    "report",
    {
        "fmt": (
            ReportFormat | None,
            typer.Option(
                None,
                "--format",
                "-f",
                help="Report format: human, json, junit, markdown, github (workflow annotations) or html. "
                "Written to --report when given (format from its extension when --format is omitted), "
                "else to stdout.",
            ),
        ),
        "report_file": (
            str | None,
            typer.Option(
                None,
                "--report",
                help="Write the report to this file (atomically); the terminal still gets the human report.",
            ),
        ),
        "quiet": (bool, Quiet),
        "show_values": (bool, ShowValues),
        "gate_fail": (
            list[str] | None,
            typer.Option(
                None, "--gate-fail", help="Fail past a limit (above it; below it for fill:). " + FLAG_HELP
            ),
        ),
        "gate_warn": (
            list[str] | None,
            typer.Option(
                None, "--gate-warn", help="Warn past a limit (above it; below it for fill:). " + FLAG_HELP
            ),
        ),
        "no_fail": (
            bool,
            typer.Option(
                False,
                "--no-fail",
                help="Report the gate's verdict but exit 0 on fail (for a gradual roll-out).",
            ),
        ),
        "baseline": (
            str | None,
            typer.Option(
                None,
                "--baseline",
                help="Compare with a saved baseline; a rate worse by more than the tolerance fails.",
            ),
        ),
        "save_baseline": (
            str | None,
            typer.Option(
                None, "--save-baseline", help="Save this run's rates (no values) as a baseline file."
            ),
        ),
        "baseline_tolerance": (
            str | None,
            typer.Option(
                None,
                "--baseline-tolerance",
                help="Percentage points a rate may worsen against --baseline, e.g. 1%. "
                "Default: gate.baseline_tolerance (0.5%).",
            ),
        ),
    },
    _report_flags,
)


def one_stdout(**outputs: bool) -> None:
    """Refuse two outputs on stdout: ``outputs`` maps each option (as the user wrote it) to whether it
    goes to stdout."""
    on_stdout = [name for name, yes in outputs.items() if yes]
    if len(on_stdout) > 1:
        raise UsageError(
            f"{' and '.join(on_stdout)} would both be written to stdout",
            hint="give all but one of them a file name",
        )


def local_only(engine: EngineFlags, what: str) -> None:
    """A UsageError when ``--engine dask`` is asked for work only the local engine does."""
    if engine.dask:
        raise UsageError(
            f"--engine dask does not apply to {what}",
            hint="write CSV, NDJSON or Parquet outputs (appended batch by batch), or use --engine local",
        )
