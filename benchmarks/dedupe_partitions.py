"""Dedupe split into independent partitions, as a distributed engine would run it, and checked
against the single-process result: ``python -m benchmarks.dedupe_partitions --rows 100000 --parts 4``.

Blocking is a shuffle by blocking key (cheap: no comparisons). Scoring, the expensive step, is
independent per pair, so the candidate pairs are dealt to ``--parts`` partitions by a hash of the
pair and each partition scores its share alone. Clustering needs only the matching pairs (a small
fraction): union-find over them, then the cohesion pass per component. The clusters must equal the
single-process clusters exactly. (Partitioning by connected component of the candidate graph does
not balance: the sorted neighbourhood links most records into one component.)
"""

from __future__ import annotations

import argparse
import json
import time

import polars as pl

from benchmarks.suite import dataset
from crmclean import pipeline
from crmclean.dedupe.block import candidate_pairs
from crmclean.dedupe.cluster import cluster
from crmclean.dedupe.compare import score, score_pairs, similarities
from crmclean.dedupe.engine import find_duplicates, with_rid
from crmclean.dedupe.keys import match_keys
from crmclean.io.read import read_table
from crmclean.rules.load import load_rules


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--parts", type=int, default=4)
    args = parser.parse_args(argv)
    loaded = load_rules(None)
    settings = loaded.rules.dedupe
    prepared = pipeline.prepare(read_table(str(dataset(args.rows))), loaded)
    keys = match_keys(prepared.frame, prepared.ctx)

    start = time.perf_counter()
    single = find_duplicates(keys, settings).clusters.get_column("cluster").to_list()
    single_s = time.perf_counter() - start

    start = time.perf_counter()
    ridded = with_rid(keys)
    pairs = candidate_pairs(ridded, settings.blocking, settings.max_block, settings.window).pairs
    blocking_s = time.perf_counter() - start
    seconds, parts = [], []
    for part in range(args.parts):
        t = time.perf_counter()
        mine = pairs.filter((pl.col("a").cast(pl.UInt64) * 1_000_003 + pl.col("b")) % args.parts == part)
        parts.append(score(similarities(ridded, mine)))
        seconds.append(round(time.perf_counter() - t, 2))
    t = time.perf_counter()
    scored = pl.concat(parts).sort("a", "b")
    found, _ = cluster(ridded.height, scored, settings.match, lambda more: score_pairs(ridded, more))
    labels = found.to_list()
    union_s = time.perf_counter() - t
    result = {
        "rows": args.rows,
        "parts": args.parts,
        "single_process_s": round(single_s, 2),
        "global_blocking_s": round(blocking_s, 2),
        "partition_s": seconds,
        "union_and_cluster_s": round(union_s, 2),
        "identical": labels == single,
        "clusters": len(set(single)),
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
