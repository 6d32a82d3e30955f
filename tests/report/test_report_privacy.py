"""No format leaks an email, phone or name from the input unless --show-values asks for it.

A rules file that makes every personal value a finding (so every one is a candidate example), and
every format, from the CLI and from the library with duplicate clusters."""

from __future__ import annotations

import re

import pytest

from crmclean.cli import main
from crmclean.io.read import read_table
from crmclean.pipeline import check_table
from crmclean.report.formats import FORMATS, render
from crmclean.report.model import build_report
from crmclean.rules.load import load_rules

EVERYTHING_IS_A_FINDING = """\
extends: default
validate:
  - {check: regex, role: email, pattern: 'x^', severity: warning, name: all_emails}
  - {check: regex, role: phone, pattern: 'x^', severity: warning, name: all_phones}
  - {check: length, role: first_name, max: 1, name: all_first_names}
  - {check: length, role: last_name, max: 1, name: all_last_names}
  - {check: length, role: full_name, max: 1, name: all_full_names}
  - {check: unique, columns: [email, phone], severity: warning, name: same_contact}
  - {check: unique, columns: [last_name], severity: warning, name: same_last_name}
"""


def personal_values(example, validated) -> set[str]:
    """Every email, phone and name in the input as read, and as normalized."""
    values: set[str] = set()
    for frame in (read_table(example).frame, validated.prepared.frame):
        for column in ("email", "phone", "first_name", "last_name", "full_name"):
            for value in frame.get_column(column).drop_nulls().to_list():
                value = value.strip()
                if column in ("email", "phone") or len(value) >= 4:  # `Ли` would match everywhere
                    values.add(value)
    assert len([v for v in values if "@" in v]) >= 20 and len(values) > 60
    return values


@pytest.fixture(scope="module")
def stress(tmp_path_factory):
    path = tmp_path_factory.mktemp("rules") / "stress.yaml"
    path.write_text(EVERYTHING_IS_A_FINDING, encoding="utf-8")
    return path


def leaks(text: str, values: set[str]) -> list[str]:
    folded = text.casefold()
    found = []
    for v in values:
        if "@" in v or v.startswith("+") or any(c.isdigit() for c in v):
            if v.casefold() in folded:
                found.append(v)
        elif re.search(rf"(?<!\w){re.escape(v.casefold())}(?!\w)", folded):  # names as whole words
            found.append(v)
    return found


def test_no_format_leaks_personal_values(example, stress, tmp_path, capsys, monkeypatch, duplicates):
    monkeypatch.setenv("COLUMNS", "1000")  # no folding: a leak must not hide across lines
    monkeypatch.setenv("NO_COLOR", "1")
    loaded = load_rules(stress)
    validated = check_table(read_table(example), loaded)
    values = personal_values(example, validated)
    report = build_report(validated, rules=loaded.rules, duplicates=duplicates)
    assert report.counts["warnings"] > 60  # the stress rules made every value a finding
    outputs = {fmt: render(report, fmt, width=1000) for fmt in FORMATS}
    for fmt in FORMATS:
        target = tmp_path / f"report-{fmt}"
        main(["validate", str(example), "--rules", str(stress), "--format", fmt, "--report", str(target)])
        outputs[f"cli-{fmt}"] = target.read_text(encoding="utf-8")
        outputs[f"cli-{fmt}-terminal"] = capsys.readouterr().out
        main(["validate", str(example), "--rules", str(stress), "--format", fmt])
        outputs[f"cli-{fmt}-stdout"] = capsys.readouterr().out
    main(
        [
            "clean",
            str(example),
            "-o",
            str(tmp_path / "c.csv"),
            "--rules",
            str(stress),
            "--rejects",
            str(tmp_path / "r.csv"),
        ]
    )
    outputs["clean-stderr"] = capsys.readouterr().err
    baseline = tmp_path / "b.json"
    main(["validate", str(example), "--rules", str(stress), "--save-baseline", str(baseline), "-q"])
    outputs["baseline"] = baseline.read_text(encoding="utf-8")
    assert all(outputs.values())
    for name, text in outputs.items():
        assert leaks(text, values) == [], f"{name} shows personal values"


def test_show_values_shows_them_and_the_check_sees_it(example, stress):
    loaded = load_rules(stress)
    validated = check_table(read_table(example), loaded)
    values = personal_values(example, validated)
    for fmt in FORMATS:
        shown = render(build_report(validated, rules=loaded.rules, show_values=True), fmt, width=1000)
        assert len(leaks(shown, values)) >= 3, fmt  # the leak detector above would have caught them
