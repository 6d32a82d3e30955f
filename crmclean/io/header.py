"""Header names every reader must accept: none empty, none repeated, none a Polars pattern.

Errors quote header names, which locate the problem; a name that looks like personal data (an email
address, a phone number: the export has no header line and its first row was taken as one) is masked
with :mod:`crmclean.mask`, as everywhere values are shown.
"""

from __future__ import annotations

import re
from collections import Counter

from crmclean.errors import InputError
from crmclean.mask import mask_email, mask_phone

_DIGITS = re.compile(r"\d")


def shown(name: str) -> str:
    """A header name as error messages quote it: masked when it looks like an email or a phone."""
    if "@" in name:
        return mask_email(name)
    if len(_DIGITS.findall(name)) >= 6:
        return mask_phone(name)
    return name


def _is_pattern(name: str) -> bool:
    """Polars reads ``pl.col("*")`` as every column and ``pl.col("^...$")`` as a regex."""
    return name == "*" or (len(name) > 1 and name.startswith("^") and name.endswith("$"))


def check_names(names: list[str], source: str, line: int = 1) -> None:
    """Raise an InputError naming the empty positions or the repeated names of a header (on
    physical ``line``)."""
    empty = [str(i + 1) for i, n in enumerate(names) if not n]
    if empty:
        raise InputError(
            f"empty column name in the header at position {', '.join(empty)}",
            file=source,
            line=line,
            hint="give every column a name",
        )
    dupes = sorted(n for n, c in Counter(names).items() if c > 1)
    if dupes:
        raise InputError(
            f"duplicate column name(s) in the header: {', '.join(repr(shown(n)) for n in dupes)}",
            file=source,
            line=line,
            hint="rename the columns so each name is unique",
        )
    patterns = [n for n in names if _is_pattern(n)]
    if patterns:
        raise InputError(
            f"column name(s) {', '.join(map(repr, patterns))} in the header: crmclean cannot tell "
            "such a name from a pattern ('*' means every column, '^...$' a regular expression)",
            file=source,
            line=line,
            hint="rename the column",
        )
