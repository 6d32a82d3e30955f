"""Every input row ends up in exactly one output (cleaned or rejected) with its source row number,
whatever options are given: a property test over option sets of `clean` and `run`."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paths import ROOT

from crmclean.cli import main
from crmclean.io.read import ROW, read_table

EXAMPLE = ROOT / "examples" / "customers.csv"
ROWS = list(range(1, 25))

CLEAN_OPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "rejects": st.sampled_from(["rej.csv", "rej.parquet", "rej.json"]),
        "changes": st.just("changes.csv"),
        "findings": st.just("findings.csv"),
        "rules": st.sampled_from(["default", "b2b"]),
        "format": st.sampled_from(["json", "html", "junit"]),
        "out": st.sampled_from(["out.csv", "out.parquet", "out.xlsx", "out.ndjson"]),
        "gate": st.sampled_from(["*=0", "email=50%", "fill:phone=99%"]),
        "no_fail": st.booleans(),
        "quiet": st.booleans(),
        "escape": st.booleans(),
    },
)


def _rows(path: Path) -> list[int]:
    return read_table(str(path)).frame.get_column(ROW).cast(pl.Int64).to_list()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(options=CLEAN_OPTIONS)
def test_clean_keeps_every_row_whatever_the_options(tmp_path_factory, options):
    folder = tmp_path_factory.mktemp("clean")
    out = folder / options.get("out", "out.csv")
    args = ["clean", str(EXAMPLE), "-o", str(out)]
    if "rejects" in options:
        args += ["--rejects", str(folder / options["rejects"])]
    for flag in ("changes", "findings"):
        if flag in options:
            args += [f"--{flag}", str(folder / options[flag])]
    if "rules" in options:
        args += ["--rules", options["rules"]]
    if "format" in options:
        args += ["--format", options["format"], "--report", str(folder / "report.out")]
    if "gate" in options:
        args += ["--gate-fail", options["gate"]]
    args += ["--no-fail"] * options.get("no_fail", False) + ["-q"] * options.get("quiet", False)
    args += [] if options.get("escape", True) else ["--no-escape-formulas"]
    assert main(args) in (0, 1)
    rejects = (
        folder / options["rejects"]
        if "rejects" in options
        else out.with_name(f"{out.stem}.rejects{out.suffix}")
    )
    assert sorted(_rows(out) + _rows(rejects)) == ROWS


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rules=st.sampled_from(["default", "b2b"]),
    out_format=st.sampled_from(["csv", "parquet", "xlsx"]),
    gate=st.sampled_from([None, "*=0", "duplicates=1%"]),
)
def test_run_keeps_every_row_whatever_the_options(tmp_path_factory, rules, out_format, gate):
    folder = tmp_path_factory.mktemp("run")
    args = ["run", str(EXAMPLE), "--out-dir", str(folder), "--rules", rules, "--out-format", out_format, "-q"]
    args += ["--gate-fail", gate] if gate else []
    assert main(args) in (0, 1)
    cleaned = _rows(folder / f"cleaned.{out_format}")
    assert sorted(cleaned + _rows(folder / f"rejects.{out_format}")) == ROWS
    assert sorted(_rows(folder / f"clusters.{out_format}")) == sorted(
        cleaned
    )  # every cleaned row is clustered
