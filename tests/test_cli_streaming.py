"""`validate` and `clean` switch to the chunked path for large CSVs, with the eager path's results."""

from __future__ import annotations

import polars as pl

from crmclean.cli import main
from crmclean.io.read import read_table

EXAMPLE = "examples/customers.csv"


def test_clean_streams_large_csv_with_the_same_outputs(tmp_path, monkeypatch, capsys):
    eager = [tmp_path / f"e_{n}.csv" for n in ("out", "rej")]
    chunked = [tmp_path / f"c_{n}.csv" for n in ("out", "rej")]
    assert main(["clean", EXAMPLE, "-q", "-o", str(eager[0]), "--rejects", str(eager[1])]) == 0
    monkeypatch.setenv("CRMCLEAN_STREAM_MIN_BYTES", "1")  # every CSV counts as large
    assert main(["clean", EXAMPLE, "-o", str(chunked[0]), "--rejects", str(chunked[1])]) == 0
    assert "chunks" in capsys.readouterr().err
    for a, b in zip(eager, chunked, strict=True):
        assert a.read_bytes() == b.read_bytes()


def test_validate_streams_and_fails_on_errors(monkeypatch, capsys):
    monkeypatch.setenv("CRMCLEAN_STREAM_MIN_BYTES", "1")
    rows = read_table(EXAMPLE).frame.height
    assert main(["validate", EXAMPLE]) == 1
    out = capsys.readouterr().out
    assert f"{rows} rows in 1 chunks" in out and "errors in" in out
    assert main(["validate", EXAMPLE, "--no-fail"]) == 0


def test_report_options_keep_the_full_eager_report(tmp_path, monkeypatch):
    monkeypatch.setenv("CRMCLEAN_STREAM_MIN_BYTES", "1")
    report = tmp_path / "r.json"
    main(["validate", EXAMPLE, "-q", "--report", str(report)])
    assert pl.read_json(report).height == 1  # the versioned JSON report, not the stream summary
