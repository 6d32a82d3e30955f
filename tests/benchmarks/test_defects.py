"""benchmarks/defects.py on a small export: every seeded kind is scored, none is missed."""

from __future__ import annotations

import pytest

pytest.importorskip("anyascii")  # the generator's dependency

from benchmarks import defects
from benchmarks.generate import generate_full


def test_defect_benchmark_small(tmp_path) -> None:
    ds = generate_full(3000, 3)
    taken = set(ds.defects.get_column("row").to_list())
    export, gt = defects.inject(ds.export, ds.locale, taken, 3)
    assert not set(gt.get_column("row").to_list()) & taken  # disjoint from the generator's defects
    validated, _ = defects._run(export, tmp_path, "c")
    kinds = defects.score(validated, export, ds.defects, gt, ds.locale)
    for kind in ("phone_letters", "national_no_country", "repairable_email", "invalid_email", "bad_tax_id"):
        assert kinds[kind]["seeded"] > 0
        assert kinds[kind]["recall"] >= 0.95, kind
        assert kinds[kind]["precision"] >= 0.95, kind
    assert kinds["national_no_country"]["wrong_country"] == 0
    assert kinds["region_rows_without_country"]["precision"] >= 0.99
