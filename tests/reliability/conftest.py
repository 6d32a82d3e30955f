"""Reliability and security tests (issue #7): hostile input, round trips, interrupts, data leaks.

Tests marked ``slow`` run the real CLI in a subprocess on a generated export of a few hundred
thousand rows (a few seconds each); they run in ``make test`` like every other test. Deselect them
with ``pytest -m "not slow"`` while iterating.
"""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def cli_env() -> dict[str, str]:
    """Environment for a subprocess CLI run: no colours, wide output, this interpreter's PATH."""
    return {"NO_COLOR": "1", "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "COLUMNS": "200"}
