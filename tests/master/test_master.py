"""The customer master on three small exports with headers in Russian, English and Portuguese:

shop_ru.csv  S1 Петров, S2 Смирнова, S3 Кузнецов, S4 Соколова, S5 Волков (email, no phone)
crm_en.csv   E1 Ivan Petrov (= S1: gmail dots and +tag, 8-prefixed phone), E2 = S3, E3 John Smith,
             E4 = S4 (same phone and birth date, another email), E5 Dmitry Volkov (phone, no email:
             too little in common with S5 to merge at build, score 0.85)
loyalty.csv  L1 = S2; L2 and L3 Peter / Pete Brown (one new customer, twice); L4 Dmitry Volkov with
             S5's email and E5's phone: bridges the two codes
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest

from crmclean.master import store
from crmclean.master.add import add
from crmclean.master.batch import content_hashes, number_copies
from crmclean.master.build import build
from crmclean.master.codes import code_number, format_code
from crmclean.master.store import MasterGateError
from crmclean.rules.load import load_rules

DATA = Path(__file__).parent / "data"
SHOP, CRM, LOYALTY = DATA / "shop_ru.csv", DATA / "crm_en.csv", DATA / "loyalty.csv"


def codes_by_record(root) -> dict[tuple[str, str], str]:
    index = store.load(root).index
    return {
        (s, str(cid)): c for s, cid, c in index.select("source", "customer_id", "customer_code").iter_rows()
    }


def test_two_header_languages_build_one_master(built_master):
    m = store.load(built_master)
    codes = codes_by_record(built_master)
    assert m.index.height == 10 and m.golden.height == 7
    assert codes[("shop", "S1")] == codes[("crm", "E1")] == "CUST-0000001"
    assert codes[("shop", "S3")] == codes[("crm", "E2")]
    assert codes[("shop", "S4")] == codes[("crm", "E4")]
    assert codes[("shop", "S5")] != codes[("crm", "E5")]
    assert len({codes[("crm", "E3")], codes[("shop", "S2")]}) == 2
    # roles put Имя and First Name into one column of the golden records
    golden = m.golden.filter(pl.col("customer_code") == "CUST-0000001").row(0, named=True)
    assert golden["records"] == 2 and golden["sources"] == "crm; shop"
    assert golden["last_name"] in ("Petrov", "Петров") and golden["birth_date"] == "1985-03-12"
    # every source record, every original column, plus the master's columns
    records = pl.read_csv(built_master / "records.csv", infer_schema=False)
    assert records.height == 10
    assert {"Фамилия", "Last Name", "customer_code", "source", "_row", "record_key"} <= set(records.columns)
    events = pl.read_csv(built_master / "events.csv", infer_schema=False)
    assert events.columns == [
        "timestamp",
        "event",
        "customer_code",
        "other_code",
        "record_key",
        "source",
        "score",
    ]
    assert events.get_column("event").value_counts().sort("event").rows() == [("attached", 3), ("created", 7)]
    state = json.loads((built_master / "state.json").read_text())
    assert state["codes"] == {"prefix": "CUST-", "digits": 7, "next": 8}
    assert state["rules"]["sha256"] and state["crmclean_version"] and state["master_version"] == 1
    assert (built_master / "lineage.csv").exists() and (built_master / "records.parquet").exists()


def test_second_batch_attaches_creates_and_merges(master_dir):
    before = codes_by_record(master_dir)
    result = add(master_dir, str(LOYALTY), "loyalty", max_merge_share=1.0)
    assert (result.attached, result.created, result.merged) == (2, 1, 1)
    assert result.merges == [("CUST-0000005", "CUST-0000007")]  # the older code survives
    after = codes_by_record(master_dir)
    assert after[("loyalty", "L1")] == before[("shop", "S2")]
    assert after[("loyalty", "L2")] == after[("loyalty", "L3")] == "CUST-0000008"  # new, never reused
    assert after[("loyalty", "L4")] == after[("shop", "S5")] == after[("crm", "E5")] == "CUST-0000005"
    m = store.load(master_dir)
    assert m.state["retired"] == {"CUST-0000007": "CUST-0000005"}
    assert "CUST-0000007" not in m.golden.get_column("customer_code").to_list()
    new_events = m.events.filter(pl.col("source").is_in(["loyalty"]) | (pl.col("event") == "merged"))
    kinds = new_events.select("event", "customer_code", "other_code").rows()
    assert ("merged", "CUST-0000005", "CUST-0000007") in kinds
    assert ("created", "CUST-0000008", None) in kinds
    assert [e for e, *_ in kinds].count("attached") == 3  # L1, L3 (to the new code), L4
    golden = m.golden.filter(pl.col("customer_code") == "CUST-0000005").row(0, named=True)
    assert golden["records"] == 3 and golden["sources"] == "crm; loyalty; shop"
    assert m.events.height == 10 + 5  # append-only: the build's events are all still there
    assert m.events.head(10).equals(store.load(master_dir).events.head(10))


def test_codes_of_untouched_customers_never_change(master_dir):
    old = store.load(master_dir)
    add(master_dir, str(LOYALTY), "loyalty", max_merge_share=1.0)
    new = store.load(master_dir)
    touched = {"CUST-0000002", "CUST-0000005", "CUST-0000007"}
    was = dict(old.index.select("record_key", "customer_code").iter_rows())
    now = dict(new.index.select("record_key", "customer_code").iter_rows())
    for key, code in was.items():
        assert now[key] == (new.state["retired"].get(code, code))
        if code not in touched:
            assert now[key] == code
    untouched = old.golden.filter(pl.col("customer_code").is_in(list(touched)).not_())
    assert untouched.height == 4
    same = new.golden.filter(pl.col("customer_code").is_in(untouched.get_column("customer_code").implode()))
    assert same.select(untouched.columns).equals(untouched)  # golden records of untouched codes too


def test_re_adding_a_file_changes_nothing(master_dir):
    add(master_dir, str(LOYALTY), "loyalty", max_merge_share=1.0)
    link = os.readlink(master_dir / "current")
    files = {n: (master_dir / n).read_bytes() for n in store.USER_FILES}
    again = add(master_dir, str(LOYALTY), "loyalty", max_merge_share=1.0)
    assert again.known == 4 and not again.written
    assert os.readlink(master_dir / "current") == link
    assert {n: (master_dir / n).read_bytes() for n in store.USER_FILES} == files
    # the files the master was built from are recognized too
    assert add(master_dir, str(SHOP), "shop").known == 5


def test_merge_gate_stops_before_writing(master_dir):
    link = os.readlink(master_dir / "current")
    with pytest.raises(MasterGateError, match=r"merge 1 of 7 customer codes \(14.3%\).*nothing was written"):
        add(master_dir, str(LOYALTY), "loyalty", max_merge_share=0.1)
    assert os.readlink(master_dir / "current") == link
    assert store.load(master_dir).index.height == 10


def _rules(tmp_path, priority: list[str]):
    path = tmp_path / f"rules-{'-'.join(priority)}.yaml"
    path.write_text(
        "extends: default\n"
        "dedupe:\n"
        f"  source_priority: [{', '.join(priority)}]\n"
        "  survivorship:\n"
        "    - {role: email, strategy: source_priority}\n"
        "    - {role: city, strategy: source_priority}\n",
        encoding="utf-8",
    )
    return load_rules(path)


@pytest.mark.parametrize(
    ("priority", "email", "city"),
    [
        (["shop", "crm"], "ivan.petrov@gmail.com", "Москва"),
        (["crm", "shop"], "i.van.petrov+crm@gmail.com", "Moscow"),
    ],
)
def test_survivorship_by_source_priority(tmp_path, priority, email, city):
    root = tmp_path / "m"
    build(root, [str(SHOP), str(CRM)], _rules(tmp_path, priority), ["shop", "crm"])
    m = store.load(root)
    golden = m.golden.filter(pl.col("customer_code") == "CUST-0000001").row(0, named=True)
    assert (golden["email"], golden["city"]) == (email, city)
    lineage = m.lineage.filter((pl.col("customer_code") == "CUST-0000001") & (pl.col("column") == "email"))
    assert lineage.select("source", "strategy").row(0) == (priority[0], "source_priority")
    # an added batch is merged with the same stored rules
    add(root, str(LOYALTY), "loyalty", max_merge_share=1.0)
    assert store.load(root).state["rules"]["sha256"] == m.state["rules"]["sha256"]


def test_record_keys_are_content_hashes():
    a = pl.DataFrame(
        {"source": ["s", "s", "s"], "_row": [1, 2, 3], "x": ["1", "1", "2"], "y": ["a", "a", None]}
    )
    b = a.select("y", "_row", "x", "source").with_columns(pl.col("_row") + 10)  # columns and rows moved
    assert content_hashes(a).equals(content_hashes(b))
    keys = number_copies(content_hashes(a)).to_list()
    assert keys[0] != keys[1] and keys[1] == keys[0] + "-1"  # identical copies stay distinct
    other = a.with_columns(pl.lit("t").alias("source"))
    assert content_hashes(other)[0] != content_hashes(a)[0]


def test_code_format():
    assert format_code("CUST-", 1) == "CUST-0000001"
    assert format_code("C", 12345678) == "C12345678"
    assert code_number("CUST-", "CUST-0000042") == 42
    with pytest.raises(Exception, match="not a customer code"):
        code_number("CUST-", "X-1")


def test_building_over_a_master_is_refused(built_master):
    with pytest.raises(Exception, match="already holds a master"):
        build(built_master, [str(SHOP)], load_rules(None))
