from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def good() -> Path:
    return FIXTURES / "good"


@pytest.fixture
def broken() -> Path:
    return FIXTURES / "broken"
