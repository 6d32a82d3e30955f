"""crmclean: make customer (CRM) exports trustworthy before they are imported, merged or mailed.

The library API is what the CLI calls; everything the CLI can do is available from Python, on a path
or on a Polars DataFrame:

    import crmclean, polars as pl
    result = crmclean.validate(pl.DataFrame({"email": ["a@b", "x@example.com"]}))
    print(result.findings)
    print(result.report.render("markdown"))

Functions: read, profile, validate, clean, dedupe, link, run, explain, load_rules (see crmclean.api).
"""

from __future__ import annotations

__version__ = "0.1.0"

# The API functions share names with the subpackages crmclean.validate, crmclean.dedupe and the module
# crmclean.profile. Importing crmclean.api first loads those modules (which binds them as attributes of
# this package); the assignments below then bind the functions over them, and later imports of their
# submodules do not rebind these names. tests/test_api.py holds this in place.
from crmclean import api as _api

Cleaning = _api.Cleaning
Deduplication = _api.Deduplication
Linkage = _api.Linkage
PairExplanation = _api.PairExplanation
ReportOptions = _api.ReportOptions
RunResult = _api.RunResult
Validation = _api.Validation
clean = _api.clean
dedupe = _api.dedupe
explain = _api.explain
link = _api.link
load_rules = _api.load_rules
profile = _api.profile
read = _api.read
run = _api.run
validate = _api.validate

__all__ = [
    "Cleaning",
    "Deduplication",
    "Linkage",
    "PairExplanation",
    "ReportOptions",
    "RunResult",
    "Validation",
    "__version__",
    "clean",
    "dedupe",
    "explain",
    "link",
    "load_rules",
    "profile",
    "read",
    "run",
    "validate",
]
