"""The HTML report of `crmclean run examples/customers.csv`, opened in a real headless Chromium: the
page the browser built (its DOM, after parsing) says the verdict, a column's before and after, and
the changes; a screenshot is kept (under the test's tmp dir, and in $CRMCLEAN_ARTIFACTS when set).
Skipped where no Chromium is installed (Debian: ``apt-get install chromium``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "customers.csv"
BROWSER = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium installed")
PNG = b"\x89PNG\r\n\x1a\n"


class _Page(HTMLParser):
    """The DOM's text, and each table with an id as rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "title"):
            self._skip += 1
        elif tag == "table":
            self._table = dict(attrs).get("id") or ""
            self.tables.setdefault(self._table, [])
        elif tag == "tr" and self._table is not None:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title"):
            self._skip -= 1
        elif tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None and self._table is not None:
            self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[bytes]:
    assert BROWSER is not None
    command = [
        BROWSER,
        "--headless",
        "--no-sandbox",  # root in a container has no user namespace for the sandbox
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "out"
    done = subprocess.run(
        [sys.executable, "-m", "crmclean", "run", str(EXAMPLE), "--out-dir", str(out), "--quiet"],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr.decode()
    return out


def test_the_browser_shows_verdict_columns_and_changes(ran: Path, tmp_path: Path) -> None:
    page = ran / "report.html"
    done = _chromium("--dump-dom", page.as_uri(), profile=tmp_path / "profile")
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    dom = _Page()
    dom.feed(done.stdout.decode("utf-8"))
    text = " ".join(" ".join(dom.text).split())
    report = json.loads((ran / "report.json").read_text(encoding="utf-8"))

    verdict = {"pass": "Pass", "warn": "Pass with warnings", "fail": "Fail"}[report["gate"]["verdict"]]
    assert f"Gate verdict {verdict}" in text  # first thing on the page
    assert text.index("Gate verdict") < text.index("Columns: before and after")

    columns = {row[0]: row for row in dom.tables["columns-table"][1:]}
    header = dom.tables["columns-table"][0]
    first = dict(zip(header, columns["first_name"], strict=True))
    assert (
        first["filled before"] == "83.3 %" and first["filled after"] == "▲ 100 %"
    )  # 4 filled from full_name
    phone = dict(zip(header, columns["phone"], strict=True))
    assert phone["valid before"] == "0 %" and phone["valid after"].endswith("95.7 %")
    assert phone["repaired"] == "22"

    changes = {(row[0], row[1]): row for row in dom.tables["changes-by-column"][1:]}
    assert changes[("country", "normalize:country")][-1] == "23"
    assert f"{report['cells_changed']:,} cells changed" in text and "86 cells changed" in text

    sizes = {row[0]: row for row in dom.tables["sizes-table"][1:]}
    assert sizes["2"][1] == "5" and "phone (5)" in sizes["2"][3]
    assert "Пе***" in text and "Петров" not in text  # names masked


@pytest.mark.parametrize(("name", "size"), [("desktop", "1280,2200"), ("phone", "390,2400")])
def test_a_screenshot_is_kept(ran: Path, tmp_path: Path, name: str, size: str) -> None:
    shot = tmp_path / f"report-{name}.png"
    done = _chromium(
        f"--window-size={size}",
        f"--screenshot={shot}",
        (ran / "report.html").as_uri(),
        profile=tmp_path / "p",
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    data = shot.read_bytes()
    assert data.startswith(PNG) and len(data) > 20_000  # a page was drawn, not a blank
    width = int.from_bytes(data[16:20], "big")
    assert width == int(size.split(",")[0])
    artifacts = os.environ.get("CRMCLEAN_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(artifacts) / shot.name)
