"""Ctrl-C and crashes never leave a half-written output: the real CLI, interrupted mid-run.

``crmclean clean`` runs in a subprocess on a generated export of 300,000 rows (about 50 MB), and is
sent SIGINT or SIGKILL at a chosen moment: once the input has been read, or while the temporary
output file exists (the moment an interrupt is most dangerous). After SIGINT the exit code is 130,
stderr says ``interrupted`` without a traceback, the target is either the previous version or the
complete new one, and no temporary file is left. After SIGKILL nothing can clean up: the target is
still whole (the rename is atomic), but the temporary file ``.<target>.<random>.tmp`` beside it may
remain -- unavoidable, and documented here by assertion.

The moments are found by watching the process (``/proc/<pid>/io`` for bytes read, the output folder
for the temporary file), not by sleeping, so the tests are not sensitive to machine speed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from crmclean.io.read import read_table

ROWS = 300_000
PREVIOUS = b"previous,version\n1,2\n"

# the subprocess tests: a few seconds each, and they watch the process through /proc
subprocess_run = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="watches the process through /proc"),
]


def _marks(test):
    for mark in subprocess_run:
        test = mark(test)
    return test


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("exports")
    i = pl.int_range(ROWS, eager=True).cast(pl.String)
    key = (pl.int_range(ROWS, eager=True) % 20_000).cast(pl.String)
    # plain: no column with a role, so clean is mostly reading and writing 50 MB
    plain = pl.DataFrame({"code": i.str.zfill(8), "note": "note " + i + " " + "x" * 150})
    # contacts: phones and emails to normalize (in the worker pool when there are several CPUs)
    contacts = pl.DataFrame(
        {
            "customer_id": i.str.zfill(8),
            "email": "User" + key + "@Example.com",
            "phone": "+7 912 " + key.str.zfill(7),
            "note": "note " + i + " " + "x" * 100,
        }
    )
    paths = {"plain": folder / "plain.csv", "contacts": folder / "contacts.csv"}
    plain.write_csv(paths["plain"])
    contacts.write_csv(paths["contacts"])
    return paths


def _start(source: Path, out: Path, env: dict[str, str], *extra: str) -> subprocess.Popen:
    out.write_bytes(PREVIOUS)
    return subprocess.Popen(
        [sys.executable, "-m", "crmclean", "clean", str(source), "-o", str(out), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,  # its own process group, like a job in a terminal
    )


def _bytes_read(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/io") as handle:
            for line in handle:
                if line.startswith("rchar:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def _wait_until(proc: subprocess.Popen, condition: Callable[[], bool], timeout: float = 30) -> None:
    """Poll fast until ``condition`` holds; fail if the process ends first."""
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            _, err = proc.communicate()
            pytest.fail(
                f"the run ended (exit {proc.returncode}) before the moment came: {err.decode()[-500:]}"
            )
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the moment never came")
        time.sleep(0.0005)


def _temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _finish(proc: subprocess.Popen) -> str:
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the interrupted run did not exit within 30 s")
    return err.decode()


def _previous_or_complete(target: Path) -> str:
    """The target is the previous version, or the complete new one: never anything in between."""
    if target.read_bytes() == PREVIOUS:
        return "previous"
    assert read_table(target).frame.height == ROWS
    return "complete"


@_marks
def test_sigint_after_reading_exits_130_and_keeps_the_previous_output(tmp_path, exports, cli_env):
    out = tmp_path / "out.csv"
    size = exports["contacts"].stat().st_size
    proc = _start(exports["contacts"], out, cli_env, "--rejects", str(tmp_path / "rejects.csv"))
    _wait_until(proc, lambda: _bytes_read(proc.pid) > size)
    os.kill(proc.pid, signal.SIGINT)
    err = _finish(proc)
    assert proc.returncode == 130, err
    assert err.strip() == "interrupted"
    assert out.read_bytes() == PREVIOUS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]  # no rejects, no temp file


@_marks
def test_sigint_while_the_output_is_being_written_leaves_no_temp_file(tmp_path, exports, cli_env):
    out = tmp_path / "out.csv"
    proc = _start(exports["plain"], out, cli_env)
    _wait_until(proc, lambda: bool(_temp_files(tmp_path)))
    os.kill(proc.pid, signal.SIGINT)
    err = _finish(proc)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "interrupted" in err
    assert _temp_files(tmp_path) == []
    _previous_or_complete(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


@_marks
def test_ctrl_c_in_a_terminal_reaches_the_whole_process_group(tmp_path, exports, cli_env):
    """A terminal sends SIGINT to every process of the job, worker processes included.

    Known noise, not asserted: each pool worker prints its own KeyboardInterrupt traceback
    (crmclean/normalize/parallel.py should start workers with SIGINT ignored).
    """
    out = tmp_path / "out.csv"
    size = exports["contacts"].stat().st_size
    proc = _start(exports["contacts"], out, cli_env, "--rejects", str(tmp_path / "rejects.csv"))
    _wait_until(proc, lambda: _bytes_read(proc.pid) > size)
    time.sleep(0.3)  # into normalization, where the worker pool runs
    os.killpg(proc.pid, signal.SIGINT)
    err = _finish(proc)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    assert _temp_files(tmp_path) == []
    assert out.read_bytes() == PREVIOUS


@_marks
def test_sigkill_while_writing_keeps_the_target_whole_but_may_leave_a_temp_file(tmp_path, exports, cli_env):
    out = tmp_path / "out.csv"
    proc = _start(exports["plain"], out, cli_env)
    _wait_until(proc, lambda: bool(_temp_files(tmp_path)))
    os.killpg(proc.pid, signal.SIGKILL)
    _finish(proc)
    assert proc.returncode == -signal.SIGKILL
    _previous_or_complete(out)
    leftovers = _temp_files(tmp_path)
    assert all(name.startswith(".out.csv.") for name in leftovers), leftovers  # recognisably ours
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out.csv", *leftovers])


@pytest.mark.skipif(not hasattr(signal, "raise_signal"), reason="needs signals")
def test_sigint_while_the_temp_file_is_created_is_delivered_after_cleanup(tmp_path, monkeypatch):
    """Regression: Ctrl-C between creating the temporary file and learning its name leaked the file.

    Deterministic, in-process: the signal arrives inside ``mkstemp``, just after the file exists.
    """
    from crmclean.io import write as write_module

    real_mkstemp = write_module.tempfile.mkstemp

    def mkstemp_then_ctrl_c(*args, **kwargs):
        created = real_mkstemp(*args, **kwargs)
        signal.raise_signal(signal.SIGINT)
        return created

    monkeypatch.setattr(write_module.tempfile, "mkstemp", mkstemp_then_ctrl_c)
    target = tmp_path / "out.csv"
    target.write_bytes(PREVIOUS)
    with pytest.raises(KeyboardInterrupt):
        write_module.write_table(pl.DataFrame({"a": ["1"]}), target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
    assert target.read_bytes() == PREVIOUS
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
