"""The Typer application, global options, and the one place errors become exit codes."""

from __future__ import annotations

import os
import sys
import traceback

import typer
from rich.console import Console
from typer.exceptions import Abort, Exit, TyperException

from crmclean import __version__
from crmclean.errors import CrmcleanError, ExitCode

app = typer.Typer(
    name="crmclean",
    help="Make customer (CRM) exports trustworthy before they are imported, merged or mailed.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False, no_color="NO_COLOR" in os.environ, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"crmclean {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    debug: bool = typer.Option(False, "--debug", help="Show a traceback on errors (never row contents)."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Make customer (CRM) exports trustworthy before they are imported, merged or mailed.

    Exit codes: 0 ok, 1 the data failed a check or gate, 2 usage or input error, 3 internal error.
    """


def _register() -> None:
    from crmclean.cli import dedupe, profile, run, validate  # noqa: F401  (commands register themselves on `app`)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return (and, as a script, exit with) the exit code."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    console = stderr_console()
    _register()
    try:
        result = app(args=args, prog_name="crmclean", standalone_mode=False)
        code = int(result) if isinstance(result, int) else ExitCode.OK
    except CrmcleanError as err:
        if debug:
            console.print(traceback.format_exc(), markup=False)
        console.print(f"[bold red]error:[/] {err}", soft_wrap=True, markup=True, emoji=False)
        code = err.exit_code
    except Exit as err:
        code = err.exit_code
    except TyperException as err:  # usage errors: unknown option, missing argument, bad choice
        show = getattr(err, "show", None)
        if show is not None:
            show(file=sys.stderr)
        else:
            console.print(f"error: {err.format_message()}", markup=False)
        code = ExitCode.INPUT_ERROR if err.exit_code else ExitCode.OK
    except (Abort, KeyboardInterrupt):
        console.print("interrupted", markup=False)
        code = ExitCode.INTERRUPTED
    except BrokenPipeError:  # `crmclean ... | head`: the reader left; not our error
        code = ExitCode.OK
    except Exception as err:  # a bug: say so, briefly, without row contents
        if debug:
            console.print(traceback.format_exc(), markup=False)
        console.print(
            f"[bold red]internal error:[/] {type(err).__name__} "
            "(a bug in crmclean; run again with --debug for the traceback and report it)"
        )
        code = ExitCode.INTERNAL_ERROR
    if argv is None:
        sys.exit(int(code))
    return int(code)
