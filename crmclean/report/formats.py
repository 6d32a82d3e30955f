"""One entry point for every report format: ``render(report, "markdown")``."""

from __future__ import annotations

from pathlib import Path

from crmclean.errors import UsageError
from crmclean.report.model import Report

FORMATS = ("human", "json", "junit", "markdown", "github", "html")
_EXTENSIONS = {
    ".txt": "human",
    ".json": "json",
    ".xml": "junit",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}


def render(report: Report, fmt: str, *, width: int = 100, color: bool = False) -> str:
    """``report`` as text in ``fmt`` (one of FORMATS). ``width`` and ``color`` apply to human only."""
    if fmt == "human":
        from crmclean.report.console import render_human

        return render_human(report, width=width, color=color)
    if fmt == "json":
        from crmclean.report.json import render_json

        return render_json(report)
    if fmt == "junit":
        from crmclean.report.junit import render_junit

        return render_junit(report)
    if fmt == "markdown":
        from crmclean.report.markdown import render_markdown

        return render_markdown(report)
    if fmt == "github":
        from crmclean.report.github import render_github

        return render_github(report)
    if fmt == "html":
        from crmclean.report.html import render_html

        return render_html(report)
    raise UsageError(f"unknown report format {fmt!r}", hint="one of " + ", ".join(FORMATS))


def format_for_path(path: str) -> str:
    """The report format a file name implies (report.html -> html, junit.xml -> junit...)."""
    found = _EXTENSIONS.get(Path(path).suffix.lower())
    if found is None:
        raise UsageError(
            f"cannot tell the report format from {path!r}",
            hint="give --format, or name the file .json, .xml (JUnit), .md, .html or .txt",
        )
    return found
