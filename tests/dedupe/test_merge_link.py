"""Golden records (survivorship, lineage) and link mode (NEW against EXISTING)."""

from __future__ import annotations

import polars as pl
import pytest
from paths import FIXTURES

from crmclean import pipeline
from crmclean.io.read import ROW, read_table
from crmclean.rules.load import load_rules

DUPES = str(FIXTURES / "good" / "dupes.csv")


@pytest.fixture(scope="module")
def golden():
    loaded = load_rules(None)
    return pipeline.dedupe(read_table(DUPES), loaded).golden(loaded)


def record(golden, cluster_id: int) -> dict:
    return golden.records.filter(pl.col("cluster_id") == cluster_id).row(0, named=True)


def test_one_golden_record_per_cluster(golden):
    records = golden.records
    assert records.get_column("cluster_id").is_unique().all()
    assert records.get_column("cluster_size").sum() == 18  # every source row in exactly one
    rows = records.get_column("source_rows").str.split(" ").explode().cast(pl.Int64).sort()
    assert rows.to_list() == list(range(1, 19))


def test_default_survivorship(golden):
    ivan = record(golden, 1)  # rows 1-3
    assert ivan["source_rows"] == "1 2 3"
    assert ivan["customer_id"] == "C003"  # oldest: created 2018-11-20
    assert ivan["created_at"] == "2018-11-20"
    assert ivan["updated_at"] == "2024-06-01"  # most recent record (row 2)
    assert ivan["email"] == "i.van.petrov+shop@gmail.com"  # from the most recent record with one
    assert ivan["middle_name"] == "Сергеевич"  # names: most frequent; an empty value never wins
    assert ivan["first_name"] == "Ivan"  # IVAN (title-cased by normalize) and Ivan outvote Иван
    smith = record(golden, 12)  # "Smith Bill" (swapped, newer) must not win the names
    assert (smith["first_name"], smith["last_name"]) in (("William", "Smith"), ("Smith", "Bill"))


def test_lineage_names_the_source_row_of_every_value(golden):
    lineage = golden.lineage.filter(pl.col("cluster_id") == 1)
    by_column = {r["column"]: r for r in lineage.iter_rows(named=True)}
    assert by_column["customer_id"]["source_row"] == 3 and by_column["customer_id"]["strategy"] == "oldest"
    assert by_column["updated_at"]["source_row"] == 2 and by_column["updated_at"]["strategy"] == "most_recent"
    assert set(golden.lineage.get_column("cluster_id").unique().to_list()) == {1, 4, 8, 10, 12, 16}


def test_survivorship_from_the_rules_file(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "extends: default\n"
        "dedupe:\n"
        "  default_strategy: most_complete\n"
        "  survivorship:\n"
        "    - {role: email, strategy: oldest}\n"
        "    - {column: street, strategy: longest}\n"
    )
    loaded = load_rules(str(rules))
    merged = pipeline.dedupe(read_table(DUPES), loaded).golden(loaded)
    ivan = merged.records.filter(pl.col("cluster_id") == 1).row(0, named=True)
    assert ivan["email"] == "ivan.petrov@gmail.com"  # row 1 is the oldest record with an email
    assert ivan["street"] == "улица Ленина, дом 5, квартира 12"
    assert ivan["country"] == "RU"  # most complete record: row 1 or 3, both RU


def test_link_mode(tmp_path):
    source = pl.read_csv(DUPES, infer_schema=False)
    existing, new = tmp_path / "existing.csv", tmp_path / "new.csv"
    source.filter(pl.col("customer_id").is_in(["C001", "C004", "C010", "C014"])).write_csv(existing)
    fresh = ["C002", "C003", "C005", "C006", "C011", "C015", "C016", "C017"]
    source.filter(pl.col("customer_id").is_in(fresh)).write_csv(new)
    linked = pipeline.link(read_table(str(new)), read_table(str(existing)), load_rules(None))
    out = {r["customer_id"]: r for r in linked.annotated.iter_rows(named=True)}
    assert linked.annotated.height == 8 and linked.annotated.get_column(ROW).to_list() == list(range(1, 9))
    assert out["C002"]["existing_id"] == out["C003"]["existing_id"] == "C001"
    assert out["C005"]["existing_id"] == "C004" and out["C011"]["existing_id"] == "C010"
    for cid in ("C006", "C015", "C016", "C017"):  # household, colleague, and two new customers
        assert out[cid]["status"] == "new" and out[cid]["existing_id"] is None
    assert out["C002"]["status"] == "existing"
    assert out["C016"]["cluster_id"] == out["C017"]["cluster_id"]  # a duplicate inside NEW
    assert out["C002"]["cluster_id"] == out["C003"]["cluster_id"]
