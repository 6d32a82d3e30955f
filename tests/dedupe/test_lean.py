"""The lean dedupe paths (bit-mask blocking, scores per distinct pair of values, gathers on _rid,
average linkage only where a pair falls short) give what the plain computation gives, on the
hand-written multilingual export (tests/fixtures/good/dupes.csv)."""

from __future__ import annotations

import polars as pl
import pytest
from rapidfuzz.distance import JaroWinkler

from crmclean import pipeline
from crmclean.dedupe.block import RID, candidate_pairs
from crmclean.dedupe.cluster import cluster
from crmclean.dedupe.compare import (
    FIELDS,
    pair_frame,
    per_value_pair,
    score_pairs,
    similarities,
    with_frequencies,
    with_value_codes,
)
from crmclean.dedupe.engine import in_pair_order, with_rid
from crmclean.dedupe.keys import match_keys
from crmclean.io.read import read_table
from crmclean.rules.load import load_rules
from crmclean.rules.model import DedupeRules


@pytest.fixture(scope="module")
def keys() -> pl.DataFrame:
    loaded = load_rules(None)
    prepared = pipeline.prepare(read_table("tests/fixtures/good/dupes.csv"), loaded)
    return with_frequencies(with_rid(match_keys(prepared.frame, prepared.ctx)))


def _settings() -> DedupeRules:
    return load_rules(None).rules.dedupe


def test_via_names_every_key_that_proposed_the_pair_in_blocking_order(keys: pl.DataFrame) -> None:
    s = _settings()
    pairs = candidate_pairs(keys, s.blocking, s.max_block, s.window).pairs
    assert pairs.columns == ["a", "b", "via"]
    assert pairs.select((pl.col("a") < pl.col("b")).all()).item()
    assert pairs.height == pairs.unique(["a", "b"]).height
    assert pairs.equals(pairs.sort("a", "b"))
    order = {name: i for i, name in enumerate(s.blocking)}
    for via in pairs.get_column("via").unique().to_list():
        names = via.split("+")
        assert names == sorted(set(names), key=order.__getitem__)
    # each key alone proposes exactly the pairs whose via names it
    for name in ("email", "phone", "name_city"):
        alone = candidate_pairs(keys, [name], s.max_block, s.window).pairs.select("a", "b")
        named = pairs.filter(pl.col("via").str.split("+").list.contains(name)).select("a", "b")
        assert alone.sort("a", "b").equals(named.sort("a", "b"))


def test_link_mode_never_pairs_two_excluded_records(keys: pl.DataFrame) -> None:
    s = _settings()
    side = pl.Series([i % 2 == 0 for i in range(keys.height)])
    pairs = candidate_pairs(keys, s.blocking, s.max_block, s.window, exclude=side).pairs
    both = side.gather(pairs.get_column("a")) & side.gather(pairs.get_column("b"))
    assert not both.any()
    everything = candidate_pairs(keys, s.blocking, s.max_block, s.window).pairs
    assert pairs.height == everything.height - int(
        (side.gather(everything.get_column("a")) & side.gather(everything.get_column("b"))).sum()
    )


def test_scores_per_distinct_value_pair_equal_scores_per_pair(keys: pl.DataFrame) -> None:
    s = _settings()
    pairs = candidate_pairs(keys, s.blocking, s.max_block, s.window).pairs
    wide = pair_frame(with_value_codes(keys), pairs)
    plain = pair_frame(keys, pairs)  # no codes: the string path
    assert any(c.startswith("#") for c in wide.columns)

    def jw(combos: pl.DataFrame) -> pl.Series:
        return pl.Series(
            [JaroWinkler.normalized_similarity(x, y) for x, y in combos.iter_rows()], dtype=pl.Float64
        )

    for column in ("first", "last", "city", "street"):
        expected = [
            None if x is None or y is None else JaroWinkler.normalized_similarity(x, y)
            for x, y in plain.select(f"{column}_a", f"{column}_b").iter_rows()
        ]
        for frame in (wide, plain):
            got = per_value_pair(frame, f"{column}_a", f"{column}_b", jw).to_list()
            assert got == expected, column


def test_gathered_pair_frame_is_the_joined_one(keys: pl.DataFrame) -> None:
    s = _settings()
    pairs = candidate_pairs(keys, s.blocking, s.max_block, s.window).pairs
    shuffled = keys.sample(fraction=1.0, shuffle=True, seed=3)  # _rid no longer the position: joins
    gathered, joined = pair_frame(keys, pairs), pair_frame(shuffled, pairs)
    assert gathered.equals(joined, null_equal=True)
    sims = similarities(with_value_codes(keys), pairs)
    assert sims.select(FIELDS).equals(similarities(shuffled, pairs).select(FIELDS), null_equal=True)


def test_a_component_whose_pairs_all_match_stays_whole_and_a_weak_pair_splits(keys: pl.DataFrame) -> None:
    # three records, every pair far over the threshold: one cluster, named after the smallest _rid
    strong = pl.DataFrame(
        {"a": [0, 0, 1], "b": [1, 2, 2], "total": [30.0, 25.0, 28.0], "score": [1.0, 1.0, 1.0]},
        schema={"a": pl.UInt32, "b": pl.UInt32, "total": pl.Float32, "score": pl.Float32},
    )
    labels, _ = cluster(4, strong, 0.9, lambda more: more, offset=5.0)
    assert labels.to_list() == [0, 0, 0, 3]
    # 0~1 and 1~2 match, 0-2 flatly contradicts: average linkage keeps 2 apart
    weak = strong.with_columns(total=pl.Series([30.0, -30.0, 8.5], dtype=pl.Float32))
    labels, _ = cluster(4, weak, 0.9, lambda more: more, offset=5.0)
    assert labels.to_list() == [0, 0, 2, 3]


def test_found_pairs_cover_the_candidates_in_order(keys: pl.DataFrame) -> None:
    s = _settings()
    pairs = candidate_pairs(keys, s.blocking, s.max_block, s.window).pairs
    scored = score_pairs(keys, pairs)
    found = pipeline.dedupe(read_table("tests/fixtures/good/dupes.csv"), load_rules(None)).duplicates
    assert found.pairs.height >= scored.height
    assert found.pairs.equals(found.pairs.sort("a", "b"))
    assert found.keys.get_column(RID).to_list() == list(range(found.keys.height))


def test_pairs_are_put_in_order_column_by_column_as_a_sort_would() -> None:
    frame = pl.DataFrame(
        {"a": [3, 0, 1, 0], "b": [4, 2, 2, 1], "via": ["x", "y", None, "z"], "score": [0.1, 0.2, 0.3, 0.4]},
        schema={"a": pl.UInt32, "b": pl.UInt32, "via": pl.String, "score": pl.Float32},
    )
    assert in_pair_order(frame.get_columns()).equals(frame.sort("a", "b"), null_equal=True)
    ordered = frame.sort("a", "b")
    assert in_pair_order(ordered.get_columns()).equals(ordered)
