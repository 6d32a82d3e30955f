"""Errors never dump row contents: not in one-line messages, not in ``--debug`` tracebacks.

Decisions, as asserted here:

- InputError messages locate a problem by file, line and column name; they never quote cell values,
  not even a snippet of the broken line (the line number is enough to open the file there).
- Header names are quoted (they are what the user renames). A header name that looks like personal
  data -- an email address, or six digits or more: an export without a header line, its first row
  taken as one -- is masked with :mod:`crmclean.mask` (``iv***@mail.ru``, ``+7 *** ***-45-67``).
- ``--debug`` prints frames (file, line, code), never local variables. Messages of crmclean's own
  errors are printed as they are; messages of other exceptions (Polars quotes the values it failed on)
  have quoted literals, email addresses and digit runs masked, in the whole chain of causes.
- Error lines are printed literally: ``[...]`` in a path or header name is not Rich markup.
"""

from __future__ import annotations

import json
import subprocess
import sys

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crmclean.api as api_module
from crmclean.cli import main
from crmclean.errors import CrmcleanError
from crmclean.io.read import MAX_FIELD_BYTES, read_table

EMAIL = "ivan.sekretov@mail.ru"
PHONE = "+7 999 123-45-67"
NAME = "Секретов"
# What must never appear: the address, the phone's middle digits, the surname.
MARKS = ("sekretov", "123-45", "9991234", NAME)

BROKEN = {
    "ragged.csv": f"name,email,phone\n{NAME},{EMAIL},{PHONE},extra\n".encode(),
    "unclosed.csv": f'name,email,phone\n{NAME},"{EMAIL},{PHONE}\nPetr,p@x.ru,1\n'.encode(),
    "nul.csv": f"name,email,phone\n{NAME},{EMAIL}\x00,{PHONE}\n".encode(),
    "mixed.csv": f"name,email,phone\n{NAME},{EMAIL},{PHONE}\n".encode() + "Ёлкин,e@x.ru,1\n".encode("cp1251"),
    "bom.csv": f"name,email,phone\n{NAME},\ufeff{EMAIL},{PHONE}\n".encode(),
    "reserved_row.csv": f"_row,email\n{EMAIL},{PHONE}\n".encode(),
    "bad.json": f'[{{"email": "{EMAIL}", "phone": "{PHONE}"}} {{"name": "{NAME}"}}]'.encode(),
    "mixed_types.json": json.dumps([{"email": [EMAIL, PHONE]}, {"email": NAME}]).encode(),
    "mixed_types.ndjson": f'{{"email": 1}}\n{{"email": ["{EMAIL}", "{PHONE}"]}}\n'.encode(),
    "bad_line.ndjson": f'{{"email": "{EMAIL}"}}\n{{"email": "{PHONE}" "{NAME}"}}\n'.encode(),
    "huge_cell.csv": f"name,email\n{NAME},{EMAIL}".encode() + b"x" * (MAX_FIELD_BYTES + 1) + b"\n",
}


def _messages(capsys) -> str:
    captured = capsys.readouterr()
    return captured.out + captured.err


def _assert_no_marks(text: str) -> None:
    for mark in MARKS:
        assert mark not in text, f"{mark!r} leaked in:\n{text}"


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_input_messages_and_debug_tracebacks_hold_no_cell_values(tmp_path, capsys, name):
    path = tmp_path / name
    path.write_bytes(BROKEN[name])
    with pytest.raises(CrmcleanError) as info:
        read_table(path)
    _assert_no_marks(str(info.value))
    assert main(["--debug", "profile", str(path)]) == 2
    out = _messages(capsys)
    assert "Traceback (most recent call last)" in out
    _assert_no_marks(out)


def test_json_error_no_longer_carries_the_polars_message_with_the_value(tmp_path, capsys):
    """Regression: Polars' 'error deserializing value "Array([String("ivan...")])"' was the context
    of the InputError, so --debug printed it."""
    path = tmp_path / "mixed.json"
    path.write_bytes(BROKEN["mixed_types.json"])
    assert main(["--debug", "profile", str(path)]) == 2
    out = _messages(capsys)
    assert "cannot read the JSON records (mixed value types in one field?)" in out
    assert "deserializing" not in out


@pytest.mark.parametrize(
    ("first_line", "shown"),
    [
        (f"{EMAIL},{EMAIL},x", "'iv***@mail.ru'"),
        (f"{PHONE},{PHONE},x", "'+7 *** ***-45-67'"),
    ],
)
def test_header_names_that_look_like_personal_data_are_masked(tmp_path, first_line, shown):
    path = tmp_path / "headerless.csv"
    path.write_text(f"{first_line}\na,b,c\n", encoding="utf-8")
    with pytest.raises(CrmcleanError) as info:
        read_table(path)
    assert info.value.message == f"duplicate column name(s) in the header: {shown}"
    _assert_no_marks(str(info.value))


