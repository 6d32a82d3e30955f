"""Chunked validate and clean (crmclean.stream): the eager pipeline's results, chunk by chunk.

Identity is checked on generated data (benchmarks.generate, UTF-8 and cp1251) and on the fixture files,
byte for byte on the written outputs; then the edges: cuts inside quoted multi-line fields, blank lines
at chunk boundaries, errors in later chunks, unique findings across chunks, atomic outputs.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from benchmarks.generate import export_bytes, generate
from crmclean import changes as change_log
from crmclean import pipeline, stream
from crmclean.errors import CrmcleanError, InputError, OutputError, UsageError
from crmclean.io.read import ROW, ReadOptions, read_table
from crmclean.io.write import write_table
from crmclean.normalize.phone import parse_phones
from crmclean.report.model import build_report, report_from_tally
from crmclean.rules.load import load_rules
from crmclean.stream import source
from crmclean.stream.chunked import BoundedPhoneBook
from crmclean.tally import Tally

OUTPUTS = ("cleaned", "rejects", "changes", "findings")


def counts(findings: pl.DataFrame) -> dict[str, int]:
    empty = pl.DataFrame({ROW: []}, schema={ROW: pl.Int64})
    return Tally.of(empty, empty, findings, change_log.empty(), []).counts


def _export(tmp: Path, rows: int, seed: int, fmt: str = "csv", dupes: int = 0) -> Path:
    """A generated export; ``dupes`` rows copy the customer_id of a row far earlier (other chunks)."""
    export, _, _ = generate(rows, seed)
    if dupes:
        ids = export.get_column("customer_id").to_list()
        for k in range(dupes):
            ids[rows - 1 - 7 * k] = ids[11 * k]
        export = export.with_columns(pl.Series("customer_id", ids))
    path = tmp / f"export-{fmt}.csv"
    path.write_bytes(export_bytes(export, fmt))
    return path


def _eager(path: Path, out: Path, loaded, options: ReadOptions | None = None) -> pipeline.Cleaned:
    result = pipeline.clean(read_table(path, options), loaded)
    out.mkdir()
    write_table(result.cleaned, out / "cleaned.csv")
    write_table(result.rejected, out / "rejects.csv")
    write_table(result.validated.prepared.changes, out / "changes.csv")
    write_table(result.validated.findings, out / "findings.csv")
    return result


def _chunked(path: Path, out: Path, loaded, chunk_rows: int, options: ReadOptions | None = None):
    out.mkdir()
    files = {name: str(out / f"{name}.csv") for name in OUTPUTS}
    return stream.clean_file(
        path,
        loaded,
        options,
        output=files["cleaned"],
        rejects=files["rejects"],
        changes=files["changes"],
        findings=files["findings"],
        chunk_rows=chunk_rows,
        keep_findings=True,
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """20,000 generated rows (12 customer ids reused in far chunks), eager vs chunks of 3,000 rows."""
    tmp = tmp_path_factory.mktemp("generated")
    path = _export(tmp, 20_000, 7, dupes=12)
    loaded = load_rules(None)
    eager = _eager(path, tmp / "eager", loaded)
    chunked = _chunked(path, tmp / "chunked", loaded, 3_000)
    return tmp, eager, chunked


@pytest.mark.parametrize("name", OUTPUTS)
def test_generated_outputs_are_byte_identical(generated, name):
    tmp, _, _ = generated
    assert (tmp / "chunked" / f"{name}.csv").read_bytes() == (tmp / "eager" / f"{name}.csv").read_bytes()


def test_generated_counts_findings_and_summary_match(generated):
    _, eager, chunked = generated
    findings = eager.validated.findings
    assert chunked.chunks == 7 and chunked.rows == 20_000
    assert_frame_equal(chunked.findings, findings)
    assert chunked.counts == counts(findings)
    roles = eager.validated.prepared.ctx.roles
    loaded = load_rules(None)
    for show in (False, True):
        whole = build_report(eager, rules=loaded.rules, show_values=show)
        batched = report_from_tally(
            chunked.tally,
            chunked.table,
            chunked.ctx,
            rules=loaded.rules,
            show_values=show,
            rows_cleaned=chunked.rows_cleaned,
            rows_rejected=chunked.rows_rejected,
        )
        for fmt in ("json", "markdown", "junit"):
            assert batched.render(fmt) == whole.render(fmt)
    assert chunked.rows_cleaned == eager.cleaned.height and chunked.rows_rejected == eager.rejected.height
    assert chunked.changes == eager.validated.prepared.changes.height
    assert chunked.ctx.roles == roles


def test_unique_findings_span_chunks(generated):
    _, _, chunked = generated
    unique = chunked.findings.filter(pl.col("rule") == "unique_id")
    assert unique.height == 24  # 12 ids, each in a row of the first chunk and one of the last
    first = unique.row(0, named=True)
    assert first[ROW] == 1 and first["message"] == "same value in 2 rows: 1, 20000"


def test_cp1251_export_validates_identically_in_chunks(tmp_path):
    path = _export(tmp_path, 2_500, 3, fmt="cp1251")
    loaded = load_rules(None)
    eager = pipeline.check_table(read_table(path), loaded)
    chunked = stream.validate_file(path, loaded, chunk_rows=600, keep_findings=True)
    assert chunked.table.encoding == "cp1251" and chunked.table.delimiter == ";"
    assert_frame_equal(chunked.findings, eager.findings)


@pytest.mark.parametrize(
    "name", ["ru_cp1251_semicolon.csv", "br_utf8_bom_crlf.csv", "us_pipe.csv", "vn_utf16.txt"]
)
def test_fixture_files_clean_identically_one_row_per_chunk(good, tmp_path, name):
    loaded = load_rules(None)
    eager = _eager(good / name, tmp_path / "eager", loaded)
    chunked = _chunked(good / name, tmp_path / "chunked", loaded, 1)
    for out in OUTPUTS:
        assert (tmp_path / "chunked" / f"{out}.csv").read_bytes() == (
            tmp_path / "eager" / f"{out}.csv"
        ).read_bytes()
    assert chunked.table.encoding == read_table(good / name).encoding
    assert chunked.rows == eager.cleaned.height + eager.rejected.height


def _frames(
    path: Path, chunk_rows: int, options: ReadOptions | None = None
) -> tuple[source.Plan, pl.DataFrame]:
    plan = source.plan(path, options, chunk_rows)
    return plan, pl.concat([frame for _, frame in source.chunks(plan)])


def test_cut_inside_quoted_multiline_field_moves_to_the_record_end(tmp_path):
    # chunk_rows counts lines, and a cut moves on to the end of the record it would split: record 3
    # spans lines 4-6, so the first chunk (lines 2-4) ends after line 6; then lines 7-9, then line 10
    text = 'id,note\n1,a\n2,b\n3,"one\ntwo, ""three""\nfour"\n4,d\n5,"x\ny"\n6,f\n'
    path = tmp_path / "multi.csv"
    path.write_text(text, encoding="utf-8")
    plan, frame = _frames(path, 3)
    chunks = [(c.first_line, c.first_record, c.records) for c in plan.chunks]
    assert chunks == [(2, 0, 3), (7, 3, 2), (10, 5, 1)]
    assert_frame_equal(frame, read_table(path).frame)
    assert frame.filter(pl.col(ROW) == 3).item(0, "note") == 'one\ntwo, "three"\nfour'


def test_blank_lines_keep_their_numbers_across_chunk_boundaries(tmp_path):
    text = "id,name\n1,a\n\n2,b\n\n\n3,c\n4,d\n\n5,e\n\n"
    path = tmp_path / "blank.csv"
    path.write_text(text, encoding="utf-8")
    eager = read_table(path)
    for size in (1, 2, 3, 4):
        plan, frame = _frames(path, size)
        assert_frame_equal(frame, eager.frame)
        assert plan.skipped_blank == eager.skipped_blank == 5
    assert frame.get_column(ROW).to_list() == [1, 3, 6, 7, 9]


def _same_error(path: Path, chunk_rows: int, options: ReadOptions | None = None) -> InputError:
    with pytest.raises(InputError) as eager:
        read_table(path, options)
    with pytest.raises(InputError) as chunked:
        source.plan(path, options, chunk_rows)
    assert str(chunked.value) == str(eager.value)
    assert chunked.value.line == eager.value.line
    return chunked.value


def _rows(n: int, start: int = 1) -> list[str]:
    return [f"{i},name {i},{i}@mail.ru" for i in range(start, start + n)]


def test_ragged_rows_in_later_chunks_located_and_counted_over_the_file(tmp_path):
    lines = ["id,name,email", *_rows(3000)]
    lines[1700] = "1700,name only"
    lines[2500] = "2500,x,y,z"
    path = tmp_path / "ragged.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = _same_error(path, 100)
    assert err.line == 1701 and "(and 1 more rows like it)" in err.message


def test_unclosed_quote_wins_over_an_earlier_ragged_row(tmp_path):
    lines = ["id,name,email", *_rows(500)]
    lines[10] = "10,only"
    lines[400] = '400,"never closed,x'
    path = tmp_path / "quote.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _same_error(path, 50).line == 401


def test_unclosed_quote_early_in_a_large_file_is_followed_to_the_end(tmp_path, monkeypatch):
    monkeypatch.setattr(source, "BLOCK_BYTES", 4096)
    monkeypatch.setattr(source, "MAX_RECORD_BYTES", 2048)  # the open record soon exceeds it
    lines = ["id,name,email", *_rows(2000)]
    lines[30] = '30,"never closed,x'
    path = tmp_path / "open.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _same_error(path, 100).line == 31


def test_nul_and_encoding_errors_in_later_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(source, "BLOCK_BYTES", 1024)
    lines = ["id,name,email", *_rows(1000)]
    body = ("\n".join(lines) + "\n").encode()
    nul = tmp_path / "nul.csv"
    nul.write_bytes(body.replace(b"name 800,", b"name\x00800,"))
    assert _same_error(nul, 100).line == 801
    mixed = tmp_path / "mixed.csv"  # UTF-8 first, a cp1251 byte later
    mixed.write_bytes(
        body.replace(b"name 5,", "имя 5,".encode()).replace(b"name 900,", "имя".encode("cp1251"))
    )
    assert "mixes encodings" in _same_error(mixed, 100).message
    forced = tmp_path / "forced.csv"
    forced.write_bytes(body.replace(b"name 700,", b"\xff,"))
    err = _same_error(forced, 100, ReadOptions(encoding="utf-8"))
    assert err.line == 701 and "at offset" in err.message


def test_late_legacy_bytes_choose_the_code_page_on_the_first_mib(tmp_path, monkeypatch):
    monkeypatch.setattr(source, "BLOCK_BYTES", 1024)
    lines = ["id,name,email", *_rows(600)]
    for i in range(500, 600, 3):
        lines[i] = f"{i},Иванов Пётр Сергеевич,ivanov{i}@mail.ru"
    path = tmp_path / "late1251.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("cp1251"))
    plan, frame = _frames(path, 64)
    eager = read_table(path)
    assert plan.encoding == eager.encoding
    assert_frame_equal(frame, eager.frame)


def _outcome(fn):
    try:
        return fn()
    except CrmcleanError as err:
        return (type(err).__name__, str(err), err.line)


def test_broken_corpus_gives_read_tables_errors(broken):
    for path in sorted(broken.glob("*.csv")):
        eager = _outcome(lambda p=path: read_table(p).frame.height)
        for size in (1, 2):
            assert _outcome(lambda p=path, n=size: source.plan(p, None, n).rows) == eager, path


def test_oversized_cell_located_by_column_order_over_the_whole_file(tmp_path):
    lines = ["id,name,email", *_rows(300)]
    lines[250] = "250,n," + "e" * (2 << 20)
    lines[120] = "120," + "n" * ((1 << 20) + 10) + ",x"
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = _same_error(path, 50)
    assert err.column == "name" and err.line == 121


def test_row_column_from_an_earlier_step_out_of_order(tmp_path):
    """A _row column written by an earlier crmclean step, not ascending: outputs sorted as eager."""
    loaded = load_rules(None)
    text = "_row,customer_id,email,phone\n9,1,a@mail.ru,+79123456789\n4,2,bad-email,\n7,1,c@mail.ru,\n2,3,,\n"
    path = tmp_path / "chained.csv"
    path.write_text(text, encoding="utf-8")
    eager = _eager(path, tmp_path / "eager", loaded)
    chunked = _chunked(path, tmp_path / "chunked", loaded, 1)
    for out in OUTPUTS:
        assert (tmp_path / "chunked" / f"{out}.csv").read_bytes() == (
            tmp_path / "eager" / f"{out}.csv"
        ).read_bytes()
    assert chunked.counts == counts(eager.validated.findings)
    dup = (tmp_path / "chunked").with_name("dup.csv")
    dup.write_text("_row,customer_id\n1,a\n2,b\n1,c\n", encoding="utf-8")
    _same_error(dup, 1)


def test_parquet_and_ndjson_outputs_hold_the_same_rows(tmp_path, good):
    loaded = load_rules(None)
    path = good / "ru_cp1251_semicolon.csv"
    eager = pipeline.clean(read_table(path), loaded)
    stream.clean_file(
        path, loaded, output=str(tmp_path / "c.parquet"), rejects=str(tmp_path / "r.ndjson"), chunk_rows=1
    )
    assert_frame_equal(pl.read_parquet(tmp_path / "c.parquet"), eager.cleaned)
    write_table(eager.rejected, tmp_path / "e.ndjson")
    assert (tmp_path / "r.ndjson").read_bytes() == (tmp_path / "e.ndjson").read_bytes()


def test_a_failure_mid_run_writes_nothing(tmp_path, monkeypatch, good):
    from crmclean.stream import stages as run

    calls = {"n": 0}
    real = run.run_check

    def failing(frame, check, ctx):
        calls["n"] += 1
        if calls["n"] > 15:
            raise RuntimeError("boom")
        return real(frame, check, ctx)

    monkeypatch.setattr(run, "run_check", failing)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(RuntimeError):
        stream.clean_file(
            good / "ru_cp1251_semicolon.csv",
            load_rules(None),
            output=str(out / "clean.csv"),
            rejects=str(out / "rejects.csv"),
            changes=str(out / "changes.csv"),
            chunk_rows=1,
        )
    assert os.listdir(out) == []


def test_outputs_refused_before_any_work(tmp_path, good):
    loaded = load_rules(None)
    path = good / "us_pipe.csv"
    with pytest.raises(UsageError, match="chunked writing"):
        stream.clean_file(path, loaded, output=str(tmp_path / "c.xlsx"))
    with pytest.raises(OutputError, match="overwrite the input"):
        stream.clean_file(path, loaded, output=str(path))
    with pytest.raises(OutputError, match="folder does not exist"):
        stream.clean_file(path, loaded, output=str(tmp_path / "missing" / "c.csv"))
    with pytest.raises(UsageError, match="chunked reading is for CSV"):
        source.plan(good / "customers.xlsx")


def test_any_source_is_batches_and_only_outputs_decide_appending(tmp_path, good):
    assert isinstance(source.batches(good / "us_pipe.csv", chunk_rows=2), source.Plan)
    assert isinstance(source.batches(good / "customers.xlsx"), source.Whole)
    cr_only = tmp_path / "mac.csv"
    cr_only.write_bytes(b"id,email\r1,a@b.io\r2,x\r")
    assert isinstance(source.batches(cr_only), source.Whole)
    loaded = load_rules(None)
    for path in (good / "customers.xlsx", cr_only):
        whole = pipeline.check_table(read_table(path), loaded)
        batched = stream.validate_file(path, loaded, keep_findings=True)
        assert batched.chunks == 1
        assert_frame_equal(batched.findings, whole.findings)
        assert batched.table.notes == whole.prepared.table.notes
    assert not stream.appendable(("out.xlsx",))
    assert stream.appendable(("out.csv", None, "r.parquet", "f.ndjson"))


def test_bounded_phone_book_forgets_but_answers_the_same():
    book = BoundedPhoneBook(limit=5)
    values = pl.Series("p", [f"+7 912 345-67-{i:02d}" for i in range(20)] + [None])
    first = book.parse(values, "RU")
    assert book._table is not None  # kept until the batch is over
    book.trim()
    assert book._table is None  # over the limit: emptied between batches
    assert_frame_equal(first, parse_phones(values, "RU"))
    assert_frame_equal(book.parse(values, "RU"), first)


def test_role_sample_is_what_detect_roles_sees_on_the_whole_file(generated):
    from crmclean.schema import SAMPLE

    tmp, _, _ = generated
    path = tmp / "export-csv.csv"
    plan = source.plan(path, None, 3_000)
    whole = read_table(path).frame
    for column in plan.header:
        expected = whole.get_column(column).drop_nulls().unique(maintain_order=True).head(SAMPLE)
        got = plan.sample.get_column(column).drop_nulls()
        assert got.to_list() == expected.to_list(), column


def test_unique_together_with_case_and_condition_across_chunks(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "version: 1\n"
        "validate:\n"
        "  - {check: unique, columns: [email], name: one_email, severity: warning}\n"
        "  - {check: unique, columns: [name, city], ignore_case: false, name: pair,\n"
        "     when: {column: segment, equals: B2B}}\n",
        encoding="utf-8",
    )
    rows = [
        "1,Ann,Riga,B2B,a@x.io",
        "2, ann ,riga,B2B,A@X.IO",
        "3,Ann,Riga,B2C,b@x.io",
        "4,Bob,Oslo,B2B,",
        "5,Ann,Riga,b2b,c@x.io",
        "6,Bob,Oslo,B2B,a@x.io ",
        "7,Ann,Riga,B2B,",
    ]
    path = tmp_path / "dupes.csv"
    path.write_text("id,name,city,segment,email\n" + "\n".join(rows * 3) + "\n", encoding="utf-8")
    loaded = load_rules(rules)
    eager = _eager(path, tmp_path / "eager", loaded)
    chunked = _chunked(path, tmp_path / "chunked", loaded, 4)
    assert chunked.counts == counts(eager.validated.findings)
    assert eager.validated.findings.filter(pl.col("rule") == "pair").height > 0
    for out in OUTPUTS:
        assert (tmp_path / "chunked" / f"{out}.csv").read_bytes() == (
            tmp_path / "eager" / f"{out}.csv"
        ).read_bytes()
