from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
# Other projects' test files (frictionless-py, csvkit, CleverCSV, email-validator, python-stdnum), read in
# place beside the checkout (CI lays shared/ there) and never copied into the repository.
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.fixture
def good() -> Path:
    return FIXTURES / "good"


@pytest.fixture
def broken() -> Path:
    return FIXTURES / "broken"


@pytest.fixture
def corpus() -> Path:
    """The shared corpus folder; the test is skipped where a clone has none beside it."""
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS}")
    return CORPUS
