"""The installed wheel is the product: it must carry every package and the files they read."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile

import pytest
from paths import ROOT


def _declared_packages() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(config["tool"]["setuptools"]["packages"])


def test_pyproject_lists_every_package_of_the_source_tree():
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "crmclean").rglob("__init__.py")}
    assert found | {"crmclean.bundled_rules"} == _declared_packages()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            str(ROOT),
            "-w",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return zipfile.ZipFile(next(out.glob("crmclean-*.whl")))


def test_the_wheel_carries_the_bundled_rules_and_every_data_file(wheel):
    names = set(wheel.namelist())
    assert {"crmclean/bundled_rules/default.yaml", "crmclean/bundled_rules/b2b.yaml"} <= names
    data = {f"crmclean/data/{p.name}" for p in (ROOT / "crmclean" / "data").iterdir() if p.is_file()}
    assert data <= names
    sources = {str(p.relative_to(ROOT)) for p in (ROOT / "crmclean").rglob("*.py")}
    assert sources <= names
    assert (ROOT / "rules" / "default.yaml").read_bytes() == wheel.read("crmclean/bundled_rules/default.yaml")


def test_the_wheel_declares_both_entry_points(wheel):
    entry_points = next(n for n in wheel.namelist() if n.endswith("entry_points.txt"))
    text = wheel.read(entry_points).decode()
    assert "crmclean = crmclean.cli:main" in text and "crmclean-pre-commit = crmclean.cli.hook:main" in text
