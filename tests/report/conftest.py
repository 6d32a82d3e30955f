"""Real runs on examples/customers.csv, computed once per session and shared by the report tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmclean.dedupe.summary import ClusterView, DedupeSummary
from crmclean.io.read import read_table
from crmclean.mask import mask_value
from crmclean.pipeline import Cleaned, Validated, check_table, clean
from crmclean.rules.load import LoadedRules, load_rules

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "customers.csv"


@pytest.fixture
def example() -> Path:
    return EXAMPLE


@pytest.fixture(scope="session")
def loaded() -> LoadedRules:
    return load_rules(None)


@pytest.fixture(scope="session")
def validated(loaded: LoadedRules) -> Validated:
    return check_table(read_table(EXAMPLE), loaded)


@pytest.fixture(scope="session")
def cleaned(loaded: LoadedRules) -> Cleaned:
    return clean(read_table(EXAMPLE), loaded)


@pytest.fixture
def duplicates() -> DedupeSummary:
    """What the dedupe stage hands over: masked examples, sizes, a size distribution."""
    return DedupeSummary(
        records=24,
        clusters=19,
        clusters_with_duplicates=2,
        duplicate_records=5,
        pairs_compared=61,
        largest=[
            ClusterView(
                1,
                4,
                0.91,
                ["email", "phone"],
                [mask_value("ivan.petrov@mail.ru", "email"), mask_value("+7 912 345-67-89", "phone")],
            ),
            ClusterView(5, 3, 0.87, ["last_name", "street"], [mask_value("Петров", "last_name")]),
        ],
        size_distribution={1: 17, 4: 1, 3: 1},
    )
