"""Screenshot of the review screen for the README: docs/img/review.svg (Textual), and review.png when
Chromium is installed (it renders the SVG headless).

    python tools/review_screenshot.py

Values are masked as the screen masks them by default; the file is tests/fixtures/good/dupes.csv.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crmclean.review.app import ReviewApp  # noqa: E402
from crmclean.review.session import Session  # noqa: E402

OUT = ROOT / "docs" / "img"
SIZE = (130, 30)


async def _shoot(session: Session) -> Path:
    app = ReviewApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        return Path(app.save_screenshot("review.svg", str(OUT)))


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)  # the screen names the file as given
    with tempfile.TemporaryDirectory() as scratch:
        session = Session.open("tests/fixtures/good/dupes.csv", Path(scratch) / "decisions.csv")
        svg = asyncio.run(_shoot(session))
    print(svg)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        png = OUT / "review.png"
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--window-size=1300,760", f"--screenshot={png}", svg.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        print(png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
