"""The CLI as a user runs it: exit codes, stdout for data, one-line errors on stderr."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from crmclean.cli import main


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "crmclean", *args],
        input=stdin,
        capture_output=True,
        env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin", "COLUMNS": "200"},
        check=False,
    )


def test_profile_json_to_stdout(good, capsys):
    code = main(["profile", str(good / "ru_cp1251_semicolon.csv"), "--format", "json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rows"] == 3
    assert {c["role"] for c in data["columns"]} >= {"phone", "email", "tax_id", "postal_code"}


def test_profile_human_table(good, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["profile", str(good / "vn_utf16.txt")]) == 0
    out = capsys.readouterr().out
    assert "Số điện thoại" in out and "phone" in out


def test_bad_input_is_one_line_exit_2_no_traceback(broken):
    result = run("profile", str(broken / "ragged.csv"))
    assert result.returncode == 2
    err = result.stderr.decode()
    assert "Traceback" not in err
    assert err.strip().count("\n") == 0
    assert "ragged.csv, line 3: row has 2 fields" in err
    assert result.stdout == b""


def test_debug_shows_traceback(broken):
    result = run("--debug", "profile", str(broken / "ragged.csv"))
    assert result.returncode == 2
    assert "Traceback" in result.stderr.decode()


def test_stdin_dash(good):
    data = (good / "ru_cp1251_semicolon.csv").read_bytes()
    result = run("profile", "-", "--format", "json", stdin=data)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["source"] == "<stdin>"


@pytest.mark.parametrize("args", [["profile"], ["profile", "x.csv", "--format", "xml"], ["nope"]])
def test_usage_errors_exit_2(args):
    assert run(*args).returncode == 2


def test_version_and_help():
    assert run("--version").stdout.decode().startswith("crmclean ")
    help_text = run("profile", "--help").stdout.decode()
    assert "--show-values" in help_text and "--delimiter" in help_text
