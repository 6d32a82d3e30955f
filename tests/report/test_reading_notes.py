"""What the reader decided (code page and its evidence, CR-only endings, blank lines before the
header) is in the report, in every format that describes the source."""

from __future__ import annotations

import json

import pytest
from paths import EXAMPLE, FIXTURES

import crmclean

FOREIGN = FIXTURES / "foreign"


@pytest.mark.parametrize(
    ("name", "note"),
    [
        ("ru_cp1251_country.csv", "encoding cp1251 chosen from the country column (RU)"),
        ("mac_cr_only.csv", "carriage returns only"),
        ("blank_lines_before_header.csv", "blank line(s) before the header skipped"),
    ],
)
def test_reader_decisions_are_in_every_format(name, note):
    report = crmclean.validate(FOREIGN / name).report
    assert any(note in n for n in json.loads(report.render("json"))["source"]["notes"])
    for fmt in ("human", "markdown", "html"):
        assert note in report.render(fmt, width=200), fmt


def test_a_plain_utf8_file_has_no_reading_notes():
    report = crmclean.validate(EXAMPLE).report
    assert json.loads(report.render("json"))["source"]["notes"] == []
    assert "how it was read" not in report.render("markdown")
