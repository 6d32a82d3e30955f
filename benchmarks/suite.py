"""The benchmark suite: ``python -m benchmarks [--rows 10000,100000,1000000] [--stages ...]``.

For each size, a multilingual export is generated once (benchmarks/data/, reproducible from the
seed), then every stage runs in its own process. Prints a table (rows/s, wall time, peak memory;
for dedupe, pairwise precision / recall / F1; for Splink, pandas, pandera and frictionless, the ratio
to crmclean; for validation, the findings) and writes benchmarks/results/latest.json so runs can be
compared across commits. Comparison stages and their default sizes: benchmarks/README.md,
"Comparisons".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
STAGES = ("polars_read_csv", "read", "profile", "validate", "clean")
# Comparison stages: crmclean dedupe (benchmarks/dedupe_quality.py), Splink (splink_baseline.py), Febrl
# (febrl.py), and validation baselines (validate_baseline.py). Each runs at its own default sizes.
VALIDATE_BASELINES = ("validate_pandas", "validate_pandera", "validate_frictionless")
COMPARE = ("dedupe", "dedupe_splink", "febrl", *VALIDATE_BASELINES)
# Large exports, chunked (crmclean.stream; benchmarks/stream.py): 10M rows, about 25 minutes, so opt-in:
# python -m benchmarks --stages validate_stream,clean_stream
LARGE = ("validate_stream", "clean_stream", "validate_dask")  # validate_dask: benchmarks/engines.py
STANDARD_ROWS = (10_000, 100_000, 1_000_000)
DEFAULT_ROWS = {
    "dedupe": (30_000, 300_000),
    "dedupe_splink": (30_000, 300_000),
    "febrl": (0,),  # fixed files: febrl1-3 dedupe and febrl4 link
    "validate_pandas": (100_000,),
    "validate_pandera": (100_000,),
    "validate_frictionless": (100_000,),
    "validate_stream": (10_000_000,),
    "clean_stream": (10_000_000,),
    "validate_dask": (1_000_000,),
}
VERSUS = {
    "dedupe_splink": "dedupe",
    "validate_pandas": "validate",
    "validate_pandera": "validate",
    "validate_frictionless": "validate",
    "febrl": "febrl",
}
SEED = 42
FINDINGS = ("findings", "flagged_rows", "seeded_found")


def dataset(rows: int) -> Path:
    if rows > 1_000_000:  # copies of the 1M export (generating 10M at once does not fit in memory)
        from benchmarks.stream import big_dataset

        return big_dataset(rows)
    folder = HERE / "data" / f"{rows}"
    path = folder / "customers.csv"
    if not path.exists():
        cmd = [
            sys.executable,
            "-m",
            "benchmarks.generate",
            "--rows",
            str(rows),
            "--seed",
            str(SEED),
            "--out",
            str(folder),
        ]
        subprocess.run(cmd, check=True, cwd=HERE.parent)
    return path


# Started by run_child: spawns the measured command and reports its wait4 usage. Linux charges a
# process the resident set of the image it replaced at exec, so a child spawned straight from this
# (large, after scoring 300k-row outputs) process would report at least this process's RSS; spawned
# from this ~10 MiB launcher, its peak is its own.
LAUNCHER = """import json, os, sys, time
start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(sys.argv[1], "w") as f:
    json.dump({"code": os.waitstatus_to_exitcode(status), "kib": usage.ru_maxrss, "wall": wall}, f)
