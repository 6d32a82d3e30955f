"""The review screen, driven the way Textual apps are tested: App.run_test() and a pilot pressing
keys, on tests/fixtures/good/dupes.csv (its review band: Anna Ivanova, rows 17 and 18) and on a
pairs file of real pairs of it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import polars as pl
import pytest
from textual.widgets import DataTable, Static

from crmclean import api
from crmclean.cli import main
from crmclean.dedupe.decisions import load_decisions
from crmclean.review.app import ReviewApp
from crmclean.review.session import Session

DUPES = "tests/fixtures/good/dupes.csv"
SIZE = (150, 40)


def press(app: ReviewApp, *keys: str) -> dict[str, str]:
    """Run the app, press ``keys``, and return what the screen showed (progress, pair) at the end."""
    shown: dict[str, str] = {}

    async def drive() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            for key in keys:
                await pilot.press(key)
            await pilot.pause()
            shown["progress"] = str(app.query_one("#progress", Static).render())
            shown["pair"] = str(app.query_one("#pair", Static).render())
            shown["verdict"] = str(app.query_one("#verdict", Static).render())
            fields = app.query_one("#fields", DataTable)
            shown["fields"] = "\n".join(
                " | ".join(str(c) for c in fields.get_row_at(i)) for i in range(fields.row_count)
            )
            points = app.query_one("#points", DataTable)
            shown["points"] = "\n".join(
                " | ".join(str(c) for c in points.get_row_at(i)) for i in range(points.row_count)
            )

    asyncio.run(drive())
    return shown


@pytest.fixture
def pairs_file(tmp_path: Path) -> Path:
    # real pairs of dupes.csv: the cohesion split, its cluster mates, two Ivans, the household
    path = tmp_path / "pairs.csv"
    path.write_text("row_a,row_b\n17,18\n16,17\n2,3\n1,6\n", encoding="utf-8")
    return path


def test_the_review_band_shows_both_records_masked_and_the_evidence(tmp_path):
    session = Session.open(DUPES, tmp_path / "decisions.csv")
    assert session.queue == [(17, 18)]  # the cohesion split of the Anna Ivanova chain
    shown = press(ReviewApp(session))
    assert shown["progress"].startswith("pair 1 of 1 · 0 same · 0 different · 0 skipped · 1 left")
    assert "record A: row 17" in shown["pair"] and "record B: row 18" in shown["pair"]
    assert "kept apart by its cluster" in shown["pair"]
    assert "an***@example.com | a.***@example.com | ≠" in shown["fields"]  # masked, and they differ
    assert "+7 *** ***-22-22 | +7 *** ***-22-22 | =" in shown["fields"]
    assert "anna" not in shown["fields"].lower()
    # the evidence is explain's: the same points, field by field
    e = api.explain(DUPES, "C017", "C018").explanation
    assert f"phone | 1.00 | {e.points['phone']:+.1f}" in shown["points"]
    assert f"email | 0.00 | {e.points['email']:+.1f}" in shown["points"]
    # and why the cluster kept them apart: row 16, in 17's cluster, has another birth date than 18
    assert "kept apart: row 16, in the same cluster, against row 18: -2.5 points" in shown["verdict"]
    assert "birth_date -8.0" in shown["verdict"]


def test_show_values_shows_them(tmp_path):
    session = Session.open(DUPES, tmp_path / "decisions.csv", show_values=True)
    shown = press(ReviewApp(session))
    assert "anna.ivanova@example.com | a.ivanova91@example.com" in shown["fields"]
    assert "(C017)" in shown["pair"]


def test_keys_answer_skip_undo_and_every_answer_is_on_disk(tmp_path, pairs_file):
    decisions = tmp_path / "decisions.csv"
    session = Session.open(DUPES, decisions, pairs=pairs_file)
    assert len(session.queue) == 4
    first, second, third, _ = session.queue
    app = ReviewApp(session)
    shown = press(app, "s", "d", "k", "u", "d")
    assert shown["progress"].startswith("pair 4 of 4 · 1 same · 2 different · 0 skipped · 1 left")
    made = load_decisions(decisions).select("left", "right", "decision").rows()
    key = session.key
    assert made == [
        (key(first[0]), key(first[1]), "same"),
        (key(second[0]), key(second[1]), "different"),
        (key(third[0]), key(third[1]), "different"),
    ]
    # undo of an answer takes it off the file, too
    shown = press(ReviewApp(session), "u")
    assert len(load_decisions(decisions)) == 2
    assert shown["progress"].startswith("pair 3 of 4")


def test_an_interrupted_session_resumes_where_it_stopped(tmp_path, pairs_file):
    decisions = tmp_path / "decisions.csv"
    session = Session.open(DUPES, decisions, pairs=pairs_file)
    press(ReviewApp(session), "d", "s")  # then the terminal closes: no quit
    again = Session.open(DUPES, decisions, pairs=pairs_file)
    assert again.already == 2 and again.queue == session.queue[2:]
    shown = press(ReviewApp(again))
    assert "2 decided before" in shown["progress"]


def test_the_end_of_the_queue_says_how_to_apply(tmp_path):
    decisions = tmp_path / "decisions.csv"
    shown = press(ReviewApp(Session.open(DUPES, decisions)), "d", "s")  # the second key: nothing left
    assert "Nothing left to review: 0 same, 1 different" in shown["pair"]
    assert shown["fields"] == ""
    # the decision holds in dedupe: 17 and 18 apart, and no longer in review
    result = api.dedupe(DUPES, decisions=decisions)
    assert (17, 18) not in result.review.select("row_a", "row_b").rows()
    c = result.clusters.filter(pl.col("_row").is_in([17, 18])).get_column("cluster_id").to_list()
    assert c[0] != c[1]


def test_a_pairs_file_of_another_file_is_an_input_error(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text("row_a,row_b\n17,900\n", encoding="utf-8")
    with pytest.raises(Exception, match="rows this file does not have"):
        Session.open(DUPES, tmp_path / "decisions.csv", pairs=path)


def test_review_needs_a_terminal(tmp_path, capsys):
    code = main(["review", DUPES, "--decisions", str(tmp_path / "d.csv")])
    assert code == 2 and "review is interactive" in capsys.readouterr().err


def test_cli_bad_decisions_line_exits_2_naming_the_line(tmp_path, capsys):
    bad = tmp_path / "decisions.csv"
    bad.write_text("left,right,decision,decided_at\nC001,C002,maybe,2026-12-01T10:00:00\n", encoding="utf-8")
    code = main(["dedupe", DUPES, "-o", str(tmp_path / "out.csv"), "--decisions", str(bad)])
    err = capsys.readouterr().err
    assert code == 2 and "line 2" in err and "decision" in err


def test_cli_dedupe_run_and_explain_apply_decisions(tmp_path, capsys):
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(
        "left,right,decision,decided_at\nC001,C003,different,2026-12-01T10:00:00+00:00\n"
        "C001,C999,same,2026-12-01T10:00:00+00:00\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    assert main(["dedupe", DUPES, "-o", str(out), "--decisions", str(decisions)]) == 0
    err = " ".join(capsys.readouterr().err.split())  # the terminal wraps long lines
    assert "decisions: 0 same, 1 different applied; 1 about records not in this file (e.g. C999)" in err
    clusters = pl.read_csv(out, infer_schema=False)
    ids = dict(clusters.select("customer_id", "cluster_id").iter_rows())
    assert ids["C001"] != ids["C003"]
    assert main(["explain", DUPES, "C001", "C003", "--decisions", str(decisions)]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert "decided by decision (different, decided 2026-12-01T10:00:00+00:00)" in said
    folder = tmp_path / "run"
    assert main(["run", DUPES, "--out-dir", str(folder), "--decisions", str(decisions), "-q"]) in (0, 1)
    review = pl.read_csv(folder / "review.csv", infer_schema=False)
    assert {"row_a", "row_b", "score", "decided_by", "first_name_a", "first_name_b"} <= set(review.columns)
    report = (folder / "report.json").read_text(encoding="utf-8")
    assert '"not_in_file": 1' in report
