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
# this package); the import below then binds the functions over them, and later imports of their
# submodules do not rebind these names. tests/test_api.py holds this in place.
from crmclean.api import *  # noqa: F403  (the names of crmclean.api.__all__)
from crmclean.api import __all__ as _api_names

__all__ = ["__version__", *_api_names]
