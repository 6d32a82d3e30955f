"""benchmarks/identical.py: the same executable twice gives identical outputs, and a change shows."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from benchmarks import identical
from benchmarks.generate import write


def _crmclean() -> str:
    exe = Path(sys.executable).with_name("crmclean")
    return str(exe) if exe.exists() else shutil.which("crmclean") or "crmclean"


def test_same_executable_twice_is_identical(tmp_path: Path) -> None:
    write(str(tmp_path / "data"), rows=300, seed=3, fmt="csv")
    data = tmp_path / "data" / "customers.csv"
    exe = _crmclean()
    for side in ("a", "b"):
        runs = identical.run_all(exe, data, tmp_path / side)
        assert all(r["rc"] in (0, 1) for r in runs.values()), runs
    same = identical.compare(tmp_path / "a", tmp_path / "b")
    assert same == {name: True for name in identical.OUTPUTS}
    # a changed byte, and a changed finding in the report, are seen
    cleaned = tmp_path / "b" / "cleaned.csv"
    cleaned.write_bytes(cleaned.read_bytes().replace(b"\n", b"\r\n", 1))
    report = tmp_path / "b" / "validate.json"
    doc = json.loads(report.read_text())
    doc["generator"] = "crmclean 9.9"  # a version only: still the same
    report.write_text(json.dumps(doc))
    same = identical.compare(tmp_path / "a", tmp_path / "b")
    assert same["cleaned.csv"] is False and same["validate.json"] is True
    doc["rows"] = -1
    report.write_text(json.dumps(doc))
    assert identical.compare(tmp_path / "a", tmp_path / "b")["validate.json"] is False
