"""The customer master across batches, on the generator's export (benchmarks/generate.py):

    python -m benchmarks.master --rows 100000 --seed 7 [--out DIR] [--match 2000]

The export is split in row order into 60 % then 4 x 10 % (the generator shuffles rows, so the
duplicates of a customer fall in any batch). ``master build`` takes the first part, ``master add``
the four others in turn. Reported:

- pairwise precision / recall / F1 of the final customer codes against the truth, beside a one-shot
  ``dedupe`` of the whole file (the target is to stay within 0.005 of it);
- how many existing codes changed (retired by merges) and how many existing records changed code;
- the time of each ``add`` (the last one: a 10 % batch against a master of 90 % of the rows)
  beside the time of rebuilding the master from the whole file;
- ``master match``: load time and records per second, one record at a time, on the last batch's
  first ``--match`` records (answered against the master before that batch is added).

With ``--scale`` (``python -m benchmarks.master --scale --rows 1000000 --batch 10000``) the run is
the one that sizes the master instead: ``build`` of ``--rows`` records (what a rebuild costs),
``master match`` against that master (load time; records per second as a stream in batches of 512;
p50 / p99 latency of a record sent alone and of a 512-record batch), then ``add`` of the next
``--batch`` records (the generator's export continued), beside the build time.

Everything runs in this process through the library (the CLI calls the same functions). One JSON
object is printed on stdout.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from benchmarks.dedupe_quality import pair_scores
from benchmarks.generate import generate_full
from crmclean import pipeline
from crmclean.io.read import read_table
from crmclean.master import store
from crmclean.master.add import add
from crmclean.master.build import build
from crmclean.master.match import Matcher
from crmclean.rules.load import load_rules

SHARES = (0.6, 0.1, 0.1, 0.1, 0.1)


def _codes_vs_truth(root: Path, offsets: dict[str, int], truth: pl.DataFrame) -> dict:
    index = store.load(root, tables=False).index
    rows = index.select(
        (pl.col("source").replace_strict(offsets, return_dtype=pl.Int64) + pl.col("_row")).alias("row"),
        "customer_code",
    )
    joined = truth.join(rows, on="row", how="left")
    assert joined.get_column("customer_code").null_count() == 0, "a truth row is missing from the master"
    return pair_scores(joined.get_column("customer_code"), joined.get_column("entity_id")).to_dict()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.master", description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default=None, help="work folder (default: a temporary one, removed)")
    ap.add_argument("--match", type=int, default=2000, help="records for the match rate")
    ap.add_argument("--scale", action="store_true", help="build --rows, match, then add --batch")
    ap.add_argument("--batch", type=int, default=10_000, help="records added in --scale mode")
    a = ap.parse_args(argv)
    if a.scale:
        return scale(a.rows, a.batch, a.seed, a.match, a.out)
    work = Path(a.out) if a.out else Path(tempfile.mkdtemp(prefix="crmclean-master-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    result: dict = {"rows": a.rows, "seed": a.seed, "shares": SHARES}
    try:
        ds = generate_full(a.rows, a.seed)
        export = ds.export
        truth = ds.truth.select(pl.col("row").cast(pl.Int64), pl.col("entity_id").cast(pl.String))
        bounds, start, files, offsets = [], 0, [], {}
        for i, share in enumerate(SHARES):
            end = a.rows if i == len(SHARES) - 1 else start + round(a.rows * share)
            path = work / f"batch{i}.csv"
            export.slice(start, end - start).write_csv(path)
            files.append(path)
            offsets[path.name] = start
            bounds.append((start, end))
            start = end
        whole = work / "whole.csv"
        export.write_csv(whole)
        loaded = load_rules(None)
        root = work / "master"
        shutil.rmtree(root, ignore_errors=True)

        t = time.perf_counter()
        build(root, [str(files[0])], loaded)
        steps = [{"step": "build", "records": bounds[0][1], "seconds": round(time.perf_counter() - t, 2)}]
        changed_codes = changed_records = 0
        matched = None
        for i, path in enumerate(files[1:], 1):
            before = store.load(root, tables=False)
            if i == len(files) - 1 and a.match:
                matched = _latency(root, pl.read_csv(path, infer_schema=False).head(a.match).to_dicts())
            t = time.perf_counter()
            added = add(root, str(path), max_merge_share=1.0)
            seconds = round(time.perf_counter() - t, 2)
            after = store.load(root, tables=False).index
            was = before.index.select("record_key", old="customer_code")
            moved = was.join(after.select("record_key", "customer_code"), on="record_key")
            n_moved = int((moved.get_column("old") != moved.get_column("customer_code")).sum())
            changed_codes += added.merged
            changed_records += n_moved
            steps.append(
                {
                    "step": f"add {path.name}",
                    "master_records_before": before.index.height,
                    "batch": added.records,
                    "seconds": seconds,
                    "compared_with": added.compared_with,
                    "attached": added.attached,
                    "new_codes": added.created,
                    "merged_codes": added.merged,
                    "existing_records_recoded": n_moved,
                }
            )
        final = store.load(root, tables=False)
        result["steps"] = steps
        result["incremental"] = _codes_vs_truth(root, offsets, truth)
        result["customers"] = final.state["counts"]["customers"]
        result["existing_codes_changed"] = changed_codes
        result["existing_records_recoded"] = changed_records
        result["codes_issued"] = final.state["codes"]["next"] - 1

        t = time.perf_counter()
        deduped = pipeline.dedupe(read_table(whole), loaded)
        one_shot_seconds = round(time.perf_counter() - t, 2)
        clusters = deduped.annotated().select(pl.col("_row").cast(pl.Int64).alias("row"), "cluster_id")
        joined = truth.join(clusters, on="row", how="left")
        result["one_shot_dedupe"] = pair_scores(
            joined.get_column("cluster_id"), joined.get_column("entity_id")
        ).to_dict()
        result["one_shot_dedupe"]["seconds"] = one_shot_seconds
        result["f1_gap"] = round(result["one_shot_dedupe"]["f1"] - result["incremental"]["f1"], 6)

        rebuilt = work / "rebuilt"
        shutil.rmtree(rebuilt, ignore_errors=True)
        t = time.perf_counter()
        build(rebuilt, [str(whole)], loaded)
        result["rebuild_seconds"] = round(time.perf_counter() - t, 2)
        result["last_add_seconds"] = steps[-1]["seconds"]
        result["match"] = matched
    finally:
        if not a.out:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, indent=2))
    return 0


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _latency(root: Path, records: list[dict], batch: int = 512, alone: int = 200) -> dict:
    """Load, stream rate, and the latency of a record alone and of a full batch (p50 / p99)."""
    t = time.perf_counter()
    matcher = Matcher(root)
    load = time.perf_counter() - t
    matcher.match(records[0])  # the first record of a header set makes its context: not timed
    singles, cpu = [], []
    for record in records[1 : alone + 1]:
        t, c = time.perf_counter(), time.process_time()
        matcher.match(record)
        singles.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)  # less sensitive than wall time to a loaded machine
    batches = []
    answers = []
    for i in range(0, len(records), batch):
        t = time.perf_counter()
        answers.extend(matcher.match_many(records[i : i + batch]))
        batches.append((time.perf_counter() - t, len(records[i : i + batch])))
    seconds = sum(s for s, _ in batches)
    full = [s for s, n in batches if n == batch] or [s for s, _ in batches]
    return {
        "master_records": len(matcher.codes),
        "load_seconds": round(load, 2),
        "records": len(records),
        "stream_records_per_second": round(len(records) / seconds, 1),
        "stream_ms_per_record": round(1000 * seconds / len(records), 2),
        "alone_ms_p50": round(1000 * _percentile(singles, 0.5), 1),
        "alone_ms_p99": round(1000 * _percentile(singles, 0.99), 1),
        "alone_cpu_ms_p50": round(1000 * _percentile(cpu, 0.5), 1),
        f"batch_{batch}_ms_p50": round(1000 * _percentile(full, 0.5), 1),
        f"batch_{batch}_ms_p99": round(1000 * _percentile(full, 0.99), 1),
        "matched_existing": sum(1 for x in answers if x["customer_code"] != "new"),
    }


def scale(rows: int, batch: int, seed: int, match: int, out: str | None) -> int:
    """Build a master of ``rows`` records, match against it, add ``batch`` more records."""
    work = Path(out) if out else Path(tempfile.mkdtemp(prefix="crmclean-master-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    result: dict = {"rows": rows, "batch": batch, "seed": seed}
    try:
        t = time.perf_counter()
        export = generate_full(rows + batch, seed).export
        first, second = work / "master.csv", work / "batch.csv"
        export.slice(0, rows).write_csv(first)
        export.slice(rows, batch).write_csv(second)
        del export
        result["generate_seconds"] = round(time.perf_counter() - t, 1)
        root = work / "master"
        shutil.rmtree(root, ignore_errors=True)
        loaded = load_rules(None)
        t = time.perf_counter()
        build(root, [str(first)], loaded)
        result["build_seconds"] = round(time.perf_counter() - t, 1)
        state = store.load(root, tables=False).state
        result["evidence"] = state["evidence"]["kind"]
        result["customers"] = state["counts"]["customers"]
        if match:
            records = pl.read_csv(second, infer_schema=False).head(match).to_dicts()
            result["match"] = _latency(root, records)
        t = time.perf_counter()
        added = add(root, str(second), max_merge_share=1.0)
        result["add_seconds"] = round(time.perf_counter() - t, 1)
        result["add"] = added.summary()
        result["add_vs_build"] = round(result["add_seconds"] / result["build_seconds"], 3)
    finally:
        if not out:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
