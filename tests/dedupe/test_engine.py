"""Clusters on a hand-written multilingual export (tests/fixtures/good/dupes.csv):

rows 1-3   Иван Петров / IVAN PETROV / Ivan Petrov: three spellings, phone formats, gmail dots+tag
rows 4-5   Саша / Александр Смирнов: nickname, same phone and birth date
row 6      Наталья Петрова: same phone and flat as rows 1-3 -- a household, not a duplicate
row 7      Иван Петров from Novosibirsk: a namesake
rows 8-9   An Văn Nguyễn / An Van Nguyen: diacritics, VN phone formats, dd/mm dates
rows 10-11 José / Zé da Silva: nickname, CPF with and without punctuation
rows 12-13 William Smith / "Smith Bill": nickname and swapped first/last
rows 14-15 two colleagues at ООО «Ромашка» / Romashka LLC: shared phone, address, company tax id
rows 16-18 Anna Ivanova x3: 16~17 share an email, 17~18 a phone, 16 and 18 have other birth dates
"""

from __future__ import annotations

import polars as pl
import pytest
from paths import FIXTURES

from crmclean import pipeline
from crmclean.dedupe.cluster import average_linkage, components
from crmclean.io.read import ROW, read_table
from crmclean.rules.load import load_rules

DUPES = str(FIXTURES / "good" / "dupes.csv")


@pytest.fixture(scope="module")
def deduped():
    return pipeline.dedupe(read_table(DUPES), load_rules(None))


def clusters(deduped) -> dict[int, int]:
    frame = deduped.annotated()
    return dict(zip(frame.get_column(ROW).to_list(), frame.get_column("cluster_id").to_list(), strict=True))


def test_expected_clusters(deduped):
    c = clusters(deduped)
    groups: dict[int, set[int]] = {}
    for row, cid in c.items():
        groups.setdefault(cid, set()).add(row)
    found = sorted(sorted(g) for g in groups.values() if len(g) > 1)
    assert found[:5] == [[1, 2, 3], [4, 5], [8, 9], [10, 11], [12, 13]]
    assert c[16] != c[18]  # chaining prevented


def test_household_namesake_and_colleagues_stay_apart(deduped):
    c = clusters(deduped)
    assert c[6] not in (c[1], c[7])  # household at row 1's phone and flat; namesake in Novosibirsk
    assert c[7] != c[1]
    assert c[14] != c[15]


def test_chain_is_cut_where_the_cluster_disagrees(deduped):
    c = clusters(deduped)
    assert c[16] == c[17] or c[17] == c[18]  # one link of the chain holds
    assert c[16] != c[18]
    decisions = deduped.duplicates.pairs
    # the link not kept is still reported, in the review band
    assert "review" in decisions.get_column("decision").to_list()


def test_cluster_ids_sizes_and_scores(deduped):
    frame = deduped.annotated()
    assert frame.height == 18 and frame.get_column(ROW).to_list() == list(range(1, 19))
    first = frame.filter(pl.col(ROW) == 1).row(0, named=True)
    assert (first["cluster_id"], first["cluster_size"]) == (1, 3)
    assert first["match_score"] > 0.99
    alone = frame.filter(pl.col(ROW) == 7).row(0, named=True)
    assert (alone["cluster_id"], alone["cluster_size"], alone["match_score"]) == (7, 1, None)


def test_deterministic_and_order_independent(tmp_path):
    source = pl.read_csv(DUPES, infer_schema=False)
    loaded = load_rules(None)
    a = pipeline.dedupe(read_table(DUPES), loaded)
    b = pipeline.dedupe(read_table(DUPES), loaded)
    assert a.annotated().equals(b.annotated()) and a.duplicates.pairs.equals(b.duplicates.pairs)
    # the same records in reverse order: the same groups of customer ids
    path = tmp_path / "reversed.csv"
    source.reverse().write_csv(path)
    r = pipeline.dedupe(read_table(str(path)), loaded).annotated()

    def groups(frame: pl.DataFrame) -> set[frozenset[str]]:
        ids = frame.group_by("cluster_id").agg("customer_id").get_column("customer_id")
        return {frozenset(g) for g in ids.to_list()}

    assert groups(a.annotated()) == groups(r)


def test_block_cap_skips_and_counts_huge_blocks(tmp_path):
    rows = [
        f"C{i},Anna,Ivanova,one@example.com,+7 916 {i:03d}-00-00,19{50 + i % 40}-01-01" for i in range(120)
    ]
    path = tmp_path / "shared.csv"
    path.write_text("customer_id,first_name,last_name,email,phone,birth_date\n" + "\n".join(rows) + "\n")
    found = pipeline.dedupe(read_table(str(path)), load_rules(None)).duplicates
    assert found.blocking.skipped_blocks.get("email") == 1  # 120 records share one email: over 100
    assert found.compared < 120 * 119 // 2


def test_components_and_average_linkage():
    assert components(5, [0, 1, 3], [1, 2, 4]) == [0, 0, 0, 3, 3]
    scores = {(0, 1): 0.99, (1, 2): 0.99, (0, 2): 0.0}
    assert average_linkage([0, 1, 2], scores, 0.9) in ([[0, 1], [2]], [[0], [1, 2]])
    assert average_linkage([0, 1, 2], {**scores, (0, 2): 0.95}, 0.9) == [[0, 1, 2]]


def test_weights_from_the_rules_file_change_the_decision(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("extends: default\ndedupe:\n  weights: {email: 0, phone: 0}\n  match: 0.99\n")
    d = pipeline.dedupe(read_table(DUPES), load_rules(str(rules)))
    c = clusters(d)
    assert c[16] != c[17]  # they shared only an email and a name: without the email, not enough
    assert c[1] == c[3]  # name, birth date and address still carry rows 1 and 3


def test_learned_evidence_fits_the_file_and_keeps_clear_duplicates(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("extends: default\ndedupe: {learn: true}\n")
    d = pipeline.dedupe(read_table(DUPES), load_rules(str(rules)))
    c = clusters(d)
    assert c[1] == c[2] == c[3] and c[4] == c[5]
    assert d.duplicates.pairs.get_column("score").is_between(0, 1).all()
