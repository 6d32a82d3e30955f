"""A person's decisions (``--decisions``) on the customer master, on the three small exports described
in test_master.py: S1 = E1 (CUST-0000001), S3 = E2, S4 = E4 at build; S5 and E5 (Dmitry Volkov) kept
apart at build (0.85), bridged by L4 in loyalty.csv; L1 = S2; L2 = L3 (Peter / Pete Brown)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl

from crmclean.cli import main
from crmclean.master import store
from crmclean.master.add import add
from crmclean.master.build import build
from crmclean.rules.load import load_rules

DATA = Path(__file__).parent / "data"
SHOP, CRM, LOYALTY = DATA / "shop_ru.csv", DATA / "crm_en.csv", DATA / "loyalty.csv"
WHEN = "2026-12-01T10:00:00+00:00"


def decisions_file(path: Path, *rows: tuple[str, str, str]) -> Path:
    lines = ["left,right,decision,decided_at", *(f"{a},{b},{d},{WHEN}" for a, b, d in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def codes(root: Path) -> dict[str, str]:
    """Customer id -> customer code (the ids are unique across the three files)."""
    index = store.load(root).index
    return dict(index.select("customer_id", "customer_code").iter_rows())


def events(root: Path, *kinds: str) -> list[tuple]:
    frame = store.load(root).events.filter(pl.col("event").is_in(list(kinds)))
    return frame.select("event", "customer_code", "other_code", "source").rows()


def test_build_honours_same_and_different(tmp_path):
    path = decisions_file(
        tmp_path / "d.csv", ("S1", "E1", "different"), ("S5", "E5", "same"), ("X9", "S2", "same")
    )
    built = build(tmp_path / "m", [str(SHOP), str(CRM)], load_rules(None), ["shop", "crm"], decisions=path)
    by_id = codes(tmp_path / "m")
    assert by_id["S1"] != by_id["E1"]  # a match at 1.0, told apart
    assert by_id["S5"] == by_id["E5"]  # 0.85, joined
    assert by_id["S3"] == by_id["E2"] and by_id["S4"] == by_id["E4"]  # the rest as without decisions
    summary = built.decisions.summary()
    assert (summary["same"], summary["different"], summary["not_in_file"]) == (1, 1, 1)
    assert summary["not_in_file_examples"] == ["X9"]
    assert summary["threshold"] is None  # the master never fits the threshold
    state = json.loads((tmp_path / "m" / "state.json").read_text())
    (entry,) = state["decisions"]
    assert entry["file"] == str(path) and len(entry["sha256"]) == 64 and entry["not_in_master"] == 1


def test_a_build_of_one_file_takes_row_numbers(tmp_path):
    path = decisions_file(tmp_path / "d.csv", ("row:1", "E1", "different"))
    build(tmp_path / "m", [str(SHOP), str(CRM)], load_rules(None), ["shop", "crm"], decisions=path)
    # two files: row:1 names no one record, and is reported, not guessed
    assert codes(tmp_path / "m")["S1"] == codes(tmp_path / "m")["E1"]
    path = decisions_file(tmp_path / "d.csv", ("row:1", "row:4", "same"))
    build(tmp_path / "one", [str(SHOP)], load_rules(None), ["shop"], decisions=path)
    by_id = codes(tmp_path / "one")
    assert by_id["S1"] == by_id["S4"] and len(set(by_id.values())) == 4


def test_a_different_inside_a_code_splits_it_and_a_same_merges_two(master_dir, tmp_path):
    before = store.load(master_dir)
    path = decisions_file(
        tmp_path / "d.csv",
        ("S4", "E4", "different"),  # CUST-0000004 holds both: split
        ("S1", "E2", "same"),  # CUST-0000001 and CUST-0000003: merged, the older survives
        ("L1", "S2", "different"),  # L1 would attach to S2's code
        ("row:3", "E3", "same"),  # L3 (row 3 of the batch) is John Smith's, whatever the scores
        ("Z1", "Z2", "same"),  # nobody in the master
    )
    result = add(master_dir, str(LOYALTY), "loyalty", max_merge_share=1.0, decisions=path)
    by_id = codes(master_dir)
    m = store.load(master_dir)
    # the split: S4 keeps the code (its oldest record), E4 gets a new one, never a reused one
    assert by_id["S4"] == "CUST-0000004" and by_id["E4"] == "CUST-0000008"
    assert ("split", "CUST-0000008", "CUST-0000004", "crm") in events(master_dir, "split")
    # the merge: one code, the other retired and leading to it
    assert by_id["S1"] == by_id["E1"] == by_id["S3"] == by_id["E2"] == "CUST-0000001"
    assert m.state["retired"]["CUST-0000003"] == "CUST-0000001"
    assert ("merged", "CUST-0000001", "CUST-0000003", "crm") in events(master_dir, "merged")
    # the batch: L1 a new customer, L3 with E3, L4 bridges S5 and E5 as without decisions
    assert by_id["L1"] not in {c for i, c in by_id.items() if i != "L1"}
    assert by_id["L3"] == by_id["E3"] == "CUST-0000006" and by_id["L2"] != by_id["L3"]
    assert by_id["L4"] == by_id["S5"] == by_id["E5"] == "CUST-0000005"
    summary = result.summary()["decisions"]
    assert (summary["split_codes"], summary["merged_codes"], summary["not_in_file"]) == (1, 1, 1)
    # golden records follow: the split code and its new code are each one record
    golden = dict(m.golden.select("customer_code", "records").iter_rows())
    assert golden["CUST-0000004"] == 1 and golden["CUST-0000008"] == 1 and golden["CUST-0000001"] == 4
    assert "CUST-0000003" not in golden
    # codes and golden records of customers no decision or record touched never change
    old_golden = before.golden.filter(pl.col("customer_code") == "CUST-0000002")
    assert by_id["S2"] == "CUST-0000002"
    now = m.golden.filter(pl.col("customer_code") == "CUST-0000002")
    assert now.select(old_golden.columns).equals(old_golden)
    assert m.state["decisions"][-1]["split_codes"] == 1


def test_re_adding_with_the_decisions_changes_nothing(master_dir, tmp_path):
    path = decisions_file(tmp_path / "d.csv", ("S4", "E4", "different"), ("L1", "S2", "different"))
    add(master_dir, str(LOYALTY), "loyalty", max_merge_share=1.0, decisions=path)
    link = os.readlink(master_dir / "current")
    files = {n: (master_dir / n).read_bytes() for n in store.USER_FILES}
    again = add(master_dir, str(LOYALTY), "loyalty", max_merge_share=1.0, decisions=path)
    assert again.known == 4 and not again.written
    assert again.decisions.summary()["split_codes"] == 0
    assert os.readlink(master_dir / "current") == link
    assert {n: (master_dir / n).read_bytes() for n in store.USER_FILES} == files


def test_decisions_apply_to_a_batch_already_in_the_master(master_dir, tmp_path):
    """No new record, but a decision the master does not yet agree with: the master is changed."""
    path = decisions_file(tmp_path / "d.csv", ("row:1", "S1", "different"), ("E5", "S5", "same"))
    result = add(master_dir, str(CRM), "crm", decisions=path)
    assert result.written and result.known == 5
    by_id = codes(master_dir)
    assert by_id["S1"] == "CUST-0000001" and by_id["E1"] == "CUST-0000008"  # row 1 of crm_en.csv
    assert by_id["S5"] == by_id["E5"] == "CUST-0000005"
    assert events(master_dir, "split", "merged") == [
        ("split", "CUST-0000008", "CUST-0000001", "crm"),
        ("merged", "CUST-0000005", "CUST-0000007", "crm"),
    ]


def test_a_different_between_a_new_record_and_codes_is_never_bridged(master_dir, tmp_path):
    """L4 matches S5 and E5 (it bridges their codes): a `different` between S5 and E5 keeps the
    bridge from merging them; L4 joins one of the two."""
    path = decisions_file(tmp_path / "d.csv", ("S5", "E5", "different"))
    result = add(master_dir, str(LOYALTY), "loyalty", max_merge_share=1.0, decisions=path)
    by_id = codes(master_dir)
    assert by_id["S5"] != by_id["E5"] and result.merged == 0
    assert by_id["L4"] in (by_id["S5"], by_id["E5"])
    # a `same` that contradicts a `different` across codes is refused, not applied
    path = decisions_file(tmp_path / "d2.csv", ("S5", "E5", "different"), ("L4", "E5", "same"))
    add(master_dir, str(LOYALTY), "loyalty", max_merge_share=1.0, decisions=path)
    assert codes(master_dir)["S5"] != codes(master_dir)["E5"]


def test_master_cli_takes_decisions(tmp_path, capsys):
    root = tmp_path / "m"
    path = decisions_file(tmp_path / "d.csv", ("S1", "E1", "different"), ("Q1", "E5", "same"))
    argv = ["master", "build", str(root), str(SHOP), str(CRM), "-s", "shop", "-s", "crm"]
    assert main([*argv, "--decisions", str(path), "-f", "json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["customers"] == 8 and info["decisions"]["not_in_file"] == 1
    path = decisions_file(tmp_path / "d.csv", ("S4", "E4", "different"))
    assert main(["master", "add", str(root), str(CRM), "-s", "crm", "--decisions", str(path)]) == 0
    said = capsys.readouterr().err
    assert "decisions: 0 same, 1 different applied; 1 codes split" in " ".join(said.split())
    assert main(["master", "add", str(root), str(CRM), "--decisions", str(tmp_path / "no.csv")]) == 2
