"""The local and the Dask engine on one generated export: ``validate``, same findings, ratio of times.

    flock /work/wt/bench.lock python -m benchmarks.engines --rows 1000000 [--workers 2,4]

Runs ``crmclean.api.validate_file`` (the CLI's ``validate``) on the suite's generated file of
``--rows`` rows, once on the local engine and once per worker count on a ``distributed.LocalCluster``
of that many single-threaded worker processes (started before the clock, its start-up time reported
apart). Asserts the findings file and the report JSON are byte-identical to the local run's, and
reports the wall time, the ratio local / dask, and the workers' busy time (sum of the batch tasks'
compute time, from Dask's task stream): busy / wall says how much of the run the workers carried in
parallel. On a 2-core machine, 4 workers is a simulation: it shows the work splitting into more
independent tasks (and the client's serial share), not a speed-up the cores cannot give.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.suite import dataset, run_child
from crmclean import api
from crmclean.engine import local_cluster


def _local(path: Path, out: Path) -> dict:
    start = time.perf_counter()
    run = api.validate_file(path, findings=str(out / "local.csv"))
    wall = time.perf_counter() - start
    report = run.report.render("json")
    return {
        "engine": "local",
        "workers": 1,
        "wall_s": round(wall, 2),
        "batches": run.result.chunks,
        "findings": run.result.counts["findings"],
        "_report": report,
    }


def _dask(path: Path, out: Path, workers: int) -> dict:
    import distributed

    start = time.perf_counter()
    with local_cluster(workers) as client:
        started = time.perf_counter() - start
        with distributed.get_task_stream(client) as stream:
            start = time.perf_counter()
            run = api.validate_file(
                path,
                findings=str(out / f"dask-{workers}.csv"),
                engine="dask",
                scheduler=client.scheduler.address,
            )
            wall = time.perf_counter() - start
        busy = sum(
            part["stop"] - part["start"]
            for task in stream.data
            if "crmclean-batch" in str(task.get("key", ""))
            for part in task.get("startstops", ())
            if part.get("action") == "compute"
        )
    return {
        "engine": "dask",
        "workers": workers,
        "wall_s": round(wall, 2),
        "cluster_start_s": round(started, 2),
        "worker_busy_s": round(busy, 2),
        "busy_over_wall": round(busy / wall, 2),
        "batches": run.result.chunks,
        "findings": run.result.counts["findings"],
        "_report": run.report.render("json"),
    }


def stage_validate_dask(rows: int) -> list[dict]:
    """The suite's stage ``validate_dask``: this benchmark in a child process, one result per engine
    (tool ``local`` or ``dask-N``); peak MiB is the whole child's (client and all runs), workers apart."""
    out, _, peak = run_child(
        [sys.executable, "-m", "benchmarks.engines", "--rows", str(rows)], "validate_dask"
    )
    found = json.loads(out[out.index("{") :])
    results = []
    for r in found["results"]:
        tool = "local" if r["engine"] == "local" else f"dask-{r['workers']}"
        seconds = r["wall_s"]
        results.append(
            {
                "stage": "validate_dask",
                "rows": rows,
                "tool": tool,
                "dataset": "generated",
                "seconds": seconds,
                "rows_per_second": round(rows / seconds) if seconds else None,
                "peak_mib": peak,
                **r,
            }
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workers", default="2,4", help="worker counts of the Dask runs, comma separated")
    args = parser.parse_args(argv)
    path = dataset(args.rows)
    with tempfile.TemporaryDirectory(prefix="crmclean-engines-") as folder:
        out = Path(folder)
        local = _local(path, out)
        rows = [local]
        for workers in (int(w) for w in args.workers.split(",")):
            row = _dask(path, out, workers)
            same = (out / "local.csv").read_bytes() == (out / f"dask-{workers}.csv").read_bytes()
            assert same, f"dask ({workers} workers): findings differ from the local engine's"
            assert row["_report"] == local["_report"], f"dask ({workers} workers): the report differs"
            row["identical"] = True
            row["local_over_dask"] = round(local["wall_s"] / row["wall_s"], 2)
            rows.append(row)
    for row in rows:
        row.pop("_report")
    print(json.dumps({"rows": args.rows, "file": str(path), "results": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
