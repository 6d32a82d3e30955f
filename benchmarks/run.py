"""Run the benchmarks: ``python -m benchmarks [--rows 10000,100000,1000000] [--stages ...]``.

For each size, a multilingual export is generated once (benchmarks/data/, reproducible from the
seed), then every stage runs in its own process. Prints a table (rows/s, wall time, peak memory)
and writes benchmarks/results/latest.json so runs can be compared across commits.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
STAGES = ("polars_read_csv", "read", "profile", "validate", "clean")
SEED = 42


def dataset(rows: int) -> Path:
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


def measure(stage: str, path: Path) -> dict:
    """Run one stage in a child process; wall time from the child, peak RSS from the OS."""
    cmd = [sys.executable, "-m", "benchmarks.measure", stage, str(path)]
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=HERE.parent)
    _, status, usage = os.wait4(child.pid, 0)
    out, err = child.stdout.read(), child.stderr.read()  # type: ignore[union-attr]
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{stage} failed on {path}:\n{err.decode()[-2000:]}")
    result = json.loads(out)
    peak_mib = usage.ru_maxrss / 1024  # Linux reports KiB
    return {
        "stage": stage,
        "rows": result["rows"],
        "seconds": result["seconds"],
        "rows_per_second": round(result["rows"] / result["seconds"]) if result["seconds"] else None,
        "peak_mib": round(peak_mib),
    }


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--rows", default="10000,100000,1000000", help="comma-separated sizes")
    parser.add_argument("--stages", default=",".join(STAGES), help=f"comma-separated, from {STAGES}")
    parser.add_argument("--out", default=str(HERE / "results" / "latest.json"))
    args = parser.parse_args(argv)
    results = []
    print(f"{'rows':>10} {'stage':<16} {'seconds':>8} {'rows/s':>10} {'peak MiB':>9}", flush=True)
    for rows in (int(r) for r in args.rows.split(",")):
        path = dataset(rows)
        for stage in args.stages.split(","):
            r = measure(stage, path)
            results.append(r)
            print(
                f"{rows:>10,} {stage:<16} {r['seconds']:>8.2f} "
                f"{r['rows_per_second']:>10,} {r['peak_mib']:>9,}",
                flush=True,
            )
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
