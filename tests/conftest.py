from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings
from paths import CORPUS, FIXTURES

# CI replays the same examples on every run (a failure there is reproducible from the log); a
# developer's run explores new ones. HYPOTHESIS_PROFILE=explore or =ci overrides the choice.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore")
_ci = os.environ.get("CI", "").lower() not in ("", "0", "false")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if _ci else "explore"))


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
