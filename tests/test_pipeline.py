"""The rules pipeline on the bundled example and through the CLI: zero-config, conservation,
rejects with reasons, change log, init."""

from __future__ import annotations

import json

import polars as pl
import pytest
from paths import EXAMPLE

from crmclean.cli import main
from crmclean.errors import RulesError
from crmclean.io.read import ROW, read_table
from crmclean.pipeline import ConservationError, check_conservation, clean
from crmclean.rules.load import load_rules


@pytest.fixture(scope="module")
def cleaned():
    return clean(read_table(EXAMPLE), load_rules(None))


def test_zero_config_normalizes_multilingual_rows(cleaned):
    rows = {r[ROW]: r for r in cleaned.cleaned.iter_rows(named=True)}
    assert rows[2]["first_name"] == "Ivan" and rows[2]["last_name"] == "Petrov"  # IVAN PETROV
    assert rows[2]["email"] == "ivan.petrov@mail.ru"
    assert rows[2]["phone"] == rows[1]["phone"] == rows[3]["phone"] == "+79123456789"
    assert rows[15]["phone"] == "+5511987654321" and rows[15]["postal_code"] == "01310-100"
    assert rows[7]["postal_code"] == "01001"  # leading zero kept
    assert rows[10]["first_name"] == "An" and rows[10]["last_name"] == "Nguyễn"  # family name first
    assert rows[18]["birth_date"] == "1975-07-04"  # US row: month first
    assert rows[14]["birth_date"] == "1980-04-10"  # Brazilian row: day first
    assert rows[5]["company"] == "ООО «Ромашка»"
    assert rows[21]["country"] == "GB" and rows[11]["country"] == "VN"


def test_rows_are_conserved_and_rejects_keep_original_values(cleaned):
    source = read_table(EXAMPLE).frame
    assert cleaned.cleaned.height + cleaned.rejected.height == source.height
    assert sorted(cleaned.rejected.get_column(ROW).to_list()) == [9, 13, 17, 22, 23, 24]
    rejected = {r[ROW]: r for r in cleaned.rejected.iter_rows(named=True)}
    assert rejected[17]["birth_date"] == "31/02/1985"
    assert (
        "birth_date: not a date" in rejected[17]["_reasons"]
        and "email: invalid email" in rejected[17]["_reasons"]
    )
    assert rejected[24]["phone"] == "+380 50 000"


def test_change_log_names_the_rule(cleaned):
    log = cleaned.validated.prepared.changes
    change = log.filter((pl.col(ROW) == 2) & (pl.col("column") == "phone")).row(0, named=True)
    assert change == {
        ROW: 2,
        "column": "phone",
        "before": "89123456789",
        "after": "+79123456789",
        "rule": "normalize:phone",
    }


def test_conservation_check_catches_a_lost_row():
    source = pl.DataFrame({ROW: [1, 2, 3]})
    with pytest.raises(ConservationError):
        check_conservation(source, source.head(1), source.slice(2))
    with pytest.raises(ConservationError):
        check_conservation(source, source, source.head(1))


def test_unknown_column_in_rules_is_an_error(tmp_path):
    rules = tmp_path / "r.yaml"
    rules.write_text("validate:\n  - {check: required, column: emial}\n")
    with pytest.raises(RulesError, match="did you mean 'email'"):
        clean(read_table(EXAMPLE), load_rules(rules))


def test_cli_validate_exit_codes_and_findings_file(tmp_path, capsys):
    findings = tmp_path / "findings.csv"
    assert main(["validate", str(EXAMPLE), "--findings", str(findings)]) == 1
    table = pl.read_csv(findings, infer_schema=False)
    assert table.columns == [ROW, "column", "rule", "severity", "value", "message"]
    assert "taras@" in table.get_column("value").to_list()
    out = capsys.readouterr().out
    assert "taras@" not in out and "ta***@" in out  # the terminal summary masks values
    clean_file = tmp_path / "ok.csv"
    clean_file.write_text("email,phone\nivan@mail.ru,+7 912 345-67-89\n", encoding="utf-8")
    assert main(["validate", str(clean_file)]) == 0


def test_cli_validate_json(capsys):
    assert main(["validate", str(EXAMPLE), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["rows"] == 24 and data["errors"] == 8 and data["rows_with_errors"] == 6
    assert {"column", "rule", "severity", "count", "message", "examples"} <= set(data["checks"][0])


def test_cli_clean_writes_every_output(tmp_path):
    out, rej, ch = tmp_path / "clean.csv", tmp_path / "rejects.csv", tmp_path / "changes.csv"
    before = EXAMPLE.read_bytes()
    code = main(["clean", str(EXAMPLE), "-o", str(out), "--rejects", str(rej), "--changes", str(ch)])
    assert code == 0
    assert EXAMPLE.read_bytes() == before
    good, bad = read_table(out).frame, read_table(rej).frame
    assert sorted(good.get_column(ROW).to_list() + bad.get_column(ROW).to_list()) == list(range(1, 25))
    assert "_reasons" in bad.columns
    assert pl.read_csv(ch).columns == [ROW, "column", "before", "after", "rule"]


def test_cli_clean_without_rejects_writes_them_beside_the_output(tmp_path, capsys):
    assert main(["clean", str(EXAMPLE), "-o", str(tmp_path / "c.csv")]) == 0
    rejected = read_table(str(tmp_path / "c.rejects.csv")).frame
    cleaned = read_table(str(tmp_path / "c.csv")).frame
    assert cleaned.height + rejected.height == 24 and rejected.height == 6
    assert "c.rejects.csv" in capsys.readouterr().err  # the summary names where they went


def test_cli_clean_to_stdout_needs_a_rejects_file(tmp_path, capsys):
    assert main(["clean", str(EXAMPLE), "-o", "-"]) == 2
    assert "--rejects" in capsys.readouterr().err


def test_cli_clean_refuses_to_overwrite_input(tmp_path):
    copy = tmp_path / "in.csv"
    copy.write_bytes(EXAMPLE.read_bytes())
    assert main(["clean", str(copy), "-o", str(copy), "-q"]) == 2
    assert copy.read_bytes() == EXAMPLE.read_bytes()


def test_init_writes_a_loadable_rules_file(tmp_path, capsys):
    assert main(["init", str(EXAMPLE)]) == 0
    text = capsys.readouterr().out
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_rules(path)
    assert loaded.rules.columns["email"] == "email"
    # the example mixes RU, UA, VN, BR and US rows: no region is inferred, and init says why
    assert loaded.rules.settings.default_region is None
    assert "# default_region: RU   # not inferred: evidence is mixed (RU 29%" in text
    assert any(c.check == "allowed" for c in loaded.rules.validate_)
    assert main(["validate", str(EXAMPLE), "--rules", str(path)]) == 1