"""


def run_child(cmd: list[str], what: str, ok: tuple[int, ...] = (0,)) -> tuple[str, float, int]:
    """Run `cmd` in a child process: (its stdout, its wall seconds, its peak RSS in MiB from the OS).

    Output goes through temporary files, so a chatty child (Splink logs) cannot fill a pipe and stall.
    """
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as tmp,
    ):
        report = Path(tmp) / "usage.json"
        launch = [sys.executable, "-S", "-c", LAUNCHER, str(report), *cmd]
        subprocess.run(launch, stdout=out, stderr=err, cwd=HERE.parent, check=True)
        usage = json.loads(report.read_text())
        out.seek(0)
        err.seek(0)
        if usage["code"] not in ok:
            raise SystemExit(f"{what} failed (exit {usage['code']}):\n{err.read().decode()[-2000:]}")
        return out.read().decode(), usage["wall"], round(usage["kib"] / 1024)  # Linux reports KiB


def measure(stage: str, path: Path) -> dict:
    """Run one stage in a child process; wall time from the child, peak RSS from the OS."""
    cmd = [sys.executable, "-m", "benchmarks.measure", stage, str(path)]
    out, _, peak_mib = run_child(cmd, f"{stage} on {path}")
    result = json.loads(out)
    return {
        "stage": stage,
        "rows": result["rows"],
        "seconds": result["seconds"],
        "rows_per_second": round(result["rows"] / result["seconds"]) if result["seconds"] else None,
        "peak_mib": round(peak_mib),
        **{k: result[k] for k in FINDINGS if k in result},  # validate: counted as the baselines count
    }


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }


def run_stage(stage: str, rows: int) -> list[dict]:
    """One stage at one size; comparison stages may give several results (febrl: one per file and tool)."""
    if stage == "dedupe":
        from benchmarks.dedupe_quality import stage_dedupe

        return stage_dedupe(rows)
    if stage == "dedupe_splink":
        from benchmarks.dedupe_quality import stage_dedupe_splink

        return stage_dedupe_splink(rows)
    if stage == "febrl":
        from benchmarks.febrl import stage_febrl

        return stage_febrl()
    if stage == "validate_dask":
        from benchmarks.engines import stage_validate_dask

        return stage_validate_dask(rows)
    if stage in VALIDATE_BASELINES:
        from benchmarks.validate_baseline import stage_validate

        return stage_validate(stage.removeprefix("validate_"), rows)
    r = measure(stage, dataset(rows))
    return [{**r, "tool": "polars" if stage == "polars_read_csv" else "crmclean", "dataset": "generated"}]


def plan(stages: list[str], rows: str | None) -> list[tuple[int, str]]:
    """(rows, stage) in run order: by size, then in the order the stages were given (febrl last)."""
    sizes = [int(r) for r in rows.split(",")] if rows else None
    todo = {
        (0 if s == "febrl" else n, s) for s in stages for n in (sizes or DEFAULT_ROWS.get(s, STANDARD_ROWS))
    }
    return sorted(todo, key=lambda t: (t[0] or float("inf"), stages.index(t[1])))


def versus(r: dict, results: list[dict]) -> None:
    """Add the crmclean-vs-alternative ratios to an alternative's result (when crmclean ran first)."""
    if r["stage"] not in VERSUS or r.get("tool") in ("crmclean", "stand-in (exact e-mail)"):
        return
    base = [
        x
        for x in results
        if x["stage"] == VERSUS[r["stage"]]
        and x["rows"] == r["rows"]
        and x.get("dataset") == r.get("dataset")
        and x.get("tool") in ("crmclean", "stand-in (exact e-mail)")
    ]
    if base and base[-1]["seconds"]:
        r["crmclean_speedup"] = round(r["seconds"] / base[-1]["seconds"], 2)  # > 1: crmclean is faster
        r["crmclean_memory_ratio"] = round(r["peak_mib"] / base[-1]["peak_mib"], 2)  # > 1: crmclean uses less


HEADER = (
    f"{'rows':>10} {'stage':<16} {'tool':<9} {'data':<12} {'seconds':>8} {'rows/s':>10} {'peak MiB':>9} "
    f"{'P':>6} {'R':>6} {'F1':>6} {'speedup':>8} {'mem':>6}"
)


def line(r: dict) -> str:
    def num(key: str, fmt: str) -> str:
        return format(r[key], fmt) if r.get(key) is not None else "-"

    speed = f"x{r['crmclean_speedup']:.2f}" if "crmclean_speedup" in r else ""
    mem = f"x{r['crmclean_memory_ratio']:.2f}" if "crmclean_memory_ratio" in r else ""
    return (
        f"{r['rows']:>10,} {r['stage']:<16} {r.get('tool', 'crmclean')[:9]:<9} "
        f"{r.get('dataset', '')[:12]:<12} "
        f"{r['seconds']:>8.2f} {num('rows_per_second', ','):>10} {r['peak_mib']:>9,} "
        f"{num('precision', '.3f'):>6} {num('recall', '.3f'):>6} {num('f1', '.3f'):>6} {speed:>8} {mem:>6}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--rows",
        default=None,
        help="comma-separated sizes for every stage (default: per stage, 10k/100k/1M for the crmclean "
        "stages, 30k/300k for dedupe and dedupe_splink, 100k for the validation baselines; febrl: fixed)",
    )
    all_stages = (*STAGES, *COMPARE)
    parser.add_argument(
        "--stages", default=",".join(all_stages), help=f"comma-separated, from {(*all_stages, *LARGE)}"
    )
    parser.add_argument("--out", default=str(HERE / "results" / "latest.json"))
    args = parser.parse_args(argv)
    results: list[dict] = []
    print(HEADER, flush=True)
    print("(speedup = alternative's seconds / crmclean's; mem = alternative's peak / crmclean's)", flush=True)
    for rows, stage in plan(args.stages.split(","), args.rows):
        for r in run_stage(stage, rows):
            versus(r, results)
            results.append(r)
            print(line(r), flush=True)
            if r.get("seeded_found") is not None:
                print(
                    f"{'':>10} {'':<16} findings {r['findings']:,} in {r['flagged_rows']:,} rows, "
                    f"seeded error cells found {r['seeded_found']:.3f}",
                    flush=True,
                )
            if r.get("hard_negatives"):
                merged = ", ".join(f"{k.removesuffix('_merged')} {v}" for k, v in r["hard_negatives"].items())
                print(f"{'':>10} {'':<16} hard negatives merged: {merged}", flush=True)
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "results": results,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
