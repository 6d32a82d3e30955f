"""CLI conventions, the same in every command: one output per stdout, --quiet, --debug anywhere,
file modes, NO_COLOR, plain help, the schema command and the pre-commit hook."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest
from paths import ROOT

from crmclean.cli import main
from crmclean.cli.hook import main as hook

EXAMPLE = str(ROOT / "examples" / "customers.csv")


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["dedupe", EXAMPLE, "-o", "-", "--format", "json"], ("--output -", "--format json")),
        (["clean", EXAMPLE, "-o", "-", "--rejects", "-"], ("--output -", "--rejects -")),
        (["dedupe", EXAMPLE, "-o", "-", "--golden", "-"], ("--output -", "--golden -")),
        (["validate", EXAMPLE, "--findings", "-", "--format", "json"], ("--findings -", "--format json")),
    ],
)
def test_two_outputs_never_share_stdout(args, named, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert all(name in err for name in named), err


@pytest.mark.parametrize("fmt", ["json", "junit", "github", "markdown"])
def test_quiet_still_writes_the_machine_output_asked_for(fmt, capsys):
    assert main(["validate", EXAMPLE, "--format", fmt, "-q"]) == 1
    captured = capsys.readouterr()
    assert captured.out.strip() and captured.err == ""
    if fmt == "json":
        assert json.loads(captured.out)["errors"] > 0


def test_quiet_silences_the_human_report(capsys):
    assert main(["validate", EXAMPLE, "-q"]) == 1
    assert capsys.readouterr() == ("", "")


def test_debug_before_or_after_the_command(capsys):
    for args in (["--debug", "validate", "missing.csv"], ["validate", "missing.csv", "--debug"]):
        assert main(args) == 2
        assert "Traceback" in capsys.readouterr().err


def test_outputs_are_private_unless_a_mode_is_chosen(tmp_path):
    out = tmp_path / "c.csv"
    assert main(["clean", EXAMPLE, "-o", str(out), "-q"]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "c.rejects.csv").stat().st_mode) == 0o600
    assert main(["clean", EXAMPLE, "-o", str(out), "-q", "--mode", "0644"]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    umask = os.umask(0o022)
    try:
        assert main(["dedupe", EXAMPLE, "-o", str(out), "-q", "--mode", "umask"]) == 0
    finally:
        os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert main(["clean", EXAMPLE, "-o", str(out), "--mode", "rw"]) == 2


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crmclean", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=ROOT,
        check=False,
    )


def test_no_color_means_no_escape_codes_and_pipes_are_not_wrapped_at_80():
    result = _cli("validate", EXAMPLE, NO_COLOR="1", TERM="xterm-256color", FORCE_COLOR="")
    assert "\x1b[" not in result.stdout + result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) > 80


def test_help_shows_no_bool_placeholder_and_offers_completion():
    result = _cli("--help")
    assert "--install-completion" in result.stdout and "--show-completion" in result.stdout
    for command in ("validate", "clean", "run", "dedupe", "profile", "explain", "init", "schema"):
        text = _cli(command, "--help").stdout
        assert "<bool>" not in text and "Usage: crmclean " + command in text


def test_schema_is_the_json_schema_of_the_rules_file(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$id"] == "crmclean.rules/1"
    assert {"settings", "fill", "normalize", "validate", "dedupe", "gate", "extends"} <= set(
        schema["properties"]
    )
    assert schema["properties"]["extends"]["enum"] == ["default", "b2b", "none"]


def test_the_pre_commit_hook_validates_each_file_and_returns_the_worst(tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text("email\nx@example.com\n", encoding="utf-8")
    assert hook([str(good)]) == 0
    assert hook([str(good), EXAMPLE]) == 1
    assert hook([str(good), str(tmp_path / "missing.csv")]) == 2
    assert "missing.csv: exit 2" in capsys.readouterr().err
