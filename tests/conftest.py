from __future__ import annotations

from pathlib import Path

import pytest
from paths import CORPUS, FIXTURES


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
