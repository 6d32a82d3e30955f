"""The Typer application, global options, and the one place errors become exit codes."""

from __future__ import annotations

import os
import re
import sys
import traceback

import typer
from rich.console import Console
from rich.markup import escape
from typer.exceptions import Abort, Exit, TyperException

from crmclean import __version__
from crmclean.errors import CrmcleanError, ExitCode
from crmclean.mask import mask_email, mask_phone, mask_text

app = typer.Typer(
    name="crmclean",
    help="Make customer (CRM) exports trustworthy before they are imported, merged or mailed.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: flags without a <bool> placeholder, whole lines in pipes
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
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
    """Add every command to ``app``, in the order ``--help`` lists them (once)."""
    if app.registered_commands:
        return
    from crmclean.cli import clean, dedupe, explain, init, master, profile, review, run, schema, validate

    for command in (profile, validate, clean, dedupe, explain, review, run, master, init, schema):
        command.register(app)


# In messages of exceptions crmclean did not raise (Polars, libraries), what may be row data: quoted
# literals, email addresses, runs of digits. Polars quotes the values it failed on.
_VALUES = re.compile(
    r"""(?P<q>"[^"\n]*"|'[^'\n]*'|`[^`\n]*`)"""
    r"|(?P<email>[^\s\"'`@\[\](){}<>,;:]+@[^\s\"'`@\[\](){}<>,;:]+)"
    r"|(?P<digits>\+?\d[\d ()\-./]{4,}\d)"
)


def _mask_values(message: str) -> str:
    def one(m: re.Match[str]) -> str:
        if m.group("q"):
            text = m.group("q")
            return text[0] + mask_text(text[1:-1]) + text[-1]
        if m.group("email"):
            return mask_email(m.group("email"))
        return mask_phone(m.group("digits"))

    return _VALUES.sub(one, message)


def debug_traceback(err: BaseException) -> str:
    """``--debug`` output: the traceback of ``err`` and its causes, never row contents.

    Frames show code, not local variables. Messages of crmclean's own errors are printed as they are
    (they never quote cell values); other messages (Polars, libraries) have values masked.
    """
    chain: list[BaseException] = []
    exc: BaseException | None = err
    while exc is not None and all(exc is not seen for seen in chain):
        chain.append(exc)
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    parts: list[str] = []
    for exc in reversed(chain):
        if parts:
            parts.append("\nwhich led to:\n\n")
        kind = type(exc)
        message = str(exc) if isinstance(exc, CrmcleanError) else _mask_values(str(exc))
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(exc.__traceback__))
        parts.append(f"{kind.__module__}.{kind.__qualname__}: {message}\n")
    return "".join(parts)


def _take_debug(args: list[str]) -> bool:
    """Remove ``--debug`` wherever it stands (before or after the command name, not after ``--``)."""
    end = args.index("--") if "--" in args else len(args)
    found = "--debug" in args[:end]
    args[:end] = [a for a in args[:end] if a != "--debug"]
    return found


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return (and, as a script, exit with) the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = _take_debug(args)
    console = stderr_console()
    _register()
    try:
        result = app(args=args, prog_name="crmclean", standalone_mode=False)
        code = int(result) if isinstance(result, int) else ExitCode.OK
        if code == ExitCode.INTERRUPTED:  # Typer turns Ctrl-C during a command into Exit(130)
            console.print("interrupted", markup=False)
    except CrmcleanError as err:
        if debug:
            console.print(debug_traceback(err), markup=False, emoji=False)
        # escape: the message quotes paths and header names, which may contain [markup]
        console.print(f"[bold red]error:[/] {escape(str(err))}", soft_wrap=True, markup=True, emoji=False)
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
            console.print(debug_traceback(err), markup=False, emoji=False)
        console.print(
            f"[bold red]internal error:[/] {type(err).__name__} "
            "(a bug in crmclean; run again with --debug for the traceback and report it)"
        )
        code = ExitCode.INTERNAL_ERROR
    if argv is None:
        sys.exit(int(code))
    return int(code)
