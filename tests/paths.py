"""Where the tests find things: the one place that knows the checkout's layout.

Every test names a file through these (``FIXTURES / "good" / "dupes.csv"``, ``EXAMPLE``), never
through its own ``__file__`` arithmetic or a path relative to the working directory, so tests run
from any folder and keep working when they move. ``pythonpath`` (pyproject) makes this module
importable as ``paths`` (the checkout comes first there, so ``benchmarks`` is the package, not
``tests/benchmarks``).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "crmclean"
DOCS = ROOT / "docs"
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLE = ROOT / "examples" / "customers.csv"
# Other projects' test files (frictionless-py, csvkit, CleverCSV, email-validator, python-stdnum), read in
# place beside the checkout (CI lays shared/ there) and never copied into the repository.
CORPUS = ROOT.parent / "shared" / "corpus"