def test_ordinary_header_names_are_quoted_to_locate_the_problem(tmp_path):
    path = tmp_path / "dupes.csv"
    path.write_text("Телефон,Имя,Телефон\n1,2,3\n", encoding="utf-8")
    with pytest.raises(CrmcleanError, match=r"duplicate column name\(s\) in the header: 'Телефон'"):
        read_table(path)


def test_rules_error_with_debug_shows_no_data(tmp_path, capsys):
    data = tmp_path / "data.csv"
    data.write_text(f"name,email,phone\n{NAME},{EMAIL},{PHONE}\n", encoding="utf-8")
    rules = tmp_path / "rules.yaml"
    rules.write_text("version: 1\nvalidate:\n  - {check: regex, column: email, pattern: '(a+)+\\1'}\n")
    assert main(["--debug", "validate", str(data), "--rules", str(rules)]) == 2
    out = _messages(capsys)
    assert "rules.yaml" in out and "Traceback" in out
    _assert_no_marks(out)


def _polars_failure_on_values(table, **_):
    """A stand-in bug: a strict cast, whose Polars error quotes the values it could not convert."""
    try:
        return table.frame.select(pl.col("phone").cast(pl.Int64))
    except pl.exceptions.PolarsError as err:
        raise RuntimeError(f"profiling {table.frame.get_column('email')[0]} failed") from err


@pytest.fixture
def secret_csv(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text(f"name,email,phone\n{NAME},{EMAIL},{PHONE}\n", encoding="utf-8")
    return path


def test_internal_error_with_debug_masks_values_in_every_message(secret_csv, capsys, monkeypatch):
    monkeypatch.setattr(api_module, "profile_table", _polars_failure_on_values)
    assert main(["--debug", "profile", str(secret_csv)]) == 3
    out = _messages(capsys)
    assert out.count("Traceback (most recent call last)") == 2  # the Polars error and what it caused
    assert "polars.exceptions.InvalidOperationError: conversion from" in out
    assert "builtins.RuntimeError: profiling iv***@mail.ru failed" in out
    assert '["+7***"]' in out  # the phone, masked where Polars quoted it
    assert "in profile_command" in out  # frames are there to find the bug
    _assert_no_marks(out)


def test_internal_error_without_debug_names_only_the_exception_type(secret_csv, capsys, monkeypatch):
    monkeypatch.setattr(api_module, "profile_table", _polars_failure_on_values)
    assert main(["profile", str(secret_csv)]) == 3
    out = _messages(capsys)
    assert out.strip() == (
        "internal error: RuntimeError (a bug in crmclean; run again with --debug for the traceback and "
        "report it)"
    )


def test_real_cli_debug_traceback_has_no_locals(secret_csv, cli_env):
    """The installed entry point, in a subprocess: no Rich/Typer pretty traceback with show_locals."""
    script = (
        "import crmclean.api as p, polars as pl\n"
        "p.profile_table = lambda table, **_: table.frame.get_column('email').cast(pl.Int64)\n"
        "from crmclean.cli import main\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "--debug", "profile", str(secret_csv)],
        capture_output=True,
        env=cli_env,
        check=False,
    )
    err = result.stderr.decode()
    assert result.returncode == 3, err
    assert "Traceback (most recent call last)" in err and "InvalidOperationError" in err
    assert "locals" not in err.lower() and "shape:" not in err  # no frame/Series reprs
    _assert_no_marks(err)


secret_pieces = st.sampled_from([EMAIL, PHONE, ",", ";", '"', "\n", "\r\n", "\x00", "\ufeff", "a", "{", "]"])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    parts=st.lists(secret_pieces, max_size=16),
    tail=st.sampled_from([b"", b"\xff", "Ёлкин".encode("cp1251")]),
    ext=st.sampled_from(["csv", "json", "ndjson"]),
)
def test_no_error_message_quotes_an_email_or_phone(tmp_path, parts, tail, ext):
    path = tmp_path / f"input.{ext}"
    path.write_bytes("".join(parts).encode() + tail)
    try:
        read_table(path)
    except CrmcleanError as err:
        assert "sekretov" not in str(err) and "123-45" not in str(err), str(err)


@pytest.mark.parametrize("header", ["[/x]", "[bold]name"])
def test_error_line_is_printed_literally_not_as_markup(tmp_path, capsys, header):
    """Regression: a header like '[/x]' raised Rich's MarkupError while printing the error (exit 1)."""
    path = tmp_path / "[red]odd.csv"
    path.write_text(f"{header},{header}\n1,2\n", encoding="utf-8")
    assert main(["profile", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"[red]odd.csv, line 1: duplicate column name(s) in the header: '{header}'" in err
