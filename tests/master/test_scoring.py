"""The master scores later records the way its build did: stored evidence (state.json) and stored,
mergeable value counts (frequencies.parquet)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from crmclean.dedupe.compare import with_frequencies
from crmclean.dedupe.engine import with_rid
from crmclean.master import store
from crmclean.master.add import add
from crmclean.master.keys import key_frame
from crmclean.master.match import Matcher
from crmclean.master.scoring import Scoring, frequencies, merge_counts, with_counts

DATA = Path(__file__).parent / "data"
LOYALTY = DATA / "loyalty.csv"


def _live_state(root: Path) -> Path:
    return (root / "current").resolve() / "state.json"


def test_build_stores_evidence_and_counts(built_master):
    m = store.load(built_master, tables=False)
    evidence = m.state["evidence"]
    assert evidence["kind"].startswith(("learned", "built-in")) and isinstance(evidence["offset"], float)
    assert m.state["frequencies"] == {"file": "frequencies.parquet", "values": m.counts.height}
    keys = key_frame(m.index)
    assert m.counts.equals(frequencies(keys))
    # the stored counts give exactly the n_<key> columns a one-shot dedupe counts itself
    assert with_counts(with_rid(keys), m.counts).equals(with_frequencies(with_rid(keys)))
    email = m.counts.filter(pl.col("key") == "email")
    assert email.get_column("n").sum() == keys.get_column("email").drop_nulls().len()


def test_counts_are_merged_after_add(master_dir):
    before = store.load(master_dir, tables=False)
    add(master_dir, str(LOYALTY), "loyalty", max_merge_share=1.0)
    after = store.load(master_dir, tables=False)
    assert after.counts.equals(frequencies(key_frame(after.index)))  # as if counted from scratch
    new = after.index.filter(pl.col("source") == "loyalty")
    assert after.counts.equals(merge_counts(before.counts, frequencies(key_frame(new))))
    assert after.state["evidence"] == before.state["evidence"]  # never refitted on a batch


def test_stored_evidence_round_trips(built_master):
    m = store.load(built_master, tables=False)
    scoring = Scoring.of_master(m, store.stored_rules(m.state).rules.dedupe)
    assert scoring.to_state() == m.state["evidence"]


def _distrust(root: Path) -> None:
    """Store evidence under which no pair can reach the match threshold (offset 100 points)."""
    path = _live_state(root)
    state = json.loads(path.read_text(encoding="utf-8"))
    state["evidence"]["offset"] = 100.0
    path.write_text(json.dumps(state), encoding="utf-8")


def test_add_scores_with_the_stored_evidence(master_dir):
    _distrust(master_dir)
    result = add(master_dir, str(LOYALTY), "loyalty", max_merge_share=1.0)
    assert (result.attached, result.merged) == (0, 0)  # L1 = S2 matched with the built evidence


def test_match_scores_with_the_stored_evidence(master_dir):
    loyalty = pl.read_csv(LOYALTY, infer_schema=False).to_dicts()
    normal = Matcher(master_dir).match_many(loyalty)
    assert normal[0]["status"] == "match"
    _distrust(master_dir)
    assert Matcher(master_dir).match_many(loyalty)[0]["status"] != "match"


def test_an_answer_does_not_depend_on_the_records_before_it(master_dir):
    loyalty = pl.read_csv(LOYALTY, infer_schema=False).to_dicts()
    matcher = Matcher(master_dir)
    alone = [matcher.match(r) for r in loyalty]
    again = [matcher.match(r) for r in reversed(loyalty)][::-1]
    assert alone == again
    together = matcher.match_many(loyalty)
    assert [a["customer_code"] for a in together] == [a["customer_code"] for a in alone]
