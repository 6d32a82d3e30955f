"""Every format rendered from a real run and parsed back; hostile text stays inert everywhere."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from rich.console import Console

from crmclean.io.read import read_table
from crmclean.pipeline import check_table
from crmclean.report.console import print_report, render_human
from crmclean.report.formats import FORMATS, format_for_path, render
from crmclean.report.github import escape_data, escape_property
from crmclean.report.model import build_report
from crmclean.rules.load import load_rules


@pytest.fixture
def report(cleaned, loaded, duplicates):
    return build_report(cleaned, rules=loaded.rules, duplicates=duplicates)


def test_every_format_renders(report):
    for fmt in FORMATS:
        assert render(report, fmt).strip()
    assert format_for_path("out/junit.XML") == "junit" and format_for_path("r.htm") == "html"


def test_junit_parses_one_testcase_per_check(report):
    root = ET.fromstring(render(report, "junit"))
    (suite,) = [s for s in root if s.get("name", "").startswith("crmclean checks")]
    cases = suite.findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        (f"crmclean.{c.rule}", c.column) for c in report.checks
    ]
    failures = {c.get("classname"): c.find("failure") for c in cases if c.find("failure") is not None}
    assert set(failures) == {
        "crmclean.email",
        "crmclean.phone",
        "crmclean.tax_id",
        "crmclean.birth_date",
        "crmclean.contactable",
    }
    email = failures["crmclean.email"]
    assert email.get("message") == "2 rows (8.3 %) with findings; any error fails"
    assert "2 findings in 2 rows" in email.text and "ta***@" in email.text
    assert int(suite.get("tests")) == len(cases) and int(suite.get("failures")) == 5
    fresh = next(c for c in cases if c.get("classname") == "crmclean.freshness")
    assert fresh.find("failure") is None and fresh.find("system-out").text.startswith("warning:")
    assert int(root.get("failures")) == 5


def _markdown_table(text: str, heading: str) -> list[dict[str, str]]:
    lines = text.split(heading + "\n", 1)[1].strip().splitlines()
    rows = lines[: next((i for i, r in enumerate(lines) if not r.startswith("|")), len(lines))]

    def cells(line: str) -> list[str]:
        parts = re.split(r"(?<!\\)\|", line.strip())[1:-1]
        return [re.sub(r"\\(.)", r"\1", p.strip()) for p in parts]

    header = cells(rows[0])
    assert set(rows[1].replace("|", "").replace("-", "").replace(":", "")) == set()
    return [dict(zip(header, cells(line), strict=True)) for line in rows[2:]]


def test_markdown_tables_parse_back(report):
    text = render(report, "markdown")
    assert text.startswith("## ❌ crmclean: ")
    columns = _markdown_table(text, "### Columns")
    assert [r["column"] for r in columns] == [c.column for c in report.columns]
    email = next(r for r in columns if r["column"] == "email")
    assert (email["filled"], email["valid"]) == ("95.8 %", "91.3 %")
    findings = _markdown_table(text, "### Findings")
    assert sum(int(r["count"]) for r in findings) == report.counts["findings"]
    assert any(r["examples"] == "`ta***@`" for r in findings)  # a code span: no emphasis, no @mention
    gate = _markdown_table(text, "### Gate")
    assert sum(r["status"].endswith("fail") for r in gate) == 5
    sizes = _markdown_table(text, "### Duplicates")
    assert sizes[0] == {"cluster size": "1", "clusters": "17"}


def test_github_annotations(report):
    lines = render(report, "github").splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    warnings = [line for line in lines if line.startswith("::warning ")]
    assert len(errors) == 5 and len(warnings) == 1 and lines[-1].startswith("::notice title=crmclean::")
    email = next(line for line in errors if "title=crmclean email on email" in line)
    assert "2 rows (8.3 %25) with findings" in email and "ta***@" in email
    assert escape_data("50%\n::error::x") == "50%25%0A::error::x"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs


def test_html_is_self_contained_with_charts(report):
    page = render(report, "html")
    parser = _Tags()
    parser.feed(page)
    # filled and valid before/after, changes by column, findings per check, cluster sizes
    assert parser.tags.count("svg") == 5
    assert "script" not in parser.tags and "img" not in parser.tags and "link" not in parser.tags
    assert not [v for k, v in parser.attrs if k == "src"]
    assert all(v and v.startswith("#") for k, v in parser.attrs if k == "href")  # the page's own sections
    assert "url(" not in page and "@import" not in page
    assert "default-src 'none'" in page


def test_every_html_chart_has_a_table_of_its_numbers(report):
    page = render(report, "html")
    parser = _Tags()
    parser.feed(page)
    ids = {v for k, v in parser.attrs if k == "id"}
    described = [v for k, v in parser.attrs if k == "aria-describedby"]
    assert len(described) == parser.tags.count("svg") and set(described) <= ids
    assert '<html lang="en">' in page and "@media print" in page and "@media (max-width:" in page
    assert page.index("Gate verdict") < page.index("<h2")  # the verdict comes first


HOSTILE = "<script>alert(1)</script> [red]x[/] |a| **b** `c` %0A\n::error::"


@pytest.fixture
def hostile_report(tmp_path):
    """A finding whose value, message and column name carry markup of every kind, values shown
    (--show-values): masked, the markup would not reach the page at all."""
    data = tmp_path / "h.csv"
    value = HOSTILE.replace('"', "'").replace("\n", " ")
    data.write_text(f'city,"weird|<b>"\n"{value}",1\n', encoding="utf-8")
    rules = tmp_path / "r.yaml"
    rules.write_text(
        "columns: {city: city}\nvalidate:\n"
        "  - {check: regex, column: city, pattern: '[a-z]+', message: 'bad <i>city</i> | *x*'}\n"
        "  - {check: regex, column: 'weird|<b>', pattern: '[a-z]+'}\n",
        encoding="utf-8",
    )
    loaded = load_rules(rules)
    return build_report(check_table(read_table(data), loaded), rules=loaded.rules, show_values=True)


def test_hostile_text_is_escaped(hostile_report):
    page = render(hostile_report, "html")
    assert "<script>" not in page and "&lt;script&gt;" in page and "<i>" not in page and "<b>" not in page
    ET.fromstring(render(hostile_report, "junit"))  # still valid XML
    md = render(hostile_report, "markdown")
    outside_code = re.sub(r"(`+)(?!`).+?(?<!`)\1(?!`)", "", md)
    assert "<script>" in md and "<script>" not in outside_code and "<i>" not in outside_code
    findings = _markdown_table(md, "### Findings")  # a `|` in the data adds no cell (strict zip)
    assert {r["message"] for r in findings} >= {"bad <i>city</i> | *x*"}
    assert [r["column"] for r in _markdown_table(md, "### Columns")] == ["city", "weird|<b>"]
    gh = render(hostile_report, "github")
    assert all(line.startswith("::") for line in gh.splitlines())  # no injected command line
    human = render_human(hostile_report, width=300)
    assert "[red]x[/]" in human  # printed as written, not interpreted as Rich markup


def test_human_report_width_and_colour(report):
    for width in (60, 100, 160):
        text = render_human(report, width=width)
        assert max(len(line) for line in text.splitlines()) <= width
        assert "\x1b[" not in text
    assert "\x1b[" in render_human(report, width=100, color=True)
    assert "duplicates  5 duplicate records found in 2 clusters (20.8 % of 24)" in render_human(
        report, width=200
    )
    console = Console(width=120, record=True, no_color=True, file=io.StringIO())
    print_report(report, console)
    text = console.export_text()
    for part in (
        "Columns",
        "Findings by rule",
        "Largest duplicate clusters",
        "Gate: FAIL",
        "61.7 % → 82.0 %",
    ):
        assert part in text
