"""Header names every reader must accept: none empty, none repeated."""

from __future__ import annotations

from collections import Counter

from crmclean.errors import InputError


def check_names(names: list[str], source: str) -> None:
    """Raise an InputError naming the empty positions or the repeated names of a header."""
    empty = [str(i + 1) for i, n in enumerate(names) if not n]
    if empty:
        raise InputError(
            f"empty column name in the header at position {', '.join(empty)}",
            file=source,
            line=1,
            hint="give every column a name",
        )
    dupes = sorted(n for n, c in Counter(names).items() if c > 1)
    if dupes:
        raise InputError(
            f"duplicate column name(s) in the header: {', '.join(map(repr, dupes))}",
            file=source,
            line=1,
            hint="rename the columns so each name is unique",
        )
