"""Prove a change kept behaviour: run two crmclean installs on the same inputs, compare every byte.

    python tools/same_outputs.py BEFORE_CRMCLEAN [AFTER_CRMCLEAN] [--rows 30000] [--keep DIR]

Each install runs profile, validate (every report format), clean, dedupe (human and JSON, with pairs,
review, golden and lineage) and run on ``examples/customers.csv`` and on a generated export
(``benchmarks.generate``, fixed seed, ``--rows`` rows, 0 to skip). Exit codes, stdout, stderr and
every file written must be identical; the script lists what differs and exits 1 if anything does.
AFTER defaults to this checkout's ``.venv/bin/crmclean``.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("human", "json", "junit", "markdown", "github", "html")


def commands(data: Path) -> dict[str, list[str]]:
    """Name -> arguments; ``{out}`` is the run's own output folder."""
    f = str(data)
    cmds = {"profile": ["profile", f]}
    for fmt in FORMATS:
        cmds[f"validate-{fmt}"] = ["validate", f, "--format", fmt, "--findings", "{out}/findings.csv"]
    cmds["clean"] = [
        "clean", f, "-o", "{out}/cleaned.csv", "--rejects", "{out}/rejects.csv",
        "--changes", "{out}/changes.csv", "--findings", "{out}/findings.csv", "--report", "{out}/report.json",
    ]  # fmt: skip
    cmds["dedupe"] = [
        "dedupe", f, "-o", "{out}/clusters.csv", "--pairs", "{out}/pairs.csv", "--review", "{out}/review.csv",
        "--golden", "{out}/golden.csv", "--lineage", "{out}/lineage.csv",
    ]  # fmt: skip
    cmds["dedupe-json"] = ["dedupe", f, "--format", "json", "-o", "{out}/clusters.csv"]
    cmds["run"] = ["run", f, "--out-dir", "{out}/run"]
    cmds["run-json"] = ["run", f, "--format", "json", "--out-dir", "{out}/run"]
    return cmds


def run_all(exe: str, inputs: dict[str, Path], work: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120", "TZ": "UTC"}
    for label, data in inputs.items():
        for name, args in commands(data).items():
            out = work / label / name
            out.mkdir(parents=True)
            argv = [exe, *(a.replace("{out}", str(out)) for a in args)]
            proc = subprocess.run(argv, capture_output=True, env=env, cwd=out)
            # the output folder's own path appears in messages: write it as {out} so both sides agree
            for stream, raw in (("stdout", proc.stdout), ("stderr", proc.stderr)):
                (out / f"_{stream}").write_bytes(raw.replace(str(out).encode(), b"{out}"))
            (out / "_exit").write_text(f"{proc.returncode}\n")


def differences(a: Path, b: Path) -> list[str]:
    found: list[str] = []
    files_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    found += [f"only before: {p}" for p in sorted(files_a - files_b)]
    found += [f"only after: {p}" for p in sorted(files_b - files_a)]
    for p in sorted(files_a & files_b):
        if not filecmp.cmp(a / p, b / p, shallow=False):
            found.append(f"differs: {p}")
    return found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python tools/same_outputs.py", description=__doc__.split("\n")[0])
    ap.add_argument("before", help="the crmclean executable of the reference install")
    ap.add_argument("after", nargs="?", default=str(ROOT / ".venv" / "bin" / "crmclean"))
    ap.add_argument("--rows", type=int, default=30_000, help="rows of the generated export (0: none)")
    ap.add_argument("--keep", help="keep the outputs in this folder (default: a temporary one)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.keep or tmp)
        inputs = {"examples": ROOT / "examples" / "customers.csv"}
        if args.rows:
            gen = work / "generated"
            subprocess.run(
                [sys.executable, "-m", "benchmarks.generate", "--rows", str(args.rows), "--seed", "17",
                 "--out", str(gen)],
                check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            inputs["generated"] = gen / "customers.csv"
        for side, exe in (("before", args.before), ("after", args.after)):
            run_all(exe, inputs, work / side)
        found = differences(work / "before", work / "after")
        runs = sum(len(commands(p)) for p in inputs.values())
        if found:
            print("\n".join(found))
            print(f"{len(found)} differences over {runs} runs", file=sys.stderr)
            return 1
        print(f"identical: {runs} runs on {', '.join(inputs)} (exit codes, stdout, stderr, every file)")
        return 0


if __name__ == "__main__":
    sys.exit(main())
