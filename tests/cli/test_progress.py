"""The progress display: on stderr for a person at a terminal, never in a pipe, in CI or with --quiet.

The CLI runs in a subprocess whose stderr is a pseudo-terminal (``os.openpty``), as in a real
terminal; the library side is checked with a Recorder (crmclean.progress)."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

from crmclean import api, stream
from crmclean.progress import NO_PROGRESS, Progress, Recorder

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "customers.csv"
pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR", "TERM", "COLUMNS")}
    return {**env, "TERM": "xterm-256color", "COLUMNS": "120", **extra}


def _on_terminal(args: list[str], cwd: Path, **env: str) -> tuple[int, str, bytes]:
    """Run crmclean with stderr on a pseudo-terminal: (exit code, what the terminal got, stdout)."""
    leader, follower = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "crmclean", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=follower,
        cwd=cwd,
        env=_env(**env),
    )
    os.close(follower)
    seen = bytearray()
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], 0.1)
            if ready:
                try:
                    data = os.read(leader, 65536)
                except OSError:  # the other end closed (Linux)
                    break
                if not data:
                    break
                seen += data
            elif proc.poll() is not None:
                break
        out = proc.stdout.read() if proc.stdout else b""
        code = proc.wait(timeout=120)
    finally:
        os.close(leader)
    return code, seen.decode("utf-8", errors="replace"), out


@pytest.mark.parametrize(
    ("verb", "args", "expected"),
    [
        (
            "run",
            ["--out-dir", "out"],
            ["normalizing", "28/28 steps", "scoring candidate pairs", "writing out"],
        ),
        ("validate", [], ["scanning customers.csv", "validating", "24/24 rows"]),
        ("clean", ["-o", "clean.csv"], ["scanning customers.csv", "cleaning", "24/24 rows"]),
        ("dedupe", ["-o", "clusters.csv"], ["scoring candidate pairs", "pairs", "building match keys"]),
    ],
)
def test_progress_is_drawn_on_a_terminal(tmp_path, verb, args, expected):
    code, terminal, _ = _on_terminal([verb, str(EXAMPLE), *args], tmp_path)
    assert code in (0, 1), terminal
    for text in expected:
        assert text in terminal, f"{text!r} not on the terminal: {terminal[-2000:]!r}"
    assert "0:00:0" in terminal  # elapsed time
    assert "✓" in terminal  # each finished step is ticked


def test_no_colour_keeps_the_display_without_colour(tmp_path):
    _, terminal, _ = _on_terminal(["validate", str(EXAMPLE)], tmp_path, NO_COLOR="1")
    assert "validating" in terminal and "\x1b[3" not in terminal  # no foreground colour codes


@pytest.mark.parametrize(
    ("args", "env"),
    [(["--quiet"], {}), ([], {"CI": "true"}), ([], {"TERM": "dumb"})],
    ids=["quiet", "CI", "dumb-terminal"],
)
def test_nothing_on_a_terminal_when_quiet_ci_or_dumb(tmp_path, args, env):
    code, terminal, _ = _on_terminal(["validate", str(EXAMPLE), *args], tmp_path, **env)
    assert code in (0, 1)
    for word in ("normalizing", "validating", "scoring", "━"):
        assert word not in terminal


def test_nothing_in_a_pipe(tmp_path):
    for args in (["validate", str(EXAMPLE)], ["run", str(EXAMPLE), "--out-dir", "out"]):
        done = subprocess.run(
            [sys.executable, "-m", "crmclean", *args],
            capture_output=True,
            cwd=tmp_path,
            env=_env(),
            timeout=120,
            check=False,
        )
        assert b"normalizing" not in done.stderr and b"\x1b[" not in done.stderr
        assert b"normalizing" not in done.stdout


def test_the_library_tells_each_step_and_the_pairs_planned():
    watch = Recorder()
    assert isinstance(watch, Progress) and isinstance(NO_PROGRESS, Progress)
    result = api.run(EXAMPLE, progress=watch)
    assert watch.steps[0] == "reading customers.csv"
    assert {"normalizing", "validating", "scoring candidate pairs", "merging golden records"} <= set(
        watch.steps
    )
    planned = next(
        total for event, step, total in watch.events if event == "start" and step == "scoring candidate pairs"
    )
    assert planned == result.ran.deduped.duplicates.blocking.pairs.height
    assert watch.done("scoring candidate pairs") == planned
    starts = [e for e in watch.events if e[0] == "start"]
    finishes = [e for e in watch.events if e[0] == "finish"]
    assert len(starts) == len(finishes)  # every step is closed
    same = api.run(EXAMPLE)  # no watcher: the same result
    assert same.report.render("json") == result.report.render("json")


def test_the_chunked_runner_tells_rows_done_of_rows_in_the_file():
    watch = Recorder()
    result = stream.validate_file(EXAMPLE, api.load_rules(None), chunk_rows=5, progress=watch)
    assert "validating" in watch.steps
    total = next(t for e, s, t in watch.events if e == "start" and s == "validating")
    assert total == result.rows == 24 and watch.done("validating") == 24


def test_master_build_and_add_show_progress(tmp_path):
    code, terminal, _ = _on_terminal(["master", "build", "m", str(EXAMPLE)], tmp_path)
    assert code == 0, terminal
    assert "reading customers.csv" in terminal and "scoring candidate pairs" in terminal
    code, terminal, _ = _on_terminal(["master", "add", "m", str(EXAMPLE), "--quiet"], tmp_path)
    assert code == 0 and "scoring" not in terminal
