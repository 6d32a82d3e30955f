"""`crmclean run`: the main job end to end on the bundled example."""

from __future__ import annotations

import json

import polars as pl
from paths import EXAMPLE as EXAMPLE_PATH

from crmclean.cli import main
from crmclean.io.read import read_table

EXAMPLE = str(EXAMPLE_PATH)


def test_run_writes_every_output_and_keeps_every_row(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")
    out = tmp_path / "out"
    assert main(["run", EXAMPLE, "--out-dir", str(out)]) == 0
    files = {p.name for p in out.iterdir()}
    expected = {
        "cleaned",
        "rejects",
        "changes",
        "findings",
        "clusters",
        "golden",
        "lineage",
        "pairs",
        "review",
    }
    assert files == {f"{n}.csv" for n in expected} | {"report.json", "report.html"}
    source = read_table(EXAMPLE).frame
    cleaned = pl.read_csv(out / "cleaned.csv", infer_schema=False)
    rejects = pl.read_csv(out / "rejects.csv", infer_schema=False)
    rows = sorted(int(r) for r in [*cleaned.get_column("_row"), *rejects.get_column("_row")])
    assert rows == source.get_column("_row").to_list()  # every row in exactly one of them
    clusters = pl.read_csv(out / "clusters.csv")
    assert clusters.get_column("_row").sort().to_list() == sorted(int(r) for r in cleaned.get_column("_row"))
    golden = pl.read_csv(out / "golden.csv", infer_schema=False)
    assert golden.height == clusters.get_column("cluster_id").n_unique()
    report = json.loads((out / "report.json").read_text())
    assert report["rows"] == source.height and report["rows_rejected"] == rejects.height
    assert report["duplicates"]["duplicate_records"] == cleaned.height - golden.height
    terminal = capsys.readouterr().out
    assert "duplicate" in terminal
    for email in source.get_column("email").drop_nulls().to_list():
        assert email not in terminal  # masked by default
    html = (out / "report.html").read_text()
    assert "<svg" in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")


def test_run_gate_on_duplicate_share_fails(tmp_path):
    out = tmp_path / "out"
    args = ["run", EXAMPLE, "--out-dir", str(out), "--gate-fail", "duplicates=5%", "-q"]
    assert main(args) == 1
    assert main([*args, "--no-fail"]) == 0


def test_run_refuses_a_file_as_out_dir(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["run", EXAMPLE, "--out-dir", str(target)]) == 2
    assert "is a file" in capsys.readouterr().err
