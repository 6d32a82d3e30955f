"""Large exports: chunked ``validate`` and ``clean`` (crmclean.stream) against the eager pipeline.

    python -m benchmarks.stream build --rows 10000000          # benchmarks/data/10000000/customers.csv
    python -m benchmarks.stream compare --rows 1000000         # eager vs chunked: identity + time + memory
    python -m benchmarks.stream run --rows 10000000            # chunked validate and clean: time + memory
    python -m benchmarks --stages validate_stream,clean_stream   # 10M rows, as stages of `make bench`

The 10,000,000-row file is not generated directly (benchmarks/generate.py peaks at ~2.3 GB per 1M
rows): it is the 1,000,000-row export (seed 42) repeated 10 times, each copy's ``customer_id``
prefixed with the copy number (``0`` .. ``9``) so ids stay unique across copies, written with
Polars' CSV writer exactly as the generator writes (UTF-8, ``,``, LF). Every copy holds the same
seeded defects and duplicate records, so findings per row match the 1M file's.

Every measurement runs in its own child process (``benchmarks.measure``), timed by the child and
with peak RSS from the OS (``benchmarks.suite.run_child``), as the other stages are.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE_ROWS = 1_000_000
STREAM_STAGES = ("validate_stream", "clean_stream")


def big_dataset(rows: int, base_rows: int = BASE_ROWS) -> Path:
    """benchmarks/data/<rows>/customers.csv: ``rows // base_rows`` copies of the ``base_rows`` export
    (generated first when missing) with ``customer_id`` prefixed by the copy number."""
    import polars as pl

    from benchmarks.suite import dataset

    copies, rest = divmod(rows, base_rows)
    if rest or not 1 <= copies <= 10:
        raise SystemExit(f"--rows must be 1 to 10 times {base_rows:,}")
    if copies == 1:
        return dataset(base_rows)
    folder = HERE / "data" / f"{rows}"
    path = folder / "customers.csv"
    if path.exists():
        return path
    base = pl.read_csv(dataset(base_rows), infer_schema=False)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("wb") as out:
        for copy in range(copies):
            part = base.with_columns(pl.format("{}{}", pl.lit(str(copy)), "customer_id").alias("customer_id"))
            part.write_csv(out, include_header=copy == 0)
    tmp.replace(path)
    return path


def stage(name: str, path: str, args: list[str]) -> int:
    """One measured stage, in a ``benchmarks.measure`` child: ``eager_validate`` / ``eager_clean`` (the
    eager pipeline + write_table) or ``validate_stream`` / ``clean_stream`` (crmclean.stream). Options:
    ``--out=DIR`` keeps the outputs there (findings.csv; cleaned, rejects, changes, findings for clean),
    ``--chunk-rows=N``. Returns the rows read."""
    opts = dict(a[2:].split("=", 1) for a in args if a.startswith("--") and "=" in a)
    try:
        return _stage(name, path, opts)
    finally:
        if "stats" in opts:  # CPU seconds of this process and its pool workers: a measure load does not skew
            from crmclean.normalize.parallel import _shutdown_pool

            _shutdown_pool()  # the pool's workers are counted once they are reaped
            own, pool = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = own.ru_utime + own.ru_stime + pool.ru_utime + pool.ru_stime
            Path(opts["stats"]).write_text(json.dumps({"cpu_seconds": round(cpu, 1)}), encoding="utf-8")


def _stage(name: str, path: str, opts: dict[str, str]) -> int:
    from crmclean.rules.load import load_rules

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(opts.get("out", tmp))
        loaded = load_rules(None)
        files = {k: str(out / f"{k}.csv") for k in ("cleaned", "rejects", "changes", "findings")}
        if name.startswith("eager_"):
            from crmclean import pipeline
            from crmclean.io.read import read_table
            from crmclean.io.write import write_table

            table = read_table(path)
            if name == "eager_validate":
                write_table(pipeline.check_table(table, loaded).findings, files["findings"])
                return table.frame.height
            result = pipeline.clean(table, loaded)
            write_table(result.cleaned, files["cleaned"])
            write_table(result.rejected, files["rejects"])
            write_table(result.validated.prepared.changes, files["changes"])
            write_table(result.validated.findings, files["findings"])
            return table.frame.height
        from crmclean import stream
        from crmclean.report.model import report_from_tally

        def report(result: stream.StreamValidated) -> int:  # the full report, as the CLI builds it
            Path(out / "report.json").write_text(
                report_from_tally(result.tally, result.table, result.ctx, rules=loaded.rules).render("json")
            )
            return result.rows

        chunk_rows = int(opts.get("chunk-rows", stream.DEFAULT_CHUNK_ROWS))
        if name == "validate_stream":
            return report(
                stream.validate_file(path, loaded, chunk_rows=chunk_rows, findings=files["findings"])
            )
        if name == "clean_stream":
            result = stream.clean_file(
                path,
                loaded,
                output=files["cleaned"],
                rejects=files["rejects"],
                changes=files["changes"],
                findings=files["findings"],
                chunk_rows=chunk_rows,
            )
            return report(result)
    raise SystemExit(f"unknown stage {name!r}")


def _child(stage: str, path: Path, *extra: str) -> dict:
    from benchmarks.suite import run_child

    with tempfile.TemporaryDirectory() as tmp:
        stats = Path(tmp) / "stats.json"
        cmd = [sys.executable, "-m", "benchmarks.measure", stage, str(path), *extra, f"--stats={stats}"]
        out, wall, peak = run_child(cmd, f"{stage} on {path}")
        cpu = json.loads(stats.read_text(encoding="utf-8")) if stats.exists() else {}
    result = json.loads(out)
    return {"stage": stage, **result, **cpu, "wall": round(wall, 2), "peak_mib": peak}


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 24):
            h.update(block)
    return h.hexdigest()[:16]


def compare(rows: int, chunk_rows: int | None, out: Path) -> list[dict]:
    """Eager and chunked validate + clean on the same file, each in its own process; outputs
    (findings, cleaned, rejects, changes) written by both and compared byte for byte."""
    from benchmarks.suite import dataset

    path = big_dataset(rows) if rows > BASE_ROWS else dataset(rows)
    extra = [f"--chunk-rows={chunk_rows}"] if chunk_rows else []
    results = []
    for name in ("eager_validate", "validate_stream", "eager_clean", "clean_stream"):
        target = out / name
        target.mkdir(parents=True, exist_ok=True)
        r = _child(name, path, f"--out={target}", *(extra if name.endswith("stream") else []))
        results.append(r)
        print(json.dumps(r), flush=True)
    identical = {}
    for eager, chunked in (("eager_validate", "validate_stream"), ("eager_clean", "clean_stream")):
        for f in sorted((out / eager).iterdir()):
            other = out / chunked / f.name
            identical[f"{eager}/{f.name}"] = other.exists() and _digest(f) == _digest(other)
    print(json.dumps({"identical": identical}), flush=True)
    return [*results, {"identical": identical}]


def run(rows: int, chunk_rows: int | None) -> list[dict]:
    path = big_dataset(rows)
    extra = [f"--chunk-rows={chunk_rows}"] if chunk_rows else []
    results = []
    for stage in STREAM_STAGES:
        r = _child(stage, path, *extra)
        results.append(r)
        print(json.dumps(r), flush=True)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stream", description=__doc__)
    parser.add_argument("action", choices=("build", "compare", "run"))
    parser.add_argument("--rows", type=int, default=10 * BASE_ROWS)
    parser.add_argument("--chunk-rows", type=int, default=None)
    parser.add_argument("--out", default=None, help="compare: folder for both runs' outputs")
    parser.add_argument("--json", default=None, help="also write the results here")
    args = parser.parse_args(argv)
    if args.action == "build":
        print(big_dataset(args.rows))
        return
    if args.action == "compare":
        with tempfile.TemporaryDirectory(dir=args.out) as tmp:
            results = compare(args.rows, args.chunk_rows, Path(tmp))
    else:
        results = run(args.rows, args.chunk_rows)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
