"""Prove a speed change changed no output: run two crmclean executables on one file, compare bytes.

    python -m benchmarks.identical --before /work/wt/ref/.venv/bin/crmclean \\
        --after .venv/bin/crmclean --rows 1000000 --seed 7 [--data customers.csv] [--work DIR]

Both executables run, each in its own folder, zero config:

* ``validate FILE --format json --report validate.json --findings findings.csv``
* ``clean FILE -o cleaned.csv --rejects rejects.csv --changes changes.csv``
* ``dedupe FILE -o clusters.csv``

and every output is compared byte for byte. The JSON report is compared after removing only what
names the run rather than the data (the ``generator`` version and any timestamp or duration key);
nothing else is normalized. Without ``--data`` the file is generated (benchmarks.generate, the
given rows and seed) under ``--work``. Prints one JSON object: per output ``identical`` yes/no,
and each command's wall seconds and peak RSS for both executables. Exit status 1 when any output
differs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["compare", "main", "run_all"]

# Keys of the JSON report that describe the run, not the data.
_RUN_KEYS = ("generator", "generated_at", "timestamp", "started_at", "finished_at")
_RUN_KEY_PARTS = ("seconds", "duration", "elapsed")

COMMANDS: dict[str, list[str]] = {
    "validate": ["validate", "{file}", "--format", "json", "--report", "validate.json",
                 "--findings", "findings.csv", "-q", "--no-fail"],
    "clean": ["clean", "{file}", "-o", "cleaned.csv", "--rejects", "rejects.csv",
              "--changes", "changes.csv", "-q", "--no-fail"],
    "dedupe": ["dedupe", "{file}", "-o", "clusters.csv", "-q"],
}  # fmt: skip
OUTPUTS = ("validate.json", "findings.csv", "cleaned.csv", "rejects.csv", "changes.csv", "clusters.csv")


def _strip_run(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _strip_run(v)
            for k, v in value.items()
            if k not in _RUN_KEYS and not any(part in k.lower() for part in _RUN_KEY_PARTS)
        }
    if isinstance(value, list):
        return [_strip_run(v) for v in value]
    return value


def _same(a: Path, b: Path) -> bool:
    if not a.exists() or not b.exists():
        return a.exists() == b.exists()
    if a.suffix == ".json":
        left, right = json.loads(a.read_bytes()), json.loads(b.read_bytes())
        return _strip_run(left) == _strip_run(right)
    if a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


def compare(before: Path, after: Path, outputs: tuple[str, ...] = OUTPUTS) -> dict[str, bool]:
    """Per output file name: whether the two folders hold the same bytes (JSON: the same
    document once run-only keys are removed). A file missing from both counts as the same."""
    return {name: _same(before / name, after / name) for name in outputs}


def _run(exe: str, args: list[str], cwd: Path) -> dict[str, Any]:
    """Wall seconds, exit code and the child's own peak RSS (os.wait4)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([exe, *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode(errors="replace")[-500:]
    out: dict[str, Any] = {"seconds": round(seconds, 2), "rc": proc.returncode,
                           "peak_mib": usage.ru_maxrss // 1024}  # fmt: skip
    if proc.returncode not in (0, 1):
        out["stderr"] = tail
    return out


def run_all(exe: str, data: Path, out: Path, commands: tuple[str, ...] = tuple(COMMANDS)) -> dict[str, Any]:
    """Run the chosen commands with one executable, outputs in ``out``; their timings."""
    out.mkdir(parents=True, exist_ok=True)
    if os.sep in exe:  # a path such as .venv/bin/crmclean: the commands run in ``out``
        exe = str(Path(exe).resolve())
    return {
        name: _run(exe, [a.replace("{file}", str(data.resolve())) for a in COMMANDS[name]], out)
        for name in commands
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", required=True, help="crmclean executable before the change")
    ap.add_argument("--after", required=True, help="crmclean executable after the change")
    ap.add_argument("--rows", type=int, default=100_000, help="rows to generate (without --data)")
    ap.add_argument("--seed", type=int, default=7, help="generator seed (without --data)")
    ap.add_argument("--data", type=Path, help="an existing export to use instead of generating one")
    ap.add_argument("--work", type=Path, help="folder for the data and outputs (default: a temp dir)")
    ap.add_argument("--commands", default=",".join(COMMANDS), help="comma-separated subset of the commands")
    args = ap.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="crmclean-identical-"))
    data = args.data
    if data is None:
        from benchmarks.generate import write

        write(str(work / "data"), rows=args.rows, seed=args.seed, fmt="csv")
        data = work / "data" / "customers.csv"
    commands = tuple(c for c in args.commands.split(",") if c)
    env_note = {"CRMCLEAN_WORKERS": os.environ.get("CRMCLEAN_WORKERS", "")}
    timings = {
        "before": run_all(args.before, data, work / "before", commands),
        "after": run_all(args.after, data, work / "after", commands),
    }
    same = compare(work / "before", work / "after")
    print(json.dumps({"data": str(data), "work": str(work), "identical": same, "timings": timings,
                      "env": env_note}, indent=2))  # fmt: skip
    return 0 if all(same.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
