"""One exception family and the exit codes every command shares.

An error is data for the user: it names the file, the line and the column, says what was expected and
what was found, and suggests the fix. The CLI prints ``str(error)`` as one line on stderr.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes, as users of data-quality tools expect them."""

    OK = 0
    GATE_FAILED = 1  # the data was read, and failed a check or gate
    INPUT_ERROR = 2  # usage error, unreadable input, invalid rules file
    INTERNAL_ERROR = 3  # a bug in crmclean
    INTERRUPTED = 130  # Ctrl-C


class CrmcleanError(Exception):
    """Base of every error crmclean reports to the user without a traceback."""

    exit_code: ExitCode = ExitCode.INPUT_ERROR

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: str | int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.hint = hint

    def location(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(str(self.file))
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column is not None:
            col = self.column
            parts.append(f"column {col!r}" if isinstance(col, str) else f"column {col}")
        return ", ".join(parts)

    def __str__(self) -> str:
        loc = self.location()
        text = f"{loc}: {self.message}" if loc else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class InputError(CrmcleanError):
    """The input data cannot be read as a table: missing, unreadable, malformed, or of the wrong kind."""


class UsageError(CrmcleanError):
    """The command line asks for something impossible (conflicting options, unknown format...)."""


class RulesError(CrmcleanError):
    """The rules file is not valid YAML or does not match the rules model."""


class OutputError(CrmcleanError):
    """An output cannot be written (target is the input, folder missing, permission denied...)."""
