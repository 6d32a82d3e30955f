"""One benchmark stage in this process: ``python -m benchmarks.measure STAGE FILE``.

Prints ``{"seconds": ..., "rows": ...}`` (``validate`` adds ``findings``, ``flagged_rows`` and
``seeded_found``, counted after the clock stops as benchmarks/validate_baseline.py counts them); the
parent (benchmarks/suite.py) reads this process's peak memory from the OS, so each stage is measured
alone, in a fresh interpreter.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

VALIDATED: dict = {}  # the validate stage's findings, counted once the clock has stopped


def stage(name: str, path: str) -> int:
    import polars as pl

    from crmclean.io.read import read_table

    if name.endswith("_stream") or name.startswith("eager_"):  # benchmarks/stream.py: large exports
        from benchmarks.stream import stage as stream_stage

        return stream_stage(name, path, sys.argv[3:])
    if name == "polars_read_csv":  # the baseline: Polars' own CSV reader, no checks
        return pl.read_csv(path, infer_schema=False).height
    table = read_table(path)
    if name == "read":
        return table.frame.height
    if name == "profile":
        from crmclean.profile import profile_table

        profile_table(table)
        return table.frame.height
    from crmclean import pipeline
    from crmclean.rules.load import load_rules

    if name == "validate":
        VALIDATED["findings"] = pipeline.check_table(table, load_rules(None)).findings
        return table.frame.height
    if name == "checks":  # each validator alone, on the prepared frame: rows/s per check
        import json as _json

        from crmclean.validate.checks import run_check

        loaded = load_rules(None)
        prepared = pipeline.prepare(table, loaded)
        timings = {}
        for check in loaded.rules.validate_:
            start = time.perf_counter()
            run_check(prepared.frame, check, prepared.ctx)
            target = getattr(check, "role", None) or getattr(check, "column", None) or "+".join(check.columns)
            timings[f"{check.name or check.check} ({target})"] = round(time.perf_counter() - start, 3)
        print(_json.dumps({"checks": timings}), file=sys.stderr)
        return table.frame.height
    if name == "clean":
        from crmclean.io.write import write_table

        result = pipeline.clean(table, load_rules(None))
        with tempfile.TemporaryDirectory() as out:
            write_table(result.cleaned, Path(out) / "cleaned.csv")
            write_table(result.rejected, Path(out) / "rejects.csv")
            write_table(result.validated.prepared.changes, Path(out) / "changes.csv")
        return table.frame.height
    raise SystemExit(f"unknown stage {name!r}")


def main() -> None:
    name, path = sys.argv[1], sys.argv[2]
    start = time.perf_counter()
    rows = stage(name, path)
    seconds = round(time.perf_counter() - start, 3)
    extra = {}
    if "findings" in VALIDATED:  # counted like the validation baselines' (benchmarks/validate_baseline.py)
        from benchmarks.validate_baseline import crmclean_summary

        extra = crmclean_summary(VALIDATED.pop("findings"), path)
    print(json.dumps({"seconds": seconds, "rows": rows, **extra}))


if __name__ == "__main__":
    main()
