"""The README's command reference is generated from the CLI and must be current; every command and
option appears in it (sqlite-utils' test_docs is the model)."""

from __future__ import annotations

import pytest
from paths import PACKAGE, ROOT

from crmclean.cli import reference

README = ROOT / "README.md"


def test_readme_reference_is_current():
    text = README.read_text(encoding="utf-8")
    assert reference.updated(text) == text, "run: python -m crmclean.cli.reference --write"


@pytest.mark.parametrize(("name", "command"), reference.commands())
def test_every_command_and_option_is_in_the_readme(name, command):
    text = README.read_text(encoding="utf-8")
    assert f"### `crmclean {name}" in text
    for param in command.params:
        if getattr(param, "param_type_name", "") == "option" and param.name != "help":
            assert all(f"`{opt}`" in text for opt in param.opts), (name, param.opts)
            assert param.help, f"{name} {param.opts[0]} has no help text"


def test_every_environment_variable_the_code_reads_is_in_the_readme():
    import re

    package = PACKAGE
    names = set()
    for path in package.rglob("*.py"):
        names |= set(re.findall(r"environ(?:\.get)?\(?\[?\s*\"([A-Z_]+)\"", path.read_text(encoding="utf-8")))
    assert names, "expected to find environment variables"
    text = README.read_text(encoding="utf-8")
    assert not [n for n in sorted(names) if f"`{n}`" not in text]
