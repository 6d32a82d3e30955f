"""The Dask engine (crmclean.engine, crmclean.stream.workers) gives the local engine's results, byte for
byte: a real LocalCluster of two worker processes, small files cut into several batches.

The cluster is started once for the module (about 2 s); the runs reach it through ``scheduler=``, as
``--scheduler tcp://HOST:8786`` does.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from benchmarks.generate import export_bytes, generate
from crmclean import api

distributed = pytest.importorskip("distributed")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "customers.csv"


@pytest.fixture(scope="module")
def scheduler():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    monkeypatch.setenv("CRMCLEAN_STREAM_MIN_BYTES", "6000")  # about 40 records a batch


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    """400 generated records; 10 copy the customer_id of a record in another batch (unique errors)."""
    frame, _, _ = generate(400, 7)
    ids = frame.get_column("customer_id").to_list()
    for k in range(10):
        ids[399 - 7 * k] = ids[11 * k]
    path = tmp_path_factory.mktemp("dask") / "export.csv"
    path.write_bytes(export_bytes(frame.with_columns(pl.Series("customer_id", ids)), "csv"))
    return path


def _clean(path: Path, out: Path, **engine) -> api.FileRun:
    out.mkdir()
    return api.clean_file(
        path,
        output=str(out / "cleaned.csv"),
        rejects=str(out / "rejects.csv"),
        changes=str(out / "changes.csv"),
        findings=str(out / "findings.csv"),
        **engine,
    )


def _same_files(a: Path, b: Path) -> None:
    for name in ("cleaned.csv", "rejects.csv", "changes.csv", "findings.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_validate_on_dask_gives_the_local_findings_and_report(tmp_path, export, scheduler):
    local = api.validate_file(export, findings=str(tmp_path / "local.csv"))
    dask = api.validate_file(export, findings=str(tmp_path / "dask.csv"), engine="dask", scheduler=scheduler)
    assert dask.result.chunks > 5
    assert (tmp_path / "local.csv").read_bytes() == (tmp_path / "dask.csv").read_bytes()
    assert dask.report.render("json") == local.report.render("json")
    assert dask.exit_code == local.exit_code


def test_clean_on_dask_writes_the_local_bytes_with_unique_errors_across_batches(tmp_path, export, scheduler):
    local = _clean(export, tmp_path / "local")
    dask = _clean(export, tmp_path / "dask", engine="dask", scheduler=scheduler)
    _same_files(tmp_path / "local", tmp_path / "dask")
    assert dask.report.render("json") == local.report.render("json")
    findings = pl.read_csv(tmp_path / "dask" / "findings.csv", infer_schema=False)
    rows = findings.filter(pl.col("rule") == "unique_id").get_column("_row").cast(pl.Int64)
    assert rows.len() == 20  # 10 ids, each on a row of an early batch and one of the last
    assert rows.min() <= 70 and rows.max() > 330
    assert dask.result.rows_rejected == local.result.rows_rejected > 0  # type: ignore[attr-defined]


def test_the_example_file_through_the_cli_is_the_same_on_both_engines(tmp_path, scheduler):
    from crmclean.cli.app import main

    for engine in ("local", "dask"):
        out = tmp_path / engine
        out.mkdir()
        extra = ["--engine", "dask", "--scheduler", scheduler] if engine == "dask" else []
        code = main(
            [
                "clean",
                str(EXAMPLE),
                "-o",
                str(out / "cleaned.csv"),
                "--findings",
                str(out / "f.csv"),
                "-q",
                *extra,
            ]
        )
        assert code == 0
    for name in ("cleaned.csv", "cleaned.rejects.csv", "f.csv"):
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes()


def test_dedupe_on_dask_gives_the_same_clusters(export, scheduler):
    local = api.dedupe(export)
    dask = api.dedupe(export, engine="dask", scheduler=scheduler)
    assert_frame_equal(dask.clusters, local.clusters)
    assert_frame_equal(dask.pairs, local.pairs)


def test_without_distributed_the_dask_engine_says_how_to_install_it():
    code = (
        "import sys; sys.modules['distributed'] = None\n"
        "from crmclean.cli.app import main\n"
        f"sys.exit(main(['validate', {str(EXAMPLE)!r}, '--engine', 'dask', '-q']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "pip install 'crmclean[dask]'" in done.stderr


def test_outputs_only_the_local_engine_writes_are_refused_with_dask(tmp_path, capsys):
    from crmclean.cli.app import main

    code = main(["validate", str(EXAMPLE), "--findings", str(tmp_path / "f.xlsx"), "--engine", "dask", "-q"])
    assert code == 2
    assert "--engine dask does not apply" in capsys.readouterr().err
    assert main(["validate", str(EXAMPLE), "--scheduler", "tcp://127.0.0.1:1", "-q"]) == 2


def test_an_unreachable_scheduler_is_a_usage_error_not_a_crash(tmp_path, capsys):
    import dask

    from crmclean.cli.app import main

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        code = main(["validate", str(EXAMPLE), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1", "-q"])
    assert code == 2
    err = capsys.readouterr().err
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:1" in err
    assert "Traceback" not in err
