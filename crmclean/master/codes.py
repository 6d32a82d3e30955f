"""Customer codes: ``PREFIX`` + a zero-padded sequence number, e.g. ``CUST-0000001``.

The number is the order in which the master first saw the customer: a smaller number is an older
customer. Codes are allocated from a counter kept in ``state.json``; a code is never reused (a code
retired by a merge stays retired and points to the code that absorbed it) and never renumbered.
Past ``9999999`` the number simply grows a digit (``CUST-10000000``), still unique and still ordered
by age within one prefix.
"""

from __future__ import annotations

import re

from crmclean.errors import UsageError

DEFAULT_PREFIX = "CUST-"
DIGITS = 7
_PREFIX = re.compile(r"^[A-Za-z0-9_\-]{0,16}$")


def check_prefix(prefix: str) -> str:
    if not _PREFIX.match(prefix) or (prefix and prefix[-1].isdigit()):
        raise UsageError(
            f"code prefix {prefix!r} must be at most 16 letters, digits, '-' or '_', not ending in a digit"
        )
    return prefix


def format_code(prefix: str, number: int) -> str:
    return f"{prefix}{number:0{DIGITS}d}"


def code_number(prefix: str, code: str) -> int:
    """The sequence number of ``code`` (its age: smaller is older)."""
    if not code.startswith(prefix) or not code[len(prefix) :].isdigit():
        raise UsageError(f"{code!r} is not a customer code of this master (format {format_code(prefix, 1)})")
    return int(code[len(prefix) :])


class Allocator:
    """Hands out new codes from the stored counter (``next`` is the number of the next code)."""

    def __init__(self, prefix: str, next_number: int = 1) -> None:
        self.prefix = prefix
        self.next = next_number

    def new(self) -> str:
        code = format_code(self.prefix, self.next)
        self.next += 1
        return code

    def take(self, count: int) -> list[str]:
        return [self.new() for _ in range(count)]


def older(prefix: str, codes: list[str]) -> str:
    """The oldest of ``codes``: it survives a merge."""
    return min(codes, key=lambda c: code_number(prefix, c))
