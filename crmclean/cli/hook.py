"""`crmclean-pre-commit FILE... [-- VALIDATE OPTIONS]`: the pre-commit hook. pre-commit passes many
files at once; each is validated on its own (``crmclean validate --quiet OPTIONS FILE``), and the exit
code is the worst of them (2 over 1 over 0)."""

from __future__ import annotations

import sys

from crmclean.cli.app import main as crmclean


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    options = [a for a in args if a.startswith("-")]
    files, worst = [a for a in args if not a.startswith("-")], 0
    # Options that take a value (--rules R) are given as --rules=R in the hook's args.
    for file in files:
        code = crmclean(["validate", "--quiet", *options, file])
        if code != 0:
            print(f"crmclean validate: {file}: exit {code}", file=sys.stderr)
        worst = max(worst, code)
    if argv is None:
        sys.exit(worst)
    return worst
