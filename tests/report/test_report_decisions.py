"""What a person's decisions (``--decisions``) did, in the Markdown, terminal and HTML reports of a
real run on tests/fixtures/good/dupes.csv (C001 = C002 by the scores; C016 = C017; no C999)."""

from __future__ import annotations

import polars as pl
import pytest
from paths import FIXTURES

from crmclean import api
from crmclean.report.console import render_human
from crmclean.report.html import render_html
from crmclean.report.markdown import render_markdown
from crmclean.report.text import decisions_text

DUPES = str(FIXTURES / "good" / "dupes.csv")
WHEN = "2026-12-01T10:00:00+00:00"
SAID = (
    "1 same, 1 different applied; 1 about records not in this file (e.g. C999); match threshold 0.9 "
    "kept: not enough labelled pairs to fit it (1 same, 1 different; 20 needed, 5 of each kind)"
)


@pytest.fixture(scope="module")
def reports():
    told = pl.DataFrame(
        [("C001", "C002", "different", WHEN), ("C016", "C017", "same", WHEN), ("C999", "C001", "same", WHEN)],
        schema=["left", "right", "decision", "decided_at"],
        orient="row",
    )
    return api.run(DUPES, decisions=told).report, api.run(DUPES).report


def flat(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


def test_markdown_says_what_the_decisions_did(reports):
    decided, plain = reports
    lines = render_markdown(decided).splitlines()
    row = next(line for line in lines if line.startswith("| decisions |"))
    assert row == f"| decisions | {SAID} |"
    assert lines.index(row) == next(i for i, line in enumerate(lines) if "duplicates found" in line) + 1
    assert "| decisions |" not in render_markdown(plain)


def test_the_terminal_report_says_what_the_decisions_did(reports):
    decided, plain = reports
    assert f"decisions {SAID}" in flat(render_human(decided, width=100))
    assert "different applied" not in flat(render_human(plain, width=100))


def test_the_html_report_says_what_the_decisions_did(reports):
    decided, plain = reports
    assert f'<p id="decisions">Decisions: {SAID}.</p>' in render_html(decided)
    assert 'id="decisions"' not in render_html(plain)


def test_the_line_names_a_fitted_threshold_and_unapplied_same():
    info = {
        "same": 12,
        "different": 9,
        "not_in_file": 0,
        "not_in_file_examples": [],
        "conflicts": 2,
        "threshold": "match threshold fitted to 21 labelled pairs (12 same, 9 different): 0.9 -> 0.97",
    }
    assert decisions_text(info) == (
        "12 same, 9 different applied; 2 same not applied (a different contradicts them); "
        "match threshold fitted to 21 labelled pairs (12 same, 9 different): 0.9 -> 0.97"
    )
