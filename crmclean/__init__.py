"""crmclean: make customer (CRM) exports trustworthy before they are imported, merged or mailed.

The library API is what the CLI calls; everything the CLI can do is available from Python:

    from crmclean.io.read import read_table
    from crmclean.profile import profile_table
"""

from __future__ import annotations

__version__ = "0.1.0"
