"""`validate` and `clean` read a CSV in batches whatever its size: the batch size
(CRMCLEAN_STREAM_MIN_BYTES) changes neither the outputs, nor the report in any format, nor the exit
code."""

from __future__ import annotations

import pytest

from crmclean.cli import main

EXAMPLE = "examples/customers.csv"
FORMATS = ("json", "markdown", "junit", "github", "html")


def _runs(monkeypatch, tmp_path, args: list[str], outputs: list[str]) -> dict[str, tuple[int, dict]]:
    """Exit code and output bytes of ``args`` in one batch and in batches of one record."""
    results = {}
    for label, size in (("one", str(1 << 30)), ("tiny", "1")):
        monkeypatch.setenv("CRMCLEAN_STREAM_MIN_BYTES", size)
        folder = tmp_path / label
        folder.mkdir()
        code = main([a.replace("{}", str(folder)) for a in args])
        results[label] = (code, {o: (folder / o).read_bytes() for o in outputs})
    return results


@pytest.mark.parametrize("fmt", FORMATS)
def test_validate_report_is_the_same_in_any_batches(monkeypatch, tmp_path, fmt):
    args = ["validate", EXAMPLE, "-q", "--format", fmt, "--report", "{}/report", "--findings", "{}/f.csv"]
    runs = _runs(monkeypatch, tmp_path, args, ["report", "f.csv"])
    assert runs["one"] == runs["tiny"]
    assert runs["one"][0] == 1  # the default gate: any error fails


def test_clean_outputs_report_and_gate_are_the_same_in_any_batches(monkeypatch, tmp_path):
    outputs = ["out.csv", "rej.csv", "changes.ndjson", "f.csv", "report.json"]
    args = ["clean", EXAMPLE, "-q", "-o", "{}/out.csv", "--rejects", "{}/rej.csv", "--changes"]
    args += ["{}/changes.ndjson", "--findings", "{}/f.csv", "--report", "{}/report.json", "--format", "json"]
    args += ["--gate-fail", "*=0"]
    runs = _runs(monkeypatch, tmp_path, args, outputs)
    assert runs["one"] == runs["tiny"]
    assert runs["one"][0] == 1
